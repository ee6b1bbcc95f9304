"""Gateway metrics: requests and latency by route and status, personal-data entities by type."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "cr_http_requests_total", "HTTP requests by route, method and status", ["route", "method", "status"]
)
HTTP_SECONDS = Histogram(
    "cr_http_request_seconds",
    "HTTP request latency by route",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
PII_ENTITIES = Counter(
    "cr_pii_entities_total", "Queries in which personal data of a type was removed", ["type"]
)

# access, abuse and spend (pii_filter/auth.py, rate_limit.py, body_limit.py, budget.py)
AUTH_FAILURES = Counter(
    "cr_auth_failures_total", "Requests refused 401, by reason (missing or invalid key)", ["reason"]
)
RATE_LIMITED = Counter(
    "cr_rate_limited_total", "Requests refused 429, by caller kind (key or ip)", ["caller_kind"]
)
CONCURRENCY_LIMITED = Counter(
    "cr_concurrency_limited_total", "Requests refused 429 because the caller had too many in progress",
    ["caller_kind"],
)
RATE_LIMIT_STORAGE = Counter(
    "cr_rate_limit_checks_total",
    "Rate-limit checks by where the window was counted: redis (shared) or memory (this replica)",
    ["storage"],
)
BODY_TOO_LARGE = Counter(
    "cr_body_too_large_total", "Request bodies refused 413, by how the size was known", ["how"]
)
HEADER_TIMEOUTS = Counter(
    "cr_header_timeouts_total", "Connections closed 408 because a request's headers came too slowly"
)
BODY_TIMEOUTS = Counter("cr_body_timeouts_total", "Requests answered 408 because the body came too slowly")
BUDGET_SPEND = Gauge(
    "cr_budget_spend_usd", "LLM spend in the current budget window (from PostgreSQL)", ["period"]
)
BUDGET_LIMIT = Gauge("cr_budget_limit_usd", "The configured LLM budget per window (0 = no cap)", ["period"])
BUDGET_EXCEEDED = Counter(
    "cr_budget_exceeded_total",
    "Queries that met an exhausted budget, by window and action (reject or extractive)",
    ["period", "action"],
)

# the live path's queues as the gateway's broker link sees them (refreshed every 2 s)
QUEUE_MESSAGES = Gauge("cr_queue_messages", "Messages ready in a queue", ["queue"])
QUEUE_CONSUMERS = Gauge("cr_queue_consumers", "Consumers attached to a queue", ["queue"])
STAGE_BACKLOG = Gauge(
    "cr_stage_backlog_per_consumer",
    "Messages waiting in a stage's work queues per consumer serving them (what each stage scales on)",
    ["stage"],
)
FEEDBACK = Counter(
    "cr_feedback_total", "Feedback given on answers (POST /queries/{id}/feedback), by whether it helped",
    ["helpful"],
)
