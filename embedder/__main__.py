"""Entry point: `python -m embedder` consumes chunk batches and builds index snapshots."""

from __future__ import annotations

from common.logging import configure_logging
from embedder.service import bootstrap, build_worker
from embedder.settings import EmbedderSettings


def main() -> None:
    settings = EmbedderSettings()
    configure_logging(service="embedder", level=settings.log_level, fmt=settings.log_format)
    bootstrap(settings)
    build_worker(settings).run()


if __name__ == "__main__":
    main()
