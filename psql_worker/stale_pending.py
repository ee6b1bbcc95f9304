"""Mark queries failed that stayed pending too long: their messages were lost, so no result will come.

In the minimal AWS tier the RabbitMQ sidecar keeps its queues on the task's ephemeral disk; when ECS
replaces the task (a deployment, a crash, a host retirement) the messages in flight go with it, and
their rows would stay `pending` for ever. Every psql_worker runs this sweep periodically; it is one
idempotent UPDATE, so several replicas sweeping at once is harmless (the row lock serialises them and
the second finds the row no longer pending). A result that arrives after the sweep changes nothing:
the first final outcome wins, as everywhere else in this table.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import psycopg
from prometheus_client import Counter

from common.failures import FailureCode
from psql_worker.db import Database, DatabaseUnavailableError

log = logging.getLogger(__name__)

STAGE = "psql_worker"
CODE = FailureCode.RESULT_LOST
MESSAGE = (
    "No answer arrived for this question; it was probably lost while the service restarted. "
    "Please ask again."
)

SWEPT = Counter("cr_psql_stale_pending_failed_total", "Pending queries marked failed by the stale sweep")

_SWEEP = """
UPDATE queries
SET status = 'failed', error_stage = %(stage)s, error_code = %(code)s, error_message = %(message)s,
    completed_at = now(), updated_at = now()
WHERE status = 'pending' AND created_at < now() - make_interval(secs => %(older_than_s)s)
RETURNING query_id
"""


def sweep_stale_pending(database: Database, *, older_than_s: float) -> int:
    """Fail every query pending for longer than `older_than_s`; returns how many were failed."""
    params = {"stage": STAGE, "code": CODE, "message": MESSAGE, "older_than_s": older_than_s}

    def work(conn: psycopg.Connection[Any]) -> int:
        return len(conn.execute(_SWEEP, params).fetchall())

    count = database.run(work, what="sweep_stale_pending")
    if count:
        SWEPT.inc(count)
        log.warning("marked %d stale pending queries failed", count, extra={"older_than_s": older_than_s})
    return count


class StalePendingSweeper:
    """A daemon thread that sweeps every `interval_s` until `stop` is set."""

    def __init__(
        self, database: Database, *, older_than_s: float, interval_s: float, stop: threading.Event
    ) -> None:
        self.database = database
        self.older_than_s = older_than_s
        self.interval_s = interval_s
        self.stop = stop
        self._thread = threading.Thread(target=self._loop, name="stale-pending-sweep", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self.stop.is_set():
            try:
                sweep_stale_pending(self.database, older_than_s=self.older_than_s)
            except DatabaseUnavailableError:
                return  # stopping during an outage
            except psycopg.Error:
                log.exception("stale pending sweep failed; trying again at the next interval")
            self.stop.wait(self.interval_s)
