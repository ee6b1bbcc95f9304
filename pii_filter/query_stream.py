"""POST /query as Server-Sent Events: the same query flow, with what happens shown as it happens.

Events (each `data:` a JSON object): `accepted` once the broker took the question, `stage` retrieving,
`citations` and `stage` writing once rag_core has the passages, `delta` pieces of the answer as
llm_connector writes them, then exactly one of `done` (the body POST /query returns) or `error` (the
status, code and message it would have had; `stream_interrupted` when the gateway's broker connection
breaks mid-stream, the answer then only stored). Pieces travel at most once; the final result is the
one that counts: when it comes, whatever the pieces missed is sent as one last `delta`, so the deltas
add up to `done`'s answer (unless the final answer replaced the text, e.g. a withheld one: the page
shows `done`'s answer). A person who leaves mid-stream cancels the query's remaining work.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Literal

from common.logging import query_context
from common.messages import QueryProgress, RedactedQuery
from pii_filter.errors import ApiError
from pii_filter.query_flow import QueryFlow, RedactionLike
from pii_filter.restoring_stream import RestoringStream
from pii_filter.schemas import QueryRequest

log = logging.getLogger(__name__)

Event = dict[str, str]  # what sse-starlette sends: {"event": name, "data": JSON text}
FINAL, LOST = "final", "lost"  # the final result is in; the broker connection broke


def interrupted(query: RedactedQuery) -> ApiError:
    """The broker connection broke mid-stream: pieces were lost, the answer itself is still stored."""
    return ApiError(
        503, "stream_interrupted",
        "The connection to the answering service was interrupted. Your question was accepted: its answer "
        f"will be at GET /queries/{query.query_id} shortly.",
        query_id=query.query_id,
    )


def event(name: str, data: dict[str, Any]) -> Event:
    return {"event": name, "data": json.dumps(data, ensure_ascii=False)}


def error_event(exc: ApiError) -> Event:
    query_id = str(exc.query_id) if exc.query_id is not None else None
    return event("error", {"status": exc.status, "code": exc.code, "message": exc.message,
                           "query_id": query_id})


async def query_events(
    flow: QueryFlow, request: QueryRequest, *, llm_provider: Literal["default", "extractive"] = "default",
    owner: str = "",
) -> AsyncIterator[Event]:
    """The events of one streamed question; limits are checked before the response starts."""
    started = time.perf_counter()
    top_k = flow.check_limits(request)
    query_id = uuid.uuid4()
    with query_context(query_id):
        try:
            conversation_id, history = await flow.conversation(request, owner)
            redaction, query = await flow.redacted_query(request, query_id, top_k, llm_provider, owner,
                                                         conversation_id=conversation_id, history=history,
                                                         progress=True)
        except ApiError as exc:
            yield error_event(exc)
            return
        async for item in _follow(flow, query, redaction, started):
            yield item


async def _follow(
    flow: QueryFlow, query: RedactedQuery, redaction: RedactionLike, started: float
) -> AsyncIterator[Event]:
    key = str(query.query_id)
    arrivals: asyncio.Queue[QueryProgress | str] = asyncio.Queue()  # FINAL / LOST: what ends the pieces
    reply = flow.broker.expect_reply(key)
    reply.add_done_callback(lambda _f: arrivals.put_nowait(FINAL))
    flow.broker.listen(key, arrivals.put_nowait, lambda: arrivals.put_nowait(LOST))
    finished = False
    try:
        try:
            await flow.publish(query)
        except ApiError as exc:
            finished = True
            yield error_event(exc)
            return
        conversation_id = str(query.conversation_id) if query.conversation_id else None
        yield event("accepted", {"query_id": key, "conversation_id": conversation_id,
                                 "question": query.redacted_question, "pii_found": query.pii_found})
        yield event("stage", {"stage": "retrieving"})
        answer = _AnswerSoFar(redaction)
        deadline = asyncio.get_running_loop().time() + flow.settings.answer_timeout_s
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    piece = await arrivals.get()
            except TimeoutError:
                piece = FINAL  # none in time: the stored result, or 504
            if piece == LOST:
                finished = True  # the stages go on: the answer is stored as usual
                yield error_event(interrupted(query))
                return
            if isinstance(piece, str):
                break
            for item in answer.take(piece):
                yield item
        try:
            result = reply.result() if reply.done() and not reply.cancelled() else flow.timed_out(query)
            body = flow.response(query, result, redaction, started)
        except ApiError as exc:
            finished = True
            yield error_event(exc)
            return
        finished = True
        for item in answer.complete(body.answer):
            yield item
        yield event("done", body.model_dump(mode="json"))
    finally:
        flow.broker.forget(key)
        if not finished:  # the person left (or the response broke): stop the work done for them
            flow.broker.cancel(key)
            log.info("streamed query cancelled: the client went away")


class _AnswerSoFar:
    """The stages' pieces in order, restored: citations once, then the answer's deltas without gaps."""

    def __init__(self, redaction: RedactionLike) -> None:
        self.restoring = RestoringStream(redaction.restore)
        self.redacted_length = 0  # characters of the (redacted) answer received in order
        self.citations_sent = False
        self.writing = False
        self.gap = False  # a piece was lost: the rest comes with the final result

    def take(self, piece: QueryProgress) -> list[Event]:
        out: list[Event] = []
        if piece.citations is not None and not (self.citations_sent or self.writing):
            self.citations_sent = True
            citations = [c.model_dump(mode="json") for c in piece.citations]
            out.append(event("citations", {"citations": citations}))
            out += self._writing()
        if piece.delta and not self.gap:
            if piece.offset > self.redacted_length:
                self.gap = True
            elif piece.offset == self.redacted_length:
                self.redacted_length += len(piece.delta)
                text = self.restoring.feed(piece.delta)
                out += self._writing() + ([event("delta", {"text": text})] if text else [])
        return out

    def complete(self, answer: str) -> list[Event]:
        """What the pieces did not bring of the final answer, when it continues what was shown."""
        shown = self.restoring.released
        out = self._writing()
        if answer.startswith(shown) and len(answer) > len(shown):
            out.append(event("delta", {"text": answer[len(shown):]}))
        return out

    def _writing(self) -> list[Event]:
        if self.writing:
            return []
        self.writing = True
        return [event("stage", {"stage": "writing"})]

