"""The page in Chromium against the four services as processes, with an index of knowledge/ plus one
planted hostile guide; a second gateway process on the same services runs with API keys on, as in ECS."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from deploy.local import PORTS, ROOT, LocalStack, free_port
from tests.support.browser import Watched, chromium, watched_page
from tests.support.gateway import DIGESTS
from tests.support.stack import ServiceStack, build_index, isolated_services

PAGE_TOKEN_SECRET = "browser-tests-page-token-secret-0123456789abcdef"
HOSTILE_FILE = "electric-kettle-refunds.md"
HOSTILE_TITLE = "Electric kettle refunds <img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "<script>alert(2)</script>"
HOSTILE_GUIDE = f"""---
title: "{HOSTILE_TITLE}"
act: Consumer Protection Act, 2019
sections: ["2(10)"]
summary: Refund or replacement for an electric kettle that stops heating.
---
# {HOSTILE_TITLE}

An electric kettle that stops heating or leaks within weeks is defective goods {HOSTILE_SCRIPT}. The seller
must repair, replace or refund a defective electric kettle <img src=x onerror="document.title='pwned'">.

If the seller refuses to refund the defective electric kettle, send a written notice and then file a
complaint before the District Commission.
"""


@dataclass
class PageServices:
    """The services (API keys off, as `make run-local` and compose run them) and a keys-on gateway."""

    stack: ServiceStack
    keyed_url: str

    @property
    def open_url(self) -> str:
        return self.stack.gateway_url


@pytest.fixture(scope="package")
def page_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    uploads = tmp_path_factory.mktemp("page-uploads")
    (uploads / HOSTILE_FILE).write_text(HOSTILE_GUIDE, encoding="utf-8")
    return build_index(tmp_path_factory.mktemp("page-index"), ROOT / "knowledge", uploads)


@pytest.fixture(scope="package")
def services(page_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PageServices]:
    env = {
        "INDEX_DIR": str(page_index), "LLM_PROVIDER": "extractive", "LOG_FORMAT": "json",
        "AUTH_DISABLED": "true", "RATE_LIMIT": "1000/minute", "MAX_CONCURRENT_PER_CALLER": "0",
    }
    log_dir = tmp_path_factory.mktemp("page-logs")
    with isolated_services(env=env, prefix="page", log_dir=log_dir, start_timeout=240) as stack:
        stack.wait_gateway_ready(timeout=60)
        keyed_env = {**stack.env, "AUTH_DISABLED": "false", "API_KEYS_SHA256": DIGESTS,
                     "PAGE_TOKEN_SECRET": PAGE_TOKEN_SECRET, "PAGE_TOKEN_RATE_LIMIT": "1000/minute"}
        keyed = LocalStack(env=keyed_env, log_dir=log_dir / "keyed", services=("pii_filter",),
                           ports={name: free_port() for name in PORTS})
        try:
            keyed.start_all(timeout=180)
            yield PageServices(stack, keyed.gateway_url)
        finally:
            keyed.stop_all()


# package scope, not session: while it is started, Playwright's sync API keeps an asyncio loop running on
# this thread, and every later test calling asyncio.run() fails ("cannot be called from a running event loop")
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


@pytest.fixture
def open_page(browser: Browser, services: PageServices) -> Iterator[Watched]:
    """The page from the keys-off gateway, in a fresh context."""
    with watched_page(browser, services.open_url) as watched:
        yield watched
        assert watched.errors == [] and watched.dialogs == []
