"""deploy.local.free_port: the ports the test stacks run their services on."""

from __future__ import annotations

import socket

from deploy.local import free_port


def test_free_port_never_hands_out_a_port_twice_and_each_can_be_bound() -> None:
    """Two services of one stack given the same port: the second cannot bind while the first answers the
    stack's health probe, so a worker's health server once answered the gateway's POST /query (405)."""
    ports = [free_port() for _ in range(300)]
    assert len(set(ports)) == len(ports)
    for port in ports[:20]:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))
