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
        description="texts per model call. 1 with the int8 backend: its activations are quantised per "
        "call, so a passage embedded with others differs from the same text embedded alone (cosine down "
        "to 0.983 at 8); one at a time on each thread gives passages exactly the vectors a question of "
        "the same text gets, and ingests as fast as 2 here (docs/benchmarks.md)",
    )
    keep_snapshots: int = Field(default=3, ge=1, description="complete snapshots kept besides `current`")
    bootstrap_paths: str = Field(
        default="", description="comma-separated paths ingested at start-up when no snapshot exists yet"
    )
    prefetch: int = Field(default=2, ge=1)
