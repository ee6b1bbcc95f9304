"""The chunker publishes its build, in order, to the embedder's queue on the real RabbitMQ."""

from __future__ import annotations

from pathlib import Path

import pytest

from chunker.pipeline import run
from chunker.settings import ChunkerSettings
from common.messages import ChunkBatch
from common.topology import Topology
from tests.support.knowledge import write_mixed_formats

pytestmark = pytest.mark.integration


def test_batches_reach_the_embedder_queue_in_order(
    tmp_path: Path, amqp_url: str, namespace: str, channel
) -> None:
    write_mixed_formats(tmp_path / "knowledge")
    settings = ChunkerSettings(amqp_url=amqp_url, namespace=namespace, batch_chunks=2)
    jsonl = tmp_path / "chunks.jsonl"
    build_id, chunks = run(
        paths=[str(tmp_path / "knowledge")], settings=settings, jsonl=str(jsonl), to_broker=True
    )

    queue = Topology(namespace).embedder_chunks  # single active consumer: no basic.get, so consume
    received: list[ChunkBatch] = []
    for method, properties, body in channel.consume(queue, auto_ack=True, inactivity_timeout=1.0):
        if method is None:
            break
        assert properties.content_type == "application/json"
        received.append(ChunkBatch.model_validate_json(body))
    channel.cancel()
    assert received and all(b.build_id == build_id for b in received)
    assert received[-1].finished is not None and received[-1].finished.chunks == chunks
    assert sum(len(b.chunks) for b in received) == chunks == len(jsonl.read_text().splitlines())
