"""docker-compose.yml against the Compose specification, the Dockerfile and the services' settings."""

from __future__ import annotations

import copy
import inspect
import json
import re
from typing import Any

import jsonschema
import pytest

from tests.deploy.support import (
    LIBRARY_ENV,
    ROOT,
    SCHEMA_FILE,
    THIRD_PARTY_ENV,
    compose,
    compose_variables,
    dockerfile_env,
    dockerfile_for,
    env_example,
    env_names,
    field_for_env,
    image_for,
    interpolate,
    is_one_shot,
    python_module,
    raw_compose,
    service_env,
    settings_class_for,
)

DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$")


def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_FILE.read_text())
    checker = jsonschema.FormatChecker()
    checker.checks("duration")(lambda value: not isinstance(value, str) or bool(DURATION.match(value)))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=checker)


SERVICES = compose()["services"]
BUILT = sorted(name for name, s in SERVICES.items() if s.get("build"))
LONG_RUNNING = sorted(name for name in SERVICES if not is_one_shot(name, SERVICES))


def _errors(document: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator().iter_errors(document)]


def test_compose_file_is_valid_against_the_compose_spec() -> None:
    assert _errors(compose()) == []
    assert _errors(compose(env_example())) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("services", "rag-core", "depends_on", "rabbitmq", "condition"), "service_ready"),
        (("services", "rabbitmq", "healthcheck", "interval"), "ten seconds"),
        (("services", "pii-filter", "helthcheck"), {"test": ["CMD", "true"]}),
    ],
)
def test_the_schema_check_catches_mistakes(path: tuple[str, ...], value: Any) -> None:
    document = copy.deepcopy(compose())
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert _errors(document)


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_has_a_healthcheck(name: str) -> None:
    healthcheck = SERVICES[name].get("healthcheck")
    assert healthcheck, f"{name} has no healthcheck"
    if healthcheck.get("disable"):
        assert is_one_shot(name, SERVICES), f"only one-shot jobs may disable the healthcheck, not {name}"
        return
    test = healthcheck["test"]
    assert isinstance(test, list) and test[0] in ("CMD", "CMD-SHELL")
    seconds = int(re.match(r"(\d+)s$", healthcheck["timeout"]).group(1))  # type: ignore[union-attr]
    assert seconds >= 3, "the probe itself waits up to 2 s"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_dependencies_wait_for_health_or_completion(name: str) -> None:
    depends_on = SERVICES[name].get("depends_on", {})
    assert isinstance(depends_on, dict), "use the long form with a condition"
    for dependency, spec in depends_on.items():
        assert dependency in SERVICES
        wanted = "service_completed_successfully" if is_one_shot(dependency, SERVICES) else "service_healthy"
        assert spec["condition"] == wanted, f"{name} -> {dependency}"
        if "profiles" in SERVICES[dependency]:
            assert SERVICES[name].get("profiles") == SERVICES[dependency]["profiles"], (
                f"{name} depends on {dependency}, which only runs under a profile"
            )


def test_default_up_runs_the_broker_database_live_services_and_ingest() -> None:
    default = {n for n, s in SERVICES.items() if "profiles" not in s}
    assert {"rabbitmq", "postgres", "pii-filter", "rag-core", "llm-connector", "psql-worker"} <= default
    modules = {python_module(SERVICES[n]) for n in default if SERVICES[n].get("build")}
    assert {"pii_filter", "rag_core", "llm_connector", "psql_worker", "embedder.ingest"} <= modules
    pipeline = {
        python_module(SERVICES[n]) for n, s in SERVICES.items() if "pipeline" in s.get("profiles", [])
    }
    assert {"chunker", "embedder"} <= pipeline
    assert SERVICES["rabbitmq"]["image"].endswith("-management")


def test_gateway_answers_on_localhost_8080() -> None:
    gateway = SERVICES["pii-filter"]
    assert "127.0.0.1:8080:8080" in gateway["ports"]  # this machine only, unless GATEWAY_BIND says more
    settings = settings_class_for(python_module(gateway) or "")
    assert settings.model_fields["port"].default == 8080
    assert gateway["healthcheck"]["test"][-1] == "http://127.0.0.1:8080/health"


