"""`python -m bench.answers`: questions on stdin -> one JSON line each, through the live path's stages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.answers_keyfacts import rows, states
from tests.support.answers_cli import answers_env
from tests.support.knowledge import ingest_paths

ROOT = Path(__file__).resolve().parents[2]


def run_cli(index_dir: Path, stdin: str) -> subprocess.CompletedProcess[str]:
    env = answers_env(index_dir)
    return subprocess.run(
        [sys.executable, "-m", "bench.answers"],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_answers_cite_what_they_quote_and_refuse_what_is_out_of_scope(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    ingest_paths(index_dir, ROOT / "knowledge")
    questions = [
        "Hello sir, I am Rakesh Sharma. My District Commission case was dismissed last week, "
        "how many days do I have to appeal? Please reply",
        "How do I file for divorce by mutual consent?",
        "What is the best biryani place in Hyderabad?",
    ]
    done = run_cli(index_dir, "\n".join(questions) + "\n")
    assert done.returncode == 0, done.stderr
    appeal, divorce, biryani = (json.loads(line) for line in done.stdout.splitlines())
    assert appeal["answered"] and states(appeal["answer"], "forty-five days|45 days")
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", appeal["answer"])}
    assert markers == set(range(1, len(appeal["citations"]) + 1))  # [n] is the n-th citation
    assert "**" not in appeal["answer"] and "|" not in appeal["answer"]
    for refused in (divorce, biryani):
        assert not refused["answered"] and refused["citations"] == [] and "1915" in refused["answer"]


def test_the_key_facts_set_is_well_formed() -> None:
    questions = rows()
    inside = [r for r in questions if r["key_facts"] != "OUT_OF_SCOPE"]
    assert len(inside) >= 30 and len(questions) - len(inside) >= 5
    assert len({r["id"] for r in questions}) == len(questions)
    assert all(fact.strip() for r in inside for fact in r["key_facts"].split(";"))
    assert states("Appeal within forty-five days [1].", "forty-five days|45 days")
    assert not states("Rs 2000 is due.", "Rs 200")  # whole figures only
    titled = "Call 1915. [1]\n\nSources: [1] our guide “Online shopping and the grievance officer”."
    assert states(titled, "1915") and not states(titled, "grievance officer")  # a title states nothing


@pytest.mark.parametrize(
    "name",
    [
        "HELD_OUT", "HELD_OUT_2", "HELD_OUT_3", "HELD_OUT_4", "HELD_OUT_5", "HELD_OUT_6", "STORIES",
        "STORIES_2", "STORIES_3",
    ],
)
def test_every_held_out_fact_is_in_the_source_its_row_names(name: str) -> None:
    """A held-out fact must be checkable: each one appears in the Act or a guide its `source` names
    (a guide edited later, a figure changed by notification, must show up here, not as a bench miss)."""
    import bench.answers_keyfacts as keyfacts
    from bench.retrieval import ACT
    from chunker.readers import read

    questions = rows(getattr(keyfacts, name))
    inside = [r for r in questions if r["key_facts"] != "OUT_OF_SCOPE"]
    assert len(inside) >= 24 and len(questions) - len(inside) >= 6
    assert len({r["id"] for r in questions}) == len(questions)
    sets = (
        keyfacts.KEY_FACTS,
        keyfacts.HELD_OUT,
        keyfacts.HELD_OUT_2,
        keyfacts.HELD_OUT_3,
        keyfacts.HELD_OUT_4,
        keyfacts.HELD_OUT_5,
        keyfacts.HELD_OUT_6,
        keyfacts.STORIES,
        keyfacts.STORIES_2,
        keyfacts.STORIES_3,
    )
    others = {r["question"] for path in sets if path != getattr(keyfacts, name) for r in rows(path)}
    assert not {r["question"] for r in questions} & others
    act = " ".join(text for _, text in read(ACT, ACT.name).pages)
    for row in inside:
        texts = [act] if re.search(r"\bAct\b", row["source"]) else []
        guides = re.findall(r"knowledge/[\w.-]+\.md", row["source"])
        texts += [(ROOT / guide).read_text(encoding="utf-8") for guide in guides]
        assert texts, row["id"]
        for fact in row["key_facts"].split(";"):
            assert any(states(text, fact) for text in texts), (row["id"], fact)


def test_a_report_names_a_facts_file_outside_the_repository(tmp_path: Path) -> None:
    from bench.answers_keyfacts import Outcome, report

    row = {"id": "x1", "question": "what can i do?", "key_facts": "two years", "source": ""}
    outcome = Outcome(row, "File within two years.", True, [])
    text = report([outcome], provider="extractive", path=tmp_path / "f.csv")
    assert f"({tmp_path / 'f.csv'})" in text and "1/1 = 1.00" in text
    assert "(bench/data/key_facts.csv)" in report([], provider="extractive")
