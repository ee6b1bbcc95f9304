"""Message models every service exchanges over RabbitMQ (JSON bodies, versioned).

How versions work. `schema_version` is the major version of every message. Within one major version,
messages only grow: a new field is optional (it has a default), and a consumer ignores fields it does
not know. So during a rolling deployment, or with replicas of different ages on one broker, an old
consumer reads a newer producer's messages (dropping what it does not know) and a new consumer reads
an old producer's (taking the defaults). Removing or renaming a field, or changing what one means,
is a new major version: SCHEMA_VERSION goes up, consumers learn the new version before producers send
it, and a consumer that meets a major version it does not know rejects the message (a failure event
for the query, and the dead-letter queue), never guesses. Failure codes follow the same rule
(common/failures.py: a code a consumer does not know reads as UNKNOWN).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from common.failures import FailureCode

SCHEMA_VERSION: Literal[1] = 1


def utc_now() -> datetime:
    """Timestamps travel as timezone-aware UTC."""
    return datetime.now(UTC)


class Model(BaseModel):
    """Immutable; fields this version does not know (a newer producer's) are ignored, as said above."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Message(Model):
    """Every message names its major schema version and the query (or batch) it belongs to."""

    schema_version: Literal[1] = SCHEMA_VERSION  # the majors this consumer reads


# --- live query path -------------------------------------------------------------------------


class Turn(Model):
    """An earlier question of the conversation and its answer, as stored: redacted, never raw text."""

    question: str
    answer: str = ""


class RedactedQuery(Message):
    """gateway -> rag_core and psql_worker: the question after personal data was replaced."""

    query_id: UUID
    redacted_question: str
    pii_found: list[str] = Field(default_factory=list, description="entity types only")
    top_k: int = 5
    submitted_at: datetime = Field(default_factory=utc_now)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    llm_provider: Literal["default", "extractive"] = Field(
        default="default",
        description="'extractive': answer without the LLM (the gateway's spend cap was reached)",
    )
    owner: str = Field(
        default="",
        description="who asked, so only they (or an operator) can read the record: an API key's caller id "
        "('key:' + 12 hex digits of the key's SHA-256) or a page session; '' when the gateway runs without "
        "keys. Never a key and never a client address",
    )
    conversation_id: UUID | None = Field(
        default=None, description="the conversation this question belongs to (issued by the gateway)"
    )
    history: list[Turn] = Field(
        default_factory=list,
        description="the conversation's earlier turns, oldest first, redacted and bounded by the gateway: "
        "context for the search and the prompt of a follow-up",
    )
    progress: bool = Field(
        default=False,
        description="the requester streams the answer: stages send QueryProgress pieces to `reply_to`",
    )


class Passage(Model):
    """One retrieved piece of the knowledge base with what a citation needs."""

    chunk_id: str
    text: str
    source: str
    act: str = ""
    chapter: str = ""
    section: str = ""
    title: str = ""
    page: str = ""
    score: float = 0.0
    sample: bool = Field(
        default=False,
        description="its lines starting with common.samples.SAMPLE_MARK are sample text (Chunk.sample)",
    )


class GroundedPrompt(Message):
    """rag_core -> llm_connector: the query, its numbered passages and the prompt built from them."""

    query: RedactedQuery
    passages: list[Passage]
    no_context: bool
    system_prompt: str
    prompt: str
    index_version: str = ""
    timings_ms: dict[str, float] = Field(default_factory=dict)

    @property
    def query_id(self) -> UUID:
        return self.query.query_id


SNIPPET_CHARS = 200


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """About the first `limit` characters, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


class Citation(Model):
    """A passage the answer relies on, as the user sees it."""

    source: str
    section: str
    title: str
    page: str
    snippet: str

    @classmethod
    def of(cls, passage: Passage) -> Citation:
        """The same for every stage that shows a passage (rag_core's progress, llm_connector's answer)."""
        return cls(source=passage.source, section=passage.section, title=passage.title, page=passage.page,
                   snippet=snippet(passage.text))


class TokenUsage(Model):
    """What an LLM call consumed and cost; zero for the extractive provider."""

    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


class StageError(Model):
    """Why a query failed, in words a person understands (never a stack trace)."""

    stage: str
    code: str = Field(description="a common.failures.FailureCode value (read it with FailureCode.of)")
    message: str


class QueryResult(Message):
    """llm_connector (or any failing stage) -> psql_worker -> gateway: the outcome of one query."""

    query_id: UUID
    status: Literal["answered", "failed"]
    redacted_question: str | None = None
    answer: str | None = None
    answered: bool = False
    citations: list[Citation] = Field(default_factory=list)
    model: str = ""
    provider: str = ""
    usage: TokenUsage = Field(default_factory=TokenUsage)
    error: StageError | None = None
    pii_found: list[str] = Field(default_factory=list)
    submitted_at: datetime | None = None
    completed_at: datetime = Field(default_factory=utc_now)
    timings_ms: dict[str, float] = Field(default_factory=dict)

    @classmethod
    def failure(
        cls,
        *,
        query_id: UUID,
        stage: str,
        code: FailureCode,
        message: str,
        query: RedactedQuery | None = None,
        timings_ms: dict[str, float] | None = None,
    ) -> QueryResult:
        """A failure event any stage can emit so the query ends persisted as failed."""
        return cls(
            query_id=query_id,
            status="failed",
            redacted_question=query.redacted_question if query else None,
            pii_found=query.pii_found if query else [],
            submitted_at=query.submitted_at if query else None,
            error=StageError(stage=stage, code=code, message=message),
            timings_ms=timings_ms or {},
        )


class QueryProgress(Message):
    """a stage -> the waiting gateway's reply queue, at most once (not persisted, not confirmed): what the
    person may see before the answer. The QueryResult that follows stays the only thing that counts.

    rag_core sends `citations` once retrieval is done (the retrieved passages, in the prompt's order);
    llm_connector sends the answer text in `delta` pieces, `offset` characters into it, placeholders
    still in (only the gateway can restore them), markers already numbered as the final answer has them.
    """

    query_id: UUID
    citations: list[Citation] | None = None
    delta: str = ""
    offset: int = 0


class QueryCancelled(Message):
    """gateway -> every instance of the stages that listen (fanned out, at most once): the person is gone,
    stop the work that was only for them. The query still ends in one persisted result."""

    query_id: UUID


# --- data pipeline ---------------------------------------------------------------------------


class Chunk(Model):
    """One citable piece of a source document, ready to embed."""

    chunk_id: str
    text: str
    source: str
    source_sha256: str
    act: str = ""
    chapter: str = ""
    section: str = ""
    title: str = ""
    page_start: int = 0
    page_end: int = 0
    position: int = 0
    heading: str = Field(
        default="", description="where the text sits (act, chapter, section), embedded with it"
    )
    defines: str = Field(default="", description="the term this chunk defines, for a definitions clause")
    pieces: list[str] = Field(
        default_factory=list,
        description="a statute chunk's clauses under a short heading, embedded on their own (small-to-big)",
    )
    sample: bool = Field(
        default=False,
        description="holds sample text to adapt (a guide's blockquote: a sample letter or form), each such "
        "line starting with common.samples.SAMPLE_MARK; never advice or law",
    )

    def page_label(self) -> str:
        """'12' or '12-13': the page range as a citation shows it."""
        if not self.page_start:
            return ""
        if self.page_end and self.page_end != self.page_start:
            return f"{self.page_start}-{self.page_end}"
        return str(self.page_start)

    def embedding_text(self) -> str:
        """What the embedding model and the lexical index see: the heading gives the text its context."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


class BuildFinished(Message):
    """chunker -> embedder: every source of the build was sent; verify the snapshot and switch to it.

    `sources` maps each source of this build to its sha256. A source that was indexed before under
    one of `roots` (the folders this build scanned) but is not in `sources` was deleted: its chunks
    are removed. Sources outside these roots are carried over from the current snapshot unchanged.
    """

    build_id: str
    sources: dict[str, str]
    roots: list[str] = Field(default_factory=list)
    batches: int
    chunks: int


class ChunkBatch(Message):
    """chunker -> embedder: chunks of one source document for one index build, in order.

    The last batch of a document has `last=True`. The build's final message has no chunks and
    carries `finished`; one queue keeps batches and the end marker in publishing order.
    `build_id` names the snapshot being built.
    """

    build_id: str
    source: str = ""
    source_sha256: str = ""
    batch_no: int = 0
    last: bool = False
    chunks: list[Chunk] = Field(default_factory=list)
    finished: BuildFinished | None = None
