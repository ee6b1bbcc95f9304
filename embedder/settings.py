"""The embedder's settings: the index volume, the embedding backend and what to ingest on first start."""

from __future__ import annotations

from pydantic import Field

from common.settings import IndexSettings


class EmbedderSettings(IndexSettings):
    """Read from the environment only (INDEX_DIR, EMBEDDING_BACKEND, BOOTSTRAP_PATHS, ...)."""

    health_port: int = 8084
    embedding_batch_size: int = Field(
        default=2, ge=1, description="2 is fastest with onnxruntime here (docs/benchmarks.md)"
    )
    keep_snapshots: int = Field(default=3, ge=1, description="complete snapshots kept besides `current`")
    bootstrap_paths: str = Field(
        default="", description="comma-separated paths ingested at start-up when no snapshot exists yet"
    )
    prefetch: int = Field(default=2, ge=1)
