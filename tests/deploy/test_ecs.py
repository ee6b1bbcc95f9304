"""deploy/ecs: rendered task definitions against botocore's API models, Fargate sizes, compose parity."""

from __future__ import annotations

import copy
import inspect
import json
import re
from pathlib import Path
from typing import Any

import pytest

from deploy.ecs import fargate, render, validate
from tests.deploy.support import (
    LOCAL_ONLY_ENV,
    VALUES_EXAMPLE,
    compose,
    dockerfile_env,
    env_names,
    image_for,
    is_one_shot,
    python_module,
    service_env,
    settings_class_for,
)

# compose services that AWS provides as a managed service instead of a container
MANAGED_IN_AWS = {"postgres": "Amazon RDS for PostgreSQL (DATABASE_URL secret)"}
LIVE_CONTAINERS = {"pii-filter", "rag-core", "llm-connector", "psql-worker", "rabbitmq"}


def _values() -> dict[str, Any]:
    return json.loads(VALUES_EXAMPLE.read_text())  # type: ignore[no-any-return]


class _Plan:
    """The rendered templates: both task definitions and the pipeline's RunTask request."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.rendered = render.render_all(values)
        self.live = self.rendered["live_task_definition"]
        self.pipeline = self.rendered["pipeline_task_definition"]


def build_plan(values: dict[str, Any]) -> _Plan:
    return _Plan(values)


@pytest.fixture(scope="module")
def plan() -> Any:
    return build_plan(_values())


def _containers(plan: Any) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for td in (plan.live, plan.pipeline) for c in td["containerDefinitions"]}


def _names(container: dict[str, Any]) -> tuple[set[str], set[str]]:
    return (
        {e["name"] for e in container.get("environment", [])},
        {s["name"] for s in container.get("secrets", [])},
    )


# -- rendering ---------------------------------------------------------------------------------------------


def test_render_fills_every_placeholder_and_types_lists(plan: Any) -> None:
    assert render.placeholders(plan.rendered) == set()
    subnets = plan.rendered["run_pipeline"]["networkConfiguration"]["awsvpcConfiguration"]["subnets"]
    assert subnets == _values()["SUBNET_IDS"]
    rabbit = next(c for c in plan.live["containerDefinitions"] if c["name"] == "rabbitmq")
    assert {s["valueFrom"] for s in rabbit["secrets"]} == {
        _values()["RABBITMQ_SECRET_ARN"] + ":username::",
        _values()["RABBITMQ_SECRET_ARN"] + ":password::",
    }


def test_render_refuses_missing_unused_and_mistyped_values() -> None:
    values = _values()
    with pytest.raises(render.RenderError, match=r"no value for: .*EFS_ACCESS_POINT_ID"):
        render.render_all({k: v for k, v in values.items() if k != "EFS_ACCESS_POINT_ID"})
    with pytest.raises(render.RenderError, match="not used by any template: IMAGE_TAGG"):
        render.render_all({**values, "IMAGE_TAGG": "x"})
    with pytest.raises(render.RenderError, match="must be a string"):
        render.render({"image": "repo:${IMAGE_TAG}"}, {"IMAGE_TAG": ["a"]})


def test_environment_overrides_values(tmp_path: Path) -> None:
    path = tmp_path / "values.json"
    path.write_text(VALUES_EXAMPLE.read_text())
    values = render.load_values(path, {"CR_IMAGE_TAG": "v2", "IMAGE_TAG": "ignored"})
    assert values["IMAGE_TAG"] == "v2"


def test_render_cli_writes_every_document(tmp_path: Path) -> None:
    assert render.main(["--values", str(VALUES_EXAMPLE), "--out", str(tmp_path)]) == 0
    written = {p.name for p in tmp_path.iterdir()}
    assert written == {p.name for p in render.TEMPLATE_FILES.values()}
    assert (
        json.loads((tmp_path / "live-inference.json").read_text())["family"]
        == "consumer-rights-live-inference"
    )


# -- the AWS API models ------------------------------------------------------------------------------------


def test_every_request_passes_botocore_validation(plan: Any) -> None:
    calls = [
        ("RegisterTaskDefinition", plan.live),
        ("RegisterTaskDefinition", plan.pipeline),
        ("RunTask", plan.rendered["run_pipeline"]),
    ]
    for operation, params in calls:
        assert validate.problems("ecs", operation, params) == [], operation


def test_validation_refuses_what_aws_would_reject(plan: Any) -> None:
    broken = copy.deepcopy(plan.rendered["run_pipeline"])
    broken["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] = "SOMETIMES"
    assert any("SOMETIMES" in p for p in validate.problems("ecs", "RunTask", broken))


def test_validation_catches_type_and_enum_mistakes(plan: Any) -> None:
    broken = copy.deepcopy(plan.live)
    broken["containerDefinitions"][0]["dependsOn"][0]["condition"] = "READY"
    broken["containerDefinitions"][0]["logConfiguration"]["logDriver"] = "cloudwatch"
    broken["volumes"][0]["efsVolumeConfiguration"]["transitEncryption"] = "ON"
    broken["containerDefinitions"][1]["memory"] = "704"
    problems = validate.problems("ecs", "RegisterTaskDefinition", broken)
    assert any("READY" in p for p in problems)
    assert any("cloudwatch" in p for p in problems)
    assert any("'ON'" in p for p in problems)
    assert any("memory" in p and "type" in p.lower() for p in problems)


def test_enum_values_come_from_the_model(plan: Any) -> None:
    model = validate.operation_model("ecs", "RegisterTaskDefinition").input_shape
    container = model.members["containerDefinitions"].member
    conditions = container.members["dependsOn"].member.members["condition"].enum
    drivers = container.members["logConfiguration"].members["logDriver"].enum
    for definition in plan.live["containerDefinitions"]:
        for dependency in definition.get("dependsOn", []):
            assert dependency["condition"] in conditions
        assert definition["logConfiguration"]["logDriver"] in drivers


# -- Fargate sizes and memory ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cpu", "memory", "valid"),
    [
        (256, 512, True),
        (256, 4096, False),
        (1024, 2048, True),
        (1024, 1024, False),
        (1536, 2048, False),
        (2048, 4096, True),
        (2048, 2048, False),
        (4096, 30720, True),
        (8192, 20480, True),
        (8192, 18432, False),
        (16384, 122880, True),
        (3072, 8192, False),
    ],
)
def test_fargate_size_table(cpu: int, memory: int, valid: bool) -> None:
    assert fargate.is_valid_fargate_size(cpu, memory) is valid


def test_task_sizes_are_valid_fargate_sizes(plan: Any) -> None:
    for task_definition in (plan.live, plan.pipeline):
        assert fargate.is_valid_fargate_size(int(task_definition["cpu"]), int(task_definition["memory"]))
        assert fargate.size_problems(task_definition) == []


def test_the_plans_draft_size_is_refused_before_aws_is_called() -> None:
    """1.5 vCPU is not a Fargate size: AWS answers 'No Fargate configuration exists for given values'."""
    draft = {**build_plan(_values()).live, "cpu": "1536"}
    assert any("not a Fargate size" in p for p in fargate.size_problems(draft))


def test_live_path_fits_the_task_memory_with_room_to_spare(plan: Any) -> None:
    task_memory = int(plan.live["memory"])
    containers = plan.live["containerDefinitions"]
    assert sum(c["memory"] for c in containers) <= task_memory
    assert sum(c["memoryReservation"] for c in containers) <= 0.8 * task_memory
    assert sum(c["cpu"] for c in containers) <= int(plan.live["cpu"])
    memory = {c["name"]: c["memory"] for c in containers}
    assert memory["rag-core"] >= 512 and memory["pii-filter"] >= 512, "embedding model / spaCy + Presidio"


# -- what the issue asks of the task definition ----------------------------------------------------------


def test_live_task_definition_shape(plan: Any) -> None:
    live = plan.live
    assert live["family"] == "consumer-rights-live-inference"
    assert live["networkMode"] == "awsvpc" and live["requiresCompatibilities"] == ["FARGATE"]
    assert {c["name"] for c in live["containerDefinitions"]} == LIVE_CONTAINERS
    efs = live["volumes"][0]["efsVolumeConfiguration"]
    assert efs["transitEncryption"] == "ENABLED"
    assert efs["authorizationConfig"]["iam"] == "ENABLED" and efs["authorizationConfig"]["accessPointId"]
    assert efs.get("rootDirectory", "/") == "/", (
        "with an access point the root directory is the access point's"
    )
    assert live["taskRoleArn"].startswith("arn:aws:iam::") and live["executionRoleArn"].startswith(
        "arn:aws:iam::"
    )


def test_every_container_logs_to_cloudwatch_and_has_a_health_check(plan: Any) -> None:
    from common.rabbit.worker import Worker

    drain = inspect.signature(Worker.__init__).parameters["drain_timeout_s"].default
    for td in (plan.live, plan.pipeline):
        for container in td["containerDefinitions"]:
            options = container["logConfiguration"]["options"]
            assert container["logConfiguration"]["logDriver"] == "awslogs"
            assert options["awslogs-group"] == "/ecs/consumer-rights"
            assert options["awslogs-region"] == "ap-south-1"
            assert options["awslogs-stream-prefix"] == container["name"]
            assert drain < container["stopTimeout"] <= 30, container["name"]
            if td is plan.live:
                check = container["healthCheck"]
                assert check["command"][0] in ("CMD", "CMD-SHELL") and check["timeout"] >= 3
                if container["name"] != "rabbitmq":
                    assert {"containerName": "rabbitmq", "condition": "HEALTHY"} in container["dependsOn"]


def test_secrets_come_from_secrets_manager_and_no_access_keys(plan: Any) -> None:
    for td in (plan.live, plan.pipeline):
        for container in td["containerDefinitions"]:
            environment, secrets = _names(container)
            assert not (
                {"AMQP_URL", "DATABASE_URL", "API_KEYS_SHA256", "RABBITMQ_DEFAULT_PASS"} & environment
            )
            assert not (LOCAL_ONLY_ENV & (environment | secrets)), "Bedrock is reached through the task role"
            for secret in container.get("secrets", []):
                assert re.match(r"arn:aws:secretsmanager:ap-south-1:\d{12}:secret:", secret["valueFrom"])
            for entry in container.get("environment", []):
                assert not re.search(r"://[^/@]+:[^/@]+@", entry["value"]), f"credentials in {entry['name']}"
    gateway = _containers(plan)["pii-filter"]
    environment, secrets = _names(gateway)
    assert {"AMQP_URL", "DATABASE_URL", "API_KEYS_SHA256"} <= secrets
    assert {"name": "AUTH_DISABLED", "value": "false"} in gateway["environment"]


def test_pipeline_task_writes_a_snapshot_to_efs(plan: Any) -> None:
    pipeline = plan.pipeline
    assert pipeline["family"] == plan.rendered["run_pipeline"]["taskDefinition"]
    (container,) = pipeline["containerDefinitions"]
    assert container["command"][:3] == ["python", "-m", "embedder.ingest"]
    assert container["mountPoints"][0]["readOnly"] is False
    assert pipeline["volumes"] == plan.live["volumes"], "the same EFS access point as rag-core reads"


def test_only_the_pipeline_mounts_the_index_writable(plan: Any) -> None:
    """rag-core reads published snapshots and writes none (tests/rag_core/test_read_only_snapshot.py)."""
    mounts = {c["name"]: c.get("mountPoints", []) for c in plan.live["containerDefinitions"]}
    assert {name for name, points in mounts.items() if points} == {"rag-core"}
    assert [m["readOnly"] for m in mounts["rag-core"]] == [True]


# -- parity with docker-compose ------------------------------------------------------------------------------


def _compose_to_container() -> dict[str, str]:
    """Compose service -> ECS container name, for everything `docker compose up` runs."""
    services = compose()["services"]
    default = {n for n, s in services.items() if "profiles" not in s}
    return {n: n for n in default - set(MANAGED_IN_AWS)}


def test_every_container_compose_runs_is_in_a_task_definition(plan: Any) -> None:
    containers = _containers(plan)
    missing = set(_compose_to_container().values()) - set(containers)
    assert not missing, f"compose runs {sorted(missing)}, which no task definition has"


@pytest.mark.parametrize("name", sorted(_compose_to_container()))
def test_compose_and_ecs_use_the_same_environment_names(plan: Any, name: str) -> None:
    service = compose()["services"][name]
    container = _containers(plan)[_compose_to_container()[name]]
    environment, secrets = _names(container)
    local = set(service_env(service)) - LOCAL_ONLY_ENV
    assert local == environment | secrets
    assert not environment & secrets
    if service.get("build"):
        module = python_module(service) or ""
        command = " ".join(container.get("command") or [])
        ecs_module = (
            re.search(r"-m ([\w.]+)", command).group(1) if command else dockerfile_cmd_module(service)
        )  # type: ignore[union-attr]
        assert module == ecs_module, f"compose runs {module}, ECS runs {ecs_module}"
        settings = settings_class_for(module)
        assert (environment | secrets) <= env_names(settings)
    if not is_one_shot(name, compose()["services"]):
        assert service["healthcheck"]["test"] == container["healthCheck"]["command"]
    limit = service.get("mem_limit")
    if limit:
        assert int(limit.rstrip("m")) == container["memory"], "same memory limit locally as in ECS"
    same_task = next(
        {c["name"] for c in td["containerDefinitions"]}
        for td in (plan.live, plan.pipeline)
        if container in td["containerDefinitions"]
    )
    dependencies = {d for d in service.get("depends_on", {}) if d in same_task}
    assert dependencies == {d["containerName"] for d in container.get("dependsOn", [])}


def dockerfile_cmd_module(service: dict[str, Any]) -> str:
    from tests.deploy.support import dockerfile_cmd

    return re.search(r"-m ([\w.]+)", " ".join(dockerfile_cmd(image_for(service)))).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "name", sorted(n for n in _compose_to_container() if compose()["services"][n].get("build"))
)
def test_settings_accept_the_ecs_environment(plan: Any, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With production settings and realistic secret values every service would start."""
    service = compose()["services"][name]
    container = _containers(plan)[name]
    settings = settings_class_for(python_module(service) or "")
    secret_values = {
        "AMQP_URL": "amqp://consumer_rights:s3cret@127.0.0.1:5672/%2F",
        "DATABASE_URL": "postgresql://consumer_rights:s3cret@db.example.internal:5432/consumer_rights",
        "API_KEYS_SHA256": "a" * 64,
        "PAGE_TOKEN_SECRET": "p" * 48,  # as Secrets Manager generates it: 48 characters
    }
    for variable in env_names(settings):
        monkeypatch.delenv(variable, raising=False)
    for key, value in dockerfile_env(image_for(service)).items():
        monkeypatch.setenv(key, value)
    for entry in container.get("environment", []):
        monkeypatch.setenv(entry["name"], entry["value"])
    for secret in container.get("secrets", []):
        monkeypatch.setenv(secret["name"], secret_values[secret["name"]])
    loaded = settings()
    if any(e["name"] == "ENVIRONMENT" for e in container.get("environment", [])):
        assert loaded.environment == "production"  # type: ignore[attr-defined]
