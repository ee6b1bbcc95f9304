"""`python -m deploy.aws up|down|status|logs|cost|rotate-secret`: the one way to deploy and run the service.

    python -m deploy.aws up --tier minimal --region ap-south-1 --email ops@example.org [--dry-run]
    python -m deploy.aws status | logs [--since 30m] | cost [--network-mode nat]
    python -m deploy.aws rotate-secret database | rabbitmq
    python -m deploy.aws down [--purge]

`up` checks the task definitions against botocore's API models and the Fargate size table, prints
the monthly cost, creates or updates the CloudFormation stack through a change set it prints first
(on a new account: the stack with no task, then the images, then the service), waits for the
service, runs the data pipeline once when the index is empty, and asks one question.
`--dry-run` sends no write request: it prints the cost, the parameters and, for an existing stack,
the change set (created, printed and deleted again; no resource is touched).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from deploy.aws import checks, cost, images, rotate, stack, teardown
from deploy.aws.day2 import logs, status
from deploy.aws.template import PRODUCTION_SERVICES, task_definition_documents
from deploy.ecs import fargate, validate
from deploy.ecs.render import load_values, render

VALUES_EXAMPLE = Path(__file__).resolve().parents[1] / "ecs" / "values.example.json"
DEFAULT_STACK = "consumer-rights"
GATEWAY = "pii-filter"

ClientFactory = Callable[[str, str], Any]
Out = Callable[[str], None]


def _boto3_clients(profile: str | None) -> ClientFactory:
    import boto3

    session = boto3.Session(profile_name=profile)
    return lambda service, region: session.client(service, region_name=region)


def _git_tag() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or time.strftime("%Y%m%d%H%M%S")


def task_definition_problems() -> list[str]:
    """What AWS would reject in the task definitions (rendered with the example values)."""
    values = load_values(VALUES_EXAMPLE, {})
    found: list[str] = []
    for name, document in task_definition_documents().items():
        rendered = render(document, values)
        found += fargate.size_problems(rendered)
        found += [f"{name}: {p}" for p in validate.problems("ecs", "RegisterTaskDefinition", rendered)]
    return found


def live_services(tier: str) -> list[cost.LiveService]:
    """The tier's ECS services at their minimum size (deploy/aws/stack.yaml's TierSettings and targets)."""
    values = load_values(VALUES_EXAMPLE, {})
    documents = task_definition_documents()
    if tier != "production":
        return [cost.LiveService("live task", render(documents["live_task_definition"], values), 1, 1)]
    return [
        # the gateway follows CPU and requests per target; each worker its stage's backlog
        cost.LiveService(
            "gateway" if container == GATEWAY else container,
            render(documents[f"production_{container}"], values),
            2,
            2 if container == GATEWAY else 1,
        )
        for container in PRODUCTION_SERVICES
    ]


def monthly_cost(tier: str, network_mode: str) -> list[cost.Line]:
    values = load_values(VALUES_EXAMPLE, {})
    return cost.monthly_lines(
        tier=tier,
        network_mode=network_mode,
        live_services=live_services(tier),
        pipeline_task_definition=render(task_definition_documents()["pipeline_task_definition"], values),
    )


def cost_lines(tier: str, network_mode: str) -> list[str]:
    return cost.table(monthly_cost(tier, network_mode), tier=tier, network_mode=network_mode)


def _budget(
    args: argparse.Namespace, existing: dict[str, Any] | None, lines: list[cost.Line], out: Out
) -> None:
    """A new stack's budget follows the estimate unless given; an existing one below it is pointed out."""
    suggested = cost.suggested_budget_usd(lines)
    if args.monthly_budget_usd is not None:
        return
    previous = stack.parameter(existing, "MonthlyBudgetUsd")
    if existing is None:
        args.monthly_budget_usd = suggested
        margin = f"{cost.BUDGET_MARGIN - 1:.0%}"
        out(f"budget: ${suggested} a month (the estimate + {margin}; --monthly-budget-usd sets it)")
    elif previous and float(previous) < cost.total(lines):
        out(
            f"budget: warning: the stack's budget of ${previous} a month is below this estimate "
            f"(${cost.total(lines):.2f}), so its alerts fire every month; --monthly-budget-usd {suggested}"
        )


