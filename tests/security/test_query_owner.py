"""GET /queries/{id} answers only the key that asked (or an operator key): anyone else gets the same 404
as for an id that does not exist. Stored: the key's id, never the key, its digest or a client address."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import psycopg
import pytest

from pii_filter.auth import digest
from psql_worker.migrate import apply_migrations
from tests.support.broker import wait_until
from tests.support.gateway import KEY, OPERATOR, OTHER_KEY, auth, gateway, running_stages

pytestmark = pytest.mark.integration

QUESTION = {"question": "My new washing machine leaks. Can I ask for a replacement?"}


@pytest.fixture
def migrated_url(database_url: str) -> str:
    apply_migrations(database_url)
    return database_url


def _stored_row(database_url: str, query_id: str) -> dict:
    with psycopg.connect(database_url) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        row = cur.execute("SELECT * FROM queries WHERE query_id = %s", (query_id,)).fetchone()
    assert row is not None
    return row


def _ask_and_wait_stored(client, key: str | None) -> str:
    headers = auth(key) if key else {}
    asked = client.post("/query", json=QUESTION, headers=headers)
    assert asked.status_code == 200, asked.text
    query_id = asked.json()["query_id"]
    wait_until(lambda: client.get(f"/queries/{query_id}", headers=headers).status_code == 200
               and client.get(f"/queries/{query_id}", headers=headers).json()["status"] == "answered",
               message="the answer stored")
    return query_id


def _not_found(response, query_id: str) -> dict:
    assert response.status_code == 404, response.text
    body = response.json()
    assert body == {"error": "not_found", "message": f"No query with id {query_id}."}
    return body


def test_only_the_key_that_asked_or_an_operator_reads_a_query(amqp_url, namespace, migrated_url):
    with running_stages(amqp_url, namespace, database_url=migrated_url), \
            gateway(amqp_url, namespace, database_url=migrated_url,
                    operator_keys_sha256=digest(OPERATOR)) as client:
        query_id = _ask_and_wait_stored(client, KEY)
        mine = client.get(f"/queries/{query_id}", headers=auth(KEY))
        assert mine.json()["answer"].startswith("Under the Consumer Protection Act")
        assert "owner" not in mine.json()

        # another key: exactly what an unknown id gets
        _not_found(client.get(f"/queries/{query_id}", headers=auth(OTHER_KEY)), query_id)
        unknown = str(uuid.uuid4())
        _not_found(client.get(f"/queries/{unknown}", headers=auth(OTHER_KEY)), unknown)
        assert client.get(f"/queries/{query_id}").status_code == 401

        # an operator key reads every query, and what it asks itself is its own
        assert client.get(f"/queries/{query_id}", headers=auth(OPERATOR)).json() == mine.json()
        operators = _ask_and_wait_stored(client, OPERATOR)
        _not_found(client.get(f"/queries/{operators}", headers=auth(KEY)), operators)

    row = _stored_row(migrated_url, query_id)
    assert row["owner"] == f"key:{digest(KEY)[:12]}"
    stored = repr(row)
    assert KEY not in stored and digest(KEY) not in stored and "203.0.113.7" not in stored


def test_rows_without_an_owner_are_for_operators_only_while_keys_are_on(amqp_url, namespace, migrated_url):
    """Rows from before the owner column (or asked while keys were off) have owner ''."""
    query_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    with psycopg.connect(migrated_url) as conn:
        conn.execute("INSERT INTO queries (query_id, status, answer, answered, submitted_at, completed_at) "
                     "VALUES (%s, 'answered', 'an old answer', true, %s, %s)", (query_id, now, now))
    operators = {"operator_keys_sha256": digest(OPERATOR)}
    with gateway(amqp_url, namespace, database_url=migrated_url, **operators) as client:
        _not_found(client.get(f"/queries/{query_id}", headers=auth(KEY)), query_id)
        assert client.get(f"/queries/{query_id}", headers=auth(OPERATOR)).json()["answer"] == "an old answer"
    with gateway(amqp_url, namespace, instance="open", database_url=migrated_url, auth_disabled=True,
                 api_keys_sha256="") as client:
        assert client.get(f"/queries/{query_id}").status_code == 200  # no keys: nobody to tell apart


def test_without_keys_no_owner_and_no_client_address_is_stored(amqp_url, namespace, migrated_url):
    open_gateway = {"auth_disabled": True, "api_keys_sha256": "", "database_url": migrated_url}
    with running_stages(amqp_url, namespace, database_url=migrated_url), \
            gateway(amqp_url, namespace, client=("198.51.100.9", 4000), **open_gateway) as client:
        query_id = _ask_and_wait_stored(client, None)
    row = _stored_row(migrated_url, query_id)
    assert row["owner"] == "" and "198.51.100.9" not in repr(row)
    with gateway(amqp_url, namespace, instance="sec-keys", database_url=migrated_url) as keyed:
        _not_found(keyed.get(f"/queries/{query_id}", headers=auth(KEY)), query_id)


def test_operator_digests_are_checked_like_api_key_digests():
    from pydantic import ValidationError

    from pii_filter.settings import GatewaySettings

    with pytest.raises(ValidationError, match="OPERATOR_KEYS_SHA256 must be"):
        GatewaySettings(api_keys_sha256=digest(KEY), operator_keys_sha256=OPERATOR)
    only_operators = GatewaySettings(api_keys_sha256="", operator_keys_sha256=digest(OPERATOR).upper())
    assert only_operators.operator_key_digests == (digest(OPERATOR),)
