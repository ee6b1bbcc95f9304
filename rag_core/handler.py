"""rag_core's stage: retrieve passages for a redacted question and build the grounded prompt."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from common.failures import FailureCode, PermanentFailure, withdrawn
from common.messages import Citation, GroundedPrompt, Passage, QueryProgress, RedactedQuery
from common.rabbit.worker import Progress, Publish
from common.topology import PROMPT_BUILT
from rag_core.metrics import NO_CONTEXT, RETRIEVAL_SECONDS
from rag_core.prompt import build_prompt
from rag_core.retrieval import IndexUnavailable

log = logging.getLogger(__name__)


class RetrievalLike(Protocol):
    @property
    def passages(self) -> list[Passage]: ...

    @property
    def no_context(self) -> bool: ...

    @property
    def index_version(self) -> str: ...


class RetrieverLike(Protocol):
    def retrieve(self, question: str, *, k: int = ..., earlier: Sequence[str] = ...) -> RetrievalLike: ...


PromptBuilder = Callable[..., tuple[str, str]]


class QueryHandler:
    """RedactedQuery -> GroundedPrompt, published for llm_connector."""

    def __init__(self, *, retriever: RetrieverLike, prompt_builder: PromptBuilder = build_prompt) -> None:
        self.retriever = retriever
        self.prompt_builder = prompt_builder

    def __call__(self, query: RedactedQuery, progress: Progress | None = None) -> Sequence[Publish]:
        if progress is not None and progress.cancelled:  # withdrawn while it waited: nothing to retrieve
            raise withdrawn()
        started = time.perf_counter()
        try:
            retrieval = self.retriever.retrieve(query.redacted_question, k=query.top_k,
                                                earlier=[turn.question for turn in query.history])
        except IndexUnavailable as exc:
            raise PermanentFailure(
                FailureCode.INDEX_UNAVAILABLE,
                "The knowledge base is not available yet. Please try again in a few minutes.",
            ) from exc
        retrieve_ms = (time.perf_counter() - started) * 1000
        RETRIEVAL_SECONDS.observe(retrieve_ms / 1000)
        if retrieval.no_context:
            NO_CONTEXT.inc()
        if progress is not None and query.progress:  # what the answer can cite, while it is written
            citations = [] if retrieval.no_context else [Citation.of(p) for p in retrieval.passages]
            progress.send(QueryProgress(query_id=query.query_id, citations=citations))
        t0 = time.perf_counter()
        system_prompt, prompt = self.prompt_builder(
            question=query.redacted_question, passages=retrieval.passages, no_context=retrieval.no_context,
            history=query.history,
        )
        prompt_ms = (time.perf_counter() - t0) * 1000
        log.info(
            "retrieved %d passages",
            len(retrieval.passages),
            extra={"no_context": retrieval.no_context, "index_version": retrieval.index_version},
        )
        grounded = GroundedPrompt(
            query=query,
            passages=retrieval.passages,
            no_context=retrieval.no_context,
            system_prompt=system_prompt,
            prompt=prompt,
            index_version=retrieval.index_version,
            timings_ms={"retrieve": round(retrieve_ms, 3), "prompt": round(prompt_ms, 3)},
        )
        return [Publish(grounded, PROMPT_BUILT)]
