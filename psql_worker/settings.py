"""Persistence worker settings (environment only)."""

from __future__ import annotations

from pydantic import Field, model_validator

from common.settings import DatabaseSettings

_DEFAULT_DATABASE_URL = DatabaseSettings.model_fields["database_url"].default


class PersistenceSettings(DatabaseSettings):
    """Consumer sizing and database retry settings of psql_worker."""

    health_port: int = 8083
    prefetch: int = Field(default=16, ge=1, description="unacked messages per queue")
    threads: int = Field(default=4, ge=1, description="handlers running at once (one connection each)")
    database_retry_max_delay_s: float = Field(default=5.0, gt=0, description="cap of the retry back-off")
    database_checkout_timeout_s: float = Field(default=5.0, gt=0, description="wait for a pooled connection")
    database_reconnect_timeout_s: float = Field(
        default=10.0, gt=0, description="length of one pool reconnect attempt series (bounds its back-off)"
    )
    stale_pending_after_s: float = Field(
        default=900.0,
        ge=60,
        description="STALE_PENDING_AFTER_S: a query still pending this long is marked failed (result_lost); "
        "well above the gateway's answer timeout, so only lost messages are swept",
    )
    stale_pending_sweep_interval_s: float = Field(
        default=60.0, gt=0, description="STALE_PENDING_SWEEP_INTERVAL_S: how often the sweep runs"
    )

    @model_validator(mode="after")
    def _refuse_default_database_in_production(self) -> PersistenceSettings:
        if self.environment == "production" and self.database_url == _DEFAULT_DATABASE_URL:
            raise ValueError("DATABASE_URL is the local development default; set it in production")
        return self
