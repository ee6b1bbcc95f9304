"""Why a stage could not finish a message: one closed set of failure codes, and the exception carrying one.

Every stage reports a failure with a `FailureCode`; the gateway maps each code to an HTTP status in
one table (`STAGE_FAILURE_STATUS` in pii_filter/errors.py). `retry_can_help` says whether the same
question asked again later can succeed (a busy or unavailable dependency) or not (bad configuration,
a request the model refuses, a broken message). The code travels as its string value in
`StageError.code`: a consumer reads it with `FailureCode.of`, which takes a code it does not know yet
(from a newer producer) as UNKNOWN.
"""

from __future__ import annotations

from enum import StrEnum


class FailureCode(StrEnum):
    """A failure a person can be told about; the value is what messages, rows and API errors carry."""

    retry_can_help: bool

    def __new__(cls, value: str, retry_can_help: bool) -> FailureCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.retry_can_help = retry_can_help
        return member

    # rag_core
    INDEX_UNAVAILABLE = "index_unavailable", True
    # llm_connector (Bedrock, after botocore's own retries)
    LLM_THROTTLED = "llm_throttled", True
    LLM_UNAVAILABLE = "llm_unavailable", True
    LLM_UNREACHABLE = "llm_unreachable", True
    LLM_TIMEOUT = "llm_timeout", True
    LLM_ACCESS_DENIED = "llm_access_denied", False
    LLM_MODEL_NOT_FOUND = "llm_model_not_found", False
    LLM_NOT_CONFIGURED = "llm_not_configured", False
    LLM_INVALID_REQUEST = "llm_invalid_request", False
    LLM_MODEL_ERROR = "llm_model_error", False
    LLM_EMPTY_ANSWER = "llm_empty_answer", False
    LLM_ERROR = "llm_error", False
    # the person withdrew the question while it was answered (a closed stream): the work stopped
    CANCELLED = "cancelled", True
    # psql_worker: still pending long after its messages were lost (psql_worker/stale_pending.py)
    RESULT_LOST = "result_lost", True
    # any stage (the worker runtime)
    INVALID_MESSAGE = "invalid_message", False
    INTERNAL_ERROR = "internal_error", False
    # the data pipeline (embedder; dead-lettered, never shown to a person)
    SNAPSHOT_TAKEN = "snapshot_taken", False
    BUILD_INVALID = "build_invalid", False
    # a code this consumer does not know (a newer producer's)
    UNKNOWN = "unknown", False

    @classmethod
    def of(cls, value: str) -> FailureCode:
        """The member for `value`, or UNKNOWN."""
        member = cls._value2member_map_.get(value)
        return member if isinstance(member, FailureCode) else cls.UNKNOWN


class PermanentFailure(Exception):
    """This stage cannot finish this message and redelivering it will not help; `message` is for people.

    Raised by handlers and the providers behind them (and by the broker-less ingest); the worker turns
    it into a failure event (or a dead letter). Whether asking again *later* can help is the code's
    `retry_can_help`.
    """

    def __init__(self, code: FailureCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def withdrawn() -> PermanentFailure:
    """The failure of a question whose asker left before it was answered (it is stored as such); any
    stage raises it when its `Progress.cancelled` says so (common/rabbit/worker.py)."""
    return PermanentFailure(FailureCode.CANCELLED,
                            "The question was withdrawn before the answer was finished.")
