"""Hot swap: rag_core keeps answering while the embedder (fed through RabbitMQ) switches the snapshot."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from chunker.pipeline import run as publish_build
from chunker.settings import ChunkerSettings
from common.index_layout import read_pointer
from rag_core.retrieval import Retriever
from rag_core.settings import RagSettings
from tests.support.broker import wait_until
from tests.support.knowledge import ingest_paths, write_guide, write_knowledge

pytestmark = pytest.mark.integration


def test_no_query_fails_while_the_snapshot_switches(tmp_path: Path, running_embedder) -> None:
    settings = running_embedder
    index_dir = Path(settings.index_dir)
    knowledge = write_knowledge(tmp_path / "knowledge")
    first = ingest_paths(index_dir, knowledge).build_id
    retriever = Retriever.from_settings(RagSettings(index_dir=str(index_dir), index_check_interval_s=0.05))
    assert retriever.index_version == first

    failures: list[BaseException] = []
    versions: set[str] = set()
    answered = 0
    stop = threading.Event()

    def serve() -> None:
        nonlocal answered
        while not stop.is_set():
            try:
                result = retriever.retrieve("Where can I call the consumer helpline?", k=3)
                assert result.passages
                versions.add(result.index_version)
                answered += 1
            except BaseException as exc:
                failures.append(exc)

    threads = [threading.Thread(target=serve) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        write_guide(
            knowledge,
            "helpline.md",
            "National Consumer Helpline",
            ["17"],
            "Call the National Consumer Helpline on 1915 for free advice before filing a complaint.",
        )
        chunker_settings = ChunkerSettings(amqp_url=settings.amqp_url, namespace=settings.namespace)
        second, _ = publish_build(
            paths=[str(knowledge)], settings=chunker_settings, jsonl=None, to_broker=True
        )
        wait_until(
            lambda: read_pointer(index_dir) == second, timeout=120, message="embedder switched `current`"
        )
        wait_until(lambda: second in versions, timeout=30, message="rag_core serving the new snapshot")
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    assert not failures, failures[:3]
    assert {first, second} <= versions and answered > 10
    assert retriever.watcher.swaps == 1
    top = retriever.retrieve("Where can I call the consumer helpline?", k=1).passages[0]
    assert top.source == "knowledge/helpline.md"
