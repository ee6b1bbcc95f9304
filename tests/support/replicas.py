"""Two of every live service as processes on one broker namespace, one database and one Redis prefix."""

from __future__ import annotations

import contextlib
import signal
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

from deploy.local import PORTS, LocalStack, free_port
from pii_filter.auth import digest
from tests.support.broker import AMQP_URL, delete_namespace
from tests.support.database import create_database, drop_database
from tests.support.redis_server import REDIS_URL, delete_under

KEYS = 24  # the burst spreads over 20 keys; the others are for the limit tests
RATE_LIMIT_PER_MINUTE = 60

REPLICAS = ("a", "b")
# the gateway last: it is ready only when every stage has a consumer
START_ORDER = ("psql_worker", "rag_core", "llm_connector", "pii_filter")


def api_key(n: int) -> str:
    return f"cra_scale-test-key-{n:04d}"


@dataclass
class Replicas:
    """Replica name -> its LocalStack (each runs one of every service), and the state they share."""

    stacks: dict[str, LocalStack]
    env: dict[str, str]
    namespace: str
    database_url: str
    log_dir: Path

    @property
    def gateways(self) -> dict[str, str]:
        return {name: stack.gateway_url for name, stack in self.stacks.items()}

    def kill(self, replica: str, service: str) -> None:
        """SIGKILL: no drain, no goodbye to the broker, the database or Redis."""
        self.stacks[replica].stop(service, sig=signal.SIGKILL, timeout=10)

    def rows(self) -> list[dict]:
        with psycopg.connect(self.database_url, row_factory=psycopg.rows.dict_row) as conn:
            return conn.execute("SELECT query_id, status, redacted_question, answer, error_code FROM queries"
                                ).fetchall()

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.rglob("*.log")))


@contextlib.contextmanager
def running_replicas(*, env: dict[str, str], log_dir: Path, keys: int, start_timeout: float = 300
                     ) -> Iterator[Replicas]:
    namespace = f"scale{uuid.uuid4().hex[:10]}"
    db_name = f"cr_scale_{uuid.uuid4().hex[:10]}"
    database_url = create_database(db_name)
    shared = {
        "AMQP_URL": AMQP_URL, "NAMESPACE": namespace, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL,
        "RATE_LIMIT_KEY_SECRET": uuid.uuid4().hex, "AUTH_DISABLED": "false",
        "API_KEYS_SHA256": ",".join(digest(api_key(n)) for n in range(keys)),
        **env,
    }
    stacks = {
        name: LocalStack(env=shared, log_dir=log_dir / name,
                         ports={port: free_port() for port in PORTS}, services=START_ORDER)
        for name in REPLICAS
    }
    try:
        for service in START_ORDER:  # one service at a time, both replicas: less contention on start-up
            for stack in stacks.values():
                stack.start(service)
            for stack in stacks.values():
                stack.wait_healthy(timeout=start_timeout, services=(service,))
        yield Replicas(stacks, shared, namespace, database_url, log_dir)
    finally:
        for stack in stacks.values():
            stack.stop_all()
        delete_namespace(AMQP_URL, namespace)
        delete_under(REDIS_URL, f"{namespace}:")
        drop_database(db_name)
