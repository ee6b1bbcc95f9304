"""A RabbitMQ of the test's own: one container of rabbitmq:4.1-management on a free port (127.0.0.1 only),
to restart or trace at will. Never the shared broker. (tests/scale/rabbit_cluster.py makes three.)"""

from __future__ import annotations

import contextlib
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pika
import pika.exceptions

from deploy.local import ROOT, free_port

IMAGE = "rabbitmq:4.1-management"
STANDINS = ROOT.parent / "shared" / "containers" / "build-standins"


def docker(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=check)


def ensure_docker() -> None:
    """The daemon running and the image present; the stand-in script provides both where no registry can."""
    try:
        found = subprocess.run(["docker", "image", "inspect", IMAGE], capture_output=True, timeout=60)
        if found.returncode == 0:
            return
    except FileNotFoundError:  # no docker client yet: the script installs it
        pass
    if not STANDINS.exists():
        raise RuntimeError(f"Docker or {IMAGE} is not available and {STANDINS} is missing")
    subprocess.run([str(STANDINS)], check=True, timeout=1800, capture_output=True)


@dataclass
class OwnRabbit:
    name: str = field(default_factory=lambda: f"cr-own-rabbit-{uuid.uuid4().hex[:8]}")
    port: int = 0

    @property
    def amqp_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"

    def start(self, timeout: float = 180) -> OwnRabbit:
        ensure_docker()
        self.port = free_port()
        docker("run", "-d", "--name", self.name, "-p", f"127.0.0.1:{self.port}:5672",
               "--label", "org.consumer-rights.test=own-rabbit", IMAGE)
        self.wait_running(timeout=timeout)
        return self

    def ctl(self, *args: str, timeout: float = 120) -> str:
        return docker("exec", self.name, "rabbitmqctl", *args, timeout=timeout).stdout

    def wait_running(self, *, timeout: float) -> None:
        """The node up and taking AMQP connections on the published port."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            probe = docker("exec", self.name, "rabbitmq-diagnostics", "-q", "check_port_connectivity",
                           check=False, timeout=60)
            if probe.returncode == 0 and self._accepts():
                return
            time.sleep(1)
        logs = docker("logs", "--tail", "30", self.name, check=False).stdout
        raise TimeoutError(f"{self.name} did not start: {logs}")

    def _accepts(self) -> bool:
        try:
            pika.BlockingConnection(pika.URLParameters(self.amqp_url)).close()
            return True
        except pika.exceptions.AMQPError:
            return False

    def restart(self, *, timeout: float = 180) -> None:
        """Stop the broker (every connection drops, transient queues go) and start it again."""
        docker("restart", "-t", "10", self.name, timeout=timeout)
        self.wait_running(timeout=timeout)

    def remove(self) -> None:
        docker("rm", "-f", "-v", self.name, check=False, timeout=60)


@contextlib.contextmanager
def own_rabbit() -> Iterator[OwnRabbit]:
    broker = OwnRabbit().start()
    try:
        yield broker
    finally:
        broker.remove()


class Firehose:
    """Every message the broker routes, as it routes it (RabbitMQ's firehose tracer, on this broker only):
    published to any exchange, including the default one that carries replies and progress pieces."""

    def __init__(self, broker: OwnRabbit) -> None:
        broker.ctl("trace_on")
        self.connection = pika.BlockingConnection(pika.URLParameters(broker.amqp_url))
        self.channel = self.connection.channel()
        self.queue = self.channel.queue_declare("", exclusive=True).method.queue
        self.channel.queue_bind(self.queue, "amq.rabbitmq.trace", routing_key="publish.#")

    def drain(self) -> list[tuple[str, bytes]]:
        """(routing key: publish.<exchange>, body) of each message published since the last drain."""
        out = []
        while True:
            method, _props, body = self.channel.basic_get(self.queue, auto_ack=True)
            if method is None:
                return out
            out.append((method.routing_key, body))

    def close(self) -> None:
        with contextlib.suppress(pika.exceptions.AMQPError):
            self.connection.close()
