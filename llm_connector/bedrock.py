"""Amazon Bedrock through the Converse API: botocore retries transient errors, the rest become clear failures.

A streamed question uses ConverseStream (botocore's event stream): the same request, the answer's text
handed on as its deltas arrive. botocore retries the call itself; an error event in the middle of the
stream (throttling, a model stream error) is a failure like any other, not retried: part of the answer
has been shown, and the person can ask again.

botocore's standard retry mode already retries throttling (backing off from 1 s), 5xx responses such as
ServiceUnavailable, ModelNotReady and dropped connections, up to BEDROCK_MAX_ATTEMPTS. What is still
failing after that is raised as a PermanentFailure: redelivering the prompt would only multiply the calls
while the user waits, so the query ends as failed with a message a person understands.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import boto3
import botocore.exceptions
import urllib3.exceptions
from botocore.config import Config

from common.failures import FailureCode, PermanentFailure, withdrawn
from common.messages import GroundedPrompt, TokenUsage
from llm_connector.metrics import BEDROCK_COST, BEDROCK_TOKENS
from llm_connector.provider import Completion
from llm_connector.replies import OFF_LIMITS_ANSWER, with_helpline

if TYPE_CHECKING:
    from llm_connector.settings import LlmSettings

log = logging.getLogger(__name__)

_BUSY = "The answering service is busy right now. Please try again in a minute."
_UNAVAILABLE = "The answering service is temporarily unavailable. Please try again in a few minutes."
_MISCONFIGURED = "The answering service is not set up correctly ({}). Please try again later."

# Bedrock error code -> (our error code, message for the user)
ERRORS: dict[str, tuple[FailureCode, str]] = {
    "ThrottlingException": (FailureCode.LLM_THROTTLED, _BUSY),
    "ServiceUnavailableException": (FailureCode.LLM_UNAVAILABLE, _UNAVAILABLE),
    "InternalServerException": (FailureCode.LLM_UNAVAILABLE, _UNAVAILABLE),
    "ModelNotReadyException": (FailureCode.LLM_UNAVAILABLE, _UNAVAILABLE),
    "ModelTimeoutException": (
        FailureCode.LLM_TIMEOUT,
        "The language model took too long to answer. Please try again, perhaps with a shorter question.",
    ),
    "AccessDeniedException": (
        FailureCode.LLM_ACCESS_DENIED,
        _MISCONFIGURED.format("access to the language model was denied"),
    ),
    "ResourceNotFoundException": (
        FailureCode.LLM_MODEL_NOT_FOUND,
        _MISCONFIGURED.format("the language model was not found"),
    ),
    "ValidationException": (
        FailureCode.LLM_INVALID_REQUEST,
        "The language model rejected this request as invalid. "
        "Please shorten or rephrase the question and try again.",
    ),
    "ModelErrorException": (
        FailureCode.LLM_MODEL_ERROR,
        "The language model could not process this request. Please try again.",
    ),
}
ERRORS["ModelStreamErrorException"] = ERRORS["ModelErrorException"]  # ConverseStream's, mid-answer
_OTHER = (FailureCode.LLM_ERROR, "The answering service failed. Please try again later.")
_UNREACHABLE = (FailureCode.LLM_UNREACHABLE, _UNAVAILABLE)
_NO_CREDENTIALS = (FailureCode.LLM_NOT_CONFIGURED, _MISCONFIGURED.format("no cloud credentials"))
# Bad configuration is for the operators, not a passing glitch: log those loudly.
_OPERATOR_ERRORS = {
    FailureCode.LLM_ACCESS_DENIED,
    FailureCode.LLM_MODEL_NOT_FOUND,
    FailureCode.LLM_INVALID_REQUEST,
    FailureCode.LLM_NOT_CONFIGURED,
    FailureCode.LLM_ERROR,
}

_NOT_COVERED = re.compile(r"^\W*not[\s_-]?covered\W*", re.IGNORECASE)
_FILTERED = {"guardrail_intervened", "content_filtered"}
_BROKEN = {
    "malformed_model_output": (FailureCode.LLM_MODEL_ERROR, ERRORS["ModelErrorException"][1]),
    "model_context_window_exceeded": (FailureCode.LLM_INVALID_REQUEST, ERRORS["ValidationException"][1]),
}


def make_bedrock_client(settings: LlmSettings, *, session: boto3.session.Session | None = None) -> Any:
    """A bedrock-runtime client with bounded timeouts and botocore's retries; credentials from the chain."""
    config = Config(
        region_name=settings.bedrock_region,
        retries={"total_max_attempts": settings.bedrock_max_attempts, "mode": settings.bedrock_retry_mode},
        connect_timeout=settings.bedrock_connect_timeout_s,
        read_timeout=settings.bedrock_read_timeout_s,
        user_agent_extra="consumer-rights-assistant/llm_connector",
    )
    return (session or boto3.session.Session()).client(
        "bedrock-runtime",
        region_name=settings.bedrock_region,
        endpoint_url=settings.bedrock_endpoint_url,
        config=config,
    )


