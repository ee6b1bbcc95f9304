"""Entry point: `python -m pii_filter` serves the gateway on PORT (default 8080)."""

from __future__ import annotations

import sys

# The gateway needs neither torch nor transformers (spaCy's small pipeline runs on numpy) and its image
# installs neither. Where a shared environment has them (make run-local, the benchmarks), thinc and
# Presidio would import both at start-up, optional imports they skip when missing: about 500 MB of
# memory and seconds of start-up for nothing. Marking them absent gives the image's behaviour everywhere.
for _unused in ("torch", "transformers"):
    sys.modules.setdefault(_unused, None)  # type: ignore[arg-type]

import uvicorn  # noqa: E402

from pii_filter.server import server_config  # noqa: E402
from pii_filter.settings import GatewaySettings  # noqa: E402
from pii_filter.wiring import build_app  # noqa: E402


def main() -> None:
    settings = GatewaySettings()
    uvicorn.Server(server_config(settings, build_app(settings))).run()


if __name__ == "__main__":
    main()
