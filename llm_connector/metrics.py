"""Prometheus metrics of llm_connector: Bedrock tokens and estimated spend, answers, failures, latency."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

BEDROCK_TOKENS = Counter(
    "cr_bedrock_tokens_total",
    "Bedrock tokens consumed, by model and direction (input/output)",
    ["model", "direction"],
)
BEDROCK_COST = Counter(
    "cr_bedrock_cost_usd_total",
    "Estimated Bedrock spend in USD from token usage and the price settings",
    ["model"],
)
ANSWERS = Counter(
    "cr_llm_answers_total",
    "Answers published, by provider and whether the sources covered the question",
    ["provider", "answered"],
)
FAILURES = Counter(
    "cr_llm_failures_total",
    "Prompts that ended in a failure event, by provider and error code",
    ["provider", "code"],
)
ANSWER_SECONDS = Histogram(
    "cr_llm_answer_seconds",
    "Time to produce one answer, by provider",
    ["provider"],
    buckets=(0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120),
)
ANSWER_CACHE = Counter(
    "cr_answer_cache_total",
    "Answer-cache look-ups by outcome: hit, miss, not_cacheable (personal data, no context), unavailable",
    ["outcome"],
)
ANSWER_CACHE_SAVED_USD = Counter(
    "cr_answer_cache_saved_usd_total",
    "What the LLM calls answered from the cache had cost the first time (estimated USD)",
)
