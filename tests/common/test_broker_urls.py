"""AMQP_URL with the nodes of a cluster: every node is tried, in an order that differs between processes."""

from __future__ import annotations

import pytest

from common.rabbit.connection import broker_urls, node_parameters

NODES = "amqp://u:p@n1:5672/%2F, amqp://u:p@n2:5672/%2F,amqp://u:p@n3:5672/%2F"


def test_one_url_or_several_separated_by_commas():
    assert broker_urls("amqp://guest:guest@127.0.0.1:5672/%2F") == ["amqp://guest:guest@127.0.0.1:5672/%2F"]
    assert broker_urls(NODES) == ["amqp://u:p@n1:5672/%2F", "amqp://u:p@n2:5672/%2F", "amqp://u:p@n3:5672/%2F"]
    with pytest.raises(ValueError, match="names no broker"):
        broker_urls(" , ")


def test_every_node_is_tried_in_a_random_order_with_the_same_settings():
    orders = set()
    for _ in range(40):
        params = node_parameters(NODES, name="rag_core", heartbeat=15)
        assert sorted(p.host for p in params) == ["n1", "n2", "n3"]
        assert all(p.heartbeat == 15 and p.connection_attempts == 1 for p in params)
        assert all(p.client_properties == {"connection_name": "rag_core"} for p in params)
        orders.add(tuple(p.host for p in params))
    assert len(orders) > 1  # replicas spread over the nodes instead of all taking the first
