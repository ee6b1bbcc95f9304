"""The index volume's layout, shared by its one writer (embedder) and its readers (rag_core).

INDEX_DIR/current                      one line: the snapshot id (replaced atomically)
INDEX_DIR/snapshots/<id>/manifest.json build facts, written last (no manifest = incomplete)
INDEX_DIR/snapshots/<id>/chunks.jsonl  every passage with its metadata, in lexical-index order
INDEX_DIR/snapshots/<id>/chroma/       Chroma persistent directory (cosine space), vectors
INDEX_DIR/snapshots/<id>/lexical/      bm25s index over the same passages
"""

from __future__ import annotations

from pathlib import Path

POINTER = "current"
SNAPSHOTS = "snapshots"
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
COLLECTION = "passages"


def read_pointer(index_dir: Path) -> str | None:
    """The snapshot id `current` names, or None before the first build."""
    try:
        return (index_dir / POINTER).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None
