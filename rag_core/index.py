"""Read-only view of one index snapshot, and the watcher that swaps to a new `current` without a restart.

The layout (common/index_layout.py) is written by the embedder and never modified once `current` names it.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from common.embedding import lexical_tokens
from common.index_layout import (
    CHUNKS,
    COLLECTION,
    MANIFEST,
    PIECES,
    POINTER,
    SNAPSHOTS,
    piece_parent,
    published_chroma,
    read_pointer,
)
from common.vectors import Vectors
from rag_core.links import statute_units
from rag_core.terms import definitions_index

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def query_stopwords() -> frozenset[str]:
    """Words a question's BM25 search skips: bm25s's longer English list (have, from, he, only, ...),
    raw and stemmed as the index stems them. The index keeps the short list it was built with (the
    tokens must agree), so only the query side changes and every existing snapshot still works.

    A story is long ("I have ... from my home ... he is not taking them back"): with only the short
    list those words matched every section that uses them, drowning the one rare word that names the
    law ("resale"). docs/benchmarks.md measures it."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS) | frozenset(lexical_tokens([" ".join(STOPWORDS_EN_PLUS)])[0])


@dataclass
class IndexSnapshot:
    """One immutable snapshot held in memory: Chroma's stored vectors searched exactly (common.vectors),
    bm25s for words."""

    snapshot_id: str
    path: Path
    manifest: dict[str, Any]
    records: list[dict[str, Any]]
    position: dict[str, int]
    bm25: Any
    vectors: Vectors | None = None  # the chunks' vectors, read once when the snapshot opens
    piece_vectors: Vectors | None = None  # their clauses' (common/index_layout.py); None in older snapshots
    definitions: dict[tuple[str, ...], list[int]] = field(default_factory=dict)
    statute_units: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def open(cls, index_dir: Path, snapshot_id: str) -> IndexSnapshot:
        """Read everything a query needs into memory; nothing in the snapshot's directory is written."""
        import bm25s

        path = index_dir / SNAPSHOTS / snapshot_id
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        with (path / CHUNKS).open(encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle]
        position = {record["chunk_id"]: i for i, record in enumerate(records)}
        with published_chroma(path / "chroma") as client:
            vectors = Vectors.load(client.get_collection(COLLECTION), position)
            piece_vectors = None
            if PIECES in {c.name for c in client.list_collections()}:
                piece_vectors = Vectors.load(
                    client.get_collection(PIECES), position, owner_id=piece_parent, order=_piece_number
                )
        bm25 = bm25s.BM25.load(str(path / "lexical"), mmap=len(records) > 50_000)
        log.info("opened index snapshot %s (%d passages)", snapshot_id, len(records))
        return cls(
            snapshot_id,
            path,
            manifest,
            records,
            position,
            bm25,
            vectors,
            piece_vectors,
            definitions_index(records),
            statute_units(records),
        )

    def dense(self, vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        """(record index, cosine similarity), best first; equal cosines in reading order."""
        if self.vectors is None:
            return []
        return [(int(self.vectors.owners[row]), cosine) for row, cosine in self.vectors.nearest(vector, n)]

    def piece_dense(self, vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        """(record index, cosine of its best clause), best first: the chunks of the `n` nearest clauses."""
        if self.piece_vectors is None:
            return []
        best: dict[int, float] = {}
        for row, cosine in self.piece_vectors.nearest(vector, n):
            best.setdefault(int(self.piece_vectors.owners[row]), cosine)
        return list(best.items())

    def lexical(self, question: str, n: int) -> list[tuple[int, float]]:
        """(record index, BM25 score), best first (equal scores in reading order); empty when no query word
        is in the vocabulary."""
        vocabulary = self.bm25.vocab_dict
        skip = query_stopwords()
        tokens = [t for t in lexical_tokens([question])[0] if t in vocabulary and t not in skip]
        n = min(n, len(self.records))
        if not tokens or n == 0:
            return []
        documents, scores = self.bm25.retrieve([tokens], k=n, show_progress=False, n_threads=0)
        hits = [(int(d), float(s)) for d, s in zip(documents[0], scores[0], strict=True) if s > 0]
        return sorted(hits, key=lambda hit: (-hit[1], hit[0]))

    def similarities(self, vector: np.ndarray, indices: list[int]) -> dict[int, float]:
        """Cosine similarity of the question to passages the dense search did not return."""
        if not indices or self.vectors is None:
            return {}
        wanted = set(indices)
        cosines = self.vectors.cosines(vector)
        return {int(i): float(c) for i, c in zip(self.vectors.owners, cosines, strict=True) if i in wanted}


def _piece_number(piece_id: str) -> int:
    """A clause vector's place in its chunk ("<chunk_id>/3" -> 3)."""
    return int(piece_id.rsplit("/", 1)[1])


class SnapshotWatcher:
    """Holds the snapshot in use; a cheap stat() per query notices a new `current` and swaps to it.

    The new snapshot is opened on a background thread while queries keep using the old one; the
    swap is a single reference assignment, so an in-flight query finishes on the snapshot it started.
    """

    def __init__(self, index_dir: Path, *, check_interval_s: float = 1.0) -> None:
        self.index_dir = index_dir
        self.check_interval_s = check_interval_s
        self._snapshot: IndexSnapshot | None = None
        self._seen: tuple[int, int] | None = None
        self._next_check = 0.0
        self._lock = threading.Lock()
        self._loading = False
        self.swaps = 0

    def current(self) -> IndexSnapshot | None:
        """The snapshot to answer from (None before the first build)."""
        now = time.monotonic()
        if now >= self._next_check:
            self._next_check = now + self.check_interval_s
            self._check()
        return self._snapshot

    def _check(self) -> None:
        try:
            stat = os.stat(self.index_dir / POINTER)
        except FileNotFoundError:
            return
        seen = (stat.st_ino, stat.st_mtime_ns)
        if seen == self._seen:
            return
        with self._lock:
            if self._loading or seen == self._seen:
                return
            self._loading = True
        if self._snapshot is None:
            self._load(seen)  # nothing to serve from meanwhile: load in the caller's thread
        else:
            threading.Thread(target=self._load, args=(seen,), name="index-swap", daemon=True).start()

    def _load(self, seen: tuple[int, int]) -> None:
        try:
            snapshot_id = read_pointer(self.index_dir)
            if snapshot_id and (self._snapshot is None or snapshot_id != self._snapshot.snapshot_id):
                snapshot = IndexSnapshot.open(self.index_dir, snapshot_id)
                retired, self._snapshot = self._snapshot, snapshot
                if retired is not None:  # in-flight queries finish on it; it holds no files open
                    self.swaps += 1
                    log.info("swapped index %s -> %s", retired.snapshot_id, snapshot_id)
            self._seen = seen
        except Exception:
            log.exception("could not open the index snapshot named by %s; retrying in 30 s", POINTER)
            self._next_check = time.monotonic() + 30.0
        finally:
            with self._lock:
                self._loading = False

    def wait_for_swap(self, timeout: float = 30.0) -> None:
        """Block until no background load is running (for tools and tests)."""
        deadline = time.monotonic() + timeout
        while self._loading and time.monotonic() < deadline:
            time.sleep(0.01)
