"""The signal to scale each stage on: messages waiting in its queues per consumer serving them.

Computed from the queue depths and consumer counts the broker link already polls (every 2 s), exported
as the gauge cr_stage_backlog_per_consumer{stage} and, in AWS, as the CloudWatch metric
BacklogPerConsumer (dimensions Stage, Deployment) through Embedded Metric Format lines on stdout, which
CloudWatch Logs turns into metrics: no API call, no credentials, no extra container. A stage without
consumers counts as one, so its backlog still asks for more tasks. Every gateway replica reports the
same figure; the scaling policy reads its average.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator, Mapping
from typing import Protocol, TextIO

from aws_embedded_metrics.logger.metrics_context import MetricsContext
from aws_embedded_metrics.serializers.log_serializer import LogSerializer

from common.topology import Topology
from pii_filter.metrics import STAGE_BACKLOG

log = logging.getLogger(__name__)

METRIC_NAME = "BacklogPerConsumer"


class QueueCounts(Protocol):
    """What the broker link knows about each work queue (GatewayBroker in production)."""

    @property
    def connected(self) -> bool: ...

    consumer_counts: dict[str, int]
    message_counts: dict[str, int]


def backlog_per_consumer(
    topology: Topology, *, messages: Mapping[str, int], consumers: Mapping[str, int]
) -> dict[str, float]:
    """Waiting messages of each stage's queues over the consumers serving them (at least one)."""
    found: dict[str, float] = {}
    for stage, queues in topology.stage_queues().items():
        if not all(q in messages for q in queues):
            continue  # not polled yet: no figure rather than a zero that would scale in
        waiting = sum(messages[q] for q in queues)
        serving = min(consumers.get(q, 0) for q in queues)
        found[stage] = waiting / max(serving, 1)
    return found


def emf_lines(backlog: Mapping[str, float], *, namespace: str, deployment: str) -> list[str]:
    """One Embedded Metric Format record per stage, serialised by the AWS library."""
    lines: list[str] = []
    for stage, value in backlog.items():
        context = MetricsContext.empty()
        context.namespace = namespace
        context.set_dimensions([{"Stage": stage, "Deployment": deployment}], use_default=False)
        context.put_metric(METRIC_NAME, value, "Count")
        lines.extend(LogSerializer.serialize(context))
    return lines


class BacklogSignal:
    """Refreshes the gauge every `refresh_s`; writes the CloudWatch records every `emit_every_s`."""

    def __init__(
        self,
        *,
        broker: QueueCounts,
        topology: Topology,
        cloudwatch_namespace: str = "",
        emit_every_s: float = 60.0,
        refresh_s: float = 2.0,
        out: TextIO | None = None,
    ) -> None:
        self.broker = broker
        self.topology = topology
        self.cloudwatch_namespace = cloudwatch_namespace
        self.emit_every_s = emit_every_s
        self.refresh_s = refresh_s
        self.out = out  # None: sys.stdout at the time of writing (what the log driver ships)

    def current(self) -> dict[str, float]:
        if not self.broker.connected:
            return {}
        return backlog_per_consumer(
            self.topology, messages=self.broker.message_counts, consumers=self.broker.consumer_counts
        )

    def refresh(self) -> dict[str, float]:
        backlog = self.current()
        for stage, value in backlog.items():
            STAGE_BACKLOG.labels(stage=stage).set(value)
        return backlog

    def emit(self, backlog: Mapping[str, float]) -> None:
        if not self.cloudwatch_namespace or not backlog:
            return
        lines = emf_lines(backlog, namespace=self.cloudwatch_namespace, deployment=self.topology.namespace)
        out = self.out or sys.stdout
        out.write("".join(f"{line}\n" for line in lines))
        out.flush()

    async def run(self) -> None:
        """Until cancelled (the app's lifespan owns the task)."""
        loop = asyncio.get_running_loop()
        next_emit = loop.time() + min(self.emit_every_s, 10.0)  # a first figure soon after start-up
        while True:
            backlog = self.refresh()
            if loop.time() >= next_emit:
                try:
                    self.emit(backlog)
                except (OSError, ValueError) as exc:  # a closed stdout must not stop the gateway
                    log.warning("backlog metric not written: %s", exc.__class__.__name__)
                next_emit = loop.time() + self.emit_every_s
            await asyncio.sleep(self.refresh_s)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[BacklogSignal]:
        task = asyncio.create_task(self.run(), name="backlog-signal")
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
