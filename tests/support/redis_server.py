"""Redis for tests: the shared server under a per-test key prefix, or a private redis-server to stop.

The shared server (TEST_REDIS_URL, default 127.0.0.1:6379) is never stopped or flushed: tests write only
under their own namespace prefix and delete those keys afterwards. Outage tests start their own
redis-server on a free port, in memory only (no RDB/AOF files).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from deploy.local import free_port

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def keys_under(url: str, prefix: str) -> dict[bytes, bytes | None]:
    """Every string key under `prefix` and its value (other types by their type name)."""
    client = redis.Redis.from_url(url)
    found: dict[bytes, bytes | None] = {}
    for key in client.scan_iter(match=f"{prefix}*", count=500):
        kind = client.type(key)
        found[key] = client.get(key) if kind == b"string" else kind
    client.close()
    return found


def dump_under(url: str, prefix: str) -> str:
    """Keys and values under `prefix` as text (lists, hashes, sorted sets included), for leak checks."""
    client = redis.Redis.from_url(url)
    parts: list[str] = []
    for key in client.scan_iter(match=f"{prefix}*", count=500):
        kind = client.type(key)
        if kind == b"string":
            value: object = client.get(key)
        elif kind == b"list":
            value = client.lrange(key, 0, -1)
        elif kind == b"hash":
            value = client.hgetall(key)
        elif kind == b"zset":
            value = client.zrange(key, 0, -1, withscores=True)
        elif kind == b"set":
            value = client.smembers(key)
        else:
            value = kind
        parts.append(f"{key!r} {value!r}")
    client.close()
    return "\n".join(parts)


def delete_under(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}*", count=500))
    if keys:
        client.delete(*keys)
    client.close()


@dataclass
class PrivateRedis:
    """A redis-server of the test's own on 127.0.0.1, which the test may stop and start again."""

    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> PrivateRedis:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (Debian package redis-server)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_timeout=0.5).ping():
                    return self
            except redis.RedisError:
                time.sleep(0.05)
        raise TimeoutError(f"private redis-server on port {self.port} did not answer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None
