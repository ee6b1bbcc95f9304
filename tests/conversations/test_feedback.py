"""POST /queries/{id}/feedback against the real RabbitMQ and PostgreSQL: stored redacted, replaced when
given again, counted in /metrics, only for the key that asked, and clear errors for bad input."""

from __future__ import annotations

import re
import uuid

import psycopg
import pytest
from psycopg.rows import dict_row

from pii_filter.auth import digest
from tests.support.broker import wait_until
from tests.support.gateway import KEY, OPERATOR, OTHER_KEY, auth, gateway, metrics, running_stages

pytestmark = pytest.mark.integration

RAW_PHONE = "9876501234"


def _feedback_row(database_url: str, query_id: str) -> dict | None:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return conn.execute("SELECT * FROM feedback WHERE query_id = %s", (query_id,)).fetchone()


def _counted(client, helpful: str) -> float:
    found = re.search(rf'^cr_feedback_total{{helpful="{helpful}"}} (\S+)$', metrics(client), re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def _ask(client, key: str = KEY) -> str:
    asked = client.post("/query", json={"question": "My fridge broke in a week."}, headers=auth(key))
    assert asked.status_code == 200, asked.text
    query_id = asked.json()["query_id"]
    wait_until(lambda: client.get(f"/queries/{query_id}", headers=auth(key)).json().get("status")
               == "answered", message="the answer stored")
    return query_id


def test_feedback_is_stored_redacted_replaced_and_counted(amqp_url, namespace, migrated_url):
    with running_stages(amqp_url, namespace, database_url=migrated_url), \
            gateway(amqp_url, namespace, database_url=migrated_url) as client:
        query_id = _ask(client)
        helpful_before, unhelpful_before = _counted(client, "true"), _counted(client, "false")

        given = client.post(f"/queries/{query_id}/feedback", headers=auth(),
                            json={"helpful": True, "comment": f"Clear. Call me on {RAW_PHONE} if needed."})
        assert given.status_code == 201, given.text
        assert given.json() == {"query_id": query_id, "helpful": True}
        row = _feedback_row(migrated_url, query_id)
        assert row is not None and row["helpful"] is True
        assert row["comment"] == "Clear. Call me on <PHONE_1> if needed."
        assert row["comment_pii_found"] == ["PHONE"]
        assert _counted(client, "true") == helpful_before + 1

        again = client.post(f"/queries/{query_id}/feedback", headers=auth(), json={"helpful": False})
        assert again.status_code == 201, again.text
        row = _feedback_row(migrated_url, query_id)
        assert row["helpful"] is False and row["comment"] is None and row["comment_pii_found"] == []
        assert _counted(client, "false") == unhelpful_before + 1

    with psycopg.connect(migrated_url) as conn:
        everything = "\n".join(r[0] for r in conn.execute("SELECT f::text FROM feedback f").fetchall())
        assert conn.execute("SELECT count(*) FROM feedback").fetchone()[0] == 1
    assert RAW_PHONE not in everything


def test_only_the_key_that_asked_gives_feedback(amqp_url, namespace, migrated_url):
    with running_stages(amqp_url, namespace, database_url=migrated_url), \
            gateway(amqp_url, namespace, database_url=migrated_url,
                    operator_keys_sha256=digest(OPERATOR)) as client:
        query_id = _ask(client)
        unknown = str(uuid.uuid4())
        for key, target in ((OTHER_KEY, query_id), (OPERATOR, query_id), (KEY, unknown)):
            refused = client.post(f"/queries/{target}/feedback", headers=auth(key), json={"helpful": True})
            assert refused.status_code == 404, refused.text
            assert refused.json() == {"error": "not_found", "message": f"No query with id {target}."}
        assert client.post(f"/queries/{query_id}/feedback", json={"helpful": True}).status_code == 401
    assert _feedback_row(migrated_url, query_id) is None


def test_bad_feedback_gets_clear_errors_and_stores_nothing(amqp_url, namespace, migrated_url):
    with running_stages(amqp_url, namespace, database_url=migrated_url), \
            gateway(amqp_url, namespace, database_url=migrated_url) as client:
        query_id = _ask(client)
        path = f"/queries/{query_id}/feedback"

        too_long = client.post(path, headers=auth(), json={"helpful": True, "comment": "x" * 1001})
        assert too_long.status_code == 413
        assert too_long.json() == {
            "error": "comment_too_long",
            "message": "The comment is 1001 characters long; the limit is 1000 characters.",
        }
        longest = client.post(path, headers=auth(), json={"helpful": True, "comment": "x" * 1000})
        assert longest.status_code == 201

        not_bool = client.post(path, headers=auth(), json={"helpful": "yes"})
        assert not_bool.status_code == 422
        assert not_bool.json()["message"] == "helpful: must be true or false"
        missing = client.post(path, headers=auth(), json={"comment": f"call {RAW_PHONE}"})
        assert missing.status_code == 422 and missing.json()["message"] == "'helpful' is required"
        unknown_field = client.post(path, headers=auth(), json={"helpful": True, RAW_PHONE: 1})
        assert unknown_field.status_code == 422
        assert "allowed: helpful, comment" in unknown_field.json()["message"]
        bad_id = client.post("/queries/not-a-uuid/feedback", headers=auth(), json={"helpful": True})
        assert bad_id.status_code == 422 and "not an id" in bad_id.json()["message"]
        digits = client.post(path, headers=auth(), json={"helpful": False, "comment": f"{RAW_PHONE} " * 4})
        assert digits.status_code == 422 and digits.json()["error"] == "mostly_digits"
        assert "comment is mostly numbers" in digits.json()["message"]
        for response in (too_long, not_bool, missing, unknown_field, bad_id, digits):
            assert RAW_PHONE not in response.text and "Traceback" not in response.text
    row = _feedback_row(migrated_url, query_id)
    assert row["comment"] == "x" * 1000


def test_without_a_database_feedback_is_a_clear_503(amqp_url, namespace):
    with gateway(amqp_url, namespace) as client:
        refused = client.post(f"/queries/{uuid.uuid4()}/feedback", headers=auth(), json={"helpful": True})
    assert refused.status_code == 503 and refused.json()["error"] == "records_unavailable"
