"""One query through the gateway: redact, publish, wait for the reply, restore, respond.

The reply comes from the stage that ended the query: llm_connector with the answer, or the stage that
failed. psql_worker stores the outcome beside it and replies again once it is stored, which covers a
first reply lost in a broker restart; after the answer timeout the stored row is read once.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Literal, Protocol
from uuid import UUID

from common.logging import query_context
from common.messages import QueryResult, RedactedQuery, Turn
from common.records import StoredQuery
from pii_filter import conversations
from pii_filter.broker import BrokerUnavailable, GatewayBroker, PublishUnconfirmed
from pii_filter.errors import ApiError, stage_failure
from pii_filter.metrics import PII_ENTITIES
from pii_filter.redaction.coverage import refusal
from pii_filter.redaction.normalise import normalise
from pii_filter.redaction_batches import RedactionBatches
from pii_filter.schemas import QueryRequest, QueryResponse
from pii_filter.settings import GatewaySettings

log = logging.getLogger(__name__)


class RedactionLike(Protocol):
    """What the flow needs from a redaction (pii_filter.redaction.Redaction in production)."""

    @property
    def redacted(self) -> str: ...

    @property
    def entity_types(self) -> list[str]: ...

    def restore(self, text: str) -> str: ...


class RedactorLike(Protocol):
    def redact(self, text: str) -> RedactionLike: ...

    def redact_many(self, texts: list[str]) -> Sequence[RedactionLike]: ...


class RecordsLike(Protocol):
    def get(self, query_id: UUID) -> StoredQuery | None: ...


ClientGone = Callable[[], Awaitable[object]]  # returns once the client has closed its connection


class QueryFlow:
    """Runs POST /query; holds the placeholder map only for the duration of one request."""

    def __init__(
        self,
        *,
        settings: GatewaySettings,
        redactor: RedactorLike,
        broker: GatewayBroker,
        records: RecordsLike | None,
    ) -> None:
        self.settings = settings
        self.redactor = redactor
        self.broker = broker
        self.records = records
        self._batches: RedactionBatches[RedactionLike] = RedactionBatches(
            redact=redactor.redact, redact_many=redactor.redact_many
        )

    def close(self) -> None:
        self._batches.close()

    def check_limits(self, request: QueryRequest) -> int:
        """Validate what depends on settings; return the top_k to use."""
        limit = self.settings.max_question_chars
        if len(request.question) > limit:
            raise ApiError(
                413, "question_too_long",
                f"The question is {len(request.question)} characters long; the limit is {limit} characters.",
            )
        refused = refusal(normalise(request.question).text)
        if refused:
            raise ApiError(422, refused.code, refused.message)
        top_k = request.top_k or self.settings.default_top_k
        if top_k > self.settings.max_top_k:
            raise ApiError(422, "invalid_request", f"top_k must be between 1 and {self.settings.max_top_k}.")
        return top_k

    async def answer(
        self, request: QueryRequest, *, llm_provider: Literal["default", "extractive"] = "default",
        owner: str = "", client_gone: ClientGone | None = None,
    ) -> QueryResponse:
        """`llm_provider='extractive'` asks llm_connector to answer without the LLM (spend cap reached);
        `owner` is who asked (pii_filter.auth.owner_of), stored with the query; `client_gone` returns
        when the client has closed its connection (the query's remaining work is then cancelled)."""
        started = time.perf_counter()
        top_k = self.check_limits(request)
        query_id = uuid.uuid4()
        conversation_id, history = await self.conversation(request, owner)
        return await self._answer(request, query_id, top_k, llm_provider, started, owner,
                                  conversation_id, history, client_gone)

    async def conversation(self, request: QueryRequest, owner: str) -> tuple[UUID, list[Turn]]:
        """A new conversation's id, or the one continued with its earlier turns (404 if not `owner`'s)."""
        if request.conversation_id is None:
            return uuid.uuid4(), []
        history = await conversations.continued(
            self.records, request.conversation_id, owner=owner,
            max_turns=self.settings.conversation_max_turns,
            max_chars=self.settings.conversation_context_chars,
        )
        return request.conversation_id, history

    async def _answer(
        self,
        request: QueryRequest,
        query_id: UUID,
        top_k: int,
        llm_provider: Literal["default", "extractive"],
        started: float,
        owner: str,
        conversation_id: UUID,
        history: list[Turn],
        client_gone: ClientGone | None,
    ) -> QueryResponse:
        with query_context(query_id):
            redaction, query = await self.redacted_query(request, query_id, top_k, llm_provider, owner,
                                                         conversation_id=conversation_id, history=history)
            result = await self._publish_and_wait(query, client_gone)
            return self.response(query, result, redaction, started)

    async def redacted_query(
        self,
        request: QueryRequest,
        query_id: UUID,
        top_k: int,
        llm_provider: Literal["default", "extractive"],
        owner: str,
        *,
        conversation_id: UUID,
        history: list[Turn],
        progress: bool = False,
    ) -> tuple[RedactionLike, RedactedQuery]:
        """The redaction (kept here, in memory) and the message that leaves the gateway."""
        t0 = time.perf_counter()
        redaction = await self.redact(request.question)
        redact_ms = (time.perf_counter() - t0) * 1000
        for entity_type in redaction.entity_types:
            PII_ENTITIES.labels(type=entity_type).inc()
        query = RedactedQuery(
            query_id=query_id,
            redacted_question=redaction.redacted,
            pii_found=redaction.entity_types,
            top_k=top_k,
            timings_ms={"redact": round(redact_ms, 3)},
            llm_provider=llm_provider,
            owner=owner,
            conversation_id=conversation_id,
            history=history,
            progress=progress,
        )
        return redaction, query

    async def redact(self, question: str) -> RedactionLike:
        """Always on the redaction thread, batched with the other waiting questions, never on the event
        loop: a slow question must not stall /health or anyone else (pii_filter/redaction_batches.py)."""
        return await self._batches.redact(question)

    async def _publish_and_wait(self, query: RedactedQuery, client_gone: ClientGone | None) -> QueryResult:
        reply = self.broker.expect_reply(str(query.query_id))
        await self.publish(query)
        if client_gone is None:
            return await self.wait(query, reply)
        return await self._wait_unless_gone(query, reply, client_gone)

    async def _wait_unless_gone(
        self, query: RedactedQuery, reply: asyncio.Future[QueryResult], client_gone: ClientGone
    ) -> QueryResult:
        """Like `wait`, but a client that leaves first cancels the query's remaining work: the stages
        store it as failed with `cancelled` (nobody can read an answer sent to a closed connection)."""
        waiting = asyncio.ensure_future(self.wait(query, reply))
        gone = asyncio.ensure_future(client_gone())
        try:
            await asyncio.wait({waiting, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone.cancel()
        if waiting.done():
            return waiting.result()
        waiting.cancel()
        key = str(query.query_id)
        self.broker.forget(key)
        self.broker.cancel(key)
        log.info("query cancelled: the client went away")
        raise ApiError(499, "client_gone", "The client closed the connection before the answer was ready.",
                       query_id=query.query_id)

    async def publish(self, query: RedactedQuery) -> None:
        """Hand the query to the broker (its reply already expected); ApiError when it was not accepted."""
        key = str(query.query_id)
        try:
            await self.broker.publish_query(query)
        except PublishUnconfirmed as exc:  # it may be queued: give the id so the client can check
            self.broker.forget(key)
            log.warning("query publish not confirmed: the broker may have it")
            raise ApiError(
                503, "acceptance_unconfirmed",
                "The service could not confirm that your question was received. Check "
                f"GET /queries/{query.query_id} in a minute before asking again.",
                query_id=query.query_id,
            ) from exc
        except BrokerUnavailable as exc:
            self.broker.forget(key)
            log.warning("query not accepted: broker unavailable")
            raise ApiError(
                503, "broker_unavailable",
                "The service is temporarily unable to accept questions. Please try again shortly.",
            ) from exc
        log.info("query accepted", extra={"pii_types": query.pii_found, "top_k": query.top_k})

    async def wait(self, query: RedactedQuery, reply: asyncio.Future[QueryResult]) -> QueryResult:
        """The reply, or after the answer timeout what `timed_out` finds."""
        try:
            return await asyncio.wait_for(reply, timeout=self.settings.answer_timeout_s)
        except TimeoutError:
            return self.timed_out(query)

    def timed_out(self, query: RedactedQuery) -> QueryResult:
        """No reply in time: the stored result if there is one (the reply may have been lost), else 504."""
        self.broker.forget(str(query.query_id))
        persisted = self._persisted_result(query.query_id)
        if persisted is not None:
            return persisted
        raise ApiError(
            504, "answer_timeout",
            f"No answer within {self.settings.answer_timeout_s:g} seconds. The question was accepted; "
            f"check GET /queries/{query.query_id} for the answer.",
            query_id=query.query_id,
        )

    def _persisted_result(self, query_id: UUID) -> QueryResult | None:
        """After a timeout, the reply may have been lost while the result is stored: look once."""
        if self.records is None:
            return None
        try:
            stored = self.records.get(query_id)
        except Exception:  # the database being down must not turn a 504 into a 500
            return None
        return stored.result() if stored is not None and stored.final else None

    def response(
        self, query: RedactedQuery, result: QueryResult, redaction: RedactionLike, started: float
    ) -> QueryResponse:
        if result.status == "failed" or result.answer is None:
            raise stage_failure(result.error, query_id=query.query_id)
        timings = {**result.timings_ms, **query.timings_ms}
        timings["total"] = round((time.perf_counter() - started) * 1000, 3)
        return QueryResponse(
            query_id=query.query_id,
            conversation_id=query.conversation_id,
            answer=redaction.restore(result.answer),
            answered=result.answered,
            citations=result.citations,
            redacted_question=query.redacted_question,
            pii_found=query.pii_found,
            model=result.model,
            timings_ms=timings,
        )
