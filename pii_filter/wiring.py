"""Builds the gateway's real dependencies from settings (kept out of __main__ so tests can reuse it)."""

from __future__ import annotations

import socket
import uuid

from fastapi import FastAPI

from common.logging import configure_logging
from pii_filter.app import create_app
from pii_filter.broker import GatewayBroker
from pii_filter.records import QueryRecords
from pii_filter.redaction import Redactor
from pii_filter.settings import GatewaySettings


def build_app(settings: GatewaySettings) -> FastAPI:
    """Configure logging, load the redactor once, and connect the broker and the records store."""
    configure_logging(service="pii_filter", level=settings.log_level, fmt=settings.log_format,
                      withhold_exception_messages=True)  # the only process that sees raw questions
    instance = settings.instance_id or f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
    broker = GatewayBroker(
        amqp_url=settings.amqp_url,
        topology=settings.topology,
        instance_id=instance,
        reconnect_max_delay_s=settings.reconnect_max_delay_s,
        heartbeat_s=settings.amqp_heartbeat_s,
    )
    records = QueryRecords(database_url=settings.database_url, pool_size=settings.database_pool_size)
    return create_app(settings=settings, redactor=Redactor.from_settings(settings), broker=broker,
                      records=records)