@pytest.mark.parametrize("name", BUILT)
def test_built_service_has_a_dockerfile_and_an_entry_module(name: str) -> None:
    service = SERVICES[name]
    path = dockerfile_for(service)
    assert path is not None and path.is_file(), f"{name}: {path} missing"
    assert service["build"]["context"] == ".", "images are built from the repo root"
    module = python_module(service)
    assert module, f"{name} runs no `python -m` module"
    package = ROOT / module.split(".")[0]
    assert package.is_dir(), f"{name} runs {module}, which has no package"


@pytest.mark.parametrize("name", BUILT)
def test_environment_names_are_settings_the_service_reads(name: str) -> None:
    service = SERVICES[name]
    module = python_module(service) or ""
    settings = settings_class_for(module)
    reads = env_names(settings)
    env = service_env(service)
    unknown = set(env) - reads - LIBRARY_ENV.get(name, set())
    assert not unknown, f"{name} sets {sorted(unknown)}, which {settings.__name__} does not read"

    image_env = dockerfile_env(image_for(service))
    effective = {**image_env, **env}
    required = {f"{n}".upper() for n, f in settings.model_fields.items() if f.is_required()}
    assert required <= set(effective), f"{name} misses required settings {sorted(required - set(effective))}"
    if "database_url" in settings.model_fields:
        assert "DATABASE_URL" in env and "@postgres:5432/" in env["DATABASE_URL"]
    if "amqp_url" in settings.model_fields and name != "ingest":  # ingest builds the index in-process
        assert "AMQP_URL" in env and "@rabbitmq:5672/" in env["AMQP_URL"]
    if "index_dir" in settings.model_fields:
        index_dir = effective["INDEX_DIR"]
        mounts = [v.split(":") for v in service.get("volumes", [])]
        assert ["index", index_dir] in [m[:2] for m in mounts], (
            f"{name} must mount the index volume at {index_dir}"
        )


@pytest.mark.parametrize("name", [n for n in BUILT if n in LONG_RUNNING])
def test_worker_healthcheck_probes_the_port_the_service_serves(name: str) -> None:
    service = SERVICES[name]
    settings = settings_class_for(python_module(service) or "")
    test = service["healthcheck"]["test"]
    assert test[:4] == ["CMD", "python", "-m", "common.healthcheck"]
    if len(test) > 4:  # explicit URL (the gateway)
        port = int(re.search(r":(\d+)/", test[4]).group(1))  # type: ignore[union-attr]
        assert port in {
            settings.model_fields[f].default for f in ("port", "health_port") if f in settings.model_fields
        }
        return
    image_env = dockerfile_env(image_for(service))
    port = service_env(service).get("HEALTH_PORT") or image_env.get("HEALTH_PORT")
    assert port and int(port) > 0, f"{name}: the default probe needs HEALTH_PORT"
    ports = {int(service_env(SERVICES[n]).get("HEALTH_PORT", 0)) for n in LONG_RUNNING if n != name}
    assert int(port) not in ports, "health ports are unique (they share one network namespace in ECS)"


@pytest.mark.parametrize("name", BUILT)
def test_compose_defaults_match_the_settings_defaults(name: str) -> None:
    """A pass-through `KEY: ${KEY:-default}` must default to what the service would use anyway."""
    intentional = {"AUTH_DISABLED"}  # the local opt-out: on in compose, off in the service and ECS
    settings = settings_class_for(python_module(SERVICES[name]) or "")
    raw = raw_compose()["services"][name].get("environment", {})
    for key, value in raw.items():
        match = re.fullmatch(r"\$\{(\w+):-(.*)\}", str(value))
        if not match or match.group(1) != key or key in intentional:
            continue
        field = field_for_env(settings, key)
        if field is None:
            continue
        default = settings.model_fields[field].default
        if match.group(2) == "" and not default:
            continue
        assert str(default) == match.group(2), (
            f"{name}: {key} defaults to {match.group(2)!r}, service to {default!r}"
        )


