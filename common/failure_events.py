"""The live path's failure policy: a query a stage gives up on ends as a failed QueryResult.

rag_core and llm_connector build their Worker with `live_path_worker`, which passes `report_failure`
as its `on_failure`. The failure goes straight back to the waiting gateway (`reply_to`) and to
psql_worker, which stores it like an answer; psql_worker and the embedder pass no policy, so what they
cannot handle is dead-lettered (a failure event of psql_worker's would come back to its own queue).
"""

from __future__ import annotations

from typing import Any

from common.messages import GroundedPrompt, QueryResult, RedactedQuery
from common.rabbit.worker import Failed, Outgoing, Publish, Reply, Subscription, Worker
from common.settings import ServiceSettings
from common.topology import QUERY_RESULT


def report_failure(failed: Failed) -> list[Outgoing]:
    """The failed QueryResult, replied first (someone is waiting on it), then published for storage."""
    query: RedactedQuery | None = None
    if isinstance(failed.message, RedactedQuery):
        query = failed.message
    elif isinstance(failed.message, GroundedPrompt):
        query = failed.message.query
    event = QueryResult.failure(
        query_id=failed.query_id, stage=failed.stage, code=failed.code, message=failed.text, query=query
    )
    return [Reply(event), Publish(event, QUERY_RESULT)]


def live_path_worker(
    settings: ServiceSettings, subscription: Subscription[Any], *, name: str, prefetch: int, threads: int
) -> Worker:
    """A worker of one live-path stage: one subscription, failures reported as above."""
    return Worker(settings=settings, subscriptions=[subscription], name=name, prefetch=prefetch,
                  threads=threads, on_failure=report_failure)
