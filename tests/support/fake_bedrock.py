"""A fake bedrock-runtime over real HTTP, so calls go through botocore's own signing and retries.

Converse answers with JSON; ConverseStream with real event-stream frames (application/vnd.amazon.eventstream,
encoded by moto's maintained encoder, CRCs and all), written one by one, so botocore's own event-stream
parser reads them as it reads Bedrock's.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import unquote

from moto.core.eventstream import EventStreamEncoder


def converse_response(
    text: str, *, input_tokens: int = 1200, output_tokens: int = 150, stop_reason: str = "end_turn"
) -> dict[str, Any]:
    """A Converse API response body."""
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": stop_reason,
        "usage": {
            "inputTokens": input_tokens,
            "outputTokens": output_tokens,
            "totalTokens": input_tokens + output_tokens,
        },
        "metrics": {"latencyMs": 900},
    }


@dataclass(frozen=True)
class Reply:
    """One HTTP answer; `error_type` goes in x-amzn-ErrorType, which botocore reads the error code from."""

    status: int
    body: dict[str, Any]
    error_type: str | None = None
    delay_s: float = 0.0


@dataclass(frozen=True)
class StreamReply:
    """A 200 ConverseStream answer: (event type, payload) frames, each after `delay_s` seconds; an event
    type starting with "!" is an exception event (e.g. "!throttlingException")."""

    events: tuple[tuple[str, dict[str, Any]], ...]
    delay_s: float = 0.0

    @property
    def status(self) -> int:
        return 200


def frame(event_type: str, payload: dict[str, Any]) -> bytes:
    """One event-stream message as Bedrock sends it."""
    if event_type.startswith("!"):
        headers = {":message-type": "exception", ":exception-type": event_type[1:]}
    else:
        headers = {":message-type": "event", ":event-type": event_type}
    headers[":content-type"] = "application/json"
    return EventStreamEncoder().encode_message(headers, json.dumps(payload).encode())


def streamed(
    pieces: list[str], *, stop_reason: str = "end_turn", input_tokens: int = 1200, output_tokens: int = 150,
    delay_s: float = 0.0, error: str | None = None,
) -> StreamReply:
    """The frames of a ConverseStream answer made of `pieces`; `error` (an exception event type such as
    "throttlingException") arrives instead of the end."""
    events: list[tuple[str, dict[str, Any]]] = [("messageStart", {"role": "assistant"})]
    events += [("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": p}}) for p in pieces]
    if error:
        events.append(("!" + error, {"message": "injected by the fake"}))
        return StreamReply(tuple(events), delay_s)
    events += [
        ("contentBlockStop", {"contentBlockIndex": 0}),
        ("messageStop", {"stopReason": stop_reason}),
        ("metadata", {"usage": {"inputTokens": input_tokens, "outputTokens": output_tokens,
                                "totalTokens": input_tokens + output_tokens}, "metrics": {"latencyMs": 900}}),
    ]
    return StreamReply(tuple(events), delay_s)


@dataclass
class Recorded:
    """One request as the fake received it, so tests can check what was sent and how often."""

    path: str
    model_id: str  # "" when the path is not /model/{modelId}/converse or /converse-stream
    headers: dict[str, str]
    body: dict[str, Any]
    time: float = field(default_factory=time.monotonic)
    frames_sent: int = 0  # of a ConverseStream answer
    sent_at: list[float] = field(default_factory=list)  # time.monotonic() as each frame was written
    closed_by_client: bool = False  # the client closed the stream before its last frame

    @property
    def prompt(self) -> str:
        """All the text of the request's messages (the fault tests key their behaviour on it)."""
        return "".join(c.get("text", "") for m in self.body.get("messages", []) for c in m["content"])


def ok(text: str, *, delay_s: float = 0.0, **usage: Any) -> Reply:
    """A 200 Converse answer, after `delay_s` seconds."""
    return Reply(200, converse_response(text, **usage), delay_s=delay_s)


def error(status: int, code: str, message: str = "injected by the fake") -> Reply:
    """An error Bedrock would send: `code` is what botocore reads (ThrottlingException ...)."""
    return Reply(status, {"message": message}, error_type=code)


Behaviour = Callable[[int, "Recorded"], "Reply | StreamReply"]


class FakeBedrock:
    """Answers `POST /model/{modelId}/converse` and `/converse-stream`: the next queued reply, else
    `behaviour(n, request)` for the n-th request, else 404 (as for a path that is not a model's)."""

    def __init__(self, behaviour: Behaviour | None = None) -> None:
        self._behaviour = behaviour
        self.script: deque[Reply | StreamReply] = deque()
        self.requests: list[Recorded] = []
        lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                parts = self.path.split("/")
                operation = parts[3] if len(parts) > 3 else ""
                model_id = unquote(parts[2]) if operation in ("converse", "converse-stream") else ""
                with lock:
                    n = len(fake.requests)
                    request = Recorded(self.path, model_id, dict(self.headers), body)
                    fake.requests.append(request)
                reply = fake._reply(n, request)
                if isinstance(reply, StreamReply):
                    self._stream(reply, request)
                    return
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                payload = json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
                if reply.error_type:
                    self.send_header("x-amzn-ErrorType", f"{reply.error_type}:http://internal.amazon.com/")
                self.end_headers()
                self.wfile.write(payload)

            def _stream(self, reply: StreamReply, request: Recorded) -> None:
                """As Bedrock does: HTTP/1.1, one chunk per frame (botocore parses each as it arrives)."""
                self.protocol_version = "HTTP/1.1"
                self.close_connection = True
                self.send_response(200)
                self.send_header("Content-Type", "application/vnd.amazon.eventstream")
                self.send_header("Transfer-Encoding", "chunked")
                self.send_header("Connection", "close")
                self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
                self.send_header("Transfer-Encoding", "chunked")  # as Bedrock sends it: one frame per chunk
                self.end_headers()
                try:
                    for event_type, payload in reply.events:
                        if reply.delay_s:
                            time.sleep(reply.delay_s)
                        data = frame(event_type, payload)
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                        self.wfile.flush()
                        request.sent_at.append(time.monotonic())
                        request.frames_sent += 1
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    request.closed_by_client = True

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def queue(self, *replies: Reply | StreamReply) -> None:
        """Answer the next requests with `replies`, in order."""
        self.script.extend(replies)

    def always(self, reply: Reply | StreamReply) -> None:
        """Answer every request that finds no queued reply with `reply`."""
        self._behaviour = lambda _n, _request: reply

    def reset(self, behaviour: Behaviour | None) -> None:
        """Forget the requests so far and answer from now on with `behaviour`."""
        self.requests.clear()
        self.script.clear()
        self._behaviour = behaviour

    @property
    def calls(self) -> list[tuple[float, str, str]]:
        """(monotonic time, model id, prompt) of every call since the last reset."""
        return [(r.time, r.model_id, r.prompt) for r in self.requests]

    def _reply(self, n: int, request: Recorded) -> Reply | StreamReply:
        if request.model_id and self.script:
            return self.script.popleft()
        if request.model_id and self._behaviour is not None:
            return self._behaviour(n, request)
        return error(404, "ResourceNotFoundException", "no scripted reply")

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
