"""The embedder consumer on the real RabbitMQ: queued builds, idempotent, deleted sources removed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chunker.pipeline import run as publish_build
from chunker.settings import ChunkerSettings
from common.embedding import load_embedder
from common.index_layout import read_pointer
from common.messages import BuildFinished, ChunkBatch
from embedder.consumer import BuildConsumer, BuildIncomplete
from tests.support.broker import wait_until
from tests.support.knowledge import write_knowledge


def records(index_dir: Path) -> list[dict]:
    path = index_dir / "snapshots" / str(read_pointer(index_dir)) / "chunks.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.integration
def test_queued_builds_are_idempotent_and_drop_deleted_sources(tmp_path: Path, running_embedder) -> None:
    settings = running_embedder
    index_dir = Path(settings.index_dir)
    knowledge = write_knowledge(tmp_path / "knowledge")
    chunker_settings = ChunkerSettings(
        amqp_url=settings.amqp_url, namespace=settings.namespace, batch_chunks=2
    )

    first, chunks = publish_build(
        paths=[str(knowledge)], settings=chunker_settings, jsonl=None, to_broker=True
    )
    wait_until(lambda: read_pointer(index_dir) == first, timeout=120, message="first build switched")
    ids = sorted(r["chunk_id"] for r in records(index_dir))
    assert len(ids) == chunks == len(set(ids))

    second, _ = publish_build(paths=[str(knowledge)], settings=chunker_settings, jsonl=None, to_broker=True)
    wait_until(lambda: read_pointer(index_dir) == second, timeout=120, message="second build switched")
    assert sorted(r["chunk_id"] for r in records(index_dir)) == ids

    (knowledge / "mediation.md").unlink()
    third, _ = publish_build(paths=[str(knowledge)], settings=chunker_settings, jsonl=None, to_broker=True)
    wait_until(lambda: read_pointer(index_dir) == third, timeout=120, message="third build switched")
    assert {r["source"] for r in records(index_dir)} == {"knowledge/limitation.md", "knowledge/refunds.md"}
    manifest = json.loads((index_dir / "snapshots" / third / "manifest.json").read_text())
    assert manifest["removed_sources"] == ["knowledge/mediation.md"]


def test_end_marker_before_all_batches_is_retried_and_not_switched(tmp_path: Path) -> None:
    consumer = BuildConsumer(index_dir=tmp_path, embedder=load_embedder(backend="onnx-int8"))
    finished = BuildFinished(build_id="b1", sources={"a.md": "x"}, batches=2, chunks=0)
    consumer(ChunkBatch(build_id="b1", source="a.md", source_sha256="x", batch_no=0, last=False))
    with pytest.raises(BuildIncomplete):
        consumer(ChunkBatch(build_id="b1", finished=finished))
    assert read_pointer(tmp_path) is None
    consumer(ChunkBatch(build_id="b1", source="a.md", source_sha256="x", batch_no=1, last=True))
    consumer(ChunkBatch(build_id="b1", finished=finished))
    assert read_pointer(tmp_path) == "b1"
    # a late duplicate of a finished build changes nothing
    assert consumer(ChunkBatch(build_id="b1", finished=finished)) == []
