"""How a chunk is stored: one flat record shared by Chroma's metadata, chunks.jsonl and the manifest."""

from __future__ import annotations

import hashlib
from typing import Any

from common.messages import Chunk


def content_sha(text: str) -> str:
    """Identity of what gets embedded: equal text means an equal vector, so it can be reused."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def record_for(chunk: Chunk) -> dict[str, Any]:
    """Flat, JSON- and Chroma-friendly (str/int values only)."""
    return {
        "chunk_id": chunk.chunk_id,
        "text": chunk.text,
        "source": chunk.source,
        "source_sha256": chunk.source_sha256,
        "act": chunk.act,
        "chapter": chunk.chapter,
        "section": chunk.section,
        "title": chunk.title,
        "heading": chunk.heading,
        "defines": chunk.defines,
        "sample": int(chunk.sample),  # its SAMPLE_MARK lines are sample text (common/samples.py)
        "page": chunk.page_label(),
        "page_start": chunk.page_start,
        "page_end": chunk.page_end,
        "position": chunk.position,
        "pieces": len(chunk.pieces),  # piece vectors "<chunk_id>/<n>" in the PIECES collection
        "content_sha": content_sha(chunk.embedding_text()),
    }


def is_under(source: str, roots: list[str]) -> bool:
    """True when `source` lies inside one of the scanned folders (so its absence means deletion)."""
    return any(source.startswith(root.rstrip("/") + "/") for root in roots)
