"""Register the task definitions, create or update the ECS service, and put the alarms and budget.

    python -m deploy.ecs.deploy --values deploy/ecs/values.json --dry-run     # print what it would do
    python -m deploy.ecs.deploy --values deploy/ecs/values.json               # do it
    python -m deploy.ecs.deploy --values deploy/ecs/values.json run-pipeline  # RunTask: new index snapshot

Every request is rendered from the templates and checked against botocore's API models (and the
Fargate size table) before the first call, and the monthly cost of the task is printed each time,
so a change that grows the task shows what it costs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from botocore import xform_name

from deploy.ecs import cost, fargate, validate
from deploy.ecs.render import RenderError, load_values, render_all

LOG_RETENTION_DAYS = 30
BUDGETS_REGION = "us-east-1"  # AWS Budgets has one global endpoint
TAGS = {"project": "consumer-rights"}


@dataclass(frozen=True)
class Call:
    """One AWS API request: client name, botocore operation name and its parameters."""

    service: str
    operation: str
    params: Mapping[str, Any]
    why: str

    @property
    def method(self) -> str:
        """The boto3 method name: RegisterTaskDefinition -> register_task_definition."""
        return xform_name(self.operation)


@dataclass
class Plan:
    """Everything a deploy does, rendered and validated before any request is sent."""

    rendered: dict[str, Any]
    region: str
    problems: list[str] = field(default_factory=list)

    @property
    def live(self) -> dict[str, Any]:
        return self.rendered["live_task_definition"]

    @property
    def pipeline(self) -> dict[str, Any]:
        return self.rendered["pipeline_task_definition"]

    @property
    def log_groups(self) -> list[str]:
        groups = {
            c["logConfiguration"]["options"]["awslogs-group"]
            for td in (self.live, self.pipeline)
            for c in td["containerDefinitions"]
            if c.get("logConfiguration", {}).get("logDriver") == "awslogs"
        }
        return sorted(groups)

    def create_service_params(self, task_definition_arn: str) -> dict[str, Any]:
        return {**self.rendered["service"], "taskDefinition": task_definition_arn}

    def update_service_params(self, task_definition_arn: str) -> dict[str, Any]:
        """The service template minus what UpdateService does not take (launchType, tags, ...)."""
        allowed = validate.operation_model("ecs", "UpdateService").input_shape.members
        service = dict(self.rendered["service"])
        params = {"service": service.pop("serviceName"), "taskDefinition": task_definition_arn}
        params.update({k: v for k, v in service.items() if k in allowed})
        return params

    def calls(self, task_definition_arn: str = "<registered live-inference revision>") -> list[Call]:
        """Every request in order; the service call is shown both ways (decided at run time)."""
        calls = [
            Call(
                "logs",
                "CreateLogGroup",
                {"logGroupName": group, "tags": dict(TAGS)},
                "log group for awslogs (if missing)",
            )
            for group in self.log_groups
        ]
        calls += [
            Call(
                "logs",
                "PutRetentionPolicy",
                {"logGroupName": g, "retentionInDays": LOG_RETENTION_DAYS},
                "log retention",
            )
            for g in self.log_groups
        ]
        calls += [
            Call("ecs", "RegisterTaskDefinition", self.live, "live inference task definition"),
            Call("ecs", "RegisterTaskDefinition", self.pipeline, "data pipeline task definition (RunTask)"),
            Call(
                "elbv2",
                "ModifyTargetGroup",
                self.rendered["target_group_health"],
                "ALB target group health check on the gateway's /health",
            ),
            Call(
                "ecs",
                "UpdateService",
                self.update_service_params(task_definition_arn),
                "new revision for the existing service",
            ),
            Call(
                "ecs",
                "CreateService",
                self.create_service_params(task_definition_arn),
                "only if the service does not exist yet",
            ),
        ]
        calls += [
            Call("cloudwatch", "PutMetricAlarm", alarm, f"alarm {alarm['AlarmName']}")
            for alarm in self.rendered["metric_alarms"]
        ]
        budget = self.rendered["budget"]
        calls += [
            Call("budgets", "CreateBudget", budget, "monthly cost budget with e-mail alerts (if missing)"),
            Call(
                "budgets",
                "UpdateBudget",
                {"AccountId": budget["AccountId"], "NewBudget": budget["Budget"]},
                "only if the existing budget's limit differs",
            ),
        ]
        return calls

    def run_pipeline_call(self) -> Call:
        return Call("ecs", "RunTask", self.rendered["run_pipeline"], "build a new index snapshot on EFS")


def build_plan(values: Mapping[str, Any]) -> Plan:
    """Render every template and collect every reason AWS would reject the result."""
    rendered = render_all(values)
    plan = Plan(rendered=rendered, region=str(values["AWS_REGION"]))
    for task_definition in (plan.live, plan.pipeline):
        plan.problems += fargate.size_problems(task_definition)
    for call in [*plan.calls("arn:aws:ecs:region:0:task-definition/x:1"), plan.run_pipeline_call()]:
        plan.problems += [
            f"{call.service}.{call.operation}: {p}"
            for p in validate.problems(call.service, call.operation, call.params)
        ]
    return plan


def cost_report(plan: Plan) -> list[str]:
    live = cost.estimate(plan.live)
    pipeline = cost.estimate(plan.pipeline, hours=1)
    return [
        f"Monthly Fargate compute (ap-south-1 on-demand, {cost.HOURS_PER_MONTH} h), one task:",
        f"  {live.describe()}",
        "Data pipeline, per hour of RunTask:",
        f"  {pipeline.describe()}",
    ]


# -- applying the plan ------------------------------------------------------------------------------

ClientFactory = Callable[[str, str], Any]


def _boto3_clients(profile: str | None) -> ClientFactory:
    import boto3

    session = boto3.Session(profile_name=profile)
    return lambda service, region: session.client(service, region_name=region)


def _error_code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def apply(plan: Plan, client: ClientFactory, out: Callable[[str], None] = print) -> dict[str, str]:
    """Send the plan's requests; returns the ARNs it registered or touched."""
    logs = client("logs", plan.region)
    for group in plan.log_groups:
        try:
            logs.create_log_group(logGroupName=group, tags=dict(TAGS))
            out(f"created log group {group}")
        except Exception as exc:
            if _error_code(exc) != "ResourceAlreadyExistsException":
                raise
        logs.put_retention_policy(logGroupName=group, retentionInDays=LOG_RETENTION_DAYS)

    ecs = client("ecs", plan.region)
    live_arn = ecs.register_task_definition(**plan.live)["taskDefinition"]["taskDefinitionArn"]
    out(f"registered {live_arn}")
    pipeline_arn = ecs.register_task_definition(**plan.pipeline)["taskDefinition"]["taskDefinitionArn"]
    out(f"registered {pipeline_arn}")

    target_group = plan.rendered["target_group_health"]
    client("elbv2", plan.region).modify_target_group(**target_group)
    out(f"target group health check: {target_group['HealthCheckPath']} on {target_group['TargetGroupArn']}")

    service = plan.rendered["service"]
    existing = ecs.describe_services(cluster=service["cluster"], services=[service["serviceName"]])[
        "services"
    ]
    if any(s.get("status") == "ACTIVE" for s in existing):
        service_arn = ecs.update_service(**plan.update_service_params(live_arn))["service"]["serviceArn"]
        out(f"updated service {service_arn} to {live_arn}")
    else:
        service_arn = ecs.create_service(**plan.create_service_params(live_arn))["service"]["serviceArn"]
        out(f"created service {service_arn} with {live_arn}")

    cloudwatch = client("cloudwatch", plan.region)
    for alarm in plan.rendered["metric_alarms"]:
        cloudwatch.put_metric_alarm(**alarm)
        out(f"alarm {alarm['AlarmName']}: {alarm['MetricName']} > {alarm['Threshold']}")

    budget = plan.rendered["budget"]
    budgets = client("budgets", BUDGETS_REGION)
    name = budget["Budget"]["BudgetName"]
    try:
        current = budgets.describe_budget(AccountId=budget["AccountId"], BudgetName=name)["Budget"]
    except Exception as exc:
        if _error_code(exc) != "NotFoundException":
            raise
        budgets.create_budget(**budget)
        out(f"created budget {name}: {budget['Budget']['BudgetLimit']['Amount']} USD a month")
    else:
        if Decimal(current["BudgetLimit"]["Amount"]) != Decimal(budget["Budget"]["BudgetLimit"]["Amount"]):
            budgets.update_budget(AccountId=budget["AccountId"], NewBudget=budget["Budget"])
            out(f"updated budget {name}: {budget['Budget']['BudgetLimit']['Amount']} USD a month")
        else:
            out(f"budget {name} unchanged")
    return {"live": live_arn, "pipeline": pipeline_arn, "service": service_arn}


