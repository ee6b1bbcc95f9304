"""Log lines: JSON with the query id, and the gateway's tracebacks without exception messages."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from common.logging import configure_logging, query_context

SECRET = "Priya Nair, 9845012345"


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _log_a_failure() -> None:
    try:
        try:
            raise KeyError(SECRET)
        except KeyError as inner:
            raise ValueError(f"could not redact {SECRET!r}") from inner
    except ValueError:
        with query_context("q-1"):
            logging.getLogger("gateway.test").exception("unexpected error: %s", "ValueError")


def test_gateway_tracebacks_keep_frames_and_types_not_messages(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(service="pii_filter", withhold_exception_messages=True)
    _log_a_failure()
    out = capsys.readouterr().out
    line = json.loads(out.strip())
    assert SECRET not in out
    assert line["query_id"] == "q-1" and line["message"] == "unexpected error: ValueError"
    assert "ValueError: (message withheld" in line["exc_info"]
    assert "KeyError: (message withheld" in line["exc_info"]  # the cause is kept, by type
    assert "_log_a_failure" in line["exc_info"]  # where it happened


def test_plain_text_logs_withhold_them_too(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(service="pii_filter", fmt="text", withhold_exception_messages=True)
    _log_a_failure()
    out = capsys.readouterr().out
    assert SECRET not in out and "ValueError: (message withheld" in out


def test_other_services_keep_exception_messages(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(service="psql_worker")
    _log_a_failure()
    assert "could not redact" in json.loads(capsys.readouterr().out.strip())["exc_info"]


def test_a_message_without_query_id_logs_null_not_the_string_none(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(service="embedder")
    with query_context(None):
        logging.getLogger("embedder.test").info("a chunk batch carries no query")
    assert json.loads(capsys.readouterr().out.strip())["query_id"] is None


def test_a_library_logging_at_debug_stays_quiet_at_info(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(service="rag_core", level="INFO")
    import bm25s  # sets logging.getLogger("bm25s") to DEBUG when first imported

    logging.getLogger("bm25s").setLevel(logging.DEBUG)  # as on first import, whatever imported it earlier
    bm25s.BM25().index([["refund"], ["seller"]], show_progress=False)  # logs "Building index ..." at DEBUG
    logging.getLogger("rag_core.test").info("index built")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["message"] for line in lines] == ["index built"]
