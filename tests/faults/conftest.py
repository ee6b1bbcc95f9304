"""One live stack (gateway, rag_core, llm_connector, psql_worker as processes) shared by the fault scenarios.

Each scenario counts only its own queries (and the growth of the queries table), and starts from a
healthy stack: broker and database up, every service process running and ready, dead-letter queue empty.
Figures each scenario measures are printed at the end of the run (and written as JSON to
$FAULTS_FIGURES when set); docs/reliability.md records them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pika
import pytest

from deploy.local import ROOT
from tests.support.broker import AMQP_URL
from tests.support.database import PG_ADMIN_URL
from tests.support.faults import (
    FIGURES,
    INDEX_DOCUMENTS,
    SERVICES,
    FaultStack,
    Figures,
    ensure_broker_running,
    ensure_database_running,
    stack_env,
)
from tests.support.stack import build_index, isolated_services


@pytest.fixture(scope="session")
def faults_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """INDEX_DIR with a snapshot of part of knowledge/, built by the ingest command."""
    paths = [ROOT / "knowledge" / name for name in INDEX_DOCUMENTS]
    return build_index(tmp_path_factory.mktemp("faults_index"), *paths)


@pytest.fixture(scope="session")
def fault_stack(faults_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultStack]:
    ensure_broker_running(AMQP_URL)
    ensure_database_running(PG_ADMIN_URL)
    log_dir = tmp_path_factory.mktemp("fault_logs")
    env = stack_env(index_dir=faults_index)
    with isolated_services(env=env, prefix="faults", log_dir=log_dir, stack=FaultStack) as stack:
        try:
            stack.wait_ready(timeout=60)
            with httpx.Client(base_url=stack.gateway_url, timeout=60) as http:  # warm every stage once
                assert http.post("/query", json={"question": "How do I get a refund?"}).status_code == 200
            yield stack
        finally:  # a scenario may have left the broker or the database stopped: bring them back first
            ensure_broker_running(AMQP_URL)
            ensure_database_running(PG_ADMIN_URL)


@pytest.fixture
def stack(fault_stack: FaultStack) -> Iterator[FaultStack]:
    """The shared stack, healthy at the start of the scenario: services running and ready, no dead letters."""
    ensure_broker_running(AMQP_URL)
    ensure_database_running(PG_ADMIN_URL)
    for service in SERVICES:
        if not fault_stack.running(service):  # an earlier scenario failed before restoring it
            fault_stack.start(service)
    fault_stack.wait_ready(timeout=90)
    if fault_stack.dead_letters():  # an earlier scenario failed before checking its dead letters
        connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
        connection.channel().queue_purge(fault_stack.topology.dead_letter_queue)
        connection.close()
    yield fault_stack


@pytest.fixture
def figures() -> Figures:
    return Figures()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    terminalreporter.section("fault-injection figures")
    for entry in FIGURES:
        terminalreporter.write_line(json.dumps(entry, default=str))
    target = os.environ.get("FAULTS_FIGURES")
    if target:
        payload = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "figures": FIGURES}
        Path(target).write_text(json.dumps(payload, indent=2, default=str))
