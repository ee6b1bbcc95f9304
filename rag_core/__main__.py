"""Entry point: `python -m rag_core` consumes redacted queries and publishes grounded prompts."""

from __future__ import annotations

from common.logging import configure_logging
from common.messages import RedactedQuery
from common.rabbit.worker import Subscription, Worker
from rag_core.handler import QueryHandler
from rag_core.retrieval import Retriever
from rag_core.settings import RagSettings


def main() -> None:
    settings = RagSettings()
    configure_logging(service="rag_core", level=settings.log_level, fmt=settings.log_format)
    handler = QueryHandler(retriever=Retriever.from_settings(settings))
    subscription = Subscription(  # retrieval takes milliseconds: inline when idle (common/rabbit/worker.py)
        settings.topology.rag_queries, RedactedQuery, handler, stage="rag_core", inline=True
    )
    Worker(
        settings=settings,
        subscriptions=[subscription],
        name="rag_core",
        prefetch=settings.prefetch,
        threads=settings.threads,
    ).run()


if __name__ == "__main__":
    main()
