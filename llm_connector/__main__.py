"""Entry point: `python -m llm_connector`."""

from __future__ import annotations

from common.logging import configure_logging
from llm_connector.service import NAME, build_worker
from llm_connector.settings import LlmSettings


def main() -> None:
    settings = LlmSettings()
    configure_logging(service=NAME, level=settings.log_level, fmt=settings.log_format)
    build_worker(settings).run()


if __name__ == "__main__":
    main()
