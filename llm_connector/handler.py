"""GroundedPrompt -> QueryResult: ask the provider, withhold leaks, resolve citations, time and count it."""

from __future__ import annotations

import logging
import time

from common.failures import PermanentFailure, withdrawn
from common.messages import GroundedPrompt, QueryProgress, QueryResult, TokenUsage
from common.rabbit.worker import Outgoing, Progress, Publish, Reply
from common.topology import QUERY_RESULT
from llm_connector.answer_cache import AnswerCache, CachedAnswer, cache_key
from llm_connector.answer_stream import AnswerStream
from llm_connector.citations import FALLBACK_CITATIONS, citations_for, resolve_markers
from llm_connector.extractive import ExtractiveProvider
from llm_connector.guard import echoes, leaks_system_prompt
from llm_connector.metrics import ANSWER_SECONDS, ANSWERS, FAILURES
from llm_connector.provider import Completion, LlmProvider
from llm_connector.replies import NO_CONTEXT_ANSWER, OFF_LIMITS_ANSWER

log = logging.getLogger(__name__)


class AnswerHandler:
    """The llm_connector stage; never logs the prompt or the answer, only ids, counts and timings."""

    def __init__(
        self, *, provider: LlmProvider, fallback: LlmProvider | None = None, cache: AnswerCache | None = None
    ) -> None:
        self.provider = provider
        # what a query marked llm_provider="extractive" gets (the gateway's spend cap was reached)
        self.fallback = fallback or ExtractiveProvider()
        self.cache = cache

    def _provider_for(self, prompt: GroundedPrompt) -> LlmProvider:
        return self.fallback if prompt.query.llm_provider == "extractive" else self.provider

    def __call__(self, prompt: GroundedPrompt, progress: Progress | None = None) -> list[Outgoing]:
        started = time.perf_counter()
        provider = self._provider_for(prompt)
        if progress is not None and progress.cancelled:  # withdrawn while it waited: no model call
            raise withdrawn()
        key = cache_key(prompt, provider=provider.name, model=provider.model) if self.cache else None
        cached = self.cache.get(key) if self.cache else None
        if cached is not None:
            return self._from_cache(prompt, cached, started)
        completion = self._complete(prompt, provider, progress)
        if completion.answered and leaks_system_prompt(completion.text, prompt.system_prompt):
            log.warning("answer withheld: it reproduced the system prompt", extra={"model": provider.model})
            completion = Completion(text=OFF_LIMITS_ANSWER, answered=False, usage=completion.usage)
        text, cited = resolve_markers(completion.text, len(prompt.passages))
        if completion.answered and not cited:
            cited = list(range(1, min(FALLBACK_CITATIONS, len(prompt.passages)) + 1))
        elif not completion.answered:
            cited = []
        elapsed = time.perf_counter() - started
        llm_ms = round(elapsed * 1000, 1)
        result = QueryResult(
            query_id=prompt.query_id,
            status="answered",
            redacted_question=prompt.query.redacted_question,
            answer=text,
            answered=completion.answered,
            citations=citations_for(cited, prompt.passages),
            model=provider.model,
            provider=provider.name,
            usage=completion.usage,
            pii_found=prompt.query.pii_found,
            submitted_at=prompt.query.submitted_at,
            timings_ms={**prompt.query.timings_ms, **prompt.timings_ms, "llm": llm_ms},
        )
        if self.cache is not None:
            self.cache.put(key, prompt, result)
        ANSWERS.labels(provider=provider.name, answered=str(completion.answered).lower()).inc()
        ANSWER_SECONDS.labels(provider=provider.name).observe(elapsed)
        log.info(
            "answer ready",
            extra={
                "provider": provider.name,
                "model": provider.model,
                "answered": completion.answered,
                "citations": len(result.citations),
                "input_tokens": completion.usage.input_tokens,
                "output_tokens": completion.usage.output_tokens,
                "cost_usd": completion.usage.cost_usd,
                "llm_ms": llm_ms,
            },
        )
        # the reply first: each publish waits for its confirm, and the person is waiting on this one
        return [Reply(result), Publish(result, QUERY_RESULT)]

    def _from_cache(self, prompt: GroundedPrompt, cached: CachedAnswer, started: float) -> list[Outgoing]:
        """The stored answer, costing nothing this time; the timings name the cache instead of the LLM."""
        cache_ms = round((time.perf_counter() - started) * 1000, 1)
        result = QueryResult(
            query_id=prompt.query_id,
            status="answered",
            redacted_question=prompt.query.redacted_question,
            answer=cached.answer,
            answered=True,
            citations=cached.citations,
            model=cached.model,
            provider=cached.provider,
            usage=TokenUsage(),
            pii_found=prompt.query.pii_found,
            submitted_at=prompt.query.submitted_at,
            timings_ms={**prompt.query.timings_ms, **prompt.timings_ms, "answer_cache": cache_ms},
        )
        ANSWERS.labels(provider=cached.provider, answered="true").inc()
        log.info("answer from the cache", extra={"provider": cached.provider, "model": cached.model,
                                                 "citations": len(result.citations), "cache_ms": cache_ms})
        return [Reply(result), Publish(result, QUERY_RESULT)]

    def _complete(
        self, prompt: GroundedPrompt, provider: LlmProvider, progress: Progress | None
    ) -> Completion:
        """No context: say so without calling a model (nothing to ground an answer on, and no cost).
        A streamed query gets its answer in pieces as the provider writes it."""
        if prompt.no_context or not prompt.passages:
            return Completion(text=NO_CONTEXT_ANSWER, answered=False)
        stream = getattr(provider, "stream", None)
        try:
            if progress is None or not prompt.query.progress or stream is None:
                return provider.complete(prompt)
            pieces = DeltaSender(prompt, progress)
            completion: Completion = stream(prompt, on_text=pieces.feed, cancelled=lambda: progress.cancelled)
            pieces.finish(completion)
            return completion
        except PermanentFailure as exc:
            FAILURES.labels(provider=provider.name, code=exc.code).inc()
            raise


class DeltaSender:
    """Sends the answer's pieces to the waiting gateway as the final answer will read (AnswerStream).

    The system-prompt guard runs on what was written so far before each piece goes out, stricter than on
    the final answer (half of the words so far copied from it in runs of six stops the pieces): once an
    answer starts reproducing the system prompt nothing more is sent, and the final result withholds it.
    A false alarm only costs the stream: the rest of the answer then comes with the final result.
    """

    def __init__(self, prompt: GroundedPrompt, progress: Progress) -> None:
        self.prompt = prompt
        self.progress = progress
        self.stream = AnswerStream(len(prompt.passages))
        self.raw = ""
        self.offset = 0
        self.stopped = False

    def feed(self, piece: str) -> None:
        if self.stopped:
            return
        self.raw += piece
        system_prompt = self.prompt.system_prompt
        if echoes(self.raw, system_prompt) or leaks_system_prompt(self.raw, system_prompt):
            self.stopped = True
            return
        self._send(self.stream.feed(piece))

    def finish(self, completion: Completion) -> None:
        """The held-back end, when the final answer is the text that was streamed."""
        if not self.stopped and completion.text.strip() == self.raw.strip():
            self._send(self.stream.finish())

    def _send(self, text: str) -> None:
        if text:
            self.progress.send(QueryProgress(query_id=self.prompt.query_id, delta=text, offset=self.offset))
            self.offset += len(text)
