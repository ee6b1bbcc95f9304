"""Entry point: `python -m pii_filter` serves the gateway on PORT (default 8080)."""

from __future__ import annotations

import uvicorn

from pii_filter.settings import GatewaySettings
from pii_filter.wiring import build_app


def main() -> None:
    settings = GatewaySettings()
    app = build_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False,
                timeout_graceful_shutdown=20)


if __name__ == "__main__":
    main()