def run_pipeline(plan: Plan, client: ClientFactory, out: Callable[[str], None] = print) -> list[str]:
    """Start the data-pipeline task once; returns the task ARNs."""
    response = client("ecs", plan.region).run_task(**plan.run_pipeline_call().params)
    failures = response.get("failures") or []
    if failures:
        raise RuntimeError(f"RunTask failed: {failures}")
    arns = [t["taskArn"] for t in response["tasks"]]
    for arn in arns:
        out(f"started {arn}; follow it in CloudWatch Logs {plan.log_groups[0]} (stream prefix ingest)")
    return arns


def _print_dry_run(calls: Sequence[Call], out: Callable[[str], None]) -> None:
    out("Dry run: no request is sent. It would call, in order:")
    for call in calls:
        out(f"\n# {call.service}.{call.method} - {call.why}")
        out(json.dumps(call.params, indent=2))


def main(
    argv: Sequence[str] | None = None,
    *,
    client: ClientFactory | None = None,
    out: Callable[[str], None] = print,
) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.ecs.deploy", description=__doc__.splitlines()[0])
    parser.add_argument("action", nargs="?", choices=["deploy", "run-pipeline"], default="deploy")
    parser.add_argument("--values", type=Path, required=True, help="JSON object of template values")
    parser.add_argument("--dry-run", action="store_true", help="print the requests instead of sending them")
    parser.add_argument("--profile", help="AWS profile for boto3 (default: the usual credential chain)")
    args = parser.parse_args(argv)

    try:
        plan = build_plan(load_values(args.values))
    except RenderError as exc:
        out(f"cannot render the templates: {exc}")
        return 2
    for line in cost_report(plan):
        out(line)
    if plan.problems:
        out("refusing to deploy; the AWS API models reject:")
        for problem in plan.problems:
            out(f"  - {problem}")
        return 2

    calls = [plan.run_pipeline_call()] if args.action == "run-pipeline" else plan.calls()
    if args.dry_run:
        _print_dry_run(calls, out)
        return 0
    factory = client or _boto3_clients(args.profile)
    if args.action == "run-pipeline":
        run_pipeline(plan, factory, out)
    else:
        apply(plan, factory, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
