"""Slow and greedy clients against the real uvicorn server: header and body deadlines, a header size cap,
a connection cap and the keep-alive limit, each ending the connection within a bound."""

from __future__ import annotations

import contextlib
import json
import socket
import time

import httpx
import pytest

from tests.support.gateway import served

pytestmark = pytest.mark.integration

QUERY = b'{"question": "Can I get a refund for a defective phone?"}'


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.settimeout(10)
    return sock


def _read_until_closed(sock: socket.socket, limit_s: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and when that happened."""
    started = time.monotonic()
    chunks = []
    sock.settimeout(limit_s)
    with contextlib.suppress(ConnectionResetError):
        while True:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks), time.monotonic() - started


def _status(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/1.1 ") else 0


def _json_body(raw: bytes) -> dict:
    return json.loads(raw.partition(b"\r\n\r\n")[2])


def test_headers_trickled_a_byte_at_a_time_are_cut_off_with_408(amqp_url, namespace):
    with served(amqp_url, namespace, header_timeout_s=1.5, auth_disabled=True, api_keys_sha256="") as gw:
        sock = _connect(gw.settings.port)
        started = time.monotonic()
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        closed = False
        for _ in range(40):  # 20 s of trickling at most: the server must cut it long before
            try:
                sock.sendall(b"X")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.5)
            sock.setblocking(False)
            try:
                if sock.recv(65536, socket.MSG_PEEK):
                    break
            except BlockingIOError:
                pass
            finally:
                sock.setblocking(True)
        raw, _ = _read_until_closed(sock, 5)
        elapsed = time.monotonic() - started
        sock.close()
        assert closed or _status(raw) == 408, raw
        assert elapsed < 4.0, elapsed
        if raw:
            assert _json_body(raw)["error"] == "header_timeout"
        assert "cr_header_timeouts_total 1.0" in gw.metrics()


def test_a_connection_that_says_nothing_is_closed(amqp_url, namespace):
    with served(amqp_url, namespace, header_timeout_s=1.0, auth_disabled=True, api_keys_sha256="") as gw:
        sock = _connect(gw.settings.port)
        raw, elapsed = _read_until_closed(sock, 5)
        sock.close()
        assert _status(raw) == 408 and 0.8 < elapsed < 3.0, (raw, elapsed)


def test_a_trickled_body_gets_408_within_the_body_timeout(amqp_url, namespace):
    with served(amqp_url, namespace, body_timeout_s=1.5, header_timeout_s=5, auth_disabled=True,
                api_keys_sha256="") as gw:
        sock = _connect(gw.settings.port)
        sock.sendall(b"POST /query HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
                     b"content-length: %d\r\n\r\n" % len(QUERY) + QUERY[:10])
        started = time.monotonic()
        for byte in QUERY[10:30]:  # 10 s of trickling at most
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            sock.setblocking(False)
            try:
                if sock.recv(65536, socket.MSG_PEEK):
                    break
            except BlockingIOError:
                pass
            finally:
                sock.setblocking(True)
            time.sleep(0.5)
        raw, _ = _read_until_closed(sock, 5)
        elapsed = time.monotonic() - started
        sock.close()
        assert _status(raw) == 408, raw
        assert _json_body(raw)["error"] == "body_timeout" and "1.5 seconds" in _json_body(raw)["message"]
        assert elapsed < 4.0, elapsed
        assert "cr_body_timeouts_total 1.0" in gw.metrics()


def test_oversized_headers_are_refused_without_being_read(amqp_url, namespace):
    with served(amqp_url, namespace, max_header_bytes=8192, auth_disabled=True, api_keys_sha256="") as gw:
        sock = _connect(gw.settings.port)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ")
        sent = 0
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for _ in range(8 * 16):  # up to 8 MB, as the red team sent
                sock.sendall(b"a" * 65536)
                sent += 65536
        raw, _ = _read_until_closed(sock, 5)
        sock.close()
        assert sent < 8 * 1024 * 1024, "the server kept reading an 8 MB header"
        assert raw == b"" or _status(raw) == 400, raw[:200]
        # a header within the cap is fine
        ok = httpx.get(f"{gw.url}/health", headers={"X-Big": "a" * 4000}, timeout=10)
        assert ok.status_code == 200


def test_connections_beyond_the_cap_get_503_and_the_cap_frees_up(amqp_url, namespace):
    with served(amqp_url, namespace, max_connections=3, header_timeout_s=20, auth_disabled=True,
                api_keys_sha256="") as gw:
        idle = [_connect(gw.settings.port) for _ in range(3)]
        time.sleep(0.3)
        try:
            refused = httpx.get(f"{gw.url}/health", timeout=10)
            assert refused.status_code == 503, refused.text
        finally:
            for sock in idle:
                sock.close()
        time.sleep(0.3)
        assert httpx.get(f"{gw.url}/health", timeout=10).status_code == 200


def test_an_idle_kept_alive_connection_is_closed_after_keep_alive_s(amqp_url, namespace):
    with served(amqp_url, namespace, keep_alive_s=1, auth_disabled=True, api_keys_sha256="") as gw:
        sock = _connect(gw.settings.port)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        raw, elapsed = _read_until_closed(sock, 5)
        sock.close()
        assert _status(raw) == 200 and raw.count(b"HTTP/1.1 ") == 1
        assert 0.8 < elapsed < 3.0, elapsed
