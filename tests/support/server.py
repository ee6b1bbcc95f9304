"""An ASGI app served by uvicorn in a thread, as `python -m pii_filter` serves it: one event loop for the
lifespan (the broker link) and every request."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import uvicorn

from deploy.local import free_port
from tests.support.broker import wait_until


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve `app` on a free 127.0.0.1 port until the block ends; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on")
    )
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started or not thread.is_alive(), timeout=60, message="uvicorn started")
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
