"""`status` and `logs`: what is running, whether it is healthy, and what it has been saying."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from deploy.aws import stack

Out = Callable[[str], None]
LOG_GROUP = "/ecs/consumer-rights"
_SINCE = re.compile(r"^(\d+)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def status(client: Callable[[str, str], Any], *, region: str, stack_name: str, out: Out) -> int:
    existing = stack.describe(client("cloudformation", region), stack_name)
    if existing is None:
        out(f"stack {stack_name} does not exist in {region}")
        return 1
    found = stack.outputs(existing)
    params = {p["ParameterKey"]: p.get("ParameterValue", "") for p in existing.get("Parameters", [])}
    out(
        f"stack {stack_name}: {existing['StackStatus']} (tier {params.get('Tier')}, "
        f"network {params.get('NetworkMode')}, images {params.get('ImageTag') or '(none)'})"
    )
    out(f"url: {found.get('Url')}")
    ecs = client("ecs", region)
    for service in ecs.describe_services(cluster=found["ClusterName"], services=stack.services(found))[
        "services"
    ]:
        out(
            f"service {service['serviceName']}: desired {service.get('desiredCount')}, running "
            f"{service.get('runningCount')}, pending {service.get('pendingCount')}"
        )
        for deployment in service.get("deployments", []):
            out(
                f"  deployment {deployment.get('status')} {deployment.get('rolloutState', '')}: "
                f"{deployment.get('taskDefinition', '').rsplit('/', 1)[-1]}"
            )
        for event in service.get("events", [])[:5]:
            out(f"  event: {event.get('message')}")
    alarms = client("cloudwatch", region).describe_alarms(AlarmNamePrefix=f"{stack_name}-")["MetricAlarms"]
    for alarm in alarms:
        out(f"alarm {alarm['AlarmName']}: {alarm['StateValue']}")
    return 0


def since_ms(since: str, now: float | None = None) -> int:
    match = _SINCE.match(since)
    if not match:
        raise ValueError(f"--since {since!r} is not like 30s, 15m, 2h or 1d")
    seconds = int(match.group(1)) * _SECONDS[match.group(2)]
    return int(((now if now is not None else time.time()) - seconds) * 1000)


def logs(
    client: Callable[[str, str], Any], *, region: str, since: str, container: str | None, limit: int, out: Out
) -> int:
    request: dict[str, Any] = {"logGroupName": LOG_GROUP, "startTime": since_ms(since), "limit": limit}
    if container:
        request["logStreamNamePrefix"] = f"{container}/"
    events = client("logs", region).filter_log_events(**request).get("events", [])
    for event in events:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(event["timestamp"] / 1000))
        out(f"{stamp} {event.get('logStreamName', '').split('/', 1)[0]}: {event['message'].rstrip()}")
    if not events:
        out(f"no log lines in {LOG_GROUP} since {since}")
    return 0
