"""Message handlers: store each query once, then reply with the stored outcome.

The gateway usually has its answer already (llm_connector, or the stage that failed, replies at once);
this second reply, sent after the commit, covers a first one lost in a broker restart.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from prometheus_client import Counter

from common.messages import QueryResult, RedactedQuery
from common.rabbit.worker import Outgoing, Reply, Subscription
from common.topology import Topology
from psql_worker.repository import QueryStore

log = logging.getLogger(__name__)

PERSISTED = Counter(
    "cr_psql_persisted_total",
    "Events written to the queries table, by kind and whether they changed it",
    ["kind", "outcome"],
)

STAGE = "psql_worker"


class PersistenceHandlers:
    """Handlers for the accepted and result queues, around an injected store."""

    def __init__(self, *, store: QueryStore) -> None:
        self.store = store

    def on_accepted(self, query: RedactedQuery) -> Sequence[Outgoing]:
        """Record the query as pending (a no-op when it is already recorded)."""
        created = self.store.record_accepted(query)
        PERSISTED.labels(kind="accepted", outcome="created" if created else "duplicate").inc()
        log.info("accepted query %s", "recorded" if created else "already recorded")
        return []

    def on_result(self, result: QueryResult) -> Sequence[Outgoing]:
        """Record the outcome once and reply with what is stored (the first result, if this is a repeat)."""
        persisted = self.store.record_result(result)
        stored = persisted.result
        if persisted.changed:
            PERSISTED.labels(kind="result", outcome=stored.status).inc()
            log.info("result stored: %s", stored.status)
        else:
            PERSISTED.labels(kind="result", outcome="duplicate").inc()
            log.info("result already stored as %s; replying with the stored outcome", stored.status)
        return [Reply(stored)]

    def subscriptions(self, topology: Topology) -> list[Subscription[Any]]:
        return [
            Subscription(topology.psql_accepted, RedactedQuery, self.on_accepted, stage=STAGE),
            Subscription(topology.psql_results, QueryResult, self.on_result, stage=STAGE),
        ]
