"""The CloudFormation side of `up`: parameters, change sets (printed before anything runs), waits, outputs."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STACK_FILE = Path(__file__).resolve().parent / "stack.yaml"
CAPABILITIES = ["CAPABILITY_IAM"]

Out = Callable[[str], None]


def error_code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def template_body() -> str:
    return STACK_FILE.read_text()


def template_parameters() -> dict[str, Any]:
    """The template's Parameters section (names, defaults, allowed values)."""
    import yaml

    class _Loader(yaml.SafeLoader):
        """Reads the intrinsic-function tags (!Ref, !Sub ...) as plain values: only Parameters are wanted."""

    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return dict(yaml.load(template_body(), Loader=_Loader)["Parameters"])  # a SafeLoader subclass


def describe(cloudformation: Any, name: str) -> dict[str, Any] | None:
    """The stack, or None when it does not exist (or only a never-executed change set made it)."""
    try:
        stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except Exception as exc:
        if error_code(exc) == "ValidationError":
            return None
        raise
    if not stacks or stacks[0]["StackStatus"] in ("REVIEW_IN_PROGRESS", "DELETE_COMPLETE"):
        return None
    return dict(stacks[0])


def parameter(stack: Mapping[str, Any] | None, name: str) -> str | None:
    for p in (stack or {}).get("Parameters", []):
        if p["ParameterKey"] == name:
            return str(p.get("ParameterValue", ""))
    return None


def outputs(stack: Mapping[str, Any]) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def services(found: Mapping[str, str]) -> list[str]:
    """Every live ECS service of the stack (one in the minimal tier, four in production)."""
    listed = found.get("Services") or found["ServiceName"]  # a stack from before the Services output
    return [name for name in listed.split(",") if name]


def parameters(given: Mapping[str, str | None], existing: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Given values win; on an existing stack every other parameter keeps its previous value."""
    names = {p["ParameterKey"] for p in (existing or {}).get("Parameters", [])}
    values = {k: v for k, v in given.items() if v is not None}
    result: list[dict[str, Any]] = [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]
    result += [{"ParameterKey": k, "UsePreviousValue": True} for k in sorted(names - set(values))]
    return sorted(result, key=lambda p: p["ParameterKey"])


@dataclass(frozen=True)
class ChangeSet:
    arn: str
    changes: list[dict[str, Any]]
    empty: bool


def create_change_set(
    cloudformation: Any,
    *,
    stack_name: str,
    change_set_name: str,
    params: Sequence[Mapping[str, Any]],
    create: bool,
    poll_s: float = 2.0,
    timeout_s: float = 600.0,
) -> ChangeSet:
    """Create a change set and wait until CloudFormation has computed it."""
    try:
        arn = cloudformation.create_change_set(
            StackName=stack_name,
            ChangeSetName=change_set_name,
            TemplateBody=template_body(),
            Parameters=list(params),
            Capabilities=CAPABILITIES,
            ChangeSetType="CREATE" if create else "UPDATE",
            Tags=[{"Key": "project", "Value": "consumer-rights"}],
        )["Id"]
    except Exception as exc:  # some endpoints refuse an empty change set outright instead of failing it
        if error_code(exc) == "ValidationError" and "No updates are to be performed" in str(exc):
            return ChangeSet("", [], empty=True)
        raise
    deadline = time.monotonic() + timeout_s
    while True:
        described = cloudformation.describe_change_set(ChangeSetName=arn, StackName=stack_name)
        status = described["Status"]
        if status == "CREATE_COMPLETE":
            return ChangeSet(arn, described.get("Changes", []), empty=False)
        if status == "FAILED":
            reason = described.get("StatusReason", "")
            if "didn't contain changes" in reason or "No updates" in reason:
                return ChangeSet(arn, [], empty=True)
            raise RuntimeError(f"change set {change_set_name} failed: {reason}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"change set {change_set_name} still {status} after {timeout_s:g} s")
        time.sleep(poll_s)


def describe_changes(change_set: ChangeSet) -> list[str]:
    """One line per resource change: action, logical id, type, and whether it replaces the resource."""
    if change_set.empty:
        return ["  (no changes)"]
    lines = []
    for change in change_set.changes:
        resource = change.get("ResourceChange", {})
        replacement = resource.get("Replacement")
        lines.append(
            f"  {resource.get('Action', '?'):<7} {resource.get('LogicalResourceId', '?'):<34}"
            f" {resource.get('ResourceType', '?')}"
            + (f"  (replacement: {replacement})" if replacement else "")
        )
    return lines


def execute_and_wait(
    cloudformation: Any, *, stack_name: str, change_set: ChangeSet, create: bool, waiter_delay_s: int = 15
) -> None:
    cloudformation.execute_change_set(ChangeSetName=change_set.arn, StackName=stack_name)
    waiter = cloudformation.get_waiter("stack_create_complete" if create else "stack_update_complete")
    waiter.wait(StackName=stack_name, WaiterConfig={"Delay": waiter_delay_s, "MaxAttempts": 240})


def delete_change_set(cloudformation: Any, *, stack_name: str, change_set: ChangeSet) -> None:
    if not change_set.arn:
        return
    cloudformation.delete_change_set(ChangeSetName=change_set.arn, StackName=stack_name)