def cost_usd(usage: TokenUsage, *, input_per_1k: float, output_per_1k: float) -> float:
    return round(usage.input_tokens / 1000 * input_per_1k + usage.output_tokens / 1000 * output_per_1k, 8)


def failure_for(exc: Exception) -> PermanentFailure:
    """The PermanentFailure for a botocore error that survived the retries (or ended a stream)."""
    if isinstance(exc, botocore.exceptions.ClientError):
        error_code = exc.response.get("Error", {}).get("Code", "")
        # an event stream names its errors in lower camel case (throttlingException)
        code, message = ERRORS.get(error_code[:1].upper() + error_code[1:], _OTHER)
    elif isinstance(exc, botocore.exceptions.NoCredentialsError):
        code, message = _NO_CREDENTIALS
    elif isinstance(
        exc,
        (
            botocore.exceptions.EndpointConnectionError,
            botocore.exceptions.ConnectionError,
            botocore.exceptions.HTTPClientError,
            urllib3.exceptions.HTTPError,  # a stream's connection breaking while its events are read
        ),
    ):
        code, message = _UNREACHABLE
    else:
        code, message = _OTHER
    return PermanentFailure(code, message)


class BedrockProvider:
    """Calls the Converse API; the system prompt goes in `system`, never in the user's turn."""

    name = "bedrock"

    def __init__(
        self,
        *,
        client: Any,
        model_id: str,
        max_tokens: int,
        temperature: float,
        top_p: float,
        price_input_per_1k_usd: float,
        price_output_per_1k_usd: float,
    ) -> None:
        self._client = client
        self.model = model_id
        self._inference = {"maxTokens": max_tokens, "temperature": temperature, "topP": top_p}
        self._prices = {"input_per_1k": price_input_per_1k_usd, "output_per_1k": price_output_per_1k_usd}

    def _request(self, prompt: GroundedPrompt) -> dict[str, Any]:
        return {
            "modelId": self.model,
            "system": [{"text": prompt.system_prompt}],
            "messages": [{"role": "user", "content": [{"text": prompt.prompt}]}],
            "inferenceConfig": self._inference,
        }

    def complete(self, prompt: GroundedPrompt) -> Completion:
        try:
            response = self._client.converse(**self._request(prompt))
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise self._failed(exc) from exc
        text = "".join(
            block.get("text", "")
            for block in response.get("output", {}).get("message", {}).get("content", [])
        )
        return self._completion(text, response.get("stopReason", ""), response.get("usage") or {},
                                response.get("metrics", {}).get("latencyMs"))

    def stream(
        self, prompt: GroundedPrompt, *, on_text: Callable[[str], None], cancelled: Callable[[], bool]
    ) -> Completion:
        """ConverseStream: each text delta to `on_text` as it arrives, except an opening NOT_COVERED
        (held back until the first characters decide it); a cancellation closes the stream."""
        opening = _Opening(on_text)
        stop_reason, latency_ms = "", None
        usage: dict[str, Any] = {}
        try:
            events = self._client.converse_stream(**self._request(prompt))["stream"]
            try:
                for event in events:
                    if cancelled():
                        raise withdrawn()
                    if "contentBlockDelta" in event:
                        opening.feed(event["contentBlockDelta"].get("delta", {}).get("text", ""))
                    elif "messageStop" in event:
                        stop_reason = event["messageStop"].get("stopReason", "")
                    elif "metadata" in event:
                        usage = event["metadata"].get("usage") or {}
                        latency_ms = event["metadata"].get("metrics", {}).get("latencyMs")
            finally:
                events.close()  # ends the HTTP response: a cancelled answer stops being generated for us
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError,
                urllib3.exceptions.HTTPError) as exc:
            raise self._failed(exc) from exc
        opening.finish()
        return self._completion(opening.text, stop_reason, usage, latency_ms)

    def _failed(self, exc: Exception) -> PermanentFailure:
        failure = failure_for(exc)
        level = logging.ERROR if failure.code in _OPERATOR_ERRORS else logging.WARNING
        attempts = getattr(exc, "response", {}).get("ResponseMetadata", {}).get("RetryAttempts")
        log.log(
            level,
            "bedrock call failed: %s (%s)",
            failure.code,
            exc.__class__.__name__,
            extra={"model": self.model, "retry_attempts": attempts},
        )
        return failure

    def _completion(
        self, text: str, stop_reason: str, raw_usage: dict[str, Any], latency_ms: Any
    ) -> Completion:
        """What the answer means: filtered, broken, empty, not covered by the sources, or an answer."""
        usage = self._record_usage(raw_usage)
        text = text.strip()
        log.info(
            "bedrock answered",
            extra={
                "model": self.model,
                "stop_reason": stop_reason,
                "input_tokens": usage.input_tokens,
                "output_tokens": usage.output_tokens,
                "bedrock_latency_ms": latency_ms,
            },
        )
        if stop_reason in _FILTERED:
            return Completion(text=OFF_LIMITS_ANSWER, answered=False, usage=usage)
        if stop_reason in _BROKEN:
            raise PermanentFailure(*_BROKEN[stop_reason])
        if not text:
            raise PermanentFailure(
                FailureCode.LLM_EMPTY_ANSWER, "The language model returned an empty answer. Please try again."
            )
        if _NOT_COVERED.match(text):
            return Completion(
                text=with_helpline(_NOT_COVERED.sub("", text, count=1)), answered=False, usage=usage
            )
        return Completion(text=text, answered=True, usage=usage)

    def _record_usage(self, raw: dict[str, Any]) -> TokenUsage:
        tokens = TokenUsage(
            input_tokens=int(raw.get("inputTokens", 0)), output_tokens=int(raw.get("outputTokens", 0))
        )
        usage = tokens.model_copy(update={"cost_usd": cost_usd(tokens, **self._prices)})
        BEDROCK_TOKENS.labels(model=self.model, direction="input").inc(usage.input_tokens)
        BEDROCK_TOKENS.labels(model=self.model, direction="output").inc(usage.output_tokens)
        BEDROCK_COST.labels(model=self.model).inc(usage.cost_usd)
        return usage


# enough of the opening to tell "NOT_COVERED ..." (the prompt's reply for a question the sources miss)
# from an answer: the regex above allows leading marks and a space, underscore or hyphen inside
_OPENING_CHARS = 16


class _Opening:
    """Passes the streamed text on, except while its opening may still be NOT_COVERED (never shown)."""

    def __init__(self, on_text: Callable[[str], None]) -> None:
        self.on_text = on_text
        self.parts: list[str] = []
        self._held = ""
        self._decided = False
        self._not_covered = False

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def feed(self, piece: str) -> None:
        if not piece:
            return
        self.parts.append(piece)
        if self._decided:
            if not self._not_covered:
                self.on_text(piece)
            return
        self._held += piece
        if len(self._held.strip()) >= _OPENING_CHARS:
            self.finish()

    def finish(self) -> None:
        """Decide with what has arrived (at the end, or once the opening is long enough)."""
        if self._decided:
            return
        self._decided = True
        self._not_covered = bool(_NOT_COVERED.match(self._held))
        if self._held and not self._not_covered:
            self.on_text(self._held)
