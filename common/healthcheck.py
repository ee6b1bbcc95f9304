"""Container health probe without curl: `python -m common.healthcheck [URL]` exits 0 only on HTTP 200.

Used by the Dockerfile's HEALTHCHECK, docker-compose and the ECS container health checks. The default
URL is the worker's own health endpoint, `http://127.0.0.1:$HEALTH_PORT/health`, which answers 200
only while the broker connection is open and the consumer is running, so a live but disconnected
process is reported unhealthy.
"""

from __future__ import annotations

import os
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence

TIMEOUT_S = 2.0
# the probe targets the container itself: never route it through an HTTP(S)_PROXY from the environment
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def default_url(environ: Mapping[str, str] = os.environ) -> str:
    """The local health URL from HEALTH_PORT; a port of 0 (or none) means there is nothing to probe."""
    port = environ.get("HEALTH_PORT", "").strip()
    if not port.isdigit() or int(port) == 0:
        raise ValueError("HEALTH_PORT is not set to a port; pass the URL to probe explicitly")
    return f"http://127.0.0.1:{int(port)}/health"


def _get_status(url: str, timeout_s: float) -> tuple[bool, str]:
    try:
        with _OPENER.open(url, timeout=timeout_s) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        return False, f"{url} answered {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return False, f"{url} unreachable: {exc}"
    return status == 200, f"{url} answered {status}"


def probe(url: str, *, timeout_s: float = TIMEOUT_S) -> tuple[bool, str]:
    """(healthy, reason): healthy only when `url` answers 200 within `timeout_s` seconds in total."""
    outcome: list[tuple[bool, str]] = []
    worker = threading.Thread(target=lambda: outcome.append(_get_status(url, timeout_s)), daemon=True)
    worker.start()
    worker.join(timeout_s)
    if not outcome:
        return False, f"{url} did not answer within {timeout_s:g} s"
    return outcome[0]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        url = args[0] if args else default_url()
    except ValueError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    healthy, reason = probe(url)
    print(("healthy: " if healthy else "unhealthy: ") + reason, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
