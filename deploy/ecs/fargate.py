"""Fargate task sizes: the cpu/memory pairs AWS accepts, and container budgets that fit the task.

AWS rejects any other pair at RegisterTaskDefinition ("No Fargate configuration exists for given
values"); the table is from the ECS developer guide, "Task CPU and memory" (Linux).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _steps(low_gib: int, high_gib: int, step_gib: int) -> frozenset[int]:
    return frozenset(gib * 1024 for gib in range(low_gib, high_gib + 1, step_gib))


# task cpu units -> the memory values (MiB) allowed with it
FARGATE_SIZES: Mapping[int, frozenset[int]] = {
    256: frozenset({512, 1024, 2048}),
    512: _steps(1, 4, 1),
    1024: _steps(2, 8, 1),
    2048: _steps(4, 16, 1),
    4096: _steps(8, 30, 1),
    8192: _steps(16, 60, 4),
    16384: _steps(32, 120, 8),
}


def is_valid_fargate_size(cpu: int, memory: int) -> bool:
    return memory in FARGATE_SIZES.get(cpu, frozenset())


def size_problems(task_definition: Mapping[str, Any]) -> list[str]:
    """Why this task definition would be rejected or starved on Fargate; empty when it fits."""
    problems: list[str] = []
    try:
        cpu, memory = int(task_definition["cpu"]), int(task_definition["memory"])
    except (KeyError, TypeError, ValueError):
        return ["Fargate needs numeric task-level cpu and memory"]
    family = task_definition.get("family", "?")
    if not is_valid_fargate_size(cpu, memory):
        allowed = sorted(FARGATE_SIZES.get(cpu, ()))
        problems.append(
            f"{family}: cpu {cpu} / memory {memory} is not a Fargate size"
            + (
                f" (memory for cpu {cpu}: {allowed[0]}..{allowed[-1]} MiB)"
                if allowed
                else f" (cpu must be one of {sorted(FARGATE_SIZES)})"
            )
        )
    containers = task_definition.get("containerDefinitions", [])
    totals = {
        "cpu": sum(int(c.get("cpu", 0)) for c in containers),
        "memory": sum(int(c.get("memory", 0)) for c in containers),
        "memoryReservation": sum(int(c.get("memoryReservation", c.get("memory", 0))) for c in containers),
    }
    limits = {"cpu": cpu, "memory": memory, "memoryReservation": memory}
    for key, total in totals.items():
        if total > limits[key]:
            problems.append(
                f"{family}: containers' {key} adds up to {total}, more than the task's {limits[key]}"
            )
    for container in containers:
        hard, soft = container.get("memory"), container.get("memoryReservation")
        if hard is not None and soft is not None and int(soft) > int(hard):
            problems.append(f"{family}/{container['name']}: memoryReservation {soft} exceeds memory {hard}")
    return problems
