"""Who the client is, for the per-address limit: X-Forwarded-For counts only from a trusted proxy, and then
its right-most address that is not a proxy (what the ALB appended), never what the client wrote."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from pii_filter.settings import GatewaySettings
from tests.support.gateway import running_stages, served

pytestmark = pytest.mark.integration

QUESTION = {"question": "Can I get a refund for a defective phone?"}
OPEN = {"auth_disabled": True, "api_keys_sha256": ""}


def _ask(url: str, forwarded: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return httpx.post(f"{url}/query", json=QUESTION, headers=headers, timeout=20).status_code


def test_without_a_trusted_proxy_forged_addresses_share_one_limit(amqp_url, namespace):
    """The red team's attack: eight forged X-Forwarded-For values from 127.0.0.1 under a 5/minute limit."""
    with running_stages(amqp_url, namespace), \
            served(amqp_url, namespace, rate_limit="5/minute", **OPEN) as gw:
        statuses = [_ask(gw.url, f"198.51.100.{n}") for n in range(1, 9)]
        assert statuses == [200] * 5 + [429] * 3


def test_behind_a_trusted_proxy_each_client_has_its_own_limit_and_cannot_forge_one(amqp_url, namespace):
    """127.0.0.1 plays the ALB: it appends the address it saw to whatever the client sent."""
    with running_stages(amqp_url, namespace), \
            served(amqp_url, namespace, rate_limit="3/minute", trusted_proxies="127.0.0.1,10.0.0.0/16",
                   **OPEN) as gw:
        assert [_ask(gw.url, "203.0.113.9") for _ in range(3)] == [200, 200, 200]
        assert _ask(gw.url, "203.0.113.9") == 429
        # the same client writing its own X-Forwarded-For: the ALB appends the real address after it
        assert _ask(gw.url, "192.0.2.77, 203.0.113.9") == 429
        # and a second proxy hop inside the VPC changes nothing: 10.0.x.x is trusted, skipped
        assert _ask(gw.url, "192.0.2.78, 203.0.113.9, 10.0.4.4") == 429
        # another client behind the same ALB is not affected
        assert _ask(gw.url, "198.51.100.20") == 200
        # a request with no X-Forwarded-For counts against the proxy's own address
        assert [_ask(gw.url) for _ in range(4)] == [200, 200, 200, 429]


def test_trusted_proxies_must_be_addresses_or_networks():
    for bad in ("*", "alb.example.com", "10.0.0.0/33"):
        with pytest.raises(ValidationError):
            GatewaySettings(trusted_proxies=bad, **OPEN)  # type: ignore[arg-type]
    settings = GatewaySettings(trusted_proxies=" 10.0.0.0/16, 10.1.0.0/16 ,::1", **OPEN)  # type: ignore[arg-type]
    assert settings.trusted_proxy_list == ["10.0.0.0/16", "10.1.0.0/16", "::1"]
    assert GatewaySettings(**OPEN).trusted_proxy_list == []  # type: ignore[arg-type]
