"""A three-node RabbitMQ cluster of the test's own: three containers of rabbitmq:4.1-management on a
private Docker network, joined as one cluster (what Amazon MQ's cluster deployment runs), each node's
AMQP port published on 127.0.0.1 only. Never the shared broker."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field

from deploy.local import free_port
from tests.support.own_rabbit import IMAGE, docker, ensure_docker


@dataclass
class RabbitCluster:
    prefix: str = field(default_factory=lambda: f"cr-scale-{uuid.uuid4().hex[:8]}")
    size: int = 3
    ports: dict[str, int] = field(default_factory=dict)
    cookie: str = field(default_factory=lambda: uuid.uuid4().hex.upper())

    @property
    def network(self) -> str:
        return f"{self.prefix}-net"

    @property
    def nodes(self) -> list[str]:
        return [f"{self.prefix}-n{i}" for i in range(1, self.size + 1)]

    def hostname(self, node: str) -> str:
        return node.rsplit("-", 1)[1]  # n1, n2, n3: the node names are rabbit@n1 ...

    @property
    def amqp_url(self) -> str:
        """Every node, comma-separated: what the services get as AMQP_URL."""
        return ",".join(f"amqp://guest:guest@127.0.0.1:{self.ports[n]}/%2F" for n in self.nodes)

    def start(self, timeout: float = 240) -> RabbitCluster:
        ensure_docker()
        docker("network", "create", self.network)
        for node in self.nodes:
            self.ports[node] = free_port()
            host = self.hostname(node)
            # the Erlang cookie every node of a cluster shares, written before the server starts
            script = (f"printf %s {self.cookie} > /var/lib/rabbitmq/.erlang.cookie && "
                      "chown rabbitmq:rabbitmq /var/lib/rabbitmq/.erlang.cookie && "
                      "chmod 400 /var/lib/rabbitmq/.erlang.cookie && "
                      "exec /usr/local/bin/docker-entrypoint.sh rabbitmq-server")
            docker("run", "-d", "--name", node, "--hostname", host, "--network", self.network,
                   "--network-alias", host, "-p", f"127.0.0.1:{self.ports[node]}:5672",
                   "--label", "org.consumer-rights.test=scale", "--entrypoint", "sh", IMAGE, "-c", script)
        for node in self.nodes:
            self.wait_running(node, timeout=timeout)
        first = f"rabbit@{self.hostname(self.nodes[0])}"
        for node in self.nodes[1:]:
            self.ctl(node, "stop_app")
            self.ctl(node, "join_cluster", first)
            self.ctl(node, "start_app")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.running_nodes(self.nodes[0])) == self.size:
                return self
            time.sleep(1)
        raise TimeoutError(f"the cluster did not form: {self.running_nodes(self.nodes[0])}")

    def ctl(self, node: str, *args: str, timeout: float = 120) -> str:
        return docker("exec", node, "rabbitmqctl", *args, timeout=timeout).stdout

    def wait_running(self, node: str, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            probe = docker("exec", node, "rabbitmq-diagnostics", "-q", "check_running", check=False,
                           timeout=60)
            if probe.returncode == 0:
                return
            time.sleep(1)
        logs = docker("logs", "--tail", "30", node, check=False).stdout
        raise TimeoutError(f"{node} did not start: {logs}")

    def running_nodes(self, node: str) -> list[str]:
        status = json.loads(self.ctl(node, "cluster_status", "--formatter", "json"))
        return list(status.get("running_nodes", []))

    def leaders(self, via: str) -> dict[str, str]:
        """Quorum queue -> the node leading it."""
        rows = json.loads(self.ctl(via, "list_queues", "name", "leader", "--formatter", "json", "-q"))
        return {row["name"]: row["leader"] for row in rows if row.get("leader")}

    def home_of(self, queue_prefix: str) -> str | None:
        """The container whose node holds a (classic) queue named with `queue_prefix`."""
        for node in self.nodes:
            rows = json.loads(self.ctl(node, "list_queues", "--local", "name", "--formatter", "json", "-q"))
            if any(row["name"].startswith(queue_prefix) for row in rows):
                return node
        return None

    def container_of(self, erlang_node: str) -> str:
        host = erlang_node.split("@", 1)[1]
        return next(n for n in self.nodes if self.hostname(n) == host)

    def stop_node(self, node: str) -> None:
        docker("stop", "-t", "15", node, timeout=60)

    def remove(self) -> None:
        for node in self.nodes:
            docker("rm", "-f", "-v", node, check=False, timeout=60)
        docker("network", "rm", self.network, check=False, timeout=60)
