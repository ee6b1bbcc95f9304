"""The embedder's settings: the index volume, the embedding backend and what to ingest on first start."""

from __future__ import annotations

from pydantic import Field

from common.settings import IndexSettings


class EmbedderSettings(IndexSettings):
    """Read from the environment only (INDEX_DIR, EMBEDDING_BACKEND, BOOTSTRAP_PATHS, ...)."""

    health_port: int = 8084
    embedding_batch_size: int = Field(
        default=1,
        ge=1,
        description="texts per model call for the torch and onnx backends; onnx-int8 always embeds one "
        "text per call (common/embedding.py), which ingests as fast as batches here (docs/benchmarks.md)",
    )
    keep_snapshots: int = Field(default=3, ge=1, description="complete snapshots kept besides `current`")
    bootstrap_paths: str = Field(
        default="", description="comma-separated paths ingested at start-up when no snapshot exists yet"
    )
    prefetch: int = Field(default=2, ge=1)
