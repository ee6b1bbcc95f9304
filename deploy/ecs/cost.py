"""Monthly Fargate cost of a task definition, with the deployment plan's ap-south-1 on-demand prices.

Linux/x86 Fargate in Asia Pacific (Mumbai): $0.04048 per vCPU-hour and $0.004445 per GB-hour, a
month taken as 730 hours. Compute only: the ALB, EFS, RDS, NAT, CloudWatch and Bedrock are billed
separately (see docs/deployment.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

VCPU_HOUR_USD = 0.04048
GB_HOUR_USD = 0.004445
HOURS_PER_MONTH = 730


@dataclass(frozen=True)
class CostEstimate:
    family: str
    vcpu: float
    memory_gb: float
    hours: float
    vcpu_usd: float
    memory_usd: float

    @property
    def total_usd(self) -> float:
        return self.vcpu_usd + self.memory_usd

    def describe(self) -> str:
        digits = 2 if self.total_usd >= 1 else 4
        return (
            f"{self.family}: {self.vcpu:g} vCPU x {self.hours:g} h x ${VCPU_HOUR_USD}"
            f" = ${self.vcpu_usd:.{digits}f}"
            f" + {self.memory_gb:g} GB x {self.hours:g} h x ${GB_HOUR_USD} = ${self.memory_usd:.{digits}f}"
            f" -> ${self.total_usd:.{digits}f}"
        )


def estimate(task_definition: Mapping[str, Any], *, hours: float = HOURS_PER_MONTH) -> CostEstimate:
    """Cost of running one task of this definition for `hours` (a month by default)."""
    vcpu = int(task_definition["cpu"]) / 1024
    memory_gb = int(task_definition["memory"]) / 1024
    return CostEstimate(
        family=str(task_definition.get("family", "?")),
        vcpu=vcpu,
        memory_gb=memory_gb,
        hours=hours,
        vcpu_usd=vcpu * hours * VCPU_HOUR_USD,
        memory_usd=memory_gb * hours * GB_HOUR_USD,
    )
