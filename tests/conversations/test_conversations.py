"""Conversations against the real RabbitMQ and PostgreSQL (stand-in stages, the real psql_worker): a
follow-up carries its earlier turns redacted, the conversation is shown again redacted, and only the key
that asked continues or reads it."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest

from pii_filter.auth import digest
from tests.support.broker import Tap, wait_until
from tests.support.gateway import ANSWER, KEY, OPERATOR, OTHER_KEY, auth, gateway, running_stages

pytestmark = pytest.mark.integration

RAW_PHONE = "9876501234"
FIRST = f"My mixer grinder broke in ten days and the shop refuses to replace it. Call me on {RAW_PHONE}."
FOLLOW_UP = "And if I bought it online?"


def _ask(client, question: str, key: str = KEY, **extra: object):
    return client.post("/query", json={"question": question, **extra}, headers=auth(key))


def _stored(client, query_id: str, key: str = KEY) -> None:
    wait_until(lambda: client.get(f"/queries/{query_id}", headers=auth(key)).json().get("status")
               == "answered", message="the answer stored")


def _accepted(tap: Tap) -> dict[str, dict]:
    """The RedactedQuery messages tapped so far, by query id."""
    found = {}
    for body in tap.drain():
        message = json.loads(body)
        if "redacted_question" in message and "top_k" in message:
            found[message["query_id"]] = message
    return found


def test_a_follow_up_carries_the_earlier_turns_redacted_and_is_shown_again(amqp_url, namespace, migrated_url):
    with running_stages(amqp_url, namespace, database_url=migrated_url), \
            gateway(amqp_url, namespace, database_url=migrated_url) as client:
        tap = Tap(amqp_url, namespace)  # once the topology is declared
        try:
            first = _ask(client, FIRST)
            assert first.status_code == 200, first.text
            conversation_id = first.json()["conversation_id"]
            assert RAW_PHONE in first.json()["answer"]  # restored for the person who asked, in memory only
            _stored(client, first.json()["query_id"])

            follow_up = _ask(client, FOLLOW_UP, conversation_id=conversation_id)
            assert follow_up.status_code == 200, follow_up.text
            assert follow_up.json()["conversation_id"] == conversation_id
            _stored(client, follow_up.json()["query_id"])
            fresh = _ask(client, FOLLOW_UP)
            assert fresh.json()["conversation_id"] != conversation_id

            shown = client.get(f"/conversations/{conversation_id}", headers=auth())
            assert shown.status_code == 200, shown.text
            messages = _accepted(tap)
        finally:
            tap.close()

    # the follow-up went downstream with the first turn as stored: redacted, its placeholder renamed
    carried = messages[follow_up.json()["query_id"]]
    earlier_question = FIRST.replace(RAW_PHONE, "<EARLIER_PHONE_1>")
    assert carried["conversation_id"] == conversation_id
    assert carried["history"] == [{"question": earlier_question,
                                   "answer": ANSWER + earlier_question}]
    assert messages[first.json()["query_id"]]["history"] == []
    assert messages[fresh.json()["query_id"]]["history"] == []

    body = shown.json()
    assert body["conversation_id"] == conversation_id
    assert [t["query_id"] for t in body["turns"]] == [first.json()["query_id"], follow_up.json()["query_id"]]
    redacted_first = FIRST.replace(RAW_PHONE, "<PHONE_1>")
    assert [t["question"] for t in body["turns"]] == [redacted_first, FOLLOW_UP]
    assert body["turns"][0]["answer"] == ANSWER + redacted_first
    assert all(t["status"] == "answered" and t["citations"] and t["created_at"] for t in body["turns"])
    assert RAW_PHONE not in shown.text

    with psycopg.connect(migrated_url) as conn:
        rows = conn.execute("SELECT q::text FROM queries q WHERE conversation_id = %s",
                            (conversation_id,)).fetchall()
    assert len(rows) == 2 and not any(RAW_PHONE in r[0] for r in rows)
    assert RAW_PHONE not in json.dumps(messages)


def test_only_the_key_that_asked_continues_or_reads_a_conversation(amqp_url, namespace, migrated_url):
    with running_stages(amqp_url, namespace, database_url=migrated_url), \
            gateway(amqp_url, namespace, database_url=migrated_url,
                    operator_keys_sha256=digest(OPERATOR)) as client:
        first = _ask(client, FIRST)
        conversation_id = first.json()["conversation_id"]
        _stored(client, first.json()["query_id"])
        unknown = str(uuid.uuid4())

        def refused(response, target: str) -> None:
            assert response.status_code == 404, response.text
            assert response.json() == {
                "error": "conversation_not_found",
                "message": f"No conversation with id {target}. "
                "A new question without conversation_id starts a new one.",
            }

        for key in (OTHER_KEY, OPERATOR):  # an operator reads every conversation but continues none
            refused(_ask(client, FOLLOW_UP, key, conversation_id=conversation_id), conversation_id)
        refused(client.get(f"/conversations/{conversation_id}", headers=auth(OTHER_KEY)), conversation_id)
        refused(client.get(f"/conversations/{unknown}", headers=auth()), unknown)
        refused(_ask(client, FOLLOW_UP, conversation_id=unknown), unknown)
        assert client.get(f"/conversations/{conversation_id}", headers=auth(OPERATOR)).status_code == 200
        assert client.get(f"/conversations/{conversation_id}").status_code == 401

        bad = _ask(client, FOLLOW_UP, conversation_id="not-an-id")
        assert bad.status_code == 422 and bad.json()["message"].startswith("conversation_id: not an id")
        assert client.get("/conversations/123", headers=auth()).status_code == 422
        with psycopg.connect(migrated_url) as conn:
            count = conn.execute("SELECT count(*) FROM queries WHERE conversation_id = %s",
                                 (conversation_id,)).fetchone()[0]
        assert count == 1  # nothing refused was accepted into it


def test_without_a_database_a_follow_up_is_a_clear_503(amqp_url, namespace):
    with running_stages(amqp_url, namespace), gateway(amqp_url, namespace) as client:
        new = _ask(client, FIRST)
        assert new.status_code == 200 and new.json()["conversation_id"]
        refused = _ask(client, FOLLOW_UP, conversation_id=new.json()["conversation_id"])
    assert refused.status_code == 503 and refused.json()["error"] == "records_unavailable"