# what the options above set; every other template parameter through --parameter KEY=VALUE
_OPTION_PARAMETERS = (
    "Tier",
    "NetworkMode",
    "NotificationEmail",
    "CertificateArn",
    "PipelineSchedule",
    "MonthlyBudgetUsd",
    "ImageTag",
)


def extra_parameters(pairs: Sequence[str]) -> dict[str, str]:
    """--parameter KEY=VALUE pairs, checked against the template's parameters (typos fail here)."""
    known = set(stack.template_parameters()) - set(_OPTION_PARAMETERS)
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in known:
            raise ValueError(
                f"--parameter {pair!r}: expected KEY=VALUE with KEY one of {', '.join(sorted(known))}"
            )
        found[key] = value
    return found


def _given_parameters(args: argparse.Namespace, *, image_tag: str | None) -> dict[str, str | None]:
    return {
        **extra_parameters(args.parameter),
        "Tier": args.tier,
        "NetworkMode": args.network_mode,
        "NotificationEmail": args.email,
        "CertificateArn": args.certificate_arn,
        "PipelineSchedule": args.pipeline_schedule,
        "MonthlyBudgetUsd": None if args.monthly_budget_usd is None else str(args.monthly_budget_usd),
        "ImageTag": image_tag,
    }


def _print_parameters(params: Sequence[dict[str, Any]], out: Out) -> None:
    for p in params:
        value = "(previous value)" if p.get("UsePreviousValue") else repr(p["ParameterValue"])
        out(f"  {p['ParameterKey']} = {value}")


