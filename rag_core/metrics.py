"""rag_core metrics: retrieval time and how often the knowledge base has nothing relevant."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

RETRIEVAL_SECONDS = Histogram(
    "cr_retrieval_seconds",
    "Embed + retrieve time per question",
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1),
)
NO_CONTEXT = Counter("cr_retrieval_no_context_total", "Questions whose best passage was below the threshold")
