"""End to end: a follow-up through the four services as processes, answered from what the first turn
was about; the conversation and the feedback stored without the personal data typed into them."""

from __future__ import annotations

import psycopg
import pytest

from tests.support.broker import wait_until
from tests.support.database import stored_row
from tests.support.stack import ServiceStack

pytestmark = pytest.mark.e2e

RAW_NAME = "Suresh Menon"
RAW_PHONE = "9812345670"
FIRST = (f"I am {RAW_NAME} ({RAW_PHONE}). The shopkeeper near my house charged me Rs 30 more than the MRP "
         "for a bottle of water.")
FOLLOW_UP = "Where do I report him?"


def _sources(body: dict) -> list[str]:
    return [c["source"] for c in body["citations"]]


def _stored(stack: ServiceStack, query_id: str) -> None:
    wait_until(lambda: stored_row(stack.database_url, query_id)["status"] != "pending", timeout=10,
               message="the result persisted")


def test_a_follow_up_is_answered_from_the_first_turn_and_stored_redacted(stack: ServiceStack):
    first = stack.http.post("/query", json={"question": FIRST})
    assert first.status_code == 200, first.text
    conversation_id = first.json()["conversation_id"]
    _stored(stack, first.json()["query_id"])

    follow_up = stack.http.post("/query", json={"question": FOLLOW_UP, "conversation_id": conversation_id})
    alone = stack.http.post("/query", json={"question": FOLLOW_UP})
    assert follow_up.status_code == 200 and alone.status_code == 200, (follow_up.text, alone.text)
    # "him" is the shopkeeper who overcharged: only the first turn says so
    assert follow_up.json()["answered"] and any("overcharging-mrp" in s for s in _sources(follow_up.json()))
    assert not any("overcharging-mrp" in s for s in _sources(alone.json()))
    _stored(stack, follow_up.json()["query_id"])

    shown = stack.http.get(f"/conversations/{conversation_id}")
    assert shown.status_code == 200, shown.text
    turns = shown.json()["turns"]
    assert [t["question"] for t in turns][1] == FOLLOW_UP
    assert "<PERSON_1>" in turns[0]["question"] and "<PHONE_1>" in turns[0]["question"]

    comment = f"Thanks, {RAW_NAME} here, call {RAW_PHONE}"
    feedback = stack.http.post(f"/queries/{follow_up.json()['query_id']}/feedback",
                               json={"helpful": True, "comment": comment})
    assert feedback.status_code == 201, feedback.text

    with psycopg.connect(stack.database_url) as conn:
        stored = "\n".join(r[0] for r in conn.execute(
            "SELECT q::text FROM queries q WHERE conversation_id = %s "
            "UNION ALL SELECT f::text FROM feedback f",
            (conversation_id,)).fetchall())
        stored_comment = conn.execute("SELECT comment FROM feedback WHERE query_id = %s",
                               (follow_up.json()["query_id"],)).fetchone()[0]
    assert stored_comment.startswith("Thanks, <PERSON_1> here")
    for raw in (*RAW_NAME.split(), RAW_PHONE):
        assert raw not in stored and raw not in shown.text
    for raw in (*RAW_NAME.split(), RAW_PHONE):
        assert raw not in stack.logs()
