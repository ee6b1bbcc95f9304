"""The long-running embedder: bootstrap the default knowledge base if the index is empty, then consume."""

from __future__ import annotations

import logging
from pathlib import Path

from chunker.settings import ChunkerSettings
from common.index_layout import read_pointer
from common.messages import ChunkBatch
from common.rabbit.worker import Subscription, Worker
from embedder.consumer import BuildConsumer
from embedder.ingest import embedder_for, ingest
from embedder.settings import EmbedderSettings

log = logging.getLogger(__name__)


def bootstrap(settings: EmbedderSettings) -> None:
    """First start: no `current` yet and BOOTSTRAP_PATHS set, so ingest them (this process is the writer)."""
    index_dir = Path(settings.index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    paths = [p.strip() for p in settings.bootstrap_paths.split(",") if p.strip()]
    if not paths or read_pointer(index_dir):
        return
    summary = ingest(paths, settings=settings, chunker_settings=ChunkerSettings(), progress=False)
    log.info(summary.line())


def build_worker(settings: EmbedderSettings) -> Worker:
    """One handler thread, so batches are applied in the order they arrive."""
    consumer = BuildConsumer(
        index_dir=Path(settings.index_dir),
        embedder=embedder_for(settings),
        batch_size=settings.embedding_batch_size,
        keep=settings.keep_snapshots,
    )
    subscription = Subscription(settings.topology.embedder_chunks, ChunkBatch, consumer, stage="embedder")
    return Worker(
        settings=settings,
        subscriptions=[subscription],
        name="embedder",
        prefetch=settings.prefetch,
        threads=1,
        drain_timeout_s=120.0,
    )
