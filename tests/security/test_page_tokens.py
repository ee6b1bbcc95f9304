"""The page at / with API keys on: it asks with a short-lived signed page token, never with an API key.

A token is the caller 'page:<id>' (its queries are its own), is refused when expired, forged, signed
under another secret or presented from another client address, is issued at a limited rate per client
address, and its questions count against the per-address rate limit however many tokens an address
holds. The page document carries a strict Content-Security-Policy and names no key.
"""

from __future__ import annotations

import re

import itsdangerous.timed
import psycopg
import pytest

from pii_filter.page import CONTENT_SECURITY_POLICY
from pii_filter.page_token import PageTokens
from tests.support.broker import wait_until
from tests.support.gateway import KEY, auth, gateway, running_stages

pytestmark = pytest.mark.integration

SECRET = "page-token-secret-for-the-tests-0123456789"
QUESTION = {"question": "My new washing machine leaks. Can I ask for a replacement?"}
CLIENT = ("203.0.113.7", 5000)


def _page_gateway(amqp_url: str, namespace: str, **overrides: object):
    values: dict[str, object] = {"page_token_secret": SECRET, "rate_limit": "1000/minute"}
    values.update(overrides)
    return gateway(amqp_url, namespace, **values)


def _token(client) -> str:
    issued = client.post("/page-token")
    assert issued.status_code == 201, issued.text
    body = issued.json()
    assert body["expires_in_s"] == 900
    return body["token"]


def test_a_page_token_asks_as_its_own_caller_and_reads_only_its_own_queries(amqp_url, namespace,
                                                                              migrated_url):
    with running_stages(amqp_url, namespace, database_url=migrated_url), \
            _page_gateway(amqp_url, namespace, database_url=migrated_url, client=CLIENT) as client:
        assert client.post("/query", json=QUESTION).status_code == 401
        first, second = _token(client), _token(client)
        assert first != second
        asked = client.post("/query", json=QUESTION, headers=auth(first))
        assert asked.status_code == 200, asked.text
        query_id = asked.json()["query_id"]
        wait_until(lambda: client.get(f"/queries/{query_id}", headers=auth(first)).status_code == 200,
                   message="the page reads its own stored query")
        assert client.get(f"/queries/{query_id}", headers=auth(second)).status_code == 404  # another page
        assert client.get(f"/queries/{query_id}", headers=auth(KEY)).status_code == 404  # an API key
        renewed = client.post("/page-token", headers=auth(first)).json()["token"]  # the page renews it
        assert client.get(f"/queries/{query_id}", headers=auth(renewed)).status_code == 200  # same page
    with psycopg.connect(migrated_url) as conn:
        (owner,) = conn.execute("SELECT owner FROM queries WHERE query_id = %s", (query_id,)).fetchone()
    page_id = PageTokens(secret=SECRET, ttl_s=900).page_id(first, address=CLIENT[0])
    assert owner == f"page:{page_id}"  # the page's id, never the token or the client address


def test_expired_forged_foreign_and_moved_tokens_are_refused(amqp_url, namespace, monkeypatch):
    tokens = PageTokens(secret=SECRET, ttl_s=900)
    now = itsdangerous.timed.time.time()
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: now - 901)
    expired = tokens.issue(address=CLIENT[0]).token
    monkeypatch.undo()
    foreign = PageTokens(secret="another-secret-of-another-deployment-0123", ttl_s=900)
    refused = {
        "expired": expired,
        "other secret": foreign.issue(address=CLIENT[0]).token,
        "other address": tokens.issue(address="198.51.100.9").token,
        "tampered": tokens.issue(address=CLIENT[0]).token[:-2] + "xx",
        "not a token": "page.not-a-token",
    }
    with running_stages(amqp_url, namespace), _page_gateway(amqp_url, namespace, client=CLIENT) as client:
        good = tokens.issue(address=CLIENT[0]).token  # the gateway's own secret: accepted
        assert client.post("/query", json=QUESTION, headers=auth(good)).status_code == 200
        for reason, token in refused.items():
            answer = client.post("/query", json=QUESTION, headers=auth(token))
            assert answer.status_code == 401, reason
            assert answer.json()["error"] == "unauthorized", reason
            renewed = client.post("/page-token", headers=auth(token))  # a bad token renews nothing
            assert renewed.status_code == 201
            assert tokens.page_id(renewed.json()["token"], address=CLIENT[0]) != tokens.page_id(
                good, address=CLIENT[0])


def test_tokens_and_their_questions_are_limited_per_client_address(amqp_url, namespace):
    with running_stages(amqp_url, namespace), _page_gateway(
            amqp_url, namespace, page_token_rate_limit="3/minute", rate_limit="4/minute") as client:
        tokens = [_token(client) for _ in range(3)]
        over = client.post("/page-token")
        assert over.status_code == 429 and int(over.headers["retry-after"]) >= 1
        assert over.json()["error"] == "rate_limited"
        # four questions from one address over three tokens, then 429 whichever token asks
        statuses = [client.post("/query", json=QUESTION, headers=auth(tokens[i % 3])).status_code
                    for i in range(5)]
        assert statuses == [200, 200, 200, 200, 429]
        assert client.post("/query", json=QUESTION, headers=auth(KEY)).status_code == 200  # a key: its own


def test_without_a_secret_there_are_no_page_tokens_but_the_page_is_served(amqp_url, namespace):
    with gateway(amqp_url, namespace) as client:
        refused = client.post("/page-token")
        assert refused.status_code == 404 and refused.json()["error"] == "page_tokens_off"
        assert client.get("/").status_code == 200


def test_the_page_has_a_strict_policy_and_names_no_key(amqp_url, namespace):
    with _page_gateway(amqp_url, namespace) as client:
        page = client.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        policy = page.headers["content-security-policy"]
        assert policy == CONTENT_SECURITY_POLICY
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
        for name in ("script-src", "style-src", "connect-src"):
            assert directives[name] == "'self'", name  # no 'unsafe-inline', no other origin
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["cache-control"] == "no-store"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert "<script>" not in page.text and " style=" not in page.text  # nothing inline to allow
        assets = ["app.js", "i18n.js", "style.css", "vendor/eventsource-parser.js"]
        served = {name: client.get(f"/page/{name}") for name in assets}
        assert all(r.status_code == 200 for r in served.values())
        assert served["app.js"].headers["content-type"].startswith("text/javascript")
        for text in [page.text, *(r.text for r in served.values())]:
            assert KEY not in text and SECRET not in text and "cra_" not in text
        for script in ("app.js", "i18n.js"):  # the page's own code builds nodes; it never parses HTML
            code = served[script].text
            assert not re.search(r"\.(innerHTML|outerHTML)\b|insertAdjacentHTML\(|document\.write|DOMParser|"
                                 r"createContextualFragment|\beval\(|new Function", code), script
        for missing in ("/page/../settings.py", "/page/index.html.bak", "/page/vendor/", "/page/"):
            assert client.get(missing).status_code == 404, missing
