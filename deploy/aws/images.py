"""Build the five images with docker and push them to the stack's ECR repositories under one tag."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

# repository name (consumer-rights/<name>) -> the Dockerfile that builds it, from the repo root
IMAGES: Mapping[str, str] = {
    "pii-filter": "pii_filter/Dockerfile",
    "rag-core": "rag_core/Dockerfile",
    "llm-connector": "llm_connector/Dockerfile",
    "psql-worker": "psql_worker/Dockerfile",
    "pipeline": "embedder/Dockerfile",
}

Run = Callable[..., Any]


def repository(name: str) -> str:
    return f"consumer-rights/{name}"


def missing_tags(ecr: Any, tag: str) -> list[str]:
    """Images without `tag` in ECR (tags are immutable there, so a present tag is never pushed twice)."""
    missing = []
    for name in IMAGES:
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
    names: Sequence[str] | None = None,
) -> None:
    """docker login (password on stdin), build and push every image that lacks the tag."""
    todo = list(names) if names is not None else missing_tags(ecr, tag)
    if not todo:
        out(f"images: all five already in ECR with tag {tag}")
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
        run(["docker", "build", "-f", IMAGES[name], "-t", image, "."], cwd=ROOT, check=True)
        run(["docker", "push", image], check=True)
        out(f"images: pushed {image}")
