"""In-process gateways for the security tests: real broker, stand-in answer stage, optional psql_worker."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from fastapi.testclient import TestClient

from common.failure_events import report_failure
from common.messages import Citation, QueryResult, RedactedQuery, TokenUsage
from common.rabbit.worker import Publish, Reply, Subscription, Worker
from common.settings import ServiceSettings
from common.topology import QUERY_RESULT, Topology
from deploy.local import free_port
from pii_filter.app import create_app
from pii_filter.auth import digest
from pii_filter.broker import GatewayBroker
from pii_filter.records import QueryRecords
from pii_filter.settings import GatewaySettings
from tests.support.broker import wait_until

KEY = "cra_test-key-for-the-security-tests-0001"
OTHER_KEY = "cra_test-key-for-the-security-tests-0002"
OPERATOR = "cra_test-key-for-the-security-tests-0003"  # in OPERATOR_KEYS_SHA256 when a test sets it
DIGESTS = f"{digest(KEY)},{digest(OTHER_KEY)}"


@dataclass(frozen=True)
class PlainRedaction:
    """No personal data in these tests' questions: the text goes through unchanged."""

    redacted: str

    @property
    def entity_types(self) -> list[str]:
        return []

    def restore(self, text: str) -> str:
        return text


class PlainRedactor:
    def redact(self, text: str) -> PlainRedaction:
        return PlainRedaction(text)

    def redact_many(self, texts: list[str]) -> list[PlainRedaction]:
        return [PlainRedaction(text) for text in texts]


def answer_stage(cost_usd: float, delay_s: float = 0.0):
    """Stands in for rag_core + llm_connector: answers, names the provider asked for, costs `cost_usd`;
    with `delay_s`, one answer at a time taking that long (a single busy worker slot)."""
    slot = threading.Lock()

    def handle(query: RedactedQuery) -> list[Publish]:
        if delay_s:
            with slot:
                time.sleep(delay_s)
        extractive = query.llm_provider == "extractive"
        result = QueryResult(
            query_id=query.query_id, status="answered", answered=True,
            answer="Under the Consumer Protection Act, 2019 you may file a complaint with the District "
            "Commission.", redacted_question=query.redacted_question,
            model="extractive" if extractive else "stand-in-llm",
            provider="extractive" if extractive else "bedrock",
            usage=TokenUsage() if extractive else TokenUsage(input_tokens=1000, output_tokens=200,
                                                             cost_usd=cost_usd),
            citations=[Citation(source="guide.md", section="35", title="Complaints", page="", snippet="...")],
            submitted_at=query.submitted_at, pii_found=query.pii_found,
        )
        return [Publish(result, QUERY_RESULT)]

    return handle


@contextmanager
def running_stages(
    amqp_url: str, namespace: str, *, cost_usd: float = 0.0, database_url: str | None = None,
    answer_delay_s: float = 0.0,
) -> Iterator[None]:
    """The answer stand-in, plus the real psql_worker when `database_url` is given (else a reply-only one)."""
    topology = Topology(namespace)
    settings = ServiceSettings(amqp_url=amqp_url, namespace=namespace)
    subs = [
        Subscription(topology.rag_queries, RedactedQuery, answer_stage(cost_usd, answer_delay_s),
                     stage="rag_core"),
        Subscription(topology.llm_prompts, RedactedQuery, lambda q: [], stage="llm_connector"),
    ]
    workers = []
    stop = threading.Event()
    database = None
    if database_url is None:
        subs += [
            Subscription(topology.psql_results, QueryResult, lambda r: [Reply(r)], stage="psql_worker"),
            Subscription(topology.psql_accepted, RedactedQuery, lambda q: [], stage="psql_worker"),
        ]
    else:
        from psql_worker.service import build
        from psql_worker.settings import PersistenceSettings

        persistence = PersistenceSettings(amqp_url=amqp_url, namespace=namespace, database_url=database_url,
                                          health_port=0, database_retry_max_delay_s=0.5)
        persist_worker, database = build(persistence, stop=stop, name=f"psql-{namespace}")
        workers.append(persist_worker)
    workers.append(Worker(settings=settings, subscriptions=subs, name=f"stages-{namespace}",
                          on_failure=report_failure))
    threads = [threading.Thread(target=w.run, kwargs={"install_signal_handlers": False}, daemon=True)
               for w in workers]
    for t in threads:
        t.start()
    for w in workers:
        wait_until(lambda w=w: w.readiness()["ok"], message="stand-in stages consuming")
    try:
        yield
    finally:
        stop.set()
        for w in workers:
            w.stop()
        for t in threads:
            t.join(10)
        if database is not None:
            database.close()


