"""Rate limits in Redis: every gateway replica counts the same window, callers reach Redis only hashed,
and a Redis outage falls back to each replica's own window (never closed, never unlimited)."""

from __future__ import annotations

import time

import pytest

from tests.support.gateway import KEY, OTHER_KEY, auth, gateway, metrics, running_stages
from tests.support.redis_server import REDIS_URL, dump_under

pytestmark = pytest.mark.integration

QUESTION = {"question": "Can I get a refund for a defective phone?"}
SECRET = "test-rate-limit-key-secret"


def shared(url: str = REDIS_URL, **more: object) -> dict[str, object]:
    return {"redis_url": url, "rate_limit_key_secret": SECRET, **more}


def test_two_gateways_count_one_window_and_refuse_alike(amqp_url, namespace, redis_prefix):
    with running_stages(amqp_url, namespace), \
            gateway(amqp_url, namespace, instance="gw-a", rate_limit="4/minute", **shared()) as a, \
            gateway(amqp_url, namespace, instance="gw-b", rate_limit="4/minute", **shared()) as b:
        statuses = [client.post("/query", json=QUESTION, headers=auth(KEY)).status_code
                    for client in (a, b, a, b)]
        assert statuses == [200, 200, 200, 200]
        refused = [client.post("/query", json=QUESTION, headers=auth(KEY)) for client in (a, b)]
        assert [r.status_code for r in refused] == [429, 429]
        assert all(r.json()["error"] == "rate_limited" and "4 per 1 minute" in r.json()["message"]
                   for r in refused)
        assert all(1 <= int(r.headers["retry-after"]) <= 60 for r in refused)
        # another key has its own window, on both replicas
        other = [c.post("/query", json=QUESTION, headers=auth(OTHER_KEY)).status_code for c in (a, b)]
        assert other == [200, 200]
        stored = dump_under(REDIS_URL, redis_prefix)
        assert stored.count(f"{redis_prefix}limits") >= 2  # one window per key
        assert "key:" not in stored and KEY not in stored


def test_client_addresses_reach_redis_only_as_a_keyed_hash(amqp_url, namespace, redis_prefix):
    overrides = {"auth_disabled": True, "api_keys_sha256": "", "rate_limit": "2/minute", **shared()}
    with running_stages(amqp_url, namespace), \
            gateway(amqp_url, namespace, instance="gw-a", client=("198.51.100.23", 1000), **overrides) as a, \
            gateway(amqp_url, namespace, instance="gw-b", client=("198.51.100.23", 2000), **overrides) as b:
        assert [c.post("/query", json=QUESTION).status_code for c in (a, b, a, b)] == [200, 200, 429, 429]
        stored = dump_under(REDIS_URL, redis_prefix)
        assert stored  # the window is there...
        assert "198.51.100.23" not in stored and "ip:" not in stored  # ...without the address


def test_a_redis_outage_falls_back_to_each_replicas_own_window(amqp_url, namespace, private_redis):
    """Fail to local: honest callers keep being served, a noisy one is still held to the limit per replica."""
    settings = {"rate_limit": "3/minute", **shared(private_redis.url, redis_retry_after_s=1.0)}
    with running_stages(amqp_url, namespace), gateway(amqp_url, namespace, instance="gw-a", **settings) as a:
        assert [a.post("/query", json=QUESTION, headers=auth()).status_code for _ in range(4)] == [
            200, 200, 200, 429]

        private_redis.stop()
        started = time.perf_counter()
        during = [a.post("/query", json=QUESTION, headers=auth()).status_code for _ in range(4)]
        assert during == [200, 200, 200, 429]  # this replica's own window: the limit holds, per replica
        assert a.get("/health").status_code == 200
        assert time.perf_counter() - started < 5  # no Redis timeout paid per request
        assert 'cr_rate_limit_checks_total{storage="memory"}' in metrics(a)

        private_redis.start()  # back, and empty: the shared window starts again after the retry delay
        time.sleep(1.2)
        after = [a.post("/query", json=QUESTION, headers=auth(OTHER_KEY)).status_code for _ in range(4)]
        assert after == [200, 200, 200, 429]
        assert dump_under(private_redis.url, f"{namespace}:limits")


def test_production_refuses_redis_without_the_hash_key(monkeypatch):
    from pydantic import ValidationError

    from pii_filter.settings import GatewaySettings
    from tests.support.gateway import DIGESTS

    for name in ("REDIS_URL", "RATE_LIMIT_KEY_SECRET", "ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    production = {"environment": "production", "amqp_url": "amqp://u:p@mq:5672/%2F",
                  "api_keys_sha256": DIGESTS}
    with pytest.raises(ValidationError, match="RATE_LIMIT_KEY_SECRET is empty"):
        GatewaySettings(redis_url="rediss://cache:6379/0", **production)
    settings = GatewaySettings(redis_url="rediss://cache:6379/0", rate_limit_key_secret="s" * 32,
                               **production)
    assert "s" * 32 not in repr(settings)  # a secret is never printed
    assert GatewaySettings(**production).redis_url == ""  # no Redis: no secret needed
