"""Wiring: the retriever, the query handler and the Worker, built from settings."""

from __future__ import annotations

from common.failure_events import live_path_worker
from common.messages import RedactedQuery
from common.rabbit.worker import Subscription, Worker
from rag_core.handler import QueryHandler, RetrieverLike
from rag_core.retrieval import Retriever
from rag_core.settings import RagSettings

NAME = "rag_core"


def build_worker(
    settings: RagSettings, *, retriever: RetrieverLike | None = None, name: str = NAME
) -> Worker:
    """The rag_core worker; `retriever` defaults to the index under the settings' INDEX_DIR."""
    handler = QueryHandler(retriever=retriever or Retriever.from_settings(settings))
    subscription = Subscription(settings.topology.rag_queries, RedactedQuery, handler, stage=NAME,
                                progress=True)
    return live_path_worker(settings, subscription, name=name, prefetch=settings.prefetch,
                            threads=settings.threads)
