"""JSON logs with the query_id on every line, so one query can be followed through every service."""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
from collections.abc import Iterator

from pythonjsonlogger.json import JsonFormatter

_query_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("query_id", default=None)


@contextlib.contextmanager
def query_context(query_id: object) -> Iterator[None]:
    """Tag every log line emitted inside the block with this query id."""
    token = _query_id.set(str(query_id))
    try:
        yield
    finally:
        _query_id.reset(token)


def current_query_id() -> str | None:
    return _query_id.get()


class _QueryIdFilter(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        if not getattr(record, "query_id", None):
            record.query_id = _query_id.get()
        return True


def configure_logging(*, service: str, level: str = "INFO", fmt: str = "json") -> None:
    """Route all logging to stdout as one JSON object per line (or plain text for humans)."""
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(_QueryIdFilter(service))
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(query_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(service)s %(query_id)s %(name)s: %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("pika", "urllib3", "botocore", "chromadb", "httpx", "presidio-analyzer"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
