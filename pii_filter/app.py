"""The FastAPI application: routes, middleware and error handling, built from injected dependencies."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import start_http_server
from sse_starlette import EventSourceResponse
from starlette.routing import BaseRoute, Match
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from common.records import QueryRecord
from pii_filter.auth import SECURITY_SCHEMES, ApiKeyMiddleware, ApiKeys, is_protected_path, may_read, owner_of
from pii_filter.backlog import BacklogSignal
from pii_filter.body_limit import BodyLimitMiddleware
from pii_filter.broker import GatewayBroker
from pii_filter.budget import SpendCap, SpendSource
from pii_filter.concurrency import ConcurrencyLimitMiddleware
from pii_filter.conversations import load_turns, not_found, shown
from pii_filter.docs_ui import ASSETS_PREFIX, install_docs
from pii_filter.errors import ApiError, install_error_handlers
from pii_filter.feedback import FeedbackRecords, give_feedback
from pii_filter.headers import SecurityHeadersMiddleware
from pii_filter.metrics import HTTP_REQUESTS, HTTP_SECONDS
from pii_filter.page import TOKEN_PATH, install_page
from pii_filter.page_token import PageTokens
from pii_filter.query_flow import QueryFlow, RecordsLike, RedactorLike
from pii_filter.query_stream import query_events
from pii_filter.rate_limit import RateLimiter, RateLimitMiddleware, SharedWindows, caller_of
from pii_filter.schemas import (
    Conversation,
    ErrorBody,
    FeedbackReceipt,
    FeedbackRequest,
    QueryRequest,
    QueryResponse,
    ReadyStatus,
)
from pii_filter.settings import GatewaySettings

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 404, 413, 422, 502, 503, 504)
}
# what /query and /queries/{id} may also answer: no or a wrong API key, too many requests
GUARDED: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (401, 429)}
# everything else (/, /health, /ready, /docs) is open
PROTECTED_PREFIXES = ("/query", "/queries", "/conversations")
TITLE = "Consumer-rights assistant"
# POST /query's second media type: the events of pii_filter/query_stream.py
STREAMED: dict[int | str, dict[str, Any]] = {200: {
    "content": {"text/event-stream": {"schema": {"type": "string"}}},
    "description": "JSON, or with `Accept: text/event-stream` the events accepted, stage, citations, delta, "
    "done or error",
}}


def create_app(
    *,
    settings: GatewaySettings,
    redactor: RedactorLike,
    broker: GatewayBroker,
    records: RecordsLike | None,
) -> FastAPI:
    """Wire the routes to a QueryFlow; the broker link starts and stops with the app."""
    flow = QueryFlow(settings=settings, redactor=redactor, broker=broker, records=records)
    spend_cap = _spend_cap(settings, records)
    backlog = BacklogSignal(broker=broker, topology=settings.topology,
                            cloudwatch_namespace=settings.cloudwatch_metrics_namespace,
                            emit_every_s=settings.backlog_metric_interval_s)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # /metrics is not on the public port: it names queues, versions and failure counts
        metrics = start_http_server(settings.metrics_port, addr=settings.metrics_host) \
            if settings.metrics_port else None
        try:
            await broker.start()
            async with backlog.running():
                yield
            await broker.stop()
            flow.close()
            close = getattr(records, "close", None)
            if close:
                close()
        finally:
            if metrics is not None:
                metrics[0].shutdown()
                metrics[0].server_close()

    app = FastAPI(
        title=TITLE,
        description="Answers consumer-rights questions from the Consumer Protection Act, 2019. "
        "Personal data is removed before the question leaves this gateway.",
        version="0.1.0",
        lifespan=lifespan,
        # a slash redirect is built from the request's Host header (an open redirect): wrong paths get 404
        redirect_slashes=False,
        docs_url=None,  # served from local files by install_docs, never from a CDN
        redoc_url=None,
        # FastAPI's built-in OpenTelemetry exports spans, and logs with exception messages and stack
        # traces (which can quote a raw question), to any OTel provider or OTEL_* endpoint the
        # environment sets up. Off: nothing from a request leaves this process that way, and no
        # per-request span cost. Prometheus /metrics covers the HTTP counts.
        telemetry={
            "tracing": False, "metrics": False, "logs": False, "operation_spans": False,
            "auto_configure": False,
        },
    )
    install_error_handlers(app)
    install_docs(app, title=TITLE)
    secret = settings.page_token_secret.get_secret_value()
    page_tokens = PageTokens(secret=secret, ttl_s=settings.page_token_ttl_s) if secret else None
    install_page(app, page_tokens=page_tokens)
    security = _install_access_guards(app, settings, page_tokens)

    def label(scope: MutableMapping[str, Any]) -> str:
        """The route template, also for requests the guards answered before routing."""
        route = scope.get("route") or _matching_route(app.router.routes, scope)
        return getattr(route, "path", "unmatched")

    app.add_middleware(SecurityHeadersMiddleware, cacheable_prefixes=(ASSETS_PREFIX + "/",))
    app.add_middleware(RequestMetrics, label=label)  # sees what the guards answered too
    if settings.trusted_proxy_list:  # outermost: the client address every guard sees
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)

    @app.post("/query", response_model=QueryResponse, responses={**STREAMED, **ERRORS, **GUARDED},
              tags=["questions"], openapi_extra=security)
    async def post_query(body: QueryRequest, request: Request) -> Any:
        """Ask a question; personal data is replaced by placeholders before it goes anywhere."""
        flow.check_limits(body)
        provider = await run_in_threadpool(spend_cap.check) if spend_cap else "default"
        if "text/event-stream" in request.headers.get("accept", ""):
            events = query_events(flow, body, llm_provider=provider, owner=owner_of(request.scope))
            return EventSourceResponse(events, ping=settings.stream_ping_s)
        return await flow.answer(body, llm_provider=provider, owner=owner_of(request.scope),
                                 client_gone=lambda: _disconnected(request))

    @app.get("/queries/{query_id}", response_model=QueryRecord, responses={404: {"model": ErrorBody},
             503: {"model": ErrorBody}, **GUARDED}, tags=["questions"], openapi_extra=security)
    def get_query(query_id: UUID, request: Request) -> QueryRecord:
        """The persisted record of a query you asked: pending, answered or failed (404 for anyone else's)."""
        if records is None:
            raise ApiError(503, "records_unavailable", "Query records are not available on this gateway.")
        try:
            stored = records.get(query_id)
        except Exception as exc:
            raise ApiError(503, "records_unavailable",
                           "Query records are temporarily unavailable. Please try again shortly.") from exc
        if stored is None or not may_read(request.scope, stored.owner):  # the same answer either way
            raise ApiError(404, "not_found", f"No query with id {query_id}.")
        return stored.record()

    @app.post("/queries/{query_id}/feedback", status_code=201, response_model=FeedbackReceipt,
              responses={code: {"model": ErrorBody} for code in (404, 413, 422, 503, *GUARDED)},
              tags=["questions"], openapi_extra=security)
    async def post_feedback(query_id: UUID, body: FeedbackRequest, request: Request) -> FeedbackReceipt:
        """Say whether an answer to your query helped; a comment is redacted like a question (404 for
        anyone else's query)."""
        feedback_records: FeedbackRecords | None = records  # type: ignore[assignment]
        return await give_feedback(query_id=query_id, body=body, owner=owner_of(request.scope),
                                   records=feedback_records, redact=flow.redact)

    @app.get("/conversations/{conversation_id}", response_model=Conversation,
             responses={code: {"model": ErrorBody} for code in (404, 422, 503, *GUARDED)},
             tags=["questions"], openapi_extra=security)
    async def get_conversation(conversation_id: UUID, request: Request) -> Conversation:
        """A conversation you had, turn by turn, as stored: redacted (404 for anyone else's)."""
        turns = await load_turns(records, conversation_id)
        if not may_read(request.scope, turns[0].owner):  # the same answer as for an unknown id
            raise not_found(conversation_id)
        return shown(conversation_id, turns)

    @app.get("/health", tags=["operations"])
    def health() -> dict[str, str]:
        """The process is alive (the load balancer's check)."""
        return {"status": "ok"}

    @app.get("/ready", tags=["operations"], response_model=ReadyStatus,
             responses={503: {"model": ReadyStatus}})
    def ready() -> JSONResponse:
        """Connected to the broker and every stage of the live path has a consumer."""
        status = ReadyStatus(ready=broker.ready(), broker_connected=broker.connected,
                             consumers=_consumers_by_stage(settings, broker.consumer_counts))
        return JSONResponse(status.model_dump(), status_code=200 if status.ready else 503)

    if security:
        _declare_security_schemes(app)
    return app


async def _disconnected(request: Request) -> None:
    """Returns once the client has closed the connection (the body is read: the server's next message
    is the disconnect), as Starlette's own streaming responses listen for it."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _install_access_guards(
    app: FastAPI, settings: GatewaySettings, page_tokens: PageTokens | None,
) -> dict[str, Any] | None:
    """Body limit, concurrency cap, rate limits and API keys, all answered before the body is parsed.

    Starlette runs the middleware added last first: API key (or page token), then rate limit (per key;
    per client address for page tokens and without keys), then the cap on requests in progress, then
    body size and speed. POST /page-token has a rate limit of its own, per client address.
    Returns the OpenAPI `security` of the protected operations (None when keys are off).
    """
    protected = is_protected_path(PROTECTED_PREFIXES)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes,
                       timeout_s=settings.body_timeout_s)
    if settings.max_concurrent_per_caller:
        app.add_middleware(ConcurrencyLimitMiddleware, limit=settings.max_concurrent_per_caller,
                           protected=protected)
    if settings.rate_limit:
        limiter = RateLimiter(settings.rate_limit, shared=_shared_windows(settings))
        app.add_middleware(RateLimitMiddleware, limiter=limiter, protected=protected)
    if page_tokens is not None and settings.page_token_rate_limit:
        tokens = RateLimiter(settings.page_token_rate_limit, shared=_shared_windows(settings))
        app.add_middleware(RateLimitMiddleware, limiter=tokens, protected=is_protected_path((TOKEN_PATH,)),
                           counted_as=lambda scope: "page-token:" + caller_of(scope))
    if settings.auth_disabled:
        return None
    keys = ApiKeys(settings.api_key_digests, settings.operator_key_digests)
    app.add_middleware(ApiKeyMiddleware, keys=keys, protected=protected, page_tokens=page_tokens)
    return {"security": [{name: []} for name in SECURITY_SCHEMES]}


def _shared_windows(settings: GatewaySettings) -> SharedWindows | None:
    """The rate limits' Redis when REDIS_URL is set (shared by the replicas), else None (process memory)."""
    if not settings.redis_url:
        return None
    return SharedWindows(
        redis_url=settings.redis_url, namespace=settings.namespace,
        key_secret=settings.rate_limit_key_secret.get_secret_value().encode(),
        timeout_s=settings.redis_timeout_s, retry_after_s=settings.redis_retry_after_s,
    )


def _declare_security_schemes(app: FastAPI) -> None:
    """Add the API-key schemes to the generated OpenAPI document (so /docs offers 'Authorize')."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()
        schema.setdefault("components", {}).setdefault("securitySchemes", dict(SECURITY_SCHEMES))
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _consumers_by_stage(settings: GatewaySettings, counts: dict[str, int]) -> dict[str, int]:
    """Consumers of each live-path stage, by service: /ready is public, so it names no queues."""
    topology = settings.topology
    return {
        "rag_core": counts.get(topology.rag_queries, 0),
        "llm_connector": counts.get(topology.llm_prompts, 0),
        "psql_worker": min(counts.get(topology.psql_accepted, 0), counts.get(topology.psql_results, 0)),
    }


def _matching_route(routes: list[BaseRoute], scope: MutableMapping[str, Any]) -> BaseRoute | None:
    for route in routes:
        match, _child = route.matches(scope)
        if match == Match.FULL:
            return route
    return None


def _spend_cap(settings: GatewaySettings, records: RecordsLike | None) -> SpendCap | None:
    """The spend cap when a budget is set; it reads the spend from the persisted queries."""
    if not (settings.daily_budget_usd or settings.monthly_budget_usd):
        return None
    if records is None or not hasattr(records, "spend_usd"):
        raise ValueError("DAILY_BUDGET_USD / MONTHLY_BUDGET_USD need the query records (DATABASE_URL)")
    source: SpendSource = records  # type: ignore[assignment]
    return SpendCap(
        source=source, daily_usd=settings.daily_budget_usd, monthly_usd=settings.monthly_budget_usd,
        action=settings.budget_exceeded_action, tz=settings.budget_timezone, cache_s=settings.budget_cache_s,
    )


class RequestMetrics:
    """Pure ASGI middleware counting requests and latency by route and status (no per-request task)."""

    def __init__(self, app: Any, *, label: Callable[[MutableMapping[str, Any]], str]) -> None:
        self.app = app
        self.label = label

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            path, method = self.label(scope), scope["method"]
            HTTP_REQUESTS.labels(route=path, method=method, status=str(status)).inc()
            HTTP_SECONDS.labels(route=path, method=method).observe(time.perf_counter() - started)
