"""Local instances listen on 127.0.0.1: the gateway's default, compose's published port and deploy.local;
an address others can reach needs API keys or an explicit AUTH_DISABLED_ON_NETWORK=true."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from deploy.local import GATEWAY_METRICS, PORTS, LocalStack, ports_from
from pii_filter.settings import GatewaySettings
from tests.deploy.support import compose, service_env
from tests.support.gateway import DIGESTS, served
from tests.support.sockets import listening_addresses

OPEN = {"auth_disabled": True, "api_keys_sha256": ""}


def _settings(**values: object) -> GatewaySettings:
    return GatewaySettings(**values)  # type: ignore[arg-type]


def test_the_gateway_listens_on_localhost_by_default(monkeypatch):
    monkeypatch.delenv("HOST", raising=False)
    assert _settings(**OPEN).host == "127.0.0.1"
    assert _settings(api_keys_sha256=DIGESTS).host == "127.0.0.1"


@pytest.mark.parametrize("reachable", [{"host": "0.0.0.0"}, {"host": "::"}, {"host": "192.168.1.20"},
                                       {"host": "my-laptop.local"},
                                       {"host": "0.0.0.0", "published_host": "0.0.0.0"},
                                       {"host": "127.0.0.1", "published_host": "0.0.0.0"}])
def test_no_keys_where_others_can_connect_is_refused(reachable):
    with pytest.raises(ValidationError, match="AUTH_DISABLED_ON_NETWORK"):
        _settings(**OPEN, **reachable)
    assert _settings(**OPEN, **reachable, auth_disabled_on_network=True).auth_disabled
    assert _settings(api_keys_sha256=DIGESTS, **reachable).api_key_digests


@pytest.mark.parametrize("local", [{"host": "127.0.0.1"}, {"host": "localhost"}, {"host": "::1"},
                                   {"host": "0.0.0.0", "published_host": "127.0.0.1"}])
def test_no_keys_on_this_machine_only_is_allowed(local):
    assert _settings(**OPEN, **local).auth_disabled


def _compose_gateway_env(env: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    service = compose(env)["services"]["pii-filter"]
    return service_env(service), service["ports"]


def test_compose_publishes_on_localhost_and_a_wider_bind_needs_keys(monkeypatch):
    for variable in GatewaySettings.model_fields:
        monkeypatch.delenv(variable.upper(), raising=False)
    environment, ports = _compose_gateway_env({})
    assert ports == ["127.0.0.1:8080:8080"]
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    assert GatewaySettings().auth_disabled  # the default `docker compose up`: open, on this machine only

    environment, ports = _compose_gateway_env({"GATEWAY_BIND": "0.0.0.0"})
    assert ports == ["0.0.0.0:8080:8080"]
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError, match="AUTH_DISABLED_ON_NETWORK"):
        GatewaySettings()
    monkeypatch.setenv("AUTH_DISABLED", "false")
    monkeypatch.setenv("API_KEYS_SHA256", DIGESTS)
    assert GatewaySettings().published_host == "0.0.0.0"


@pytest.mark.integration
def test_the_real_server_binds_only_the_loopback_address(amqp_url, namespace):
    with served(amqp_url, namespace, **OPEN) as gw:
        assert gw.settings.host == "127.0.0.1"
        assert listening_addresses(gw.settings.port) == {"127.0.0.1"}
        assert httpx.get(f"{gw.url}/health", timeout=10).status_code == 200


def test_deploy_local_takes_every_port_from_the_environment():
    assert ports_from({}) == {name: default for name, (_var, default) in PORTS.items()}
    custom = {"GATEWAY_PORT": "18080", "GATEWAY_METRICS_PORT": "18085", "RAG_CORE_HEALTH_PORT": "18081",
              "LLM_CONNECTOR_HEALTH_PORT": "18082", "PSQL_WORKER_HEALTH_PORT": "18083"}
    ports = ports_from(custom)
    assert ports == {"pii_filter": 18080, GATEWAY_METRICS: 18085, "rag_core": 18081, "llm_connector": 18082,
                     "psql_worker": 18083}
    stack = LocalStack(env={}, ports=ports)
    gateway = stack.service_env("pii_filter")
    assert (gateway["PORT"], gateway["METRICS_PORT"], gateway["HOST"]) == ("18080", "18085", "127.0.0.1")
    assert "HEALTH_PORT" not in gateway
    for worker, port in (("rag_core", "18081"), ("llm_connector", "18082"), ("psql_worker", "18083")):
        env = stack.service_env(worker)
        assert (env["HEALTH_PORT"], env["HEALTH_HOST"]) == (port, "127.0.0.1")
    assert stack.gateway_url == "http://127.0.0.1:18080"
    for bad in ({"GATEWAY_PORT": "80a"}, {"GATEWAY_PORT": "70000"}, {"RAG_CORE_HEALTH_PORT": "8080"}):
        with pytest.raises(ValueError):
            ports_from(bad)
