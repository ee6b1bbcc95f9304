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

    The search is the exact one rag_core reads a snapshot with (common.vectors), so every probe must
    find its own passage (or one with identical text) among the nearest; a miss means wrong or missing
    vectors (another model, a broken write) and the build is refused.
    """
    from common.vectors import Vectors  # the search rag_core reads snapshots with
    from embedder.snapshot import BuildInvalid

    ids = [r["chunk_id"] for r in records]
    if len(set(ids)) != len(ids):
        raise BuildInvalid("duplicate chunk ids in the snapshot")
    if collection.count() != len(ids):
        raise BuildInvalid(f"Chroma holds {collection.count()} vectors for {len(ids)} passages")
    sample = random.Random(len(ids)).sample(records, min(probes, len(records)))
    if not sample:
        return
    position = {chunk_id: i for i, chunk_id in enumerate(ids)}
    stored = Vectors.load(collection, position)
    depth = max(1, min(10, len(ids) // 20))  # small indexes: the passage itself must come first
    found = 0
    for record, vector in zip(sample, embedder.embed([embedding_text(r) for r in sample]), strict=True):
        hits = stored.nearest(vector, depth)
        owners = {int(stored.owners[row]) for row, _ in hits}
        identical = bool(hits) and hits[0][1] > 1 - 1e-3  # identical text elsewhere
        found += position[record["chunk_id"]] in owners or identical
    if found < len(sample):
        raise BuildInvalid(f"only {found} of {len(sample)} sampled passages retrieve themselves")
