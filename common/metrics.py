"""Prometheus metrics shared by every worker (each service adds its own beside these)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

MESSAGES = Counter(
    "cr_messages_total", "Messages handled by a worker, by queue and outcome", ["queue", "outcome"]
)
STAGE_SECONDS = Histogram(
    "cr_stage_seconds",
    "Time from delivery to ack, by queue",
    ["queue"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
