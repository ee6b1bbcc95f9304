"""In-process gateways on the real broker: a stand-in redactor and answer stage, optional real psql_worker.

The gateway app is the production one (create_app) with its real broker link; only the redactor (its
detection is tested in tests/pii_filter/test_redaction_*) and the stages behind the broker stand in.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi.testclient import TestClient

from common.failure_events import report_failure
from common.failures import FailureCode, PermanentFailure
from common.messages import Citation, QueryResult, RedactedQuery, TokenUsage
from common.rabbit.worker import Publish, Reply, Subscription, Worker
from common.settings import ServiceSettings
from common.topology import QUERY_RESULT, Topology
from deploy.local import free_port
from pii_filter.app import create_app
from pii_filter.auth import digest
from pii_filter.broker import GatewayBroker
from pii_filter.query_flow import RedactorLike
from pii_filter.records import QueryRecords
from pii_filter.settings import GatewaySettings
from tests.support.broker import running, wait_until

KEY = "cra_test-key-for-the-security-tests-0001"
OTHER_KEY = "cra_test-key-for-the-security-tests-0002"
OPERATOR = "cra_test-key-for-the-security-tests-0003"  # in OPERATOR_KEYS_SHA256 when a test sets it
DIGESTS = f"{digest(KEY)},{digest(OTHER_KEY)}"


PHONE = re.compile(r"\b\d{10}\b")


@dataclass
class PhoneRedaction:
    """Ten-digit numbers replaced by <PHONE_n>: enough to test the flow, not the detection."""

    redacted: str
    mapping: dict[str, str] = field(default_factory=dict)

    @property
    def entity_types(self) -> list[str]:
        return ["PHONE"] if self.mapping else []

    def restore(self, text: str) -> str:
        for placeholder, value in self.mapping.items():
            text = text.replace(placeholder, value)
        return text


class PhoneRedactor:
    def redact(self, text: str) -> PhoneRedaction:
        mapping: dict[str, str] = {}

        def swap(match: re.Match[str]) -> str:
            placeholder = f"<PHONE_{len(mapping) + 1}>"
            mapping[placeholder] = match.group(0)
            return placeholder

        return PhoneRedaction(PHONE.sub(swap, text), mapping)

    def redact_many(self, texts: list[str]) -> list[PhoneRedaction]:
        return [self.redact(text) for text in texts]


ANSWER = ("Under the Consumer Protection Act, 2019 you may file a complaint with the District Commission. "
          "You asked: ")


def answer_stage(cost_usd: float = 0.0, delay_s: float = 0.0):
    """Stands in for rag_core + llm_connector: ANSWER and the redacted question, names the provider asked
    for, costs `cost_usd`; "fail me" fails as the LLM would, "slow" takes 3 s; with `delay_s`, one
    answer at a time taking that long (a single busy worker slot)."""
    slot = threading.Lock()

    def handle(query: RedactedQuery) -> list[Publish]:
        if delay_s:
            with slot:
                time.sleep(delay_s)
        if "fail me" in query.redacted_question:
            raise PermanentFailure(FailureCode.LLM_ACCESS_DENIED, "The language model refused access.")
        if "slow" in query.redacted_question:
            time.sleep(3)
        extractive = query.llm_provider == "extractive"
        result = QueryResult(
            query_id=query.query_id, status="answered", answered=True,
            answer=ANSWER + query.redacted_question, redacted_question=query.redacted_question,
            model="extractive" if extractive else "stand-in-llm",
            provider="extractive" if extractive else "bedrock",
            usage=TokenUsage() if extractive else TokenUsage(input_tokens=1000, output_tokens=200,
                                                             cost_usd=cost_usd),
            citations=[Citation(source="guide.md", section="35", title="Complaints", page="", snippet="...")],
            submitted_at=query.submitted_at, pii_found=query.pii_found,
            timings_ms={"retrieve": 1.0, "llm": 2.0},
        )
        return [Publish(result, QUERY_RESULT)]

    return handle


@contextmanager
def persisting(
    amqp_url: str, namespace: str, database_url: str | None = None
) -> Iterator[list[Subscription]]:
    """psql_worker's part of the live path: the real psql_worker, running while inside, when
    `database_url` is given (no subscriptions to add); else the stand-in's subscriptions, which only
    reply, for the caller's own worker."""
    topology = Topology(namespace)
    if database_url is None:
        yield [
            Subscription(topology.psql_results, QueryResult, lambda r: [Reply(r)], stage="psql_worker"),
            Subscription(topology.psql_accepted, RedactedQuery, lambda q: [], stage="psql_worker"),
        ]
        return
    from psql_worker.service import build
    from psql_worker.settings import PersistenceSettings

    stop = threading.Event()
    persistence = PersistenceSettings(amqp_url=amqp_url, namespace=namespace,
                                      database_url=database_url, health_port=0,
                                      database_retry_max_delay_s=0.5)
    persist_worker, database = build(persistence, stop=stop, name=f"psql-{namespace}")
    with ExitStack() as stack:
        stack.callback(database.close)
        stack.enter_context(running(persist_worker))
        stack.callback(stop.set)  # first on the way out: ends database retries in flight
        yield []


