"""JSON logs with the query_id on every line, so one query can be followed through every service."""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
import traceback
from collections.abc import Iterator

from pythonjsonlogger.json import JsonFormatter

_query_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("query_id", default=None)


@contextlib.contextmanager
def query_context(query_id: object) -> Iterator[None]:
    """Tag every log line emitted inside the block with this query id (null when there is none)."""
    token = _query_id.set(None if query_id is None else str(query_id))
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


class _WithholdExceptionMessages(logging.Filter):
    """Tracebacks keep their frames and exception types but not the exceptions' messages.

    A message can quote the data that caused it (a validation error shows its input, a library error
    the text it choked on); in the gateway that data may be a raw question. Frames show code, not values.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = _frames_and_types(record.exc_info[1])
            record.exc_info = None
        return True


def _frames_and_types(exc: BaseException) -> str:
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"Traceback (most recent call last):\n{frames}{type(current).__qualname__}: "
                     "(message withheld: it may quote personal data)")
        current = current.__cause__ or current.__context__
    return "\n\nwhile handling, or caused by:\n".join(reversed(parts))


def configure_logging(
    *, service: str, level: str = "INFO", fmt: str = "json", withhold_exception_messages: bool = False
) -> None:
    """Route all logging to stdout as one JSON object per line (or plain text for humans).

    `withhold_exception_messages` is for the process that holds raw personal data (the gateway).
    """
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(_QueryIdFilter(service))
    if withhold_exception_messages:
        handler.addFilter(_WithholdExceptionMessages())
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
    # the handler enforces the level too: a library that sets its own logger to DEBUG when imported
    # (bm25s does) would otherwise print below LOG_LEVEL
    handler.setLevel(level.upper())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("pika", "urllib3", "botocore", "chromadb", "httpx", "presidio-analyzer"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
