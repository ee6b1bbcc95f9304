"""Reading a streamed answer the way a page does: POST /query with Accept: text/event-stream."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from httpx_sse import EventSource, connect_sse

STREAM = {"Accept": "text/event-stream"}


@dataclass(frozen=True)
class Event:
    name: str
    data: dict[str, Any]


@contextmanager
def streamed(client: httpx.Client, body: dict[str, Any], **headers: str) -> Iterator[Iterator[Event]]:
    """The events of one streamed question, as they arrive; leaving the block closes the connection."""
    with connect_sse(client, "POST", "/query", json=body, headers={**STREAM, **headers}) as source:
        yield _events(source)


def _events(source: EventSource) -> Iterator[Event]:
    source.response.raise_for_status()
    for sse in source.iter_sse():
        yield Event(sse.event, json.loads(sse.data))


def all_events(client: httpx.Client, body: dict[str, Any], **headers: str) -> list[Event]:
    """Every event of one streamed question, up to its `done` or `error`."""
    with streamed(client, body, **headers) as events:
        out = []
        for event in events:
            out.append(event)
            if event.name in ("done", "error"):
                break
        return out


def answer_text(events: list[Event]) -> str:
    return "".join(e.data["text"] for e in events if e.name == "delta")
