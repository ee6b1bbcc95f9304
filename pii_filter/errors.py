"""Every failure becomes JSON with a code and a sentence a person understands; never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from common.failures import FailureCode
from common.messages import StageError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error with an HTTP status, a machine-readable code and a human message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        query_id: UUID | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.query_id = query_id
        self.headers = headers


# The HTTP status of each way a stage can fail: 503 where asking again later can help, 502 where not.
STAGE_FAILURE_STATUS: dict[FailureCode, int] = {
    FailureCode.INDEX_UNAVAILABLE: 503,
    FailureCode.LLM_THROTTLED: 503,
    FailureCode.LLM_UNAVAILABLE: 503,
    FailureCode.LLM_UNREACHABLE: 503,
    FailureCode.LLM_TIMEOUT: 503,
    FailureCode.RESULT_LOST: 503,
    FailureCode.CANCELLED: 503,
    FailureCode.LLM_ACCESS_DENIED: 502,
    FailureCode.LLM_MODEL_NOT_FOUND: 502,
    FailureCode.LLM_NOT_CONFIGURED: 502,
    FailureCode.LLM_INVALID_REQUEST: 502,
    FailureCode.LLM_MODEL_ERROR: 502,
    FailureCode.LLM_EMPTY_ANSWER: 502,
    FailureCode.LLM_ERROR: 502,
    FailureCode.INVALID_MESSAGE: 502,
    FailureCode.INTERNAL_ERROR: 502,
    FailureCode.SNAPSHOT_TAKEN: 502,
    FailureCode.BUILD_INVALID: 502,
    FailureCode.UNKNOWN: 502,
}


def stage_failure(error: StageError | None, *, query_id: UUID) -> ApiError:
    """The API error for a query a stage reported as failed (the code as the stage sent it)."""
    if error is None:
        return ApiError(502, FailureCode.INTERNAL_ERROR, "The question could not be answered.",
                        query_id=query_id)
    status = STAGE_FAILURE_STATUS[FailureCode.of(error.code)]
    return ApiError(status, error.code, error.message, query_id=query_id)


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    query_id: UUID | None = None,
    details: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"error": code, "message": message}
    if query_id is not None:
        body["query_id"] = str(query_id)
    if details:
        body["details"] = details
    return JSONResponse(body, status_code=status, headers=dict(headers) if headers else None)


# the only names a validation message may quote: what the API defines, never what a client sent
_KNOWN_FIELDS = frozenset({"question", "top_k", "query_id", "conversation_id", "helpful", "comment"})


def _describe(error: dict[str, Any], allowed: str = "question, top_k") -> dict[str, str]:
    """One validation problem in words, without echoing the submitted value or an unknown key (either
    may hold personal data)."""
    kind = error.get("type", "")
    named = [str(p) for p in error.get("loc", ()) if p in _KNOWN_FIELDS]
    location = ".".join(named) or "body"
    if kind == "json_invalid":
        return {"field": "body", "message": "the request body is not valid JSON"}
    if kind == "extra_forbidden":
        return {"field": "body",
                "message": f"the body has a field this API does not know; allowed: {allowed}"}
    if kind == "missing":
        return {"field": location, "message": f"'{location}' is required"}
    if kind == "model_attributes_type" or kind == "dict_type":
        return {"field": "body", "message": "the body must be a JSON object like {\"question\": \"...\"}"}
    if kind.startswith("uuid"):
        return {"field": location, "message": f"{location}: not an id (a UUID such as "
                "123e4567-e89b-42d3-a456-426614174000)"}
    if kind in _TYPE_WORDS:
        return {"field": location, "message": f"{location}: {_TYPE_WORDS[kind]}"}
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    return {"field": location, "message": f"{location}: {message}"}


# strict types: JSON `true` is not the number 1 and `"5"` is not 5
_TYPE_WORDS = {
    "int_type": "must be a whole number such as 5",
    "int_from_float": "must be a whole number such as 5",
    "int_parsing": "must be a whole number such as 5",
    "string_type": "must be text in quotes",
    "bool_type": "must be true or false",
}


def _body_fields(request: Request) -> str:
    """The fields the route's body allows, as a list to quote (the API's names, never the client's)."""
    field = getattr(request.scope.get("route"), "body_field", None)
    model = getattr(getattr(field, "field_info", None), "annotation", None)
    names = getattr(model, "model_fields", None)
    return ", ".join(names) if names else "question, top_k"


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers for our errors, validation errors, HTTP errors and anything unexpected."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, query_id=exc.query_id, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        allowed = _body_fields(request)
        details = [_describe(e, allowed) for e in exc.errors()]
        message = "; ".join(d["message"] for d in details) or "the request is not valid"
        return error_response(422, "invalid_request", message, details=details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "no such resource", 405: "method not allowed on this path"}
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code not in messages else (
            messages.get(exc.status_code, "request failed")
        )
        return error_response(exc.status_code, f"http_{exc.status_code}", message, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error: %s", exc.__class__.__name__)
        return error_response(500, "internal_error", "Something went wrong on our side. Please try again.")
