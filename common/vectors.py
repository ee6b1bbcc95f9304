"""Exact nearest neighbours over a snapshot's stored vectors, held in memory, ties broken by reading order.

Chroma's HNSW graph for a snapshot is rebuilt by several threads each time a process opens it, so its
approximate answer changed from run to run: the same question got a different second passage, and now and
then a chunk among the ten nearest was missing from the forty candidates (docs/benchmarks.md, Answer key
facts, 2026-12-04). An index of one Act and its guides holds a few thousand vectors at most, about as many
bytes as the passages' text already held in memory, and one matrix product ranks them all in well under a
millisecond, so the search is exact: the same question always gets the same candidates, best first.
The embedder's build check (embedder/verify.py) searches a new snapshot the same way before it goes live.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

PAGE = 5000  # vectors read from Chroma per call when a snapshot opens


@dataclass(frozen=True)
class Vectors:
    """Unit vectors, each row belonging to one record (a chunk, or the chunk a clause vector is part of)."""

    owners: np.ndarray  # record index of each row, rows in reading order (record, then clause number)
    matrix: np.ndarray  # float32, one unit row per vector

    @classmethod
    def load(
        cls,
        collection: Any,
        position: dict[str, int],
        *,
        owner_id: Callable[[str], str] = lambda vector_id: vector_id,
        order: Callable[[str], int] = lambda vector_id: 0,
    ) -> Vectors:
        """Every vector of a Chroma collection whose owner is a record of `position` (chunk id -> index)."""
        rows: list[tuple[int, int, Sequence[float]]] = []
        total = collection.count() if collection is not None else 0
        for offset in range(0, total, PAGE):
            got = collection.get(include=["embeddings"], limit=PAGE, offset=offset)
            for vector_id, embedding in zip(got["ids"], got["embeddings"], strict=True):
                owner = position.get(owner_id(vector_id))
                if owner is not None:
                    rows.append((owner, order(vector_id), embedding))
        rows.sort(key=lambda row: (row[0], row[1]))  # Chroma returns them in no promised order
        if not rows:
            return cls(np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32))
        matrix = np.asarray([row[2] for row in rows], dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return cls(np.asarray([row[0] for row in rows], dtype=np.int64), matrix / np.maximum(norms, 1e-12))

    def __len__(self) -> int:
        return len(self.owners)

    def cosines(self, vector: Any) -> np.ndarray:
        """Cosine similarity of every row to `vector`."""
        query = np.asarray(vector, dtype=np.float32)
        return self.matrix @ (query / max(float(np.linalg.norm(query)), 1e-12))

    def nearest(self, vector: Any, n: int) -> list[tuple[int, float]]:
        """(row, cosine) of the n rows nearest `vector`, best first; equal cosines keep reading order."""
        n = min(n, len(self))
        if n <= 0:
            return []
        scores = self.cosines(vector)
        rows = np.lexsort((np.arange(len(scores)), -scores))[:n]
        return [(int(row), float(scores[row])) for row in rows]