def up(args: argparse.Namespace, client: ClientFactory, http: Any, out: Out, run: images.Run) -> int:
    try:
        extra_parameters(args.parameter)
    except ValueError as exc:
        out(str(exc))
        return 2
    problems = task_definition_problems()
    if problems:
        out("refusing to deploy; the AWS API models reject:")
        for problem in problems:
            out(f"  - {problem}")
        return 2
    cloudformation = client("cloudformation", args.region)
    existing = stack.describe(cloudformation, args.stack_name)
    # on an existing stack an option not given keeps its value (never switches a production stack back)
    tier = args.tier or stack.parameter(existing, "Tier") or "minimal"
    network_mode = args.network_mode or stack.parameter(existing, "NetworkMode") or "public"
    if existing is None:
        args.tier, args.network_mode = tier, network_mode
    lines = monthly_cost(tier, network_mode)
    for line in cost.table(lines, tier=tier, network_mode=network_mode):
        out(line)
    _budget(args, existing, lines, out)
    tag = args.image_tag or _git_tag()
    name = args.stack_name
    if existing is None and not args.email:
        out("the first `up` needs --email (alarms and budget alerts go there)")
        return 2

    if args.dry_run:
        if existing is None:
            params = stack.parameters(_given_parameters(args, image_tag=tag), None)
            out(f"Dry run: stack {name} does not exist in {args.region}; `up` would create it with:")
            _print_parameters(params, out)
            out(
                f"then build and push the images with tag {tag}"
                + (" (skipped: --skip-images)" if args.skip_images else "")
            )
        else:
            params = stack.parameters(_given_parameters(args, image_tag=tag), existing)
            change_set = stack.create_change_set(
                cloudformation,
                stack_name=name,
                change_set_name=f"dry-run-{int(time.time())}",
                params=params,
                create=False,
                poll_s=args.poll_s,
            )
            out(f"Dry run: the change set for stack {name}:")
            _print_parameters(params, out)
            for line in stack.describe_changes(change_set):
                out(line)
            stack.delete_change_set(cloudformation, stack_name=name, change_set=change_set)
        out("Dry run: nothing was changed.")
        return 0

    if existing is None:  # the registry and everything else first, the service with no task
        params = stack.parameters(_given_parameters(args, image_tag=""), None)
        change_set = stack.create_change_set(
            cloudformation,
            stack_name=name,
            change_set_name=f"create-{int(time.time())}",
            params=params,
            create=True,
            poll_s=args.poll_s,
        )
        out(f"creating stack {name}:")
        for line in stack.describe_changes(change_set):
            out(line)
        stack.execute_and_wait(
            cloudformation,
            stack_name=name,
            change_set=change_set,
            create=True,
            waiter_delay_s=args.waiter_delay_s,
        )
        existing = stack.describe(cloudformation, name)
        assert existing is not None
    found = stack.outputs(existing)

    api_key = checks.ensure_operator_key(
        client("secretsmanager", args.region),
        operator_secret=found["OperatorApiKeySecret"],
        digests_secret=found["ApiKeysSecret"],
        out=out,
    )
    ecr = client("ecr", args.region)
    if args.skip_images:
        missing = images.missing_tags(ecr, tag)
        out(f"images: skipped building (--skip-images) for tag {tag}")
        if missing:
            out(
                f"images: warning: ECR has no {tag} image for {', '.join(missing)}; "
                "the service cannot start until they are pushed"
            )
    else:
        images.build_and_push(ecr, registry=found["RegistryUri"], tag=tag, out=out, run=run)

    params = stack.parameters(_given_parameters(args, image_tag=tag), existing)
    change_set = stack.create_change_set(
        cloudformation,
        stack_name=name,
        change_set_name=f"release-{tag.replace('.', '-')}-{int(time.time())}",
        params=params,
        create=False,
        poll_s=args.poll_s,
    )
    out(f"updating stack {name} to images {tag}:")
    for line in stack.describe_changes(change_set):
        out(line)
    if change_set.empty:
        stack.delete_change_set(cloudformation, stack_name=name, change_set=change_set)
    else:
        stack.execute_and_wait(
            cloudformation,
            stack_name=name,
            change_set=change_set,
            create=False,
            waiter_delay_s=args.waiter_delay_s,
        )
    found = stack.outputs(stack.describe(cloudformation, name) or {})

    ecs = client("ecs", args.region)
    services = stack.services(found)
    ecs.get_waiter("services_stable").wait(
        cluster=found["ClusterName"],
        services=services,
        WaiterConfig={"Delay": args.waiter_delay_s, "MaxAttempts": 80},
    )
    out(f"service{'s' if len(services) > 1 else ''} {', '.join(services)} stable")
    pipeline_values = {
        "CLUSTER_NAME": found["ClusterName"],
        "SUBNET_IDS": found["TaskSubnets"].split(","),
        "SECURITY_GROUP_IDS": [found["TaskSecurityGroup"]],
        "ASSIGN_PUBLIC_IP": found["AssignPublicIp"],
    }
    checks.check_service(
        http,
        ecs,
        url=found["Url"],
        api_key=api_key,
        pipeline_values=pipeline_values,
        out=out,
        timeout_s=args.check_timeout_s,
        poll_s=args.poll_s,
    )
    out(f"ready: {found['Url']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m deploy.aws", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--region", default="ap-south-1")
        p.add_argument("--stack-name", default=DEFAULT_STACK)
        p.add_argument("--profile", help="AWS profile (default: the usual credential chain)")

    p_up = sub.add_parser("up", help="create or update the stack, release the images, check the service")
    common(p_up)
    p_up.add_argument("--tier", choices=["minimal", "production"], help="default: minimal, or the stack's")
    p_up.add_argument(
        "--network-mode", choices=["public", "nat", "endpoints"], help="default: public, or the stack's"
    )
    p_up.add_argument("--email", help="alarms and budget alerts (needed on the first up)")
    p_up.add_argument("--certificate-arn", help="ACM certificate: HTTPS listener (HTTP only without)")
    p_up.add_argument("--pipeline-schedule", help="EventBridge schedule of the pipeline, e.g. 'rate(7 days)'")
    p_up.add_argument("--monthly-budget-usd", type=int)
    p_up.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="any other stack parameter, e.g. DailyLlmBudgetUsd=2.50 (repeatable; others keep their value)",
    )
    p_up.add_argument("--image-tag", help="default: the git commit")
    p_up.add_argument(
        "--skip-images", action="store_true", help="the images with --image-tag are in ECR already"
    )
    p_up.add_argument(
        "--dry-run", action="store_true", help="print the cost and the change set; change nothing"
    )
    p_up.add_argument("--poll-s", type=float, default=10.0, help=argparse.SUPPRESS)
    p_up.add_argument("--waiter-delay-s", type=int, default=15, help=argparse.SUPPRESS)
    p_up.add_argument("--check-timeout-s", type=float, default=600.0, help=argparse.SUPPRESS)

    p_down = sub.add_parser(
        "down", help="delete the stack; keeps the RDS final snapshot and EFS unless --purge"
    )
    common(p_down)
    p_down.add_argument("--purge", action="store_true", help="also delete the snapshot, EFS, backups and key")
    p_down.add_argument("--waiter-delay-s", type=int, default=15, help=argparse.SUPPRESS)

    p_status = sub.add_parser("status", help="stack, service, targets and alarms")
    common(p_status)

    p_logs = sub.add_parser("logs", help="recent log lines of the live and pipeline containers")
    common(p_logs)
    p_logs.add_argument("--since", default="15m", help="how far back: 30s, 15m, 2h, 1d")
    p_logs.add_argument("--container", help="only this container's stream prefix (e.g. rag-core)")
    p_logs.add_argument("--limit", type=int, default=200)

    p_rotate = sub.add_parser(
        "rotate-secret", help="a new generated password for the database or the broker, then new tasks"
    )
    common(p_rotate)
    p_rotate.add_argument("secret", choices=["database", "rabbitmq"])
    p_rotate.add_argument("--waiter-delay-s", type=int, default=15, help=argparse.SUPPRESS)

    p_cost = sub.add_parser("cost", help="the monthly cost table (no AWS call)")
    p_cost.add_argument("--tier", choices=["minimal", "production"], default="minimal")
    p_cost.add_argument("--network-mode", choices=["public", "nat", "endpoints"], default="public")
    p_cost.add_argument("--sources", action="store_true", help="also print every price's source and date")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    client: ClientFactory | None = None,
    http: Any = None,
    out: Out = print,
    run: images.Run = subprocess.run,
) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "cost":
        for line in cost_lines(args.tier, args.network_mode):
            out(line)
        if args.sources:
            for line in cost.sources():
                out(f"  {line}")
        return 0
    factory = client or _boto3_clients(args.profile)
    if args.command == "up":
        if http is None:
            import httpx

            http = httpx.Client(follow_redirects=True)
        return up(args, factory, http, out, run)
    if args.command == "down":
        return teardown.down(
            factory,
            region=args.region,
            stack_name=args.stack_name,
            purge=args.purge,
            out=out,
            waiter_delay_s=args.waiter_delay_s,
        )
    if args.command == "rotate-secret":
        return rotate.rotate(
            factory,
            region=args.region,
            stack_name=args.stack_name,
            secret=args.secret,
            out=out,
            waiter_delay_s=args.waiter_delay_s,
        )
    if args.command == "status":
        return status(factory, region=args.region, stack_name=args.stack_name, out=out)
    return logs(
        factory, region=args.region, since=args.since, container=args.container, limit=args.limit, out=out
    )


if __name__ == "__main__":
    sys.exit(main())
