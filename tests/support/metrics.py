"""Reading this process's Prometheus metrics in tests."""

from __future__ import annotations

from prometheus_client import REGISTRY


def sample(name: str, **labels: str) -> float:
    """The current value of one sample (0 before anything was counted)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0
