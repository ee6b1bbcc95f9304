"""Small-to-big: a statute chunk's clauses have vectors of their own, and a match on one ranks its chunk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from common.index_layout import PIECES, piece_parent, published_chroma, read_pointer
from rag_core.index import IndexSnapshot
from rag_core.retrieval import Retriever, by_best_piece
from rag_core.settings import RagSettings
from tests.support.knowledge import ingest_paths, write_knowledge

ACT = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "consumer_protection_act_2019.pdf"
RESALE = "I bought power banks to resell and they are dead"


@pytest.fixture(scope="module")
def index_dir(act_index: Path) -> Path:
    return act_index


def open_current(index_dir: Path) -> IndexSnapshot:
    return IndexSnapshot.open(index_dir, str(read_pointer(index_dir)))


def stored_piece_ids(snapshot: IndexSnapshot) -> list[str]:
    """The clause vectors' ids as Chroma holds them."""
    with published_chroma(snapshot.path / "chroma") as client:
        return list(client.get_collection(PIECES).get(include=[])["ids"])


def test_every_statute_chunk_has_its_clause_vectors(index_dir: Path) -> None:
    snapshot = open_current(index_dir)
    ids = stored_piece_ids(snapshot)
    counts = [int(r.get("pieces", 0)) for r in snapshot.records]
    assert snapshot.piece_vectors is not None
    assert len(snapshot.piece_vectors) == len(ids) == sum(counts) > len(snapshot.records) and min(counts) >= 1
    assert {piece_parent(i) for i in ids} == {r["chunk_id"] for r in snapshot.records}


def test_a_clause_ranks_its_chunk_by_its_own_cosine(index_dir: Path) -> None:
    """The resale exclusion is one sentence of 2(7)(i): its clause is nearer the story than the chunk is."""
    retriever = Retriever.from_settings(RagSettings(index_dir=str(index_dir), scope_check=False))
    snapshot = retriever.watcher.current()
    assert snapshot is not None
    vector = retriever.embedder.embed([RESALE])[0]
    [consumer] = [
        i for i, r in enumerate(snapshot.records) if r["section"] == "2(7)" and "resale" in r["text"]
    ]
    own = snapshot.similarities(vector, [consumer])[consumer]
    assert snapshot.piece_vectors is not None
    clauses = dict(snapshot.piece_dense(vector, len(snapshot.piece_vectors)))
    assert clauses[consumer] > own  # the sentence is not diluted by the deferred-payment wording
    ranked = by_best_piece(snapshot.dense(vector, 40), list(clauses.items()), n=40)
    assert dict(ranked)[consumer] == pytest.approx(clauses[consumer])
    passages = retriever.retrieve(RESALE, k=5).passages
    slot = next(p for p in passages if p.section == "2(7)")
    assert "does not include a person who obtains such goods for resale" in slot.text
    assert len(slot.text) > 400  # the slot holds the definition, not the one sentence that matched


def test_better_of_chunk_and_clause_cosine_and_the_no_context_score_stays_the_chunks() -> None:
    merged = by_best_piece([(1, 0.5), (2, 0.4)], [(2, 0.7), (3, 0.3), (1, 0.2)], n=2)
    assert merged == [(2, 0.7), (1, 0.5)]


def test_snapshots_built_before_clause_vectors_still_answer(index_dir: Path, tmp_path: Path) -> None:
    import chromadb

    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    client = chromadb.PersistentClient(path=str(copy / "snapshots" / str(read_pointer(copy)) / "chroma"))
    client.delete_collection(PIECES)
    client.close()
    retriever = Retriever.from_settings(RagSettings(index_dir=str(copy), scope_check=False))
    snapshot = retriever.watcher.current()
    assert snapshot is not None and snapshot.piece_vectors is None and snapshot.piece_dense([0.0], 5) == []  # type: ignore[arg-type]
    assert retriever.retrieve(RESALE, k=5).passages
    ingest_paths(copy, write_knowledge(tmp_path / "knowledge"))  # the Act carried over without clauses
    rebuilt = open_current(copy)
    assert rebuilt.piece_vectors is not None and len(rebuilt.piece_vectors) == 0
    assert stored_piece_ids(rebuilt) == [] and all(r["pieces"] == 0 for r in rebuilt.records)


def test_reingest_reuses_clause_vectors_and_carries_them_over(index_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    ids = sorted(stored_piece_ids(open_current(copy)))
    ingest_paths(copy, write_knowledge(tmp_path / "knowledge"))  # the Act is carried over untouched
    carried = open_current(copy)
    assert sorted(stored_piece_ids(carried)) == ids  # a guide's paragraphs get none
    assert all(r["pieces"] == 0 for r in carried.records if r["source"].startswith("knowledge/"))
    again = ingest_paths(copy, ACT)  # the Act rebuilt with unchanged text: its vectors are reused
    after = open_current(copy)
    assert sorted(stored_piece_ids(after)) == ids and again.embedded == 0
    assert after.manifest["pieces"] == len(ids) and after.manifest["embedded_pieces"] == 0
