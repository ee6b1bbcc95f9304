"""rag_core's settings: where the index lives, how the question is embedded and when to say "no context"."""

from __future__ import annotations

from pydantic import Field

from common.settings import IndexSettings


class RagSettings(IndexSettings):
    """Read from the environment only (INDEX_DIR, EMBEDDING_BACKEND, RELEVANCE_THRESHOLD, ...)."""

    health_port: int = 8081
    relevance_threshold: float = Field(
        default=0.22, description="best cosine below this = no context (docs/benchmarks.md: separation)"
    )
    default_top_k: int = Field(default=5, ge=1, le=50)
    candidates: int = Field(default=40, ge=5, description="per retriever, before rank fusion")
    rrf_k: int = Field(default=60, ge=1, description="reciprocal-rank-fusion constant")
    hybrid: bool = Field(default=True, description="fuse BM25 with dense; False = dense only")
    term_lookup: bool = Field(default=True, description="rank clauses defining a term the question names")
    unit_chars: int = Field(
        default=1800, ge=200, description="most characters of one section's matching chunks in one slot"
    )
    law_first: bool = Field(default=True, description="the Act's passages before the guides' in the top-k")
    guide_links: int = Field(
        default=3, ge=0, description="best guide passages whose cited sections rank the Act's text (0 = off)"
    )
    small_to_big: bool = Field(
        default=True, description="rank a statute chunk by its best clause's vector too (chunker/pieces.py)"
    )
    scope_check: bool = Field(
        default=True,
        description="refuse questions nearer the out-of-scope examples (rag_core/scope_examples.txt)",
    )
    service_margin: float = Field(
        default=0.15,
        description="how much nearer the Act's 'service' and 'deficiency' than its 'goods' and 'defect' a "
        "'what can I do?' story must be to be brought the passage naming a deficiency (rag_core/kinds.py)",
    )
    index_check_interval_s: float = Field(default=1.0, ge=0, description="how often `current` is stat()ed")
    prefetch: int = Field(default=8, ge=1)
    threads: int = Field(default=4, ge=1)
