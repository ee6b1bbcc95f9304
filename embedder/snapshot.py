"""Writes one new, immutable index snapshot and switches `current` to it once it is verified.

Exactly one writer per snapshot: the directory is created with `mkdir`, which is atomic on local
disks and on NFS/EFS, so a second process building the same id fails instead of sharing a Chroma
directory. Readers only ever open snapshots that `current` names, which are complete and never
written again: not by this writer, nor by a reader (rag_core, or the next build's BaseSnapshot), which
give Chroma a private copy (common.index_layout.published_chroma).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import time
import uuid
from collections.abc import Iterable
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import numpy as np

from common.index_layout import (
    CHUNKS,
    COLLECTION,
    MANIFEST,
    PIECES,
    POINTER,
    SNAPSHOTS,
    piece_ids,
    published_chroma,
    read_pointer,
)
from common.messages import BuildFinished, Chunk
from embedder.records import is_under, record_for

log = logging.getLogger(__name__)

WRITER = "WRITER"
# search_ef 10 (the default) misses exact neighbours in large indexes; 100 costs well under a millisecond
HNSW = {"hnsw:space": "cosine", "hnsw:construction_ef": 200, "hnsw:search_ef": 100, "hnsw:M": 32}


class SnapshotExists(RuntimeError):
    """Another writer owns (or owned) this snapshot directory."""


class BuildInvalid(RuntimeError):
    """The build is incomplete or failed verification; `current` was not switched."""


def switch_pointer(index_dir: Path, snapshot_id: str) -> None:
    """Atomically make `snapshot_id` current: write a temp file, then os.replace over `current`."""
    tmp = index_dir / f".{POINTER}.{uuid.uuid4().hex}.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(snapshot_id + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / POINTER)


def _chroma(path: Path) -> Any:
    import chromadb
    from chromadb.config import Settings

    return chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))


class BaseSnapshot:
    """The snapshot `current` named when the build started: what the new one starts from."""

    def __init__(self, index_dir: Path) -> None:
        self.snapshot_id = read_pointer(index_dir)
        self.records: list[dict[str, Any]] = []
        self.manifest: dict[str, Any] = {}
        self._opened = ExitStack()
        self._collection: Any = None
        self._pieces: Any = None
        if self.snapshot_id:
            path = index_dir / SNAPSHOTS / self.snapshot_id
            self.manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
            with (path / CHUNKS).open(encoding="utf-8") as handle:
                self.records = [json.loads(line) for line in handle]
            # published: rag_core tasks are reading it, so Chroma opens a private copy
            client = self._opened.enter_context(published_chroma(path / "chroma"))
            self._collection = client.get_collection(COLLECTION)
            if PIECES in {c.name for c in client.list_collections()}:
                self._pieces = client.get_collection(PIECES)
        self.by_content = {r["content_sha"]: r["chunk_id"] for r in self.records}
        self.piece_count = {r["chunk_id"]: int(r.get("pieces", 0)) for r in self.records}

    def embeddings(self, ids: list[str], *, pieces: bool = False) -> dict[str, np.ndarray]:
        """Stored vectors by chunk id, or by piece id (reused instead of embedding unchanged text again)."""
        out: dict[str, np.ndarray] = {}
        collection = self._pieces if pieces else self._collection
        if collection is None or not ids:
            return out
        for start in range(0, len(ids), 2000):
            got = collection.get(ids=ids[start : start + 2000], include=["embeddings"])
            out.update(
                zip(got["ids"], (np.asarray(e, dtype=np.float32) for e in got["embeddings"]), strict=True)
            )
        return out

    def close(self) -> None:
        self._opened.close()


class SnapshotWriter:
    """Builds snapshots/<build_id>/ from the base snapshot plus this build's sources."""

    def __init__(self, *, index_dir: Path, build_id: str, embedder: Any, batch_size: int = 64) -> None:
        self.index_dir = index_dir
        self.build_id = build_id
        self.embedder = embedder
        self.batch_size = batch_size
        self.path = index_dir / SNAPSHOTS / build_id
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.mkdir(self.path)
        except FileExistsError as exc:
            raise SnapshotExists(f"snapshot {build_id} already exists; one writer per snapshot") from exc
        (self.path / WRITER).write_text(
            json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "started": time.time()}),
            encoding="utf-8",
        )
        self.started = time.time()
        self.base = BaseSnapshot(index_dir)
        self.reuse = self.base.manifest.get("embedding") == embedder.fingerprint
        self._client = _chroma(self.path / "chroma")
        self._collection = self._client.create_collection(COLLECTION, metadata=HNSW)
        self._pieces = self._client.create_collection(PIECES, metadata=HNSW)
        # One thread writes Chroma while the next batch is embedded: still one writer per snapshot,
        # and writes stay in order. finish() waits for them (and re-raises a failed write).
        self._write_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"write-{build_id}")
        self._writes: list[Future[None]] = []
        self.records: dict[str, dict[str, Any]] = {}
        self.batches: set[tuple[str, int]] = set()
        self.embedded = 0
        self.reused = 0
        self.embedded_pieces = 0

    def add(self, chunks: list[Chunk], *, source: str = "", batch_no: int = 0) -> None:
        """Embed (or reuse the base's vectors for unchanged text) and upsert into this snapshot only.

        The upsert runs on the writer thread; the records count as added at once (finish() waits)."""
        self._raise_failed_writes()
        if source:
            self.batches.add((source, batch_no))
        if not chunks:
            return
        records = [record_for(chunk) for chunk in chunks]
        wanted: dict[int, str | None] = {}
        if self.reuse:
            wanted = {i: self.base.by_content.get(r["content_sha"]) for i, r in enumerate(records)}
        texts = [chunk.embedding_text() for chunk in chunks]
        vectors, embedded = self._vectors(texts, [wanted.get(i) for i in range(len(chunks))])
        self._writes.append(self._write_thread.submit(self._upsert, records, vectors))
        self._add_pieces(chunks, records, wanted)
        self.records.update((r["chunk_id"], r) for r in records)
        self.embedded += embedded
        self.reused += len(chunks) - embedded

    def _vectors(
        self, texts: list[str], old_ids: list[str | None], *, pieces: bool = False
    ) -> tuple[np.ndarray, int]:
        """A vector per text: the base's stored one where `old_ids` names it, else embedded now; and how
        many were embedded."""
        stored = self.base.embeddings([o for o in old_ids if o], pieces=pieces)
        vectors = np.zeros((len(texts), self.embedder.dimension), dtype=np.float32)
        missing = []
        for n, old in enumerate(old_ids):
            if old in stored:
                vectors[n] = stored[old]
            else:
                missing.append(n)
        if missing:
            vectors[missing] = self.embedder.embed([texts[n] for n in missing], batch_size=self.batch_size)
        return vectors, len(missing)

    def _add_pieces(
        self, chunks: list[Chunk], records: list[dict[str, Any]], base_ids: dict[int, str | None]
    ) -> None:
        """The chunks' clause vectors (rag_core ranks a chunk by its best clause too); an unchanged chunk
        keeps the base's piece vectors when it has as many pieces."""
        ids: list[str] = []
        texts: list[str] = []
        old: list[str | None] = []
        for i, (chunk, record) in enumerate(zip(chunks, records, strict=True)):
            base_id = base_ids.get(i)
            same = base_id is not None and self.base.piece_count.get(base_id) == len(chunk.pieces)
            ids += piece_ids(record["chunk_id"], len(chunk.pieces))
            texts += chunk.pieces
            old += piece_ids(base_id, len(chunk.pieces)) if same and base_id else [None] * len(chunk.pieces)
        if not ids:
            return
        vectors, embedded = self._vectors(texts, old, pieces=True)
        self.embedded_pieces += embedded
        self._writes.append(self._write_thread.submit(self._upsert_ids, self._pieces, ids, vectors))

    def _upsert(self, records: list[dict[str, Any]], vectors: np.ndarray) -> None:
        """Vectors only, keyed by chunk id: text and metadata live in chunks.jsonl, which is what
        rag_core reads. Storing them in Chroma too cost 4x the write time (its full-text index)."""
        self._upsert_ids(self._collection, [r["chunk_id"] for r in records], vectors)

    @staticmethod
    def _upsert_ids(collection: Any, ids: list[str], vectors: np.ndarray) -> None:
        for start in range(0, len(ids), 1000):
            collection.upsert(ids=ids[start : start + 1000], embeddings=vectors[start : start + 1000])

    def _raise_failed_writes(self, *, wait: bool = False) -> None:
        """A write that failed fails the whole build (its batch was already handed over)."""
        if wait:
            futures.wait(self._writes)
        done = [w for w in self._writes if w.done()]
        self._writes = [w for w in self._writes if not w.done()]
        for write in done:
            error = write.exception()
            if error is not None:
                raise BuildInvalid(f"writing vectors to Chroma failed: {error}") from error

    def _carry_over(self, finished: BuildFinished) -> int:
        """Keep the base's sources this build did not touch; drop deleted ones under the scanned roots."""
        kept = [
            r
            for r in self.base.records
            if r["source"] not in finished.sources
            and not is_under(r["source"], finished.roots)
            and r["chunk_id"] not in self.records
        ]
        if not kept:
            return 0
        stored = self.base.embeddings([r["chunk_id"] for r in kept])
        vectors = np.stack([stored[r["chunk_id"]] for r in kept])
        self._upsert(kept, vectors)
        ids = [p for r in kept for p in piece_ids(r["chunk_id"], int(r.get("pieces", 0)))]
        pieces = self.base.embeddings(ids, pieces=True)
        # a record keeps its piece count only with all its piece vectors (a base built before pieces has none)
        whole = [all(p in pieces for p in piece_ids(r["chunk_id"], int(r.get("pieces", 0)))) for r in kept]
        kept = [r if ok else {**r, "pieces": 0} for r, ok in zip(kept, whole, strict=True)]
        kept_ids = [p for r in kept for p in piece_ids(r["chunk_id"], int(r.get("pieces", 0)))]
        if kept_ids:
            self._upsert_ids(self._pieces, kept_ids, np.stack([pieces[p] for p in kept_ids]))
        self.records.update((r["chunk_id"], r) for r in kept)
        return len(kept)

    def finish(self, finished: BuildFinished, *, switch: bool = True, keep: int = 3) -> dict[str, Any]:
        """Complete, verify, write the manifest, then (optionally) switch `current` and prune."""
        from embedder.verify import build_lexical, verify

        if finished.build_id != self.build_id:
            raise BuildInvalid(f"end marker for {finished.build_id} sent to build {self.build_id}")
        built = sum(1 for r in self.records.values() if r["source"] in finished.sources)
        if len(self.batches) != finished.batches or built != finished.chunks:
            raise BuildInvalid(
                f"build {self.build_id} incomplete: {len(self.batches)}/{finished.batches} batches, "
                f"{built}/{finished.chunks} chunks"
            )
        self._raise_failed_writes(wait=True)
        carried = self._carry_over(finished)
        ordered = sorted(self.records.values(), key=lambda r: (r["source"], r["position"], r["chunk_id"]))
        with (self.path / CHUNKS).open("w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in ordered)
        build_lexical(self.path / "lexical", ordered)
        expected_pieces = sum(int(r.get("pieces", 0)) for r in ordered)
        if self._pieces.count() != expected_pieces:
            raise BuildInvalid(f"Chroma holds {self._pieces.count()} clause vectors for {expected_pieces}")
        verify(collection=self._collection, records=ordered, embedder=self.embedder)
        sources = sorted({r["source"] for r in ordered} | set(finished.sources))
        manifest = {
            "snapshot_id": self.build_id,
            "parent": self.base.snapshot_id,
            "created": time.time(),
            "embedding": self.embedder.fingerprint,
            "chunks": len(ordered),
            "sources": sources,
            "built_sources": finished.sources,
            "roots": finished.roots,
            "carried_over": carried,
            "embedded": self.embedded,
            "reused_vectors": self.reused,
            "pieces": self._pieces.count(),
            "embedded_pieces": self.embedded_pieces,
            "removed_sources": sorted({r["source"] for r in self.base.records} - set(sources)),
        }
        tmp = self.path / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(tmp, self.path / MANIFEST)
        self.close()
        if switch:
            switch_pointer(self.index_dir, self.build_id)
            prune(self.index_dir, keep=keep)
        log.info("snapshot %s complete: %d chunks", self.build_id, len(ordered))
        return manifest

    def close(self) -> None:
        self._write_thread.shutdown(wait=True)
        self._client.close()
        self.base.close()

    def abandon(self) -> None:
        """Mark a build that cannot complete, so prune() can delete it."""
        self.close()
        (self.path / "FAILED").write_text(str(time.time()), encoding="utf-8")


def snapshot_dirs(index_dir: Path) -> Iterable[Path]:
    root = index_dir / SNAPSHOTS
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.exists() else []


def prune(index_dir: Path, *, keep: int, stale_after_s: float = 6 * 3600) -> list[str]:
    """Delete old complete snapshots beyond `keep` (never `current`), failed and long-stale builds."""
    current = read_pointer(index_dir)
    complete = [p for p in snapshot_dirs(index_dir) if (p / MANIFEST).exists()]
    doomed = [p for p in complete[: max(0, len(complete) - keep)] if p.name != current]
    for path in snapshot_dirs(index_dir):
        if (path / MANIFEST).exists() or path.name == current:
            continue
        writer = path / WRITER
        age = time.time() - (writer.stat().st_mtime if writer.exists() else path.stat().st_mtime)
        if (path / "FAILED").exists() or age > stale_after_s:
            doomed.append(path)
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)
    return [p.name for p in doomed]
