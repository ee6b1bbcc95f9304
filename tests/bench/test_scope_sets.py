"""The labelled scope sets: the format bench.scope reads, no question in two sets, all in make bench-scope."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.retrieval import ROOT
from bench.scope import rows

SETS = sorted((ROOT / "bench" / "data").glob("scope_*.csv"))


def test_there_are_sets() -> None:
    assert any(path.name == "scope_heldout7.csv" for path in SETS)


@pytest.mark.parametrize("path", SETS, ids=lambda path: path.name)
def test_a_set_labels_every_question_in_or_out_of_scope(path: Path) -> None:
    questions = rows(path)
    assert questions
    for row in questions:
        assert row["question"] and row["reason"]
        assert row["in_scope"] in ("yes", "no"), row
    assert {row["in_scope"] for row in questions} == {"yes", "no"}


def test_no_question_is_in_two_sets() -> None:
    seen: dict[str, str] = {}
    for path in SETS:
        for row in rows(path):
            key = re.sub(r"\W+", " ", row["question"].lower()).strip()
            assert key not in seen, f"{path.name} repeats a question of {seen[key]}"
            seen[key] = path.name


def test_make_bench_scope_runs_every_set() -> None:
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("bench-scope:", 1)[1].split("\n\n", 1)[0]
    assert sorted(re.findall(r"bench/data/(scope_\w+\.csv)", recipe)) == [path.name for path in SETS]
