"""/docs: Swagger UI served from this gateway's own files, so the page loads nothing from a CDN.

The assets come from the `swagger-ui-bundle-v2` package (Swagger UI's release files, Apache-2.0, its
licence ships in the package's dist-info), mounted read-only under /docs/assets. Only the three files
the page uses are reachable; source maps and the other bundles are not served.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from swagger_ui_bundle import swagger_ui_path

from pii_filter.errors import ApiError

ASSETS_PREFIX = "/docs/assets"
_ASSETS = {  # name -> media type
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}


def install_docs(app: FastAPI, *, title: str) -> None:
    """Add GET /docs and its assets (FastAPI's own /docs and /redoc must be off: docs_url=None)."""
    root = Path(str(swagger_ui_path))
    missing = [name for name in _ASSETS if not (root / name).is_file()]
    if missing:
        raise RuntimeError(f"Swagger UI assets missing from {root}: {', '.join(missing)}")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{title} - API",
            swagger_js_url=f"{ASSETS_PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_PREFIX}/favicon-32x32.png",
        )

    @app.get(ASSETS_PREFIX + "/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        media_type = _ASSETS.get(name)
        if media_type is None:
            raise ApiError(404, "http_404", "no such resource")
        return FileResponse(root / name, media_type=media_type)
