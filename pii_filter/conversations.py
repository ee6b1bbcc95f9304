"""Conversations: the earlier turns a follow-up carries, and GET /conversations/{id}.

A conversation is the stored queries that share a conversation id (psql_worker writes them; the
gateway issues the id with a new question and only reads). Its turns are what those rows hold: the
redacted question and the answer with placeholders, so neither the context sent downstream nor a
conversation shown again contains personal data. Only the caller who asked may continue or read a
conversation (an operator key also reads); anyone else, like an unknown id, gets 404.

The context is bounded here in characters (CONVERSATION_MAX_TURNS latest turns within
CONVERSATION_CONTEXT_CHARS; a question that does not fit is left out with all turns before it, an
answer is shortened), and rag_core bounds the search text in the embedding model's word pieces.

psql_worker stores a question's row from the accepted event while rag_core and llm_connector answer
it, so the row is there long before the person has read the answer and typed a follow-up; a follow-up
sent by a program in the same moment as the answer arrives could still find it missing (404) while
psql_worker is behind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from fastapi.concurrency import run_in_threadpool

from common.messages import Turn
from common.records import StoredQuery
from pii_filter.errors import ApiError
from pii_filter.schemas import Conversation, ConversationTurn

# an earlier turn's placeholders name values this request's redaction does not hold: renamed so the
# answer's restoration can never fill one with another value that happens to share its number
_PLACEHOLDER = re.compile(r"<\s*([A-Z][A-Z_]*_\d+)\s*>")


class ConversationRecords(Protocol):
    def conversation(self, conversation_id: UUID) -> list[StoredQuery]: ...


def not_found(conversation_id: UUID) -> ApiError:
    """Unknown, or someone else's: the same answer either way."""
    return ApiError(404, "conversation_not_found", f"No conversation with id {conversation_id}. "
                    "A new question without conversation_id starts a new one.")


async def load_turns(records: object | None, conversation_id: UUID) -> list[StoredQuery]:
    """The conversation's stored queries, oldest first (404 for none, 503 when the database is away)."""
    if records is None or not hasattr(records, "conversation"):
        raise ApiError(503, "records_unavailable", "Conversations are not available on this gateway.")
    store: ConversationRecords = records
    try:
        turns = await run_in_threadpool(store.conversation, conversation_id)
    except Exception as exc:
        raise ApiError(503, "records_unavailable",
                       "Earlier turns are temporarily unavailable. Please try again shortly.") from exc
    if not turns:
        raise not_found(conversation_id)
    return turns


async def continued(records: object | None, conversation_id: UUID, *, owner: str, max_turns: int,
                    max_chars: int) -> list[Turn]:
    """The context of a follow-up in `conversation_id`, which only its owner may continue."""
    turns = await load_turns(records, conversation_id)
    if turns[0].owner != owner:
        raise not_found(conversation_id)
    return history(turns, max_turns=max_turns, max_chars=max_chars)


def history(turns: Sequence[StoredQuery], *, max_turns: int, max_chars: int) -> list[Turn]:
    """The latest `max_turns` turns within `max_chars`, oldest first."""
    kept: list[Turn] = []
    remaining = max_chars
    for stored in reversed(turns[-max_turns:] if max_turns else []):
        question = _earlier(stored.redacted_question or "")
        if not question or len(question) > remaining:
            break
        answer = _shorten(_earlier(stored.answer or ""), remaining - len(question))
        remaining -= len(question) + len(answer)
        kept.insert(0, Turn(question=question, answer=answer))
    return kept


def shown(conversation_id: UUID, turns: Sequence[StoredQuery]) -> Conversation:
    """GET /conversations/{id}: every turn as stored (redacted)."""
    return Conversation(conversation_id=conversation_id, turns=[
        ConversationTurn(query_id=t.query_id, question=t.redacted_question or "", answer=t.answer,
                         citations=t.citations, status=t.status, created_at=t.created_at or t.submitted_at)
        for t in turns
    ])


def _earlier(text: str) -> str:
    return _PLACEHOLDER.sub(lambda m: f"<EARLIER_{m.group(1)}>", text)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 2)].rsplit(" ", 1)[0].rstrip()
    return f"{cut} …" if cut else ""
