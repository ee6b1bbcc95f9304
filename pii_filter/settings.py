"""Gateway settings (environment only)."""

from __future__ import annotations

import ipaddress
import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from limits import parse_many
from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from common.settings import DatabaseSettings, RedisSettings

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


class GatewaySettings(DatabaseSettings, RedisSettings):
    """HTTP, limits and personal-data detection settings of the gateway."""

    # a start-up error must never print API keys or credential-bearing URLs
    model_config = SettingsConfigDict(hide_input_in_errors=True)

    host: str = Field(
        default="127.0.0.1",
        description="HOST: the address to listen on; 127.0.0.1 = this machine only (containers set 0.0.0.0)",
    )
    port: int = 8080
    published_host: str = Field(
        default="",
        description="PUBLISHED_HOST: where a container's port is published on its host (compose passes "
        "GATEWAY_BIND); decides with HOST whether other machines can reach the gateway; empty = HOST",
    )
    max_question_chars: int = Field(default=2000, ge=1)
    default_top_k: int = Field(default=5, ge=1, le=20)
    max_top_k: int = Field(default=10, ge=1, le=50)
    answer_timeout_s: float = Field(default=30.0, gt=0)
    conversation_max_turns: int = Field(
        default=3, ge=0, le=20,
        description="CONVERSATION_MAX_TURNS: the latest earlier turns a follow-up is answered with; 0 = none",
    )
    conversation_context_chars: int = Field(
        default=1500, ge=0, le=8000,
        description="CONVERSATION_CONTEXT_CHARS: at most this many characters of earlier questions and "
        "answers go with a follow-up (the newest first; rag_core bounds the search in word pieces)",
    )
    stream_ping_s: float = Field(
        default=15.0, gt=0,
        description="STREAM_PING_S: seconds between heartbeats (SSE comments) of a streamed answer, so "
        "proxies and load balancers keep a quiet stream open",
    )
    instance_id: str = Field(default="", description="names the reply queue; random when empty")
    metrics_port: int = Field(
        default=0, ge=0, le=65535,
        description="METRICS_PORT: Prometheus /metrics on its own port, never on the public one; 0 = off",
    )
    metrics_host: str = Field(
        default="127.0.0.1",
        description="METRICS_HOST: the address /metrics listens on (the task's localhost in ECS)",
    )

    # personal-data detection
    spacy_model: str = Field(
        default="en_core_web_sm",
        description="spaCy model package Presidio loads (installed in the image; never downloaded)",
    )
    pii_config_path: str = Field(default="", description="analyzer YAML; empty = the bundled one")

    # access and abuse (see pii_filter/auth.py, rate_limit.py, body_limit.py, budget.py)
    auth_disabled: bool = Field(
        default=False, description="AUTH_DISABLED: serve /query without API keys; local use only"
    )
    auth_disabled_on_network: bool = Field(
        default=False,
        description="AUTH_DISABLED_ON_NETWORK: allow AUTH_DISABLED=true on an address other machines can "
        "reach (anyone on that network can then ask questions and read answers)",
    )
    api_keys_sha256: str = Field(
        default="",
        description="API_KEYS_SHA256: comma-separated hex SHA-256 digests of the accepted API keys "
        "(a Secrets Manager value in ECS; `python -m pii_filter.keys` makes a key and its digest)",
    )
    operator_keys_sha256: str = Field(
        default="",
        description="OPERATOR_KEYS_SHA256: digests of operator keys: accepted like API keys, and they may "
        "read every query (GET /queries/{id}); any other key reads only the queries it asked",
    )
    rate_limit: str = Field(
        default="30/minute",
        description="RATE_LIMIT: requests per API key (per client IP when auth is off), a `limits` string "
        "such as '30/minute' or '5/second;100/hour'; empty = no limit",
    )
    max_concurrent_per_caller: int = Field(
        default=4, ge=0,
        description="MAX_CONCURRENT_PER_CALLER: requests one API key (one client address when keys are off) "
        "may have in progress at once; more get 429 at once. 0 = no cap",
    )
    rate_limit_key_secret: SecretStr = Field(
        default=SecretStr(""),
        description="RATE_LIMIT_KEY_SECRET: the HMAC key under which callers (client addresses, key ids) are "
        "hashed before they reach Redis; the same on every replica (Secrets Manager in ECS); required with "
        "REDIS_URL in production",
    )
    max_body_bytes: int = Field(default=16384, ge=1024, description="MAX_BODY_BYTES: larger bodies get 413")
    # the browser page at / (pii_filter/page.py, page_token.py)
    page_token_secret: SecretStr = Field(
        default=SecretStr(""),
        description="PAGE_TOKEN_SECRET: signs the page's short-lived tokens (at least 32 characters, the "
        "same on every replica; Secrets Manager in ECS). With API keys on, the page asks with such a token "
        "instead of a key; empty = no page tokens (the page then works only with AUTH_DISABLED=true)",
    )
    page_token_ttl_s: int = Field(
        default=900, ge=60, le=86400,
        description="PAGE_TOKEN_TTL_S: a page token's lifetime; the page renews it before then",
    )
    page_token_rate_limit: str = Field(
        default="10/minute;60/hour",
        description="PAGE_TOKEN_RATE_LIMIT: page tokens issued (or renewed) per client address, a `limits` "
        "string; empty = no limit",
    )

    # slow and greedy clients (see pii_filter/server.py and body_limit.py)
    header_timeout_s: float = Field(
        default=10.0, gt=0, le=300,
        description="HEADER_TIMEOUT_S: a request's headers must arrive within this (from their first byte); "
        "else 408 and the connection is closed",
    )
    body_timeout_s: float = Field(
        default=10.0, gt=0, le=300,
        description="BODY_TIMEOUT_S: the whole body must arrive within this; else 408",
    )
    keep_alive_s: int = Field(
        default=5, ge=1, le=3600,
        description="KEEP_ALIVE_S: an idle kept-alive connection is closed after this; behind an ALB make it "
        "longer than the ALB's idle timeout (60 s), or the ALB may reuse a closing connection (a 502)",
    )
    max_header_bytes: int = Field(
        default=16384, ge=1024, le=1048576,
        description="MAX_HEADER_BYTES: request line plus headers; larger requests get 400",
    )
    max_connections: int = Field(
        default=100, ge=1,
        description="MAX_CONNECTIONS: open connections (and requests in progress); past it requests get 503",
    )
    trusted_proxies: str = Field(
        default="",
        description="TRUSTED_PROXIES: comma-separated addresses or networks (CIDR) of the proxies in front, "
        "e.g. the ALB's subnets; the client is the right-most X-Forwarded-For address not among them. "
        "Empty = no proxy: X-Forwarded-For is ignored",
    )
    # the scaling signal (pii_filter/backlog.py)
    cloudwatch_metrics_namespace: str = Field(
        default="",
        description="CLOUDWATCH_METRICS_NAMESPACE: write each stage's backlog per consumer as CloudWatch "
        "Embedded Metric Format lines to stdout under this namespace (ECS: ConsumerRights); empty = off",
    )
    backlog_metric_interval_s: float = Field(
        default=60.0, ge=5, le=3600, description="BACKLOG_METRIC_INTERVAL_S: how often those are written"
    )
    daily_budget_usd: float = Field(
        default=0.0, ge=0, description="DAILY_BUDGET_USD: LLM spend cap per day; 0 = none"
    )
    monthly_budget_usd: float = Field(default=0.0, ge=0, description="MONTHLY_BUDGET_USD; 0 = none")
    budget_exceeded_action: Literal["reject", "extractive"] = Field(
        default="reject",
        description="BUDGET_EXCEEDED_ACTION: 'reject' answers 503; 'extractive' answers without the LLM",
    )
    budget_timezone: str = Field(default="UTC", description="BUDGET_TIMEZONE: when a day and a month start")
    budget_cache_s: float = Field(
        default=2.0, ge=0, le=60, description="BUDGET_CACHE_S: how long one spend figure is reused"
    )

    @property
    def api_key_digests(self) -> tuple[str, ...]:
        return _digests(self.api_keys_sha256)

    @property
    def operator_key_digests(self) -> tuple[str, ...]:
        return _digests(self.operator_keys_sha256)

    @field_validator("rate_limit", "page_token_rate_limit")
    @classmethod
    def _valid_rate_limit(cls, value: str, info: ValidationInfo) -> str:
        if value.strip():
            try:
                parse_many(value)
            except ValueError as exc:
                raise ValueError(
                    f"{str(info.field_name).upper()} {value!r} is not like '30/minute' or '5/second;100/hour'"
                ) from exc
        return value.strip()

    @field_validator("page_token_secret")
    @classmethod
    def _long_page_token_secret(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value() and len(value.get_secret_value()) < 32:
            raise ValueError("PAGE_TOKEN_SECRET must be at least 32 characters (a long random string)")
        return value

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_proxies(cls, value: str) -> str:
        for entry in (p.strip() for p in value.split(",") if p.strip()):
            if entry == "*":
                raise ValueError("TRUSTED_PROXIES=* would let any client choose its own address; list the "
                                 "proxies' addresses or networks")
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as exc:
                raise ValueError(f"TRUSTED_PROXIES entry {entry!r} is not an IP address or network") from exc
        return value.strip()

    @field_validator("budget_timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"BUDGET_TIMEZONE {value!r} is not an IANA time zone like 'Asia/Kolkata'"
            ) from exc
        return value

    @model_validator(mode="after")
    def _refuse_an_open_gateway_by_accident(self) -> GatewaySettings:
        for name, digests in (("API_KEYS_SHA256", self.api_key_digests),
                              ("OPERATOR_KEYS_SHA256", self.operator_key_digests)):
            if any(not _DIGEST.match(d) for d in digests):
                raise ValueError(
                    f"{name} must be comma-separated SHA-256 hex digests (64 characters each), not keys; "
                    "`python -m pii_filter.keys` prints a new key and its digest"
                )
        if self.auth_disabled and self.environment == "production":
            raise ValueError(
                "AUTH_DISABLED=true is for local use only and is refused when ENVIRONMENT=production"
            )
        reachable = self.published_host or self.host
        if self.auth_disabled and not self.auth_disabled_on_network and not _loopback(reachable):
            raise ValueError(
                f"AUTH_DISABLED=true while listening on {reachable!r} lets anyone on the network use this "
                "gateway: keep HOST (or compose's GATEWAY_BIND) at 127.0.0.1, set API keys, or set "
                "AUTH_DISABLED_ON_NETWORK=true if that is really meant"
            )
        secret = self.rate_limit_key_secret.get_secret_value()
        if self.redis_url and self.environment == "production" and not secret:
            raise ValueError(
                "REDIS_URL is set but RATE_LIMIT_KEY_SECRET is empty: set a long random secret (the same on "
                "every gateway) so that callers reach Redis only as a keyed hash"
            )
        if not self.auth_disabled and not (self.api_key_digests or self.operator_key_digests):
            raise ValueError(
                "no API keys configured: set API_KEYS_SHA256 (digests from `python -m pii_filter.keys`), "
                "or AUTH_DISABLED=true for local use"
            )
        return self


def _digests(value: str) -> tuple[str, ...]:
    return tuple(d.strip().lower() for d in value.split(",") if d.strip())


def _loopback(host: str) -> bool:
    """Only this machine can connect to `host` (127.0.0.0/8, ::1 or localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to any interface
