"""Gateway settings (environment only)."""

from __future__ import annotations

import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from limits import parse_many
from pydantic import Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from common.settings import DatabaseSettings

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


class GatewaySettings(DatabaseSettings):
    """HTTP, limits and personal-data detection settings of the gateway."""

    # a start-up error must never print API keys or credential-bearing URLs
    model_config = SettingsConfigDict(hide_input_in_errors=True)

    host: str = "0.0.0.0"
    port: int = 8080
    max_question_chars: int = Field(default=2000, ge=1)
    default_top_k: int = Field(default=5, ge=1, le=20)
    max_top_k: int = Field(default=10, ge=1, le=50)
    answer_timeout_s: float = Field(default=30.0, gt=0)
    instance_id: str = Field(default="", description="names the reply queue; random when empty")

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
    api_keys_sha256: str = Field(
        default="",
        description="API_KEYS_SHA256: comma-separated hex SHA-256 digests of the accepted API keys "
        "(a Secrets Manager value in ECS; `python -m pii_filter.keys` makes a key and its digest)",
    )
    rate_limit: str = Field(
        default="30/minute",
        description="RATE_LIMIT: requests per API key (per client IP when auth is off), a `limits` string "
        "such as '30/minute' or '5/second;100/hour'; empty = no limit",
    )
    max_body_bytes: int = Field(default=16384, ge=1024, description="MAX_BODY_BYTES: larger bodies get 413")
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
        return tuple(d.strip().lower() for d in self.api_keys_sha256.split(",") if d.strip())

    @field_validator("rate_limit")
    @classmethod
    def _valid_rate_limit(cls, value: str) -> str:
        if value.strip():
            try:
                parse_many(value)
            except ValueError as exc:
                raise ValueError(
                    f"RATE_LIMIT {value!r} is not like '30/minute' or '5/second;100/hour'"
                ) from exc
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
        bad = [d for d in self.api_key_digests if not _DIGEST.match(d)]
        if bad:
            raise ValueError(
                "API_KEYS_SHA256 must be comma-separated SHA-256 hex digests (64 characters each), not keys; "
                "`python -m pii_filter.keys` prints a new key and its digest"
            )
        if self.auth_disabled and self.environment == "production":
            raise ValueError(
                "AUTH_DISABLED=true is for local use only and is refused when ENVIRONMENT=production"
            )
        if not self.auth_disabled and not self.api_key_digests:
            raise ValueError(
                "no API keys configured: set API_KEYS_SHA256 (digests from `python -m pii_filter.keys`), "
                "or AUTH_DISABLED=true for local use"
            )
        return self
