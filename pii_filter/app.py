"""The FastAPI application: routes, middleware and error handling, built from injected dependencies."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import make_asgi_app

from pii_filter.broker import GatewayBroker
from pii_filter.errors import ApiError, install_error_handlers
from pii_filter.metrics import HTTP_REQUESTS, HTTP_SECONDS
from pii_filter.query_flow import QueryFlow, RecordsLike, RedactorLike
from pii_filter.schemas import ErrorBody, QueryRecord, QueryRequest, QueryResponse, ReadyStatus
from pii_filter.settings import GatewaySettings

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (413, 422, 502, 503, 504)
}


def create_app(
    *,
    settings: GatewaySettings,
    redactor: RedactorLike,
    broker: GatewayBroker,
    records: RecordsLike | None,
) -> FastAPI:
    """Wire the routes to a QueryFlow; the broker thread starts and stops with the app."""
    flow = QueryFlow(settings=settings, redactor=redactor, broker=broker, records=records)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        broker.start()
        yield
        broker.stop()
        close = getattr(records, "close", None)
        if close:
            close()

    app = FastAPI(
        title="Consumer-rights assistant",
        description="Answers consumer-rights questions from the Consumer Protection Act, 2019. "
        "Personal data is removed before the question leaves this gateway.",
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.mount("/metrics", make_asgi_app())

    @app.middleware("http")
    async def measure(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        HTTP_REQUESTS.labels(route=path, method=request.method, status=str(response.status_code)).inc()
        HTTP_SECONDS.labels(route=path, method=request.method).observe(time.perf_counter() - started)
        return response

    @app.post("/query", response_model=QueryResponse, responses=ERRORS, tags=["questions"])
    async def post_query(body: QueryRequest) -> QueryResponse:
        """Ask a question; personal data is replaced by placeholders before it goes anywhere."""
        return await flow.answer(body)

    @app.get("/queries/{query_id}", response_model=QueryRecord, responses={404: {"model": ErrorBody},
             503: {"model": ErrorBody}}, tags=["questions"])
    def get_query(query_id: UUID) -> QueryRecord:
        """The persisted record of a query: pending, answered or failed."""
        if records is None:
            raise ApiError(503, "records_unavailable", "Query records are not available on this gateway.")
        try:
            row = records.get(query_id)
        except Exception as exc:
            raise ApiError(503, "records_unavailable",
                           "Query records are temporarily unavailable. Please try again shortly.") from exc
        if row is None:
            raise ApiError(404, "not_found", f"No query with id {query_id}.")
        return QueryRecord.model_validate(row)

    @app.get("/health", tags=["operations"])
    def health() -> dict[str, str]:
        """The process is alive (the load balancer's check)."""
        return {"status": "ok"}

    @app.get("/ready", tags=["operations"], response_model=ReadyStatus,
             responses={503: {"model": ReadyStatus}})
    def ready() -> JSONResponse:
        """Connected to the broker and every stage of the live path has a consumer."""
        status = ReadyStatus(ready=broker.ready(), broker_connected=broker.connected,
                             consumers=broker.consumer_counts)
        return JSONResponse(status.model_dump(), status_code=200 if status.ready else 503)

    return app
