"""Snapshots: idempotent re-ingest, replaced and deleted sources, one writer, atomic pointer, pruning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from common.embedding import load_embedder
from common.index_layout import MANIFEST, published_chroma, read_pointer
from embedder.snapshot import SnapshotExists, SnapshotWriter, prune, switch_pointer
from tests.support.knowledge import ingest_paths, write_guide, write_knowledge
from tests.support.snapshots import file_states


def snapshot_records(index_dir: Path) -> list[dict]:
    current = read_pointer(index_dir)
    path = index_dir / "snapshots" / str(current) / "chunks.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def chroma_ids(index_dir: Path) -> list[str]:
    with published_chroma(index_dir / "snapshots" / str(read_pointer(index_dir)) / "chroma") as client:
        return list(client.get_collection("passages").get(include=[])["ids"])


def test_reingesting_the_same_sources_is_idempotent(tmp_path: Path) -> None:
    knowledge = write_knowledge(tmp_path / "knowledge")
    index = tmp_path / "index"
    first = ingest_paths(index, knowledge)
    ids_first = sorted(chroma_ids(index))
    second = ingest_paths(index, knowledge)
    ids_second = sorted(chroma_ids(index))

    assert first.build_id != second.build_id and read_pointer(index) == second.build_id
    assert ids_first == ids_second and len(set(ids_second)) == len(ids_second) == first.chunks
    assert second.embedded == 0  # unchanged text: vectors come from the previous snapshot
    assert sorted(r["chunk_id"] for r in snapshot_records(index)) == ids_second


def test_changed_and_deleted_sources_lose_their_old_chunks(tmp_path: Path) -> None:
    knowledge = write_knowledge(tmp_path / "knowledge")
    index = tmp_path / "index"
    ingest_paths(index, knowledge)
    before = {r["chunk_id"]: r for r in snapshot_records(index)}

    (knowledge / "mediation.md").unlink()
    write_guide(
        knowledge,
        "refunds.md",
        "Refunds for defective goods",
        ["2(10)"],
        "A seller who sells defective goods must repair them, replace them or refund the full price.",
    )
    summary = ingest_paths(index, knowledge)
    after = snapshot_records(index)
    sources = {r["source"] for r in after}

    assert sources == {"knowledge/limitation.md", "knowledge/refunds.md"}
    assert not any("panel of mediators" in r["text"] for r in after)
    refunds = " ".join(r["text"] for r in after if r["source"] == "knowledge/refunds.md")
    assert "refund the full price" in refunds and "imperfection" not in refunds
    kept = [r for r in after if r["source"] == "knowledge/limitation.md"]
    assert kept and all(r["chunk_id"] in before for r in kept)
    assert sorted(chroma_ids(index)) == sorted(r["chunk_id"] for r in after)
    manifest = json.loads((index / "snapshots" / summary.build_id / MANIFEST).read_text())
    assert manifest["removed_sources"] == ["knowledge/mediation.md"]


def test_adding_a_document_keeps_what_was_indexed_before(tmp_path: Path) -> None:
    knowledge = write_knowledge(tmp_path / "knowledge")
    index = tmp_path / "index"
    ingest_paths(index, knowledge)
    extra = write_guide(
        tmp_path / "elsewhere",
        "helpline.md",
        "National Consumer Helpline",
        ["17"],
        "Call the helpline on 1915 before going to the commission.",
    )
    ingest_paths(index, extra)
    sources = {r["source"] for r in snapshot_records(index)}
    assert sources == {
        "knowledge/limitation.md",
        "knowledge/mediation.md",
        "knowledge/refunds.md",
        "helpline.md",
    }


def test_a_build_leaves_the_published_snapshot_it_starts_from_as_it_was(tmp_path: Path) -> None:
    """The next build reads the vectors of the snapshot rag_core tasks are serving, and writes none of it."""
    knowledge = write_knowledge(tmp_path / "knowledge")
    index = tmp_path / "index"
    first = ingest_paths(index, knowledge)
    published = index / "snapshots" / first.build_id
    before = file_states(published)
    write_guide(knowledge, "helpline.md", "National Consumer Helpline", ["17"], "Call 1915 first.")
    second = ingest_paths(index, knowledge)
    assert second.embedded < second.chunks  # the unchanged guides' vectors came from the first snapshot
    assert read_pointer(index) == second.build_id and file_states(published) == before


def test_one_writer_per_snapshot_directory(tmp_path: Path) -> None:
    embedder = load_embedder(backend="onnx-int8")
    writer = SnapshotWriter(index_dir=tmp_path, build_id="b1", embedder=embedder)
    try:
        with pytest.raises(SnapshotExists):
            SnapshotWriter(index_dir=tmp_path, build_id="b1", embedder=embedder)
    finally:
        writer.abandon()
    assert read_pointer(tmp_path) is None  # an unfinished build never becomes current


def test_pointer_switch_is_atomic_and_pruning_keeps_current(tmp_path: Path) -> None:
    for name in ("20200101T000000Z-a", "20200102T000000Z-b", "20200103T000000Z-c"):
        (tmp_path / "snapshots" / name).mkdir(parents=True)
        (tmp_path / "snapshots" / name / MANIFEST).write_text("{}")
    (tmp_path / "snapshots" / "20200104T000000Z-d").mkdir()
    (tmp_path / "snapshots" / "20200104T000000Z-d" / "FAILED").write_text("x")
    switch_pointer(tmp_path, "20200101T000000Z-a")
    switch_pointer(tmp_path, "20200102T000000Z-b")
    assert read_pointer(tmp_path) == "20200102T000000Z-b"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    removed = prune(tmp_path, keep=1)
    assert sorted(removed) == ["20200101T000000Z-a", "20200104T000000Z-d"]
    assert sorted(p.name for p in (tmp_path / "snapshots").iterdir()) == [
        "20200102T000000Z-b",
        "20200103T000000Z-c",
    ]


class _OtherModel:
    """Stands in for a different embedding model: vectors unrelated to the stored ones."""

    def __init__(self, real) -> None:
        self.fingerprint, self.dimension = real.fingerprint, real.dimension

    def embed(self, texts: list[str], *, batch_size: int = 64):
        import numpy as np

        vectors = np.random.default_rng(1).normal(size=(len(texts), self.dimension)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_verification_refuses_vectors_that_do_not_match_their_text(tmp_path: Path) -> None:
    from chunker.pipeline import Chunker
    from chunker.settings import ChunkerSettings
    from embedder.snapshot import BuildInvalid

    knowledge = write_knowledge(tmp_path / "knowledge")
    chunker = Chunker(settings=ChunkerSettings())
    files, roots = chunker.plan([str(knowledge)])
    *batches, end = chunker.messages(build_id="b1", sources=chunker.chunk_files(files), roots=roots)
    real = load_embedder(backend="onnx-int8")
    writer = SnapshotWriter(index_dir=tmp_path / "index", build_id="b1", embedder=_OtherModel(real))
    for batch in batches:
        writer.add(batch.chunks, source=batch.source, batch_no=batch.batch_no)
    writer.embedder = real  # verification embeds with the model the index claims to use
    with pytest.raises(BuildInvalid):
        writer.finish(end.finished)
    assert read_pointer(tmp_path / "index") is None


def test_a_failed_background_write_fails_the_build(tmp_path: Path) -> None:
    """Chroma writes run beside the next batch's embedding; a failed one must not yield a snapshot."""
    from chunker.pipeline import Chunker
    from chunker.settings import ChunkerSettings
    from embedder.snapshot import BuildInvalid

    knowledge = write_knowledge(tmp_path / "knowledge")
    chunker = Chunker(settings=ChunkerSettings())
    files, roots = chunker.plan([str(knowledge)])
    *batches, end = chunker.messages(build_id="b1", sources=chunker.chunk_files(files), roots=roots)
    assert len(batches) >= 2
    real = load_embedder(backend="onnx-int8")
    writer = SnapshotWriter(index_dir=tmp_path / "index", build_id="b1", embedder=real)
    upsert, calls = writer._collection.upsert, []

    def upsert_then_fail(**kwargs: object) -> None:  # the disk filling up after the first write, say
        calls.append(1)
        if len(calls) > 1:
            raise OSError("No space left on device")
        upsert(**kwargs)

    writer._collection.upsert = upsert_then_fail
    with pytest.raises(BuildInvalid, match="writing vectors to Chroma failed"):
        for batch in batches:
            writer.add(batch.chunks, source=batch.source, batch_no=batch.batch_no)
        writer.finish(end.finished)
    assert read_pointer(tmp_path / "index") is None
