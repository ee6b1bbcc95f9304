"""Wiring: the provider, the answer cache, the answer handler and the Worker, built from settings."""

from __future__ import annotations

from common.failure_events import live_path_worker
from common.messages import GroundedPrompt
from common.rabbit.worker import Subscription, Worker
from llm_connector.answer_cache import build_answer_cache
from llm_connector.extractive import ExtractiveProvider
from llm_connector.handler import AnswerHandler
from llm_connector.provider import LlmProvider, build_provider
from llm_connector.settings import LlmSettings

NAME = "llm_connector"


def build_worker(settings: LlmSettings, *, provider: LlmProvider | None = None, name: str = NAME) -> Worker:
    """The llm_connector worker; `provider` defaults to the one the settings choose."""
    handler = AnswerHandler(
        provider=provider or build_provider(settings),
        fallback=ExtractiveProvider(max_sentences=settings.extractive_max_sentences),
        cache=build_answer_cache(settings),
    )
    subscription = Subscription(settings.topology.llm_prompts, GroundedPrompt, handler, stage=NAME,
                                progress=True)
    return live_path_worker(settings, subscription, name=name, prefetch=settings.prefetch,
                            threads=settings.worker_threads)
