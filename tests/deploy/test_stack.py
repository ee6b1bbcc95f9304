"""The CloudFormation template: up to date with deploy/ecs/templates, cfn-lint and checkov clean, no drift."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import cfn_yaml

from deploy.aws import template
from deploy.ecs import fargate, validate
from deploy.ecs.render import load_values, render
from tests.deploy.support import VALUES_EXAMPLE

ROOT = Path(__file__).resolve().parents[2]
CHECKOV = ROOT / ".venv" / "tools" / "checkov"


def _stack() -> dict[str, Any]:
    return cfn_yaml.load(str(template.STACK))  # type: ignore[no-any-return]


def test_the_generated_block_is_up_to_date() -> None:
    assert template.main(["--check"]) == 0, "run python -m deploy.aws.template"


def test_cfn_lint_reports_nothing() -> None:
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("cfn-lint")),
            "--regions",
            "ap-south-1",
            "us-east-1",
            "--",
            str(template.STACK),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stdout == "", done.stdout
    ignored = [
        (name, check)
        for name, resource in _stack()["Resources"].items()
        for check in resource.get("Metadata", {})
        .get("cfn-lint", {})
        .get("config", {})
        .get("ignore_checks", [])
    ]
    assert ignored == [("Database", "W3691")], "every switched-off rule is named with its reason in the file"


@pytest.fixture(scope="session")
def checkov() -> Path:
    """checkov has its own venv under .venv/tools (`make tools`; `make test` installs it once)."""
    if subprocess.run(["make", "-s", "-q", "tools"], cwd=ROOT, check=False).returncode != 0:
        subprocess.run(["make", "-s", "tools"], cwd=ROOT, check=True)
    return CHECKOV / "bin" / "checkov"


def _checkov(binary: Path, path: Path, framework: str) -> dict[str, Any]:
    done = subprocess.run(
        [
            str(binary),
            "-f",
            str(path),
            "--framework",
            framework,
            "--skip-download",
            "-o",
            "json",
            "--compact",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"},  # no call to PyPI on each run
    )
    report = json.loads(done.stdout)
    return report["results"] if isinstance(report, dict) else report[0]["results"]  # type: ignore[no-any-return]


def test_checkov_fails_nothing_on_the_template_and_skips_only_with_reasons(checkov: Path) -> None:
    results = _checkov(checkov, template.STACK, "cloudformation")
    assert results["failed_checks"] == []
    skips = [
        skip
        for resource in _stack()["Resources"].values()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert len(skips) == len(results["skipped_checks"]) <= 8
    assert all(len(skip["comment"]) > 20 for skip in skips)


def test_checkov_fails_nothing_on_the_dockerfiles(checkov: Path) -> None:
    dockerfiles = sorted(p for p in ROOT.glob("**/Dockerfile*") if ".venv" not in p.parts)
    assert dockerfiles
    for path in dockerfiles:
        assert _checkov(checkov, path, "dockerfile")["failed_checks"] == [], path


# -- no drift: the template's task definitions are the rendered templates --------------------------------


def _api_document(properties: Any, shape: Any) -> Any:
    """CloudFormation properties back to ECS API members, matched by name in botocore's model."""
    if isinstance(properties, dict) and hasattr(shape, "members"):
        members = {name.lower(): (name, member) for name, member in shape.members.items()}
        out = {}
        for key, value in properties.items():
            name, member = members[key.lower()]
            out[name] = value if name == "options" else _api_document(value, member)
        return out
    if isinstance(properties, list):
        return [_api_document(item, getattr(shape, "member", None)) for item in properties]
    return properties


