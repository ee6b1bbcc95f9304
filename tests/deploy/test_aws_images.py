"""`deploy.aws.images`: the images `up` builds are the compose file's, pushed to the stack's repositories."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from cfnlint.decode import cfn_yaml
from moto import mock_aws

from deploy.aws import images, template

COMPOSE_WITH_TARGETS = """
x-build: &build
  context: .
  args: [TORCH_INDEX_URL, "SPACY_MODEL=en_core_web_sm"]
services:
  gateway:
    image: consumer-rights/pii-filter:${IMAGE_TAG:-local}
    build:
      <<: *build
      target: pii-filter
  ingest:
    image: consumer-rights/pipeline:${IMAGE_TAG:-local}
    build: {<<: *build, target: pipeline}
  embedder:
    image: consumer-rights/pipeline:${IMAGE_TAG:-local}
    build: {<<: *build, target: pipeline}
  rabbitmq:
    image: rabbitmq:4.1-management
"""


def test_the_compose_images_are_the_stacks_repositories() -> None:
    resources = cfn_yaml.load(str(template.STACK))["Resources"]
    repositories = {
        r["Properties"]["RepositoryName"] for r in resources.values() if r["Type"] == "AWS::ECR::Repository"
    }
    assert {images.repository(name) for name in images.compose_builds()} == repositories


def test_targets_args_and_shared_images_are_read_from_compose(tmp_path: Path) -> None:
    compose = tmp_path / "docker-compose.yml"
    compose.write_text(COMPOSE_WITH_TARGETS)
    builds = images.compose_builds(compose)
    assert set(builds) == {"pii-filter", "pipeline"}  # third-party images are not built
    assert builds["pii-filter"].command("r/consumer-rights/pii-filter:t") == [
        "docker",
        "build",
        "-f",
        "Dockerfile",
        "--target",
        "pii-filter",
        "--build-arg",
        "TORCH_INDEX_URL",
        "--build-arg",
        "SPACY_MODEL=en_core_web_sm",
        "-t",
        "r/consumer-rights/pii-filter:t",
        ".",
    ]
    compose.write_text(
        COMPOSE_WITH_TARGETS.replace("{<<: *build, target: pipeline}\n  rabbitmq", "{<<: *build}\n  rabbitmq")
    )
    with pytest.raises(ValueError, match="two ways"):
        images.compose_builds(compose)


@pytest.mark.skipif(shutil.which("docker") is None, reason="needs the docker CLI (no daemon)")
def test_the_builds_are_what_docker_compose_itself_resolves() -> None:
    done = subprocess.run(
        ["docker", "compose", "-f", str(images.COMPOSE), "config", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=images.ROOT,
    )
    resolved: dict[str, Any] = {}
    for spec in json.loads(done.stdout)["services"].values():
        name = spec.get("image", "").split(":")[0].removeprefix("consumer-rights/")
        if "build" in spec and spec["image"].startswith("consumer-rights/"):
            build = spec["build"]
            resolved[name] = (
                Path(build["context"]).resolve(),
                build.get("dockerfile", "Dockerfile"),
                build.get("target"),
            )
    ours = {
        name: ((images.ROOT / b.context).resolve(), b.dockerfile, b.target)
        for name, b in images.compose_builds().items()
    }
    assert ours == resolved


@pytest.fixture
def ecr(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    with mock_aws():
        client = boto3.client("ecr", region_name="ap-south-1")
        for name in images.compose_builds():
            client.create_repository(repositoryName=images.repository(name))
        yield client


def test_build_and_push_builds_each_missing_image_as_compose_says(ecr: Any) -> None:
    calls: list[tuple[list[str], dict[str, Any]]] = []
    printed: list[str] = []
    registry = "123456789012.dkr.ecr.ap-south-1.amazonaws.com"
    builds = images.compose_builds()
    present, *absent = builds
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "layers": [],
        }
    )
    ecr.put_image(repositoryName=images.repository(present), imageManifest=manifest, imageTag="t1")
    images.build_and_push(
        ecr,
        registry=registry,
        tag="t1",
        out=printed.append,
        run=lambda cmd, **kw: calls.append((cmd, kw)),
    )
    (login, login_kw), *rest = calls
    user, password = (
        base64.b64decode(ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"])
        .decode()
        .split(":", 1)
    )
    assert login == ["docker", "login", "--username", user, "--password-stdin", registry]
    assert login_kw["input"] == password.encode() and password not in " ".join(login)
    expected = []
    for name in absent:  # tags are immutable in ECR: a present one is never built or pushed again
        build = builds[name]
        image = f"{registry}/consumer-rights/{name}:t1"
        expected += [build.command(image), ["docker", "push", image]]
    assert [cmd for cmd, _ in rest] == expected
    assert all(kw["cwd"] == images.ROOT for cmd, kw in rest if cmd[1] == "build")
    assert printed[-1] == f"images: pushed {registry}/consumer-rights/{list(builds)[-1]}:t1"
