"""Wiring: migrations, pool, repository, handlers and the Worker, built from settings."""

from __future__ import annotations

import logging
import signal
import threading

from common.rabbit.worker import Worker
from psql_worker.db import Database
from psql_worker.handlers import PersistenceHandlers
from psql_worker.migrate import apply_migrations_when_available
from psql_worker.repository import QueryRepository
from psql_worker.settings import PersistenceSettings
from psql_worker.stale_pending import StalePendingSweeper

log = logging.getLogger(__name__)

NAME = "psql_worker"


def build(
    settings: PersistenceSettings, *, stop: threading.Event, name: str = NAME
) -> tuple[Worker, Database]:
    """The worker and its database; the database is not contacted until the first message."""
    database = Database.connect(
        settings.database_url,
        size=settings.database_pool_size,
        stop=stop,
        name=name,
        checkout_timeout_s=settings.database_checkout_timeout_s,
        retry_max_delay_s=settings.database_retry_max_delay_s,
        reconnect_timeout_s=settings.database_reconnect_timeout_s,
    )
    handlers = PersistenceHandlers(store=QueryRepository(database))
    worker = Worker(
        settings=settings,
        subscriptions=handlers.subscriptions(settings.topology),
        name=name,
        prefetch=settings.prefetch,
        threads=settings.threads,
        readiness_checks=[database.health],  # no failure policy: what cannot be stored is dead-lettered
    )
    return worker, database


def run(settings: PersistenceSettings) -> None:
    """Migrate (waiting for the database if needed), then consume until SIGTERM/SIGINT."""
    stop = threading.Event()
    worker: Worker | None = None

    def on_signal(*_: object) -> None:
        stop.set()  # ends database retries, so in-flight messages go back to the queue
        if worker is not None:
            worker.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if apply_migrations_when_available(
        settings.database_url, stop=stop, max_delay_s=settings.reconnect_max_delay_s
    ) is None:
        return
    worker, database = build(settings, stop=stop)
    sweeper = StalePendingSweeper(
        database,
        older_than_s=settings.stale_pending_after_s,
        interval_s=settings.stale_pending_sweep_interval_s,
        stop=stop,
    )
    sweeper.start()
    try:
        if not stop.is_set():
            worker.run(install_signal_handlers=False)
    finally:
        stop.set()
        sweeper.join(timeout=5)
        database.close()
