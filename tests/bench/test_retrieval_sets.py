"""The blind retrieval sets bench/data/retrieval_heldout2.csv and retrieval_heldout3.csv: every ground
truth is the Act's own words."""

from __future__ import annotations

from bench.retrieval import ACT, EXTRA_2, EXTRA_3, act_text, golden


def test_every_ground_truth_is_verbatim_in_the_act() -> None:
    """coverage@k scores the ground truth's words; a paraphrase would score its writer, not retrieval."""
    assert ACT.exists()
    act = " ".join(act_text().split())
    rows = golden(EXTRA_2)
    inside = [r for r in rows if r["ground_truth_context"]]
    assert len(inside) == 20 and len(rows) - len(inside) == 4
    assert len({r["question_id"] for r in rows}) == len(rows)
    for row in inside:
        assert " ".join(row["ground_truth_context"].split()) in act, row["question_id"]


def test_heldout3_ground_truths_are_verbatim_and_distinct() -> None:
    """The third blind set (bench/data/retrieval_heldout3.csv): 20 in-scope rows, each the Act's words."""
    act = " ".join(act_text().split())
    rows = golden(EXTRA_3)
    assert len(rows) == 20 and all(r["ground_truth_context"] for r in rows)
    assert len({r["question_id"] for r in rows}) == len(rows)
    assert len({r["ground_truth_context"] for r in rows}) == len(rows)
    for row in rows:
        assert " ".join(row["ground_truth_context"].split()) in act, row["question_id"]
