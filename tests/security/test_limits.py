"""Rate limits (429 + Retry-After, one noisy caller does not affect another) and the body size limit (413)."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from pii_filter.body_limit import BodyLimitMiddleware
from tests.support.gateway import KEY, OTHER_KEY, auth, gateway, metrics, running_stages

pytestmark = pytest.mark.integration

QUESTION = {"question": "Can I get a refund for a defective phone?"}


def test_noisy_key_is_limited_while_a_quiet_key_still_gets_answers(amqp_url, namespace):
    with running_stages(amqp_url, namespace), gateway(amqp_url, namespace, rate_limit="5/minute") as client:
        noisy = [client.post("/query", json=QUESTION, headers=auth(KEY)) for _ in range(8)]
        assert [r.status_code for r in noisy] == [200] * 5 + [429] * 3
        limited = noisy[-1]
        assert limited.json()["error"] == "rate_limited"
        assert "5 per 1 minute" in limited.json()["message"]
        retry_after = int(limited.headers["retry-after"])
        assert 1 <= retry_after <= 60
        assert f"{retry_after} seconds" in limited.json()["message"]

        started = time.perf_counter()
        quiet = [client.post("/query", json=QUESTION, headers=auth(OTHER_KEY)) for _ in range(3)]
        assert [r.status_code for r in quiet] == [200, 200, 200]
        assert time.perf_counter() - started < 10
        assert client.post("/query", json=QUESTION, headers=auth(KEY)).status_code == 429
        # open endpoints are never limited (load balancer checks, scrapes)
        assert all(client.get("/health").status_code == 200 for _ in range(10))
        assert 'cr_rate_limited_total{caller_kind="key"}' in metrics(client)


def test_rejected_requests_count_towards_nothing_but_the_caller(amqp_url, namespace):
    """A 401 does not use up a key's allowance, and the window frees up again."""
    with running_stages(amqp_url, namespace), gateway(amqp_url, namespace, rate_limit="2/2 second") as client:
        for _ in range(5):
            assert client.post("/query", json=QUESTION).status_code == 401
        assert client.post("/query", json=QUESTION, headers=auth()).status_code == 200
        assert client.post("/query", json=QUESTION, headers=auth()).status_code == 200
        assert client.post("/query", json=QUESTION, headers=auth()).status_code == 429
        time.sleep(2.2)
        assert client.post("/query", json=QUESTION, headers=auth()).status_code == 200


def test_without_keys_the_limit_is_per_client_address(amqp_url, namespace):
    overrides = {"auth_disabled": True, "api_keys_sha256": "", "rate_limit": "3/minute"}
    with running_stages(amqp_url, namespace), \
            gateway(amqp_url, namespace, client=("198.51.100.1", 1000), **overrides) as noisy, \
            gateway(amqp_url, namespace, instance="sec2", client=("198.51.100.2", 1), **overrides) as other:
        assert [noisy.post("/query", json=QUESTION).status_code for _ in range(4)] == [200, 200, 200, 429]
        assert "client address" in noisy.post("/query", json=QUESTION).json()["message"]
        # a separate app instance has its own limiter; the quiet address is unaffected either way
        assert [other.post("/query", json=QUESTION).status_code for _ in range(3)] == [200, 200, 200]


def test_oversize_bodies_get_413_with_content_length_and_chunked(amqp_url, namespace):
    with running_stages(amqp_url, namespace), gateway(amqp_url, namespace, max_body_bytes=2048) as client:
        big = json.dumps({"question": "x" * 4000}).encode()
        declared = client.post("/query", content=big, headers={**auth(), "content-type": "application/json"})
        assert declared.status_code == 413, declared.text
        assert declared.json()["error"] == "body_too_large" and "2048 bytes" in declared.json()["message"]

        def chunks():
            for i in range(0, len(big), 500):
                yield big[i:i + 500]

        json_headers = {**auth(), "content-type": "application/json"}
        chunked = client.post("/query", content=chunks(), headers=json_headers)
        assert chunked.status_code == 413, chunked.text
        assert chunked.json()["error"] == "body_too_large"

        def small_chunks():
            yield b'{"question": "Can I get a refund '
            yield b'for a defective phone?"}'

        ok = client.post("/query", content=small_chunks(), headers=json_headers)
        assert ok.status_code == 200, ok.text
        scraped = metrics(client)
        assert 'cr_body_too_large_total{how="declared"}' in scraped
        assert 'cr_body_too_large_total{how="streamed"}' in scraped


def _call(headers, messages):
    """Drive the middleware directly; returns (status, the body the app got or None, messages read)."""
    received: list[dict] = []
    sent: list[dict] = []
    got: list[bytes] = []

    async def app(scope, receive, send):
        while True:
            message = await receive()
            got.append(message.get("body", b""))
            if not message.get("more_body"):
                return

    async def receive():
        message = messages.pop(0)
        received.append(message)
        return message

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/query", "headers": headers, "query_string": b""}
    asyncio.run(BodyLimitMiddleware(app, max_bytes=1024)(scope, receive, send))
    return sent[0]["status"] if sent else None, b"".join(got) if got else None, received


def test_declared_oversize_is_refused_without_reading_the_body():
    body = [{"type": "http.request", "body": b"x" * 2000, "more_body": False}]
    status, got, read = _call([(b"content-length", b"2000")], body)
    assert status == 413 and got is None and read == []


def test_streamed_oversize_stops_at_the_first_chunk_over_the_limit():
    body = [{"type": "http.request", "body": b"x" * 600, "more_body": True} for _ in range(10)]
    status, got, read = _call([], body)
    assert status == 413 and got is None and len(read) == 2


def test_body_within_the_limit_reaches_the_app_unchanged():
    body = [{"type": "http.request", "body": b"x" * 500, "more_body": True},
            {"type": "http.request", "body": b"y" * 500, "more_body": False}]
    status, got, read = _call([(b"content-length", b"1000")], body)
    assert status is None and got == b"x" * 500 + b"y" * 500 and len(read) == 2
