"""The HTTP API's request and response bodies (what OpenAPI at /docs shows)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from common.messages import Citation


class QueryRequest(BaseModel):
    """A consumer's question in plain words."""

    # strict: `"top_k": true` or `"5"` is refused, not read as 1 or 5; unknown fields are refused
    model_config = ConfigDict(extra="forbid", strict=True)

    question: str = Field(description="the question, in plain words", examples=[
        "The seller won't refund my broken fridge, what can I do?"
    ])
    top_k: int | None = Field(default=None, ge=1, description="how many passages to retrieve")
    conversation_id: UUID | None = Field(
        default=None, strict=False,  # a UUID in a JSON string
        description="continue this conversation (the id an earlier response gave): the question is "
        "answered with the earlier turns as context; leave it out to start a new one",
    )

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the question is empty; please type your question")
        return value


class QueryResponse(BaseModel):
    """The grounded answer, what was sent downstream, and where the time went."""

    query_id: UUID
    conversation_id: UUID = Field(description="send it with a follow-up question to continue")
    answer: str
    answered: bool = Field(description="false when the knowledge base does not cover the question")
    citations: list[Citation]
    redacted_question: str = Field(description="exactly what left the gateway")
    pii_found: list[str] = Field(description="types of personal data that were removed")
    model: str
    timings_ms: dict[str, float]


class FeedbackRequest(BaseModel):
    """Whether an answer helped, and optionally why (redacted like a question before it is stored)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    helpful: bool
    comment: str | None = Field(default=None, description="at most 1000 characters", examples=[
        "It told me which commission to approach."
    ])


class FeedbackReceipt(BaseModel):
    """The feedback was stored (asking again replaces it)."""

    query_id: UUID
    helpful: bool


class ConversationTurn(BaseModel):
    """One question of a conversation and its answer, as stored: redacted, placeholders in place of
    personal data."""

    query_id: UUID
    question: str = Field(description="the redacted question")
    answer: str | None = Field(description="null while pending or when the question failed")
    citations: list[Citation]
    status: Literal["pending", "answered", "failed"]
    created_at: datetime | None


class Conversation(BaseModel):
    """A conversation shown again: its turns, oldest first."""

    conversation_id: UUID
    turns: list[ConversationTurn]


class ErrorBody(BaseModel):
    """Every error the API returns: a code, a sentence for people, and the query id when there is one."""

    error: str
    message: str
    query_id: UUID | None = None
    details: list[dict[str, str]] | None = None


class ReadyStatus(BaseModel):
    """Whether this gateway can take questions now."""

    ready: bool
    broker_connected: bool
    consumers: dict[str, int] = Field(description="consumers of each stage of the live path, by service")
