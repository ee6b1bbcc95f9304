"""Fixtures for rag_core tests: one index of the Act per run, shared by the files that search it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.knowledge import ingest_paths

ACT = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "consumer_protection_act_2019.pdf"


@pytest.fixture(scope="session")
def act_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the Act alone, built once (embedding its clauses is most of these tests' time); a test
    that adds to it or changes it works on a copy."""
    if not ACT.exists():
        pytest.skip(f"reference corpus not found at {ACT}")
    index = tmp_path_factory.mktemp("act") / "index"
    ingest_paths(index, ACT)
    return index