def _resolve(value: Any, names: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        if set(value) == {"Ref"}:
            return names[value["Ref"]]
        if set(value) == {"Fn::GetAtt"}:
            return names[".".join(value["Fn::GetAtt"])]
        if set(value) == {"Fn::Sub"}:
            text = value["Fn::Sub"]
            for name, resolved in names.items():
                text = text.replace("${" + name + "}", str(resolved))
            assert "${" not in text, text
            return text
        return {k: _resolve(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(item, names) for item in value]
    return value


@pytest.mark.parametrize(("resource", "document", "condition"), template.TASK_DEFINITIONS)
def test_task_definitions_in_the_template_equal_the_rendered_templates(
    resource: str, document: str, condition: str | None
) -> None:
    values = load_values(VALUES_EXAMPLE, {})
    names = {sub: values[placeholder] for placeholder, sub in template.SUB_NAMES.items()}
    resources = _stack()["Resources"]
    names |= {
        f"{name}.CidrBlock": r["Properties"]["CidrBlock"]
        for name, r in resources.items()
        if r["Type"] == "AWS::EC2::Subnet"
    }
    in_stack = resources[resource]
    assert in_stack.get("Condition") == condition
    shape = validate.operation_model("ecs", "RegisterTaskDefinition").input_shape
    from_stack = _resolve(_api_document(json.loads(json.dumps(in_stack["Properties"])), shape), names)
    rendered = render(template.task_definition_documents()[document], values)
    assert from_stack == rendered
    assert validate.problems("ecs", "RegisterTaskDefinition", from_stack) == []
    assert fargate.size_problems(from_stack) == []


def test_each_production_service_is_one_container_of_the_live_template() -> None:
    documents = template.task_definition_documents()
    live = {c["name"]: c for c in documents["live_task_definition"]["containerDefinitions"]}
    for container in template.PRODUCTION_SERVICES:
        (single,) = documents[f"production_{container}"]["containerDefinitions"]
        assert single["name"] == container and "dependsOn" not in single
        assert not {"cpu", "memory", "memoryReservation"} & set(single), "the container has the whole task"
        same = {
            k: v
            for k, v in live[container].items()
            if k not in ("dependsOn", "secrets", "cpu", "memory", "memoryReservation")
        }
        assert {k: v for k, v in single.items() if k != "secrets"} == same
        assert single["secrets"][: len(live[container]["secrets"])] == live[container]["secrets"]
    assert "rabbitmq" in live, "the sidecar stays in the minimal tier"


# -- what moto's CloudFormation does not carry, read from the template ---------------------------------------


def _statements(resources: dict[str, Any], role: str) -> list[dict[str, Any]]:
    return [s for p in resources[role]["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]


def test_each_production_service_starts_with_exactly_the_secrets_its_task_names() -> None:
    resources = _stack()["Resources"]
    refs = {v: k for k, v in template.SUB_NAMES.items()}
    for container, name in template.PRODUCTION_SERVICES.items():
        task = resources[f"{name}TaskDefinition"]["Properties"]
        assert task["ExecutionRoleArn"] == {"Fn::GetAtt": [f"{name}ExecutionRole", "Arn"]}
        statements = {s["Sid"]: s for s in _statements(resources, f"{name}ExecutionRole")}
        (pulled,) = statements["PullTheImage"]["Resource"]
        assert pulled["Fn::Sub"].endswith(f":repository/consumer-rights/{container}")
        named = {s["ValueFrom"]["Ref"] for c in task["ContainerDefinitions"] for s in c["Secrets"]}
        read = [r["Ref"] for r in statements["TaskSecrets"]["Resource"]]
        assert sorted(read) == sorted(named) and len(read) == len(set(read)), name
        assert all(refs[r].endswith("_SECRET_ARN") for r in read)
    reads = {
        name: sorted(
            r["Ref"]
            for r in {s["Sid"]: s for s in _statements(resources, f"{name}ExecutionRole")}["TaskSecrets"][
                "Resource"
            ]
        )
        for name in template.PRODUCTION_SERVICES.values()
    }
    assert reads == {
        "Gateway": [
            "AmqpUrlSecret",
            "ApiKeysSecret",
            "DatabaseUrlSecret",
            "PageTokenSecret",
            "RateLimitKeySecret",
            "RedisUrlSecret",
        ],
        "RagCore": ["AmqpUrlSecret"],
        "LlmConnector": ["AmqpUrlSecret", "RedisUrlSecret"],
        "PsqlWorker": ["AmqpUrlSecret", "DatabaseUrlSecret"],
    }


# -- what moto's CloudFormation does not carry, read from the template ---------------------------------------


def test_least_privilege_roles() -> None:
    resources = _stack()["Resources"]

    def statements(role: str) -> list[dict[str, Any]]:
        return _statements(resources, role)

    live = statements("LiveTaskRole")
    assert [sorted(s["Action"]) for s in live] == [
        ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],  # Converse and ConverseStream
        ["elasticfilesystem:ClientMount"],  # read-only: rag-core is the task's one reader of the index
    ]
    assert "foundation-model/${BedrockModelId}" in live[0]["Resource"]["Fn::Sub"]
    assert live[1]["Condition"]["StringEquals"]["elasticfilesystem:AccessPointArn"] == {
        "Fn::GetAtt": ["IndexAccessPoint", "Arn"]
    }
    assert [sorted(s["Action"]) for s in statements("PipelineTaskRole")] == [
        ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]  # the index's one writer
    ]
    assert statements("PipelineTaskRole")[0]["Condition"] == live[1]["Condition"]
    # production: the model for llm-connector only, the index for rag-core only, nothing for the others
    assert statements("LlmConnectorTaskRole") == [live[0]]
    assert statements("RagCoreTaskRole") == [live[1]]
    tasks = {
        name: resources[f"{name}TaskDefinition"]["Properties"]
        for name in template.PRODUCTION_SERVICES.values()
    }
    assert {name: "TaskRoleArn" in task for name, task in tasks.items()} == {
        "Gateway": False,
        "RagCore": True,
        "LlmConnector": True,
        "PsqlWorker": False,
    }
    execution = statements("ExecutionRole")
    secrets = [s for s in execution if "Fn::If" in s]
    (condition,) = secrets
    condition, read, otherwise = condition["Fn::If"]
    assert (condition, read["Sid"], otherwise) == ("IsMinimal", "TaskSecrets", {"Ref": "AWS::NoValue"})
    assert sorted(r["Ref"] for r in read["Resource"]) == [
        "AmqpUrlSecret",
        "ApiKeysSecret",
        "DatabaseUrlSecret",
        "PageTokenSecret",
        "RabbitMqSecret",
    ]


def test_every_security_group_lists_its_egress_and_ingress_is_least_privilege() -> None:
    resources = _stack()["Resources"]
    groups = {n: r["Properties"] for n, r in resources.items() if r["Type"] == "AWS::EC2::SecurityGroup"}
    assert all(g.get("SecurityGroupEgress") for g in groups.values()), "replaces the default allow-all egress"
    for name, group in groups.items():
        for rule in group.get("SecurityGroupIngress", []):
            if name == "LoadBalancerSecurityGroup":
                assert rule["CidrIp"] == "0.0.0.0/0" and rule["FromPort"] in (80, 443)
            else:
                assert rule["SourceSecurityGroupId"] == {"Ref": "TaskSecurityGroup"} or (
                    name == "TaskSecurityGroup"
                    and rule["SourceSecurityGroupId"] == {"Ref": "LoadBalancerSecurityGroup"}
                )


def test_database_cluster_service_and_registry_settings() -> None:
    resources = _stack()["Resources"]
    db = resources["Database"]
    assert db["DeletionPolicy"] == "Snapshot" and db["Properties"]["DeletionProtection"] is True
    assert db["Properties"]["EngineVersion"] == "16" and db["Properties"]["StorageEncrypted"] is True
    assert resources["FileSystem"]["DeletionPolicy"] == "Retain"
    assert resources["Cluster"]["Properties"]["ClusterSettings"] == [
        {"Name": "containerInsights", "Value": "enabled"}
    ]
    service = resources["Service"]["Properties"]
    assert service["LaunchType"] == "FARGATE"
    assert service["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {
        "Enable": True,
        "Rollback": True,
    }
    assert service["LoadBalancers"] == [
        {"TargetGroupArn": {"Ref": "TargetGroup"}, "ContainerName": "pii-filter", "ContainerPort": 8080}
    ]
    for name in (
        "PiiFilterRepository",
        "RagCoreRepository",
        "LlmConnectorRepository",
        "PsqlWorkerRepository",
        "PipelineRepository",
    ):
        repository = resources[name]["Properties"]
        assert repository["ImageScanningConfiguration"] == {"ScanOnPush": True}
        assert "imageCountMoreThan" in repository["LifecyclePolicy"]["LifecyclePolicyText"]


def test_only_the_gateway_is_behind_the_load_balancer_and_every_service_can_roll_back() -> None:
    resources = _stack()["Resources"]
    services = {n: r for n, r in resources.items() if r["Type"] == "AWS::ECS::Service"}
    assert sorted(services) == ["LlmConnectorService", "PsqlWorkerService", "RagCoreService", "Service"]
    for name, service in services.items():
        properties = service["Properties"]
        assert ("LoadBalancers" in properties) is (name == "Service")
        assert properties["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {
            "Enable": True,
            "Rollback": True,
        }
        if name != "Service":
            assert service["Condition"] == "IsProduction"
            prefix = name.removesuffix("Service")
            assert properties["TaskDefinition"] == {"Ref": f"{prefix}TaskDefinition"}
            assert resources[f"{prefix}BacklogScaling"]["Properties"]["ScalingTargetId"] == {
                "Ref": f"{prefix}ScalableTarget"
            }


def test_every_live_service_has_its_cpu_and_memory_alarm() -> None:
    resources = _stack()["Resources"]
    services = {n for n, r in resources.items() if r["Type"] == "AWS::ECS::Service"}
    watched = {
        (r["Properties"]["Dimensions"][1]["Value"]["Fn::GetAtt"][0], r["Properties"]["MetricName"])
        for r in resources.values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
    }
    assert watched == {(s, m) for s in services for m in ("CPUUtilization", "MemoryUtilization")}


@pytest.mark.parametrize(
    ("model", "allowed"),
    [
        ("meta.llama3-70b-instruct-v1:0", True),
        ("anthropic.claude-3-haiku-20240307-v1:0", True),
        ("amazon.titan-text-express-v1", True),
        # inference profiles: the task role's foundation-model/<id> would refuse every call
        ("apac.anthropic.claude-3-5-sonnet-20240620-v1:0", False),
        ("us.meta.llama3-2-11b-instruct-v1:0", False),
        ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", False),
        ("arn:aws:bedrock:ap-south-1::foundation-model/meta.llama3-70b-instruct-v1:0", False),
    ],
)
def test_the_model_parameter_takes_only_what_the_task_role_allows(model: str, allowed: bool) -> None:
    parameter = _stack()["Parameters"]["BedrockModelId"]
    assert re.fullmatch(parameter["AllowedPattern"], parameter["Default"])
    assert bool(re.fullmatch(parameter["AllowedPattern"], model)) is allowed
