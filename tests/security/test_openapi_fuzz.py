"""Fuzz the HTTP API from its own OpenAPI schema: no 5xx and every response matches the schema.

The gateway runs in-process under uvicorn (as in production) with API keys on, against the real
RabbitMQ, stand-in stages and a migrated PostgreSQL for the records; schemathesis sends its requests
over HTTP. Bounded and derandomized, so CI runs the same examples every time (30 per operation and mode).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from deploy.local import free_port
from pii_filter.app import create_app
from pii_filter.broker import GatewayBroker
from pii_filter.records import QueryRecords
from psql_worker.migrate import apply_migrations
from tests.support.broker import AMQP_URL, delete_namespace, wait_until
from tests.support.database import PG_ADMIN_URL, create_database, drop_database
from tests.support.gateway import KEY, PhoneRedactor, gateway_settings, running_stages, serving

pytestmark = pytest.mark.integration

STATUSES: Counter[tuple[str, int]] = Counter()


# schemathesis parametrizes at collection time, so the app is built at import; nothing connects until
# the module fixture below serves it (the lifespan starts the broker link) and the records pool opens
# on first use.
NAMESPACE = f"t{uuid.uuid4().hex[:10]}"
DB_NAME = f"cr_test_{uuid.uuid4().hex[:10]}"
DATABASE_URL = f"{PG_ADMIN_URL.rpartition('/')[0]}/{DB_NAME}"
CONFIG = gateway_settings(AMQP_URL, NAMESPACE, database_url=DATABASE_URL, rate_limit="100000/minute",
                          answer_timeout_s=5.0, port=free_port())
BROKER = GatewayBroker(amqp_url=AMQP_URL, topology=CONFIG.topology, instance_id="fuzz",
                       reconnect_max_delay_s=1)
APP = create_app(settings=CONFIG, redactor=PhoneRedactor(), broker=BROKER,
                 records=QueryRecords(database_url=DATABASE_URL, pool_size=2))


@pytest.fixture(scope="module")
def gateway_url() -> Iterator[str]:
    """The database, the stand-in stages and the served app for the whole module."""
    assert create_database(DB_NAME) == DATABASE_URL
    try:
        apply_migrations(DATABASE_URL)
        with running_stages(AMQP_URL, NAMESPACE), serving(APP, CONFIG) as url:
            wait_until(BROKER.ready, message="gateway ready")
            yield url
    finally:
        delete_namespace(AMQP_URL, NAMESPACE)
        drop_database(DB_NAME)


schema = schemathesis.openapi.from_dict(APP.openapi())
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@schema.parametrize()
@settings(max_examples=30, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, gateway_url):
    response = case.call_and_validate(
        base_url=gateway_url,
        headers={"Authorization": f"Bearer {KEY}", "X-API-Key": KEY},
        checks=[not_a_server_error, response_schema_conformance],
    )
    STATUSES[(f"{case.method} {case.path}", response.status_code)] += 1


def test_the_fuzzing_reached_the_answer_path():
    """Guards the test above against passing vacuously (for example, every request refused 401)."""
    assert STATUSES[("POST /query", 200)] >= 5, STATUSES
    assert STATUSES[("POST /query", 422)] >= 1, STATUSES
    assert not any(status >= 500 for _op, status in STATUSES), STATUSES
    assert not any(status == 401 for _op, status in STATUSES), STATUSES
