"""Publishes ChunkBatch messages to the events exchange with publisher confirms (the embedder's queue)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

import pika

from common.messages import ChunkBatch
from common.rabbit.connection import node_parameters, properties_for
from common.settings import ServiceSettings
from common.topology import CHUNKS_BATCH


def publish(batches: Iterable[ChunkBatch], *, settings: ServiceSettings) -> int:
    """Publish in order; each is confirmed by the broker (and routed, mandatory) before the next."""
    topology = settings.topology
    sent = 0
    params = node_parameters(settings.amqp_url, name="chunker")
    with contextlib.closing(pika.BlockingConnection(params)) as connection:
        channel = connection.channel()
        channel.confirm_delivery()
        topology.declare(channel)
        for batch in batches:
            message_id = (
                f"{batch.build_id}:{batch.source}:{batch.batch_no}" if not batch.finished else batch.build_id
            )
            channel.basic_publish(
                exchange=topology.events,
                routing_key=CHUNKS_BATCH,
                body=batch.model_dump_json().encode(),
                properties=properties_for(batch, message_id=message_id),
                mandatory=True,
            )
            sent += 1
    return sent
