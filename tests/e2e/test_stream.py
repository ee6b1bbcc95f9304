"""End to end, streamed: the four services as processes, the extractive provider, real retrieval."""

from __future__ import annotations

import pytest

from tests.support.sse import all_events, answer_text
from tests.support.stack import ServiceStack

pytestmark = pytest.mark.e2e

QUESTION = "My phone is 9876501234. How long do I have to file a consumer complaint?"


def test_the_streamed_answer_arrives_in_order_in_pieces_and_ends_as_the_json_answer(stack: ServiceStack):
    events = all_events(stack.http, {"question": QUESTION})
    names = [e.name for e in events]
    assert names[:5] == ["accepted", "stage", "citations", "stage", "delta"], names
    assert names[-1] == "done" and set(names[4:-1]) == {"delta"}
    assert len(names[4:-1]) >= 2, "the answer came in one piece"
    accepted, citations, done = events[0].data, events[2].data["citations"], events[-1].data
    assert "9876501234" not in accepted["question"] and "PHONE" in accepted["pii_found"]
    assert answer_text(events) == done["answer"]
    # retrieval's passages come first; the answer cites some of them
    assert citations and all(c in citations for c in done["citations"])

    json_answer = stack.http.post("/query", json={"question": QUESTION}).json()
    same = ("answer", "answered", "citations", "redacted_question", "pii_found", "model")
    assert {k: done[k] for k in same} == {k: json_answer[k] for k in same}