@contextmanager
def running_stages(
    amqp_url: str, namespace: str, *, cost_usd: float = 0.0, database_url: str | None = None,
    answer_delay_s: float = 0.0,
) -> Iterator[None]:
    """The answer stand-in (with the live path's failure policy) and a consumer on every live-path queue,
    plus the real psql_worker when `database_url` is given (else a stand-in that only replies)."""
    topology = Topology(namespace)
    settings = ServiceSettings(amqp_url=amqp_url, namespace=namespace)
    subs = [
        Subscription(topology.rag_queries, RedactedQuery, answer_stage(cost_usd, answer_delay_s),
                     stage="rag_core"),
        Subscription(topology.llm_prompts, RedactedQuery, lambda q: [], stage="llm_connector"),
    ]
    with persisting(amqp_url, namespace, database_url) as persistence_subs:
        worker = Worker(settings=settings, subscriptions=subs + persistence_subs, name=f"stages-{namespace}",
                        on_failure=report_failure)
        with running(worker):
            yield


def gateway_settings(amqp_url: str, namespace: str, **overrides: object) -> GatewaySettings:
    """API keys on (KEY, OTHER_KEY) unless overridden."""
    values: dict[str, object] = {"amqp_url": amqp_url, "namespace": namespace, "api_keys_sha256": DIGESTS,
                                 "answer_timeout_s": 10.0, "metrics_port": free_port()}
    values.update(overrides)
    return GatewaySettings(**values)  # type: ignore[arg-type]


@contextmanager
def gateway(
    amqp_url: str, namespace: str, *, instance: str = "sec", client: tuple[str, int] = ("203.0.113.7", 5000),
    redactor: RedactorLike | None = None, wait_for_broker: bool = True, **overrides: object,
) -> Iterator[TestClient]:
    """A gateway app (its own broker connection and reply queue) in a started TestClient: lifespan and
    requests on one event loop, as under uvicorn. Records (and the spend cap) need `database_url`; its
    /metrics (on its own port, as in production) is at `metrics(client)`."""
    settings = gateway_settings(amqp_url, namespace, **overrides)
    broker = GatewayBroker(amqp_url=settings.amqp_url, topology=settings.topology, instance_id=instance,
                           reconnect_max_delay_s=1)
    records = QueryRecords(database_url=settings.database_url, pool_size=2) if "database_url" in overrides \
        else None
    app = create_app(settings=settings, redactor=redactor or PhoneRedactor(), broker=broker, records=records)
    with TestClient(app, raise_server_exceptions=False, client=client) as c:
        if wait_for_broker:
            wait_until(lambda: broker.connected, message="gateway connected to the broker")
        c.metrics_url = f"http://{settings.metrics_host}:{settings.metrics_port}/metrics"  # type: ignore[attr-defined]
        yield c


def metrics(client: TestClient) -> str:
    """What the gateway's metrics port serves (the public app has no /metrics)."""
    return httpx.get(client.metrics_url, timeout=5).text  # type: ignore[attr-defined]


def auth(key: str = KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@contextmanager
def serving(app: Any, settings: GatewaySettings) -> Iterator[str]:
    """Serve `app` with pii_filter.server's uvicorn configuration in a thread, as `python -m pii_filter`
    does (one event loop for the lifespan and every request); yields its base URL."""
    import uvicorn

    from pii_filter.server import server_config

    server = uvicorn.Server(server_config(settings, app))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{settings.port}", daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started or not thread.is_alive(), timeout=60, message="uvicorn started")
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{settings.port}"
    finally:
        server.should_exit = True
        thread.join(30)


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
    amqp_url: str, namespace: str, *, instance: str = "served", redactor: RedactorLike | None = None,
    **overrides: object,
) -> Iterator[Served]:
    """A gateway app (the stand-in redactor unless one is given) served by uvicorn in a thread; stopped
    after the block."""
    settings = gateway_settings(amqp_url, namespace, port=free_port(), **overrides)
    broker = GatewayBroker(amqp_url=settings.amqp_url, topology=settings.topology, instance_id=instance,
                           reconnect_max_delay_s=1)
    records = QueryRecords(database_url=settings.database_url, pool_size=2) if "database_url" in overrides \
        else None
    app = create_app(settings=settings, redactor=redactor or PhoneRedactor(), broker=broker, records=records)
    with serving(app, settings):
        wait_until(lambda: broker.connected, message="gateway connected to the broker")
        yield Served(settings, broker)