def gateway_settings(amqp_url: str, namespace: str, **overrides: object) -> GatewaySettings:
    values: dict[str, object] = {"amqp_url": amqp_url, "namespace": namespace, "api_keys_sha256": DIGESTS,
                                 "answer_timeout_s": 10.0, "metrics_port": free_port()}
    values.update(overrides)
    return GatewaySettings(**values)  # type: ignore[arg-type]


@contextmanager
def gateway(
    amqp_url: str, namespace: str, *, instance: str = "sec", client: tuple[str, int] = ("203.0.113.7", 5000),
    **overrides: object,
) -> Iterator[TestClient]:
    """A gateway app (its own broker connection and reply queue) in a started TestClient; its /metrics
    (on its own port, as in production) is at `metrics(client)`."""
    settings = gateway_settings(amqp_url, namespace, **overrides)
    broker = GatewayBroker(amqp_url=settings.amqp_url, topology=settings.topology, instance_id=instance,
                           reconnect_max_delay_s=1)
    records = QueryRecords(database_url=settings.database_url, pool_size=2) if "database_url" in overrides \
        else None
    app = create_app(settings=settings, redactor=PlainRedactor(), broker=broker, records=records)
    with TestClient(app, raise_server_exceptions=False, client=client) as c:
        wait_until(lambda: broker.connected, message="gateway connected to the broker")
        c.metrics_url = f"http://{settings.metrics_host}:{settings.metrics_port}/metrics"  # type: ignore[attr-defined]
        yield c


def metrics(client: TestClient) -> str:
    """What the gateway's metrics port serves (the public app has no /metrics)."""
    return httpx.get(client.metrics_url, timeout=5).text  # type: ignore[attr-defined]


def auth(key: str = KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@dataclass
class Served:
    """A gateway behind the real uvicorn server on 127.0.0.1 (what `python -m pii_filter` runs)."""

    settings: GatewaySettings
    broker: GatewayBroker

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    def metrics(self) -> str:
        return httpx.get(f"http://127.0.0.1:{self.settings.metrics_port}/metrics", timeout=5).text


@contextmanager
def served(
    amqp_url: str, namespace: str, *, instance: str = "served", redactor: object | None = None,
    **overrides: object,
) -> Iterator[Served]:
    """Serve a gateway app with pii_filter.server's uvicorn configuration in a thread; stop it after."""
    import uvicorn

    from pii_filter.server import server_config

    settings = gateway_settings(amqp_url, namespace, port=free_port(), **overrides)
    broker = GatewayBroker(amqp_url=settings.amqp_url, topology=settings.topology, instance_id=instance,
                           reconnect_max_delay_s=1)
    records = QueryRecords(database_url=settings.database_url, pool_size=2) if "database_url" in overrides \
        else None
    app = create_app(settings=settings, redactor=redactor or PlainRedactor(),  # type: ignore[arg-type]
                     broker=broker, records=records)
    server = uvicorn.Server(server_config(settings, app))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{instance}", daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started, message="uvicorn started")
        wait_until(lambda: broker.connected, message="gateway connected to the broker")
        yield Served(settings, broker)
    finally:
        server.should_exit = True
        thread.join(30)
