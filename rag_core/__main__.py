"""Entry point: `python -m rag_core` consumes redacted queries and publishes grounded prompts."""

from __future__ import annotations

from common.logging import configure_logging
from rag_core.service import NAME, build_worker
from rag_core.settings import RagSettings


def main() -> None:
    settings = RagSettings()
    configure_logging(service=NAME, level=settings.log_level, fmt=settings.log_format)
    build_worker(settings).run()


if __name__ == "__main__":
    main()
