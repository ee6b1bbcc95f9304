"""Checks a snapshot must pass before `current` may point at it, and the lexical index it ships."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any


def embedding_text(record: dict[str, Any]) -> str:
    return f"{record['heading']}\n{record['text']}" if record.get("heading") else str(record["text"])


def build_lexical(path: Path, records: list[dict[str, Any]]) -> None:
    """A bm25s index over the same text the vectors were made from, in chunks.jsonl order."""
    import bm25s

    from common.embedding import lexical_tokens

    retriever = bm25s.BM25()
    tokens = lexical_tokens([embedding_text(r) for r in records]) if records else [[""]]
    retriever.index(tokens, show_progress=False)
    retriever.save(str(path))


def verify(*, collection: Any, records: list[dict[str, Any]], embedder: Any, probes: int = 3) -> None:
    """Same ids in Chroma and chunks.jsonl, and a few passages find themselves by their own text."""
    from embedder.snapshot import BuildInvalid

    ids = [r["chunk_id"] for r in records]
    if len(set(ids)) != len(ids):
        raise BuildInvalid("duplicate chunk ids in the snapshot")
    if collection.count() != len(ids):
        raise BuildInvalid(f"Chroma holds {collection.count()} vectors for {len(ids)} passages")
    sample = random.Random(len(ids)).sample(records, min(probes, len(records)))
    if not sample:
        return
    vectors = embedder.embed([embedding_text(r) for r in sample])
    result = collection.query(
        query_embeddings=vectors.tolist(), n_results=min(5, len(ids)), include=["distances"]
    )
    for record, distances in zip(sample, result["distances"], strict=True):
        if not distances or min(distances) > 0.05:
            raise BuildInvalid(
                f"passage {record['chunk_id']} does not retrieve itself (distance {distances})"
            )
