"""The page people use, at /: static HTML, CSS and JavaScript from pii_filter/static, and its page tokens.

Only the files listed here are served (no directory is exposed). The page document carries a strict
Content-Security-Policy: scripts, styles and connections from this origin only, no inline script or
style, nothing may frame it. The page inserts answers and passages as text, never as HTML
(static/app.js); the policy is the second wall should that ever slip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from pii_filter.auth import presented_key
from pii_filter.errors import ApiError
from pii_filter.page_token import PageTokens, client_address
from pii_filter.schemas import ErrorBody

STATIC = Path(__file__).resolve().parent / "static"
ASSETS_PREFIX = "/page"
TOKEN_PATH = "/page-token"
_ASSETS = {  # name under /page/ -> media type
    "app.js": "text/javascript",
    "i18n.js": "text/javascript",
    "style.css": "text/css",
    "icon.svg": "image/svg+xml",
    "vendor/eventsource-parser.js": "text/javascript",
}
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
))
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class PageTokenResponse(BaseModel):
    """A page token: send it as `Authorization: Bearer <token>`; ask for a new one before it expires."""

    token: str
    expires_in_s: int = Field(description="seconds until the token is refused")


def install_page(app: FastAPI, *, page_tokens: PageTokens | None) -> None:
    """Add GET / and its assets, and POST /page-token (404 when PAGE_TOKEN_SECRET is not set)."""
    missing = [name for name in ("index.html", *_ASSETS) if not (STATIC / name).is_file()]
    if missing:
        raise RuntimeError(f"page files missing from {STATIC}: {', '.join(missing)}")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8",
                            headers=PAGE_HEADERS)

    @app.get(ASSETS_PREFIX + "/{name:path}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        media_type = _ASSETS.get(name)
        if media_type is None:
            raise ApiError(404, "http_404", "no such resource")
        return FileResponse(STATIC / name, media_type=media_type, headers=PAGE_HEADERS)

    responses: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (404, 429)}

    @app.post(TOKEN_PATH, status_code=201, response_model=PageTokenResponse, responses=responses,
              tags=["page"])
    def page_token(request: Request) -> JSONResponse:
        """A short-lived token for the page at / (where API keys are on); send the current one as
        `Authorization: Bearer <token>` to renew it and keep the page's queries and conversations."""
        if page_tokens is None:
            raise ApiError(404, "page_tokens_off",
                           "This gateway issues no page tokens: ask with an API key.")
        address = client_address(request.scope)
        current = presented_key(request.scope["headers"])
        page_id = page_tokens.page_id(current, address=address) if current else None
        issued = page_tokens.issue(address=address, page_id=page_id)
        body = PageTokenResponse(token=issued.token, expires_in_s=issued.expires_in_s)
        return JSONResponse(body.model_dump(), status_code=201)
