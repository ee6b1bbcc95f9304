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


def verify(*, collection: Any, records: list[dict[str, Any]], embedder: Any, probes: int = 5) -> None:
    """Same ids in Chroma and chunks.jsonl, and sampled passages find themselves by their own text.

    HNSW is approximate, so one miss among the probes is tolerated; a majority of misses means
    wrong or missing vectors (another model, a broken write) and the build is refused.
    """
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
    depth = max(1, min(10, len(ids) // 20))  # small indexes: the passage itself must come first
    result = collection.query(query_embeddings=vectors.tolist(), n_results=depth, include=["distances"])
    found = sum(
        1
        for record, hits, distances in zip(sample, result["ids"], result["distances"], strict=True)
        if record["chunk_id"] in hits or (distances and min(distances) < 1e-3)  # identical text elsewhere
    )
    if found < len(sample) - 1 or found == 0:
        raise BuildInvalid(f"only {found} of {len(sample)} sampled passages retrieve themselves")
