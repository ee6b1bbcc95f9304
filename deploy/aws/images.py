"""Build the five images with docker and push them to the stack's ECR repositories under one tag.

What to build is read from docker-compose.yml, the one description of the images: each service whose
`image` is `consumer-rights/<name>:...` names the repository, and its `build` section (context,
dockerfile, target, args) is what `docker build` is given, so a change to the Dockerfile or the
compose file is followed here without a second copy.
"""

from __future__ import annotations

import base64
import re
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
_IMAGE = re.compile(r"^consumer-rights/(?P<name>[a-z0-9-]+):")

Run = Callable[..., Any]


@dataclass(frozen=True)
class Build:
    """A compose `build` section: paths relative to the repository root."""

    context: str
    dockerfile: str
    target: str | None = None
    args: tuple[str, ...] = ()  # NAME (taken from the environment, as compose does) or NAME=value

    def command(self, image: str) -> list[str]:
        cmd = ["docker", "build", "-f", str(Path(self.context) / self.dockerfile)]
        if self.target:
            cmd += ["--target", self.target]
        for arg in self.args:
            cmd += ["--build-arg", arg]
        return [*cmd, "-t", image, self.context]


def _build(section: Any) -> Build:
    if isinstance(section, str):
        return Build(context=section, dockerfile="Dockerfile")
    args = section.get("args") or ()
    if isinstance(args, Mapping):
        args = [name if value is None else f"{name}={value}" for name, value in args.items()]
    return Build(
        context=str(section.get("context", ".")),
        dockerfile=str(section.get("dockerfile", "Dockerfile")),
        target=section.get("target"),
        args=tuple(str(a) for a in args),
    )


def compose_builds(path: Path = COMPOSE) -> dict[str, Build]:
    """Repository name (consumer-rights/<name>) -> its build, for every service of the compose file."""
    services = yaml.safe_load(path.read_text())["services"]  # safe_load resolves anchors and `<<` merges
    builds: dict[str, Build] = {}
    for service, spec in services.items():
        found = _IMAGE.match(str(spec.get("image", "")))
        if not found or "build" not in spec:
            continue
        name, build = found.group("name"), _build(spec["build"])
        if builds.setdefault(name, build) != build:
            raise ValueError(f"{path}: services build consumer-rights/{name} in two ways ({service})")
    return builds


def repository(name: str) -> str:
    return f"consumer-rights/{name}"


def missing_tags(ecr: Any, tag: str, names: Sequence[str] | None = None) -> list[str]:
    """Images without `tag` in ECR (tags are immutable there, so a present tag is never pushed twice)."""
    missing = []
    for name in names if names is not None else compose_builds():
        try:
            ecr.describe_images(repositoryName=repository(name), imageIds=[{"imageTag": tag}])
        except Exception as exc:
            if getattr(exc, "response", {}).get("Error", {}).get("Code") != "ImageNotFoundException":
                raise
            missing.append(name)
    return missing


def build_and_push(
    ecr: Any,
    *,
    registry: str,
    tag: str,
    out: Callable[[str], None],
    run: Run = subprocess.run,
    builds: Mapping[str, Build] | None = None,
) -> None:
    """docker login (password on stdin), build and push every image that lacks the tag."""
    builds = compose_builds() if builds is None else builds
    todo = missing_tags(ecr, tag, list(builds))
    if not todo:
        out(f"images: all {len(builds)} already in ECR with tag {tag}")
        return
    token = ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    user, password = base64.b64decode(token).decode().split(":", 1)
    run(
        ["docker", "login", "--username", user, "--password-stdin", registry],
        input=password.encode(),
        check=True,
        capture_output=True,
    )
    for name in todo:
        image = f"{registry}/{repository(name)}:{tag}"
        out(f"images: building {image}")
        run(builds[name].command(image), cwd=ROOT, check=True)
        run(["docker", "push", image], check=True)
        out(f"images: pushed {image}")
