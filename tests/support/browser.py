"""Debian's Chromium driven by Playwright (Playwright cannot download its own browser here)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Dialog, Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE_SCREEN = {"width": 360, "height": 740}
TIMEOUT_MS = 60_000  # a shared, noisy machine: a generous ceiling, never a speed assertion
expect.set_options(timeout=TIMEOUT_MS)  # expect()'s own default is 5 s, whatever the context's timeout


@contextmanager
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        raise RuntimeError(f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watched:
    """A page and what it showed that a person should never see: script errors and dialogs."""

    page: Page
    context: BrowserContext
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def note_console(self, message: ConsoleMessage) -> None:
        # a 404 from POST /page-token is how a keys-off gateway says "no tokens": not an error of the page
        if message.type == "error" and not message.location.get("url", "").endswith("/page-token"):
            self.errors.append(f"{message.text} ({message.location.get('url', '')})")

    def note_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@contextmanager
def watched_page(browser: Browser, base_url: str, **context_options: object) -> Iterator[Watched]:
    """A fresh browser context (no storage, no cookies) on a phone-sized screen, its page watched."""
    options: dict[str, object] = {"viewport": PHONE_SCREEN, "base_url": base_url, **context_options}
    context = browser.new_context(**options)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watched = Watched(page, context)
    page.on("console", watched.note_console)
    page.on("pageerror", lambda error: watched.errors.append(f"pageerror: {error}"))
    page.on("dialog", watched.note_dialog)
    try:
        yield watched
    finally:
        context.close()
