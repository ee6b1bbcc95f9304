"""Entry point: `python -m llm_connector`."""

from __future__ import annotations

from common.logging import configure_logging
from common.messages import GroundedPrompt
from common.rabbit.worker import Subscription, Worker
from llm_connector.answer_cache import build_answer_cache
from llm_connector.extractive import ExtractiveProvider
from llm_connector.handler import AnswerHandler
from llm_connector.provider import build_provider
from llm_connector.settings import LlmSettings


def main() -> None:
    settings = LlmSettings()
    configure_logging(service="llm_connector", level=settings.log_level, fmt=settings.log_format)
    provider = build_provider(settings)
    handler = AnswerHandler(
        provider=provider,
        fallback=ExtractiveProvider(max_sentences=settings.extractive_max_sentences),
        cache=build_answer_cache(settings),
    )
    # the extractive provider answers in milliseconds; a Bedrock call must stay off the connection thread
    fast = isinstance(provider, ExtractiveProvider)
    Worker(
        settings=settings,
        subscriptions=[
            Subscription(
                settings.topology.llm_prompts, GroundedPrompt, handler, stage="llm_connector", inline=fast
            )
        ],
        name="llm_connector",
        prefetch=settings.prefetch,
        threads=settings.worker_threads,
    ).run()


if __name__ == "__main__":
    main()
