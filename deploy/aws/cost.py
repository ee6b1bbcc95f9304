"""Whole-stack monthly cost of a tier and network mode, from dated ap-south-1 prices with their sources.

Every price is a setting below with the page it belongs to and, where it was checked, against what and
when (`checked`); a price with no check is the author's recollection of the list price and is marked
with `*` in the table. This machine reaches no AWS pricing page; the checks were made on PRICES_AS_OF
with public, dated material found by search. Usage (log volume, LCUs, data through NAT, index size,
tokens) is stated per line so a reader can disagree with a number instead of a total.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PRICES_AS_OF = "2026-12-01"
HOURS_PER_MONTH = 730
DAYS_PER_MONTH = 30.4

_PRICING = "https://aws.amazon.com/{}/pricing/"
# a public repository's budget document (2026-09-18) reconciling its own ap-south-1 bill of 2026-09-16:
# each unit price is cost / quantity of a usage line (APS3-NatGateway-Hours, APS3-LoadBalancerUsage, ...)
_MUMBAI_BILL = "checked: cost/quantity on a published ap-south-1 bill of 2026-09-16"
# the plan's Fargate prices are us-east-1's list prices (Vantage, "AWS Fargate Pricing Explained", read on
# PRICES_AS_OF), not ap-south-1's: kept as the plan's figures, not checked for Mumbai (likely higher)
_PLAN_FARGATE = "the deployment plan's figure = us-east-1's list price (Vantage)"
_LITELLM = (
    "checked: LiteLLM's public price table (BerriAI/litellm model_prices_and_context_window.json, "
    "bedrock/ap-south-1/meta.llama3-70b-instruct-v1:0; us-east-1 is $0.00265 / $0.0035)"
)


@dataclass(frozen=True)
class Price:
    usd: float
    unit: str
    source: str
    checked: str = ""  # against what it was checked on PRICES_AS_OF; empty: not checked


PRICES: Mapping[str, Price] = {
    "fargate_vcpu_hour": Price(0.04048, "vCPU-hour", _PLAN_FARGATE),
    "fargate_gb_hour": Price(0.004445, "GB-hour", _PLAN_FARGATE),
    "alb_hour": Price(0.0239, "ALB-hour", _PRICING.format("elasticloadbalancing"), _MUMBAI_BILL),
    "alb_lcu_hour": Price(0.008, "LCU-hour", _PRICING.format("elasticloadbalancing")),
    "rds_t3_micro_hour": Price(0.020, "instance-hour, Single-AZ", _PRICING.format("rds/postgresql")),
    "rds_t3_small_hour": Price(0.040, "instance-hour, Single-AZ", _PRICING.format("rds/postgresql")),
    "rds_gp3_gb_month": Price(0.131, "GB-month, Single-AZ", _PRICING.format("rds/postgresql")),
    "efs_standard_gb_month": Price(0.33, "GB-month", _PRICING.format("efs")),
    "backup_efs_gb_month": Price(0.055, "GB-month (warm)", _PRICING.format("backup")),
    "nat_hour": Price(0.056, "NAT gateway-hour", _PRICING.format("vpc"), _MUMBAI_BILL),
    "nat_gb": Price(0.056, "GB processed", _PRICING.format("vpc"), _MUMBAI_BILL),
    "endpoint_hour": Price(0.011, "interface endpoint-hour per AZ", _PRICING.format("privatelink")),
    "endpoint_gb": Price(0.01, "GB processed", _PRICING.format("privatelink")),
    "ipv4_hour": Price(
        0.005,
        "public IPv4 address-hour",
        _PRICING.format("vpc"),
        "checked: AWS's announcement (every public IPv4 address, every region, from 2024-02-01; AWS "
        "networking blog 'Identify and optimize public IPv4 address usage on AWS') and the ap-south-1 "
        "bill of 2026-09-16 (3 addresses, $10.9 a month)",
    ),
    "logs_ingest_gb": Price(0.67, "GB ingested", _PRICING.format("cloudwatch")),
    "logs_store_gb_month": Price(0.033, "GB-month", _PRICING.format("cloudwatch")),
    # target tracking makes two alarms per policy (high and low), billed like any other
    "alarm_month": Price(0.10, "standard alarm-month", _PRICING.format("cloudwatch")),
    "metric_month": Price(0.30, "custom metric-month (first 10,000)", _PRICING.format("cloudwatch")),
    "container_insights_month": Price(
        3.00,
        "service-month (estimate: ~10 metrics a service, ~10 its task family)",
        _PRICING.format("cloudwatch"),
    ),
    "secret_month": Price(0.40, "secret-month", _PRICING.format("secrets-manager")),
    "kms_key_month": Price(1.00, "customer managed key-month", _PRICING.format("kms")),
    "ecr_gb_month": Price(0.10, "GB-month", _PRICING.format("ecr")),
    "mq_m5_large_hour": Price(0.288, "broker instance-hour (x3 in a cluster)", _PRICING.format("amazon-mq")),
    "mq_storage_gb_month": Price(0.10, "GB-month (EBS)", _PRICING.format("amazon-mq")),
    "redis_t4g_micro_hour": Price(0.017, "node-hour", _PRICING.format("elasticache")),
    "bedrock_input_1k": Price(
        0.00318, "1,000 input tokens (Llama 3 70B)", _PRICING.format("bedrock"), _LITELLM
    ),
    "bedrock_output_1k": Price(
        0.0042, "1,000 output tokens (Llama 3 70B)", _PRICING.format("bedrock"), _LITELLM
    ),
}

# usage assumptions, each visible in the table
QUESTIONS_PER_DAY = 250
# measured 2026-12-01 by `python -m bench.prompt_tokens` (docs/benchmarks.md): the mean Converse request
# of the realistic dev questions (Llama 3 tokenizer, chat template included); every question is assumed
# to reach Bedrock, although those without context are answered without a call
INPUT_TOKENS_PER_QUESTION = 1708
# the answer is capped at BEDROCK_MAX_TOKENS (600): the cap is the figure used (the extractive answers,
# the only proxy measurable here, average 334 tokens and quote the Act verbatim)
OUTPUT_TOKENS_PER_QUESTION = 600
INTERFACE_ENDPOINTS = 5  # ecr.api, ecr.dkr, logs, secretsmanager, bedrock-runtime (S3 is a free gateway)
# production adds the Redis auth token, REDIS_URL and RATE_LIMIT_KEY_SECRET
SECRETS = {"minimal": 7, "production": 10}
# BacklogPerConsumer (the gateway's EMF lines): one metric per live stage
CUSTOM_METRICS = 3
LOG_GB_PER_MONTH = 1.0
ECR_GB = 5.0
INDEX_GB = 0.2
NAT_GB_PER_MONTH = 20.0  # image pulls on deploys and scale-outs (about 1.3 GB a task start) and Bedrock
ALB_LCU_AVERAGE = 0.1
PIPELINE_HOURS_PER_MONTH = 2.0
PLAN_BUDGET_USD = (40.0, 45.0)


@dataclass(frozen=True)
class Line:
    item: str
    usage: str
    usd: float
    prices: tuple[str, ...] = ()  # the PRICES it is made of

    @property
    def checked(self) -> bool:
        return all(PRICES[name].checked for name in self.prices)


def _p(name: str) -> float:
    return PRICES[name].usd


def _fargate_hour(task_definition: Mapping[str, Any]) -> float:
    vcpu = int(task_definition["cpu"]) / 1024
    memory_gb = int(task_definition["memory"]) / 1024
    return vcpu * _p("fargate_vcpu_hour") + memory_gb * _p("fargate_gb_hour")


_FARGATE = ("fargate_vcpu_hour", "fargate_gb_hour")


@dataclass(frozen=True)
class LiveService:
    """An ECS service of the stack at its minimum task count (scaling out adds tasks of this size)."""

    name: str
    task_definition: Mapping[str, Any]
    tasks: int
    scaling_policies: int


def monthly_lines(
    *,
    tier: str,
    network_mode: str,
    live_services: Sequence[LiveService],
    pipeline_task_definition: Mapping[str, Any],
) -> list[Line]:
    """One line per billed item of the stack in this tier and network mode, a month of 730 hours."""
    if tier not in SECRETS or network_mode not in ("public", "nat", "endpoints"):
        raise ValueError(f"unknown tier {tier!r} or network mode {network_mode!r}")
    production = tier == "production"
    tasks = sum(service.tasks for service in live_services)
    h = HOURS_PER_MONTH
    lines = [
        Line(
            f"Fargate, {service.name}",
            f"{service.tasks} x {int(service.task_definition['cpu']) / 1024:g} vCPU / "
            f"{int(service.task_definition['memory']) / 1024:g} GB x {h} h",
            service.tasks * h * _fargate_hour(service.task_definition),
            _FARGATE,
        )
        for service in live_services
    ]
    lines += [
        Line(
            "Fargate, data pipeline",
            f"{PIPELINE_HOURS_PER_MONTH:g} h of RunTask",
            PIPELINE_HOURS_PER_MONTH * _fargate_hour(pipeline_task_definition),
            _FARGATE,
        ),
        Line("ALB hours", f"{h} h", h * _p("alb_hour"), ("alb_hour",)),
        Line(
            "ALB LCUs",
            f"{ALB_LCU_AVERAGE:g} LCU average x {h} h",
            ALB_LCU_AVERAGE * h * _p("alb_lcu_hour"),
            ("alb_lcu_hour",),
        ),
    ]
    db_price = "rds_t3_small_hour" if production else "rds_t3_micro_hour"
    copies = 2 if production else 1
    lines += [
        Line(
            "RDS instance",
            ("db.t3.small Multi-AZ" if production else "db.t3.micro Single-AZ") + f" x {h} h",
            copies * h * _p(db_price),
            (db_price,),
        ),
        Line(
            "RDS storage",
            f"20 GB gp3 x {copies}",
            copies * 20 * _p("rds_gp3_gb_month"),
            ("rds_gp3_gb_month",),
        ),
        Line("RDS backups", "7 days, within the free allowance (= storage)", 0.0),
        Line(
            "EFS",
            f"{INDEX_GB:g} GB standard",
            INDEX_GB * _p("efs_standard_gb_month"),
            ("efs_standard_gb_month",),
        ),
        Line(
            "AWS Backup (EFS)",
            f"{INDEX_GB * 14:g} GB-month (14 daily copies)",
            INDEX_GB * 14 * _p("backup_efs_gb_month"),
            ("backup_efs_gb_month",),
        ),
    ]
    policies = sum(service.scaling_policies for service in live_services)
    addresses = 2 + (tasks if network_mode == "public" else 0) + (1 if network_mode == "nat" else 0)
    if network_mode == "nat":
        lines += [
            Line("NAT gateway hours", f"1 x {h} h", h * _p("nat_hour"), ("nat_hour",)),
            Line("NAT data", f"{NAT_GB_PER_MONTH:g} GB", NAT_GB_PER_MONTH * _p("nat_gb"), ("nat_gb",)),
        ]
    elif network_mode == "endpoints":
        lines += [
            Line(
                "VPC interface endpoints",
                f"{INTERFACE_ENDPOINTS} x 2 AZ x {h} h",
                INTERFACE_ENDPOINTS * 2 * h * _p("endpoint_hour"),
                ("endpoint_hour",),
            ),
            Line(
                "VPC endpoint data",
                f"{NAT_GB_PER_MONTH:g} GB",
                NAT_GB_PER_MONTH * _p("endpoint_gb"),
                ("endpoint_gb",),
            ),
        ]
    pieces = (
        "ALB 2"
        + (f" + tasks {tasks}" if network_mode == "public" else "")
        + (" + NAT 1" if network_mode == "nat" else "")
    )
    lines.append(
        Line("Public IPv4 addresses", f"{pieces} x {h} h", addresses * h * _p("ipv4_hour"), ("ipv4_hour",))
    )
    lines += [
        Line(
            "CloudWatch Logs",
            f"{LOG_GB_PER_MONTH:g} GB ingested, 30-day retention",
            LOG_GB_PER_MONTH * (_p("logs_ingest_gb") + _p("logs_store_gb_month")),
            ("logs_ingest_gb", "logs_store_gb_month"),
        ),
        Line(
            "Container Insights",
            f"1 cluster, {len(live_services)} service{'s' if len(live_services) > 1 else ''}",
            len(live_services) * _p("container_insights_month"),
            ("container_insights_month",),
        ),
        Line(
            "CloudWatch alarms",
            f"CPU + memory 2 x {len(live_services)}, target tracking 2 x {policies} policies",
            (2 * len(live_services) + 2 * policies) * _p("alarm_month"),
            ("alarm_month",),
        ),
        Line(
            "CloudWatch custom metrics",
            f"BacklogPerConsumer, {CUSTOM_METRICS} stages",
            CUSTOM_METRICS * _p("metric_month"),
            ("metric_month",),
        ),
        Line(
            "Secrets Manager",
            f"{SECRETS[tier]} secrets",
            SECRETS[tier] * _p("secret_month"),
            ("secret_month",),
        ),
        Line("KMS key", "1", _p("kms_key_month"), ("kms_key_month",)),
        Line("ECR storage", f"{ECR_GB:g} GB", ECR_GB * _p("ecr_gb_month"), ("ecr_gb_month",)),
    ]
    if production:
        lines += [
            Line(
                "Amazon MQ for RabbitMQ",
                f"mq.m5.large cluster, 3 x {h} h",
                3 * h * _p("mq_m5_large_hour"),
                ("mq_m5_large_hour",),
            ),
            Line(
                "Amazon MQ storage",
                "3 x 200 GB",
                3 * 200 * _p("mq_storage_gb_month"),
                ("mq_storage_gb_month",),
            ),
            Line(
                "ElastiCache Redis",
                f"cache.t4g.micro, 2 nodes x {h} h",
                2 * h * _p("redis_t4g_micro_hour"),
                ("redis_t4g_micro_hour",),
            ),
        ]
    questions = QUESTIONS_PER_DAY * DAYS_PER_MONTH
    lines += [
        Line(
            "Bedrock input tokens",
            f"{QUESTIONS_PER_DAY}/day x {INPUT_TOKENS_PER_QUESTION} tokens (measured)",
            questions * INPUT_TOKENS_PER_QUESTION / 1000 * _p("bedrock_input_1k"),
            ("bedrock_input_1k",),
        ),
        Line(
            "Bedrock output tokens",
            f"{QUESTIONS_PER_DAY}/day x {OUTPUT_TOKENS_PER_QUESTION} tokens (the cap)",
            questions * OUTPUT_TOKENS_PER_QUESTION / 1000 * _p("bedrock_output_1k"),
            ("bedrock_output_1k",),
        ),
    ]
    return lines


def total(lines: Sequence[Line]) -> float:
    return sum(line.usd for line in lines)


# the AWS budget `up` sets on a new stack: the estimate and a margin, so that it warns about a month
# that costs more than planned, not about every month (the stack's own default is below any tier)
BUDGET_MARGIN = 1.2


def suggested_budget_usd(lines: Sequence[Line]) -> int:
    """The estimate plus BUDGET_MARGIN, rounded up to the next 10 dollars."""
    return int(math.ceil(total(lines) * BUDGET_MARGIN / 10) * 10)


def table(lines: Sequence[Line], *, tier: str, network_mode: str) -> list[str]:
    """The lines as a fixed-width table with the total and the plan's budget beside it."""
    width = max(len(line.item) for line in lines)
    usage_width = max(len(line.usage) for line in lines)
    out = [
        f"Monthly cost, tier {tier}, network mode {network_mode} (ap-south-1 prices as of {PRICES_AS_OF}):",
    ]
    for line in lines:
        mark = "" if line.checked else " *"
        out.append(f"  {line.item:<{width}}  {line.usage:<{usage_width}}  ${line.usd:>8.2f}{mark}")
    low, high = PLAN_BUDGET_USD
    amount = total(lines)
    unchecked = sum(line.usd for line in lines if not line.checked)
    verdict = "within" if amount <= high else "over"
    out.append(f"  {'Total':<{width}}  {'':<{usage_width}}  ${amount:>8.2f}")
    out.append(f"  * ${unchecked:.2f} of it at prices not checked against a dated source (`cost --sources`).")
    out.append(
        f"  The plan's budget is ${low:.0f}-{high:.0f} a month: {verdict} it by ${abs(amount - high):.2f}."
    )
    return out


def sources() -> list[str]:
    """Where each price comes from and what it was checked against, for the docs and `cost --sources`."""
    return [
        f"{name}: ${p.usd} per {p.unit} ({p.source}; {p.checked or 'NOT checked'}, {PRICES_AS_OF})"
        for name, p in PRICES.items()
    ]
