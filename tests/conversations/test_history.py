"""The gateway's bound on the context a follow-up carries: latest turns, characters, placeholders renamed."""

from __future__ import annotations

import uuid

from common.records import StoredQuery
from pii_filter.conversations import history


def stored(question: str, answer: str | None = "An answer [1].") -> StoredQuery:
    return StoredQuery(query_id=uuid.uuid4(), status="answered" if answer else "failed",
                       redacted_question=question, answer=answer)


def test_the_latest_turns_within_the_budget_oldest_first_with_placeholders_renamed():
    turns = [stored("first?"), stored("second?"), stored("I am <PERSON_1>, third?", "Dear <PERSON_1> [1].")]
    kept = history(turns, max_turns=2, max_chars=1000)
    assert [t.question for t in kept] == ["second?", "I am <EARLIER_PERSON_1>, third?"]
    assert kept[1].answer == "Dear <EARLIER_PERSON_1> [1]."
    assert history(turns, max_turns=0, max_chars=1000) == []


def test_answers_are_shortened_and_a_question_that_does_not_fit_ends_the_context():
    turns = [stored("q" * 50), stored("Is it late?", "word " * 100), stored("And now?", None)]
    kept = history(turns, max_turns=3, max_chars=60)
    assert [t.question for t in kept] == ["Is it late?", "And now?"]
    assert kept[1].answer == ""  # the failed turn has no answer
    assert kept[0].answer.endswith("…") and sum(len(t.question) + len(t.answer) for t in kept) <= 60
