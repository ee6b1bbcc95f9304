"""Gateway metrics: requests and latency by route and status, personal-data entities by type."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter(
    "cr_http_requests_total", "HTTP requests by route, method and status", ["route", "method", "status"]
)
HTTP_SECONDS = Histogram(
    "cr_http_request_seconds",
    "HTTP request latency by route",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
PII_ENTITIES = Counter("cr_pii_entities_total", "Queries in which personal data of a type was removed", ["type"])
