"""`python -m rag_core.search --k K`: questions on stdin, one JSON line each, from INDEX_DIR."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.knowledge import ingest_paths, write_knowledge

ROOT = Path(__file__).resolve().parents[2]


def run_cli(index_dir: Path, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INDEX_DIR": str(index_dir), "HF_HUB_OFFLINE": "1", "LOG_FORMAT": "text"}
    return subprocess.run(
        [sys.executable, "-m", "rag_core.search", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=240,
        check=False,
    )


def test_one_json_line_per_question(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    ingest_paths(index_dir, write_knowledge(tmp_path / "knowledge"))
    done = run_cli(
        index_dir, "How long is the panel of mediators valid?\n\nWhat is the capital of France?\n", "--k", "2"
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["question"] for line in lines] == [
        "How long is the panel of mediators valid?",
        "What is the capital of France?",
    ]
    first = lines[0]
    assert len(first["passages"]) == 2
    assert set(first["passages"][0]) >= {"text", "source", "section", "page", "score"}
    assert first["passages"][0]["source"] == "knowledge/mediation.md"
    assert not first["no_context"] and lines[1]["no_context"]


def test_without_an_index_it_says_so(tmp_path: Path) -> None:
    done = run_cli(tmp_path / "empty", "anything\n")
    assert done.returncode == 2 and "embedder.ingest" in done.stderr
