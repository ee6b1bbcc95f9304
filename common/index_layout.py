"""The index volume's layout, shared by its one writer (embedder) and its readers (rag_core).

INDEX_DIR/current                      one line: the snapshot id (replaced atomically)
INDEX_DIR/snapshots/<id>/manifest.json build facts, written last (no manifest = incomplete)
INDEX_DIR/snapshots/<id>/chunks.jsonl  every passage with its metadata, in lexical-index order
INDEX_DIR/snapshots/<id>/chroma/       Chroma persistent directory (cosine space), vectors; collection
                                       `pieces` holds the vectors of a statute chunk's clauses, id
                                       "<chunk_id>/<n>" (n < the record's `pieces` count)
INDEX_DIR/snapshots/<id>/lexical/      bm25s index over the same passages
"""

from __future__ import annotations

from pathlib import Path

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


def piece_ids(chunk_id: str, count: int) -> list[str]:
    """Ids of a chunk's piece vectors in the PIECES collection."""
    return [f"{chunk_id}/{n}" for n in range(count)]


def piece_parent(piece_id: str) -> str:
    """The chunk a piece vector belongs to."""
    return piece_id.rsplit("/", 1)[0]
