"""llm_connector settings: provider choice, Bedrock model, retries, timeouts and prices (environment only)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from common.settings import RedisSettings

DEFAULT_MODEL_ID = "meta.llama3-70b-instruct-v1:0"


class LlmSettings(RedisSettings):
    """Credentials are never settings: Bedrock uses the standard AWS chain (env, shared config, task role)."""

    health_port: int = Field(default=8082, description="port of /health and /metrics; 0 = off")
    llm_provider: Literal["auto", "bedrock", "extractive"] = Field(
        default="auto",
        description="LLM_PROVIDER: 'auto' uses Bedrock when AWS credentials are found (environment, shared "
        "config or the ECS task role's container credentials) and the extractive provider otherwise",
    )
    bedrock_model_id: str = Field(default=DEFAULT_MODEL_ID, min_length=1, description="Bedrock model id")
    bedrock_region: str = Field(default="ap-south-1", min_length=1, description="Bedrock region")
    bedrock_endpoint_url: str | None = Field(
        default=None, description="override the Bedrock runtime endpoint (VPC endpoint, tests)"
    )
    bedrock_max_tokens: int = Field(default=600, ge=16, le=2048, description="longest answer, in tokens")
    bedrock_temperature: float = Field(default=0.1, ge=0.0, le=1.0)
    bedrock_top_p: float = Field(default=0.9, gt=0.0, le=1.0)
    bedrock_max_attempts: int = Field(
        default=3,
        ge=1,
        le=10,
        description="total tries per call, first included, with botocore's standard retries (throttling "
        "backs off from 1 s, 5xx from 50 ms, jittered, capped at 20 s)",
    )
    bedrock_retry_mode: Literal["standard", "adaptive"] = "standard"
    bedrock_connect_timeout_s: float = Field(default=5.0, gt=0)
    bedrock_read_timeout_s: float = Field(
        default=45.0, gt=0, description="per attempt; a 600-token Llama 3 70B answer takes about 10-25 s"
    )
    bedrock_price_input_per_1k_usd: float = Field(
        default=0.00318,
        ge=0,
        description="USD per 1,000 input tokens. Assumed on-demand price of Meta Llama 3 70B Instruct in "
        "ap-south-1 (Mumbai): $0.00318 (us-east-1 is $0.00265). Check the Bedrock pricing page and set "
        "this when changing model or region; it drives usage.cost_usd and the spend cap.",
    )
    bedrock_price_output_per_1k_usd: float = Field(
        default=0.0042,
        ge=0,
        description="USD per 1,000 output tokens. Assumed on-demand price of Meta Llama 3 70B Instruct in "
        "ap-south-1 (Mumbai): $0.0042 (us-east-1 is $0.0035). Check the Bedrock pricing page.",
    )
    extractive_max_sentences: int = Field(
        default=6, ge=2, le=10, description="sentences the extractive provider quotes at most"
    )
    answer_cache_ttl_s: float = Field(
        default=86_400,
        ge=0,
        description="ANSWER_CACHE_TTL_S: how long an answer is given again to the same question over "
        "the same snapshot; 0 = no answer cache",
    )
    answer_cache_max_entries: int = Field(
        default=10_000, ge=1, description="entries kept in process memory when REDIS_URL is not set"
    )
    worker_threads: int = Field(default=8, ge=1, le=64, description="concurrent answers (I/O-bound)")
    prefetch: int = Field(default=16, ge=1, le=256, description="unacked prompts held by this worker")

    @model_validator(mode="after")
    def _prefetch_keeps_threads_busy(self) -> LlmSettings:
        if self.prefetch < self.worker_threads:
            raise ValueError("PREFETCH must be at least WORKER_THREADS or threads sit idle")
        return self
