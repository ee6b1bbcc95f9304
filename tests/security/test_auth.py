"""API keys: 401 without or with a wrong key, the open operational endpoints, and start-up refusals."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from pydantic import ValidationError

from pii_filter.auth import ApiKeys, Caller, digest, presented_key
from pii_filter.settings import GatewaySettings
from tests.support.gateway import KEY, OTHER_KEY, auth, gateway, metrics, running_stages

pytestmark = pytest.mark.integration

QUESTION = {"question": "The seller refuses to refund my broken fridge. What can I do?"}


def _assert_401(response, word: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert body["error"] == "unauthorized"
    assert word in body["message"]


def test_missing_and_wrong_keys_get_401_and_valid_keys_pass(amqp_url, namespace):
    with running_stages(amqp_url, namespace), gateway(amqp_url, namespace) as client:
        _assert_401(client.post("/query", json=QUESTION), "required")
        wrong = {"Authorization": "Bearer nope"}
        _assert_401(client.post("/query", json=QUESTION, headers=wrong), "not valid")
        _assert_401(client.post("/query", json=QUESTION, headers={"X-API-Key": KEY + "x"}), "not valid")
        basic = {"Authorization": f"Basic {KEY}"}
        _assert_401(client.post("/query", json=QUESTION, headers=basic), "required")
        _assert_401(client.get("/queries/00000000-0000-0000-0000-000000000000"), "required")
        # checked before the body is parsed: a malformed body without a key is still a 401, not a 422
        _assert_401(client.post("/query", content=b"{not json", headers={"content-type": "application/json"}),
                    "required")
        wrong = client.post("/query", json=QUESTION, headers={"X-API-Key": "a-guessed-key"})
        assert "a-guessed-key" not in wrong.text

        bearer = client.post("/query", json=QUESTION, headers=auth(KEY))
        assert bearer.status_code == 200, bearer.text
        header = client.post("/query", json=QUESTION, headers={"X-API-Key": OTHER_KEY})
        assert header.status_code == 200, header.text
        assert "Consumer Protection Act" in header.json()["answer"]

        scraped = metrics(client)
        assert 'cr_auth_failures_total{reason="missing"}' in scraped
        assert 'cr_http_requests_total{method="POST",route="/query",status="401"}' in scraped


def test_operational_endpoints_stay_open(amqp_url, namespace):
    with gateway(amqp_url, namespace) as client:
        assert client.get("/health").status_code == 200
        assert client.get("/ready").status_code in (200, 503)
        assert "cr_http_requests_total" in metrics(client)  # on its own port, without a key
        assert client.get("/docs").status_code == 200
        schema = client.get("/openapi.json").json()
        assert client.get("/nope").status_code == 404
    assert set(schema["components"]["securitySchemes"]) == {"ApiKeyHeader", "BearerAuth"}
    assert schema["paths"]["/query"]["post"]["security"]
    assert "401" in schema["paths"]["/query"]["post"]["responses"]
    assert "security" not in schema["paths"]["/health"]["get"]


def test_auth_disabled_serves_without_a_key(amqp_url, namespace):
    with running_stages(amqp_url, namespace), gateway(amqp_url, namespace, auth_disabled=True,
                                                      api_keys_sha256="") as client:
        assert client.post("/query", json=QUESTION).status_code == 200
        assert "securitySchemes" not in client.get("/openapi.json").json().get("components", {})


def test_settings_refuse_to_start_open_by_accident(monkeypatch):
    for name in ("AUTH_DISABLED", "API_KEYS_SHA256", "ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValidationError, match="no API keys configured"):
        GatewaySettings()
    with pytest.raises(ValidationError, match="refused when ENVIRONMENT=production"):
        GatewaySettings(auth_disabled=True, environment="production", amqp_url="amqp://u:p@mq:5672/%2F")
    with pytest.raises(ValidationError, match="not keys") as raised:
        GatewaySettings(api_keys_sha256=KEY)
    assert KEY not in str(raised.value)  # a key pasted in the wrong place is not printed in the error
    monkeypatch.setenv("API_KEYS_SHA256", f" {digest(KEY).upper()} , {digest(OTHER_KEY)} ")
    assert GatewaySettings().api_key_digests == (digest(KEY), digest(OTHER_KEY))
    assert GatewaySettings().auth_disabled is False  # the default is keys on


def test_key_parsing_and_matching():
    keys = ApiKeys([digest(KEY)])
    assert keys.identify(KEY) == Caller(f"key:{digest(KEY)[:12]}", operator=False)
    assert keys.identify(OTHER_KEY) is None and keys.identify("") is None
    with_operator = ApiKeys([digest(KEY)], [digest(OTHER_KEY)])
    assert with_operator.identify(OTHER_KEY) == Caller(f"key:{digest(OTHER_KEY)[:12]}", operator=True)
    assert with_operator.identify(KEY) == Caller(f"key:{digest(KEY)[:12]}", operator=False)
    assert presented_key([(b"authorization", b"bearer  abc ")]) == "abc"
    assert presented_key([(b"x-api-key", b"xyz"), (b"authorization", b"Bearer abc")]) == "xyz"
    assert presented_key([(b"authorization", b"Bearer ")]) is None


def test_keys_helper_prints_a_key_and_its_digest():
    out = subprocess.run([sys.executable, "-m", "pii_filter.keys", "--count", "2"], capture_output=True,
                         text=True, check=True, timeout=60).stdout.split("\n")
    pairs = [(out[i].split()[1], out[i + 1].split()[1]) for i in (0, 2)]
    for key, hexdigest in pairs:
        assert len(key) > 40
        assert hashlib.sha256(key.encode()).hexdigest() == hexdigest
    assert pairs[0][0] != pairs[1][0]
