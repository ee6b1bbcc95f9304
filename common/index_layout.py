"""The index volume's layout, shared by its one writer (embedder) and its readers (rag_core).

INDEX_DIR/current                      one line: the snapshot id (replaced atomically)
INDEX_DIR/snapshots/<id>/manifest.json build facts, written last (no manifest = incomplete)
INDEX_DIR/snapshots/<id>/chunks.jsonl  every passage with its metadata, in lexical-index order
INDEX_DIR/snapshots/<id>/chroma/       Chroma persistent directory (cosine space), vectors; collection
                                       `pieces` holds the vectors of a statute chunk's clauses, id
                                       "<chunk_id>/<n>" (n < the record's `pieces` count)
INDEX_DIR/snapshots/<id>/lexical/      bm25s index over the same passages

A published snapshot (one `current` has named) is never written again, by its writer or by a reader.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

POINTER = "current"
SNAPSHOTS = "snapshots"
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
COLLECTION = "passages"
PIECES = "pieces"


def read_pointer(index_dir: Path) -> str | None:
    """The snapshot id `current` names, or None before the first build."""
    try:
        return (index_dir / POINTER).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


@contextmanager
def published_chroma(chroma_dir: Path) -> Iterator[Any]:
    """A Chroma client on a private copy of a published snapshot's chroma/ directory, removed on exit.

    Chroma writes to the directory it opens even to read (a sqlite journal, the database itself, and every
    HNSW file truncated and rewritten): on the shared EFS volume that changed the published bytes under
    the other readers, and it failed on a read-only mount. The copy is a few MB (docs/benchmarks.md)."""
    import chromadb
    from chromadb.config import Settings

    with tempfile.TemporaryDirectory(prefix="chroma-") as private:
        copy = Path(private) / "chroma"
        for source in sorted(chroma_dir.rglob("*")):  # contents only: the copy is writable whatever the modes
            target = copy / source.relative_to(chroma_dir)
            if source.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
        client: Any = chromadb.PersistentClient(  # Any: ClientAPI's stubs lack close()
            path=str(copy), settings=Settings(anonymized_telemetry=False, allow_reset=False)
        )
        try:
            yield client
        finally:
            client.close()


def piece_ids(chunk_id: str, count: int) -> list[str]:
    """Ids of a chunk's piece vectors in the PIECES collection."""
    return [f"{chunk_id}/{n}" for n in range(count)]


def piece_parent(piece_id: str) -> str:
    """The chunk a piece vector belongs to."""
    return piece_id.rsplit("/", 1)[0]
