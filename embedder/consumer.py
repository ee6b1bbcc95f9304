"""The embedder stage: ChunkBatch messages in, one snapshot per build, `current` switched at the end.

Batches are handled one at a time in arrival order (the worker runs a single handler thread), and
every build has its own SnapshotWriter. A redelivered batch is harmless (upsert by chunk id); an
end marker that arrives before all batches is retried by redelivery until they have arrived.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common.failures import FailureCode, PermanentFailure
from common.index_layout import MANIFEST, SNAPSHOTS
from common.messages import ChunkBatch
from common.rabbit.worker import Outgoing
from embedder.snapshot import BuildInvalid, SnapshotExists, SnapshotWriter

log = logging.getLogger(__name__)


class BuildIncomplete(RuntimeError):
    """The end marker came before every batch; retried by redelivery."""


class BuildConsumer:
    """Routes each batch to its build's writer; finishes, verifies and switches on the end marker."""

    def __init__(self, *, index_dir: Path, embedder: Any, batch_size: int = 64, keep: int = 3) -> None:
        self.index_dir = index_dir
        self.embedder = embedder
        self.batch_size = batch_size
        self.keep = keep
        self.builds: dict[str, SnapshotWriter] = {}
        self.finished: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def _complete(self, build_id: str) -> bool:
        return (self.index_dir / SNAPSHOTS / build_id / MANIFEST).exists()

    def _writer(self, build_id: str) -> SnapshotWriter | None:
        if build_id in self.builds:
            return self.builds[build_id]
        if self._complete(build_id):
            return None  # a late duplicate of a build that is already done
        try:
            writer = SnapshotWriter(
                index_dir=self.index_dir,
                build_id=build_id,
                embedder=self.embedder,
                batch_size=self.batch_size,
            )
        except SnapshotExists as exc:
            raise PermanentFailure(FailureCode.SNAPSHOT_TAKEN, str(exc)) from exc
        self.builds[build_id] = writer
        return writer

    def _abandon(self, build_id: str, writer: SnapshotWriter) -> None:
        writer.abandon()
        del self.builds[build_id]

    def __call__(self, batch: ChunkBatch) -> Sequence[Outgoing]:
        with self._lock:
            writer = self._writer(batch.build_id)
            if writer is None:
                log.info("ignoring a message for completed build %s", batch.build_id)
                return []
            if batch.finished is None:
                try:
                    writer.add(batch.chunks, source=batch.source, batch_no=batch.batch_no)
                except BuildInvalid as exc:
                    self._abandon(batch.build_id, writer)
                    raise PermanentFailure(FailureCode.BUILD_INVALID, str(exc)) from exc
                return []
            if len(writer.batches) < batch.finished.batches:
                raise BuildIncomplete(
                    f"build {batch.build_id}: {len(writer.batches)}/{batch.finished.batches} batches so far"
                )
            try:
                manifest = writer.finish(batch.finished, keep=self.keep)
            except BuildInvalid as exc:
                self._abandon(batch.build_id, writer)
                raise PermanentFailure(FailureCode.BUILD_INVALID, str(exc)) from exc
            del self.builds[batch.build_id]
            self.finished.append(manifest)
            log.info("index switched to %s (%d chunks)", manifest["snapshot_id"], manifest["chunks"])
            return []