@pytest.mark.parametrize("name", BUILT)
def test_settings_accept_the_compose_environment(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The services would start with exactly this environment (validators included)."""
    service = SERVICES[name]
    settings = settings_class_for(python_module(service) or "")
    for variable in env_names(settings):
        monkeypatch.delenv(variable, raising=False)
    image_env = dockerfile_env(image_for(service))
    for key, value in {**image_env, **service_env(service)}.items():
        monkeypatch.setenv(key, value)
    settings()


def test_without_aws_credentials_llm_connector_answers_offline(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    pytest.importorskip("llm_connector.provider")
    import boto3

    from llm_connector.provider import resolve_provider_name
    from llm_connector.settings import LlmSettings

    for key in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    def resolved(env: dict[str, str]) -> str:
        service_environment = service_env(compose(env)["services"]["llm-connector"])
        for key, value in service_environment.items():
            monkeypatch.setenv(key, value)
        return resolve_provider_name(LlmSettings(), session=boto3.Session())

    assert resolved({}) == "extractive"
    assert resolved({"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}) == "bedrock"


def test_env_example_documents_every_variable_compose_uses() -> None:
    documented = env_example()
    used = compose_variables()
    assert used == set(documented), (
        f"undocumented: {sorted(used - set(documented))}, unused: {sorted(set(documented) - used)}"
    )
    paragraphs = (ROOT / ".env.example").read_text().split("\n\n")
    for paragraph in paragraphs:
        lines = [line for line in paragraph.splitlines() if line.strip()]
        if any(not line.startswith("#") for line in lines):
            assert any(line.startswith("# ") for line in lines), f"explain these variables: {lines}"
    # the defaults in .env.example are the ones compose falls back to: copying it changes nothing
    assert compose(documented) == compose()


def test_third_party_images_get_only_their_documented_variables() -> None:
    for name, allowed in THIRD_PARTY_ENV.items():
        assert set(service_env(SERVICES[name])) <= allowed


def test_no_real_secrets_in_compose() -> None:
    for name, service in SERVICES.items():
        for key, value in service_env(service).items():
            if "PASS" in key or "SECRET" in key or "URL" in key:
                assert "local-dev-only" in value or value == "", f"{name}.{key} looks like a real secret"


def test_index_volume_is_written_by_the_pipeline_and_read_by_rag_core() -> None:
    assert "index" in compose()["volumes"]
    mounts = {
        n: [v for v in s.get("volumes", []) if v.startswith("index:")]
        for n, s in SERVICES.items()
    }
    writers = {n for n, m in mounts.items() if any(not v.endswith(":ro") for v in m)}
    assert writers == {"ingest", "embedder"}
    assert mounts["rag-core"] == ["index:/data/index:ro"]  # it never writes a snapshot (as in ECS)
    ingest = SERVICES["ingest"]
    script = " ".join(ingest["entrypoint"])
    assert "python -m embedder.ingest" in script and ingest["command"] == ["/app/knowledge"]
    assert (ROOT / "knowledge").is_dir() and any((ROOT / "knowledge").iterdir())


def test_ingest_runs_once_then_skips(tmp_path: Any) -> None:
    """The one-shot job's shell skips when `current` exists and ingests otherwise (python stubbed)."""
    import subprocess

    ingest = raw_compose()["services"]["ingest"]
    # as compose hands it to the container
    entrypoint = [interpolate(part, {}) for part in ingest["entrypoint"]]
    script = entrypoint[2].replace("exec python -m embedder.ingest", "echo INGEST")

    def run(env: dict[str, str]) -> str:
        return subprocess.run(
            ["sh", "-c", script, "ingest", *ingest["command"]],
            env={"PATH": "/usr/bin:/bin", **env},
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    env = {"INDEX_DIR": str(tmp_path)}
    assert "INGEST /app/knowledge" in run(env)
    (tmp_path / "current").write_text("20250101T000000Z-abcd1234\n")
    assert "skipping ingest" in run(env)
    assert "INGEST" in run({**env, "FORCE_INGEST": "1"})


def test_shutdown_grace_covers_the_workers_drain() -> None:
    from common.rabbit.worker import Worker

    drain = inspect.signature(Worker.__init__).parameters["drain_timeout_s"].default
    for name in LONG_RUNNING:
        grace = SERVICES[name].get("stop_grace_period", "10s")
        seconds = int(re.fullmatch(r"(\d+)s", grace).group(1))  # type: ignore[union-attr]
        assert drain < seconds <= 30, f"{name}: stop_grace_period {grace} vs drain {drain}s and ECS's 30 s"
