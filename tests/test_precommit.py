"""`.pre-commit-hooks.yaml`: valid for pre-commit, and the hook runs from a local clone, offline.

The offline run installs the hook as pre-commit does for any repository (a virtualenv, then ``pip install`` of the
clone), with pip kept off the network (``PIP_NO_INDEX``) and pointed at a folder of wheels made here from the
packages already installed in the test environment, so the test needs no download.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import BUNDLED, ROOT
from packaging.requirements import Requirement

HOOKS = ROOT / ".pre-commit-hooks.yaml"
BIN = Path(sys.executable).parent


def pre_commit(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "pre-commit"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_the_manifest_is_valid_for_pre_commit(tmp_path: Path) -> None:
    assert pre_commit("validate-manifest", str(HOOKS), cwd=ROOT).returncode == 0
    broken = tmp_path / "hooks.yaml"
    broken.write_text("- id: dossier-check\n  name: dossier check\n  language: python\n", encoding="utf-8")
    result = pre_commit("validate-manifest", str(broken), cwd=tmp_path)  # the validator does validate: no entry
    assert result.returncode == 1 and "entry" in result.stdout + result.stderr


def test_the_hook_checks_the_whole_data_folder_when_a_data_file_changes() -> None:
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"], hook["language"], hook["pass_filenames"]) == (
        "dossier-check", "dossier check", "python", False,
    )  # fmt: skip
    files = re.compile(hook["files"])
    assert files.search("data/actors/x.yml") and files.search("data/sources/a.txt")
    assert not files.search("docs/index.md") and not files.search("README.md") and not files.search("old/data/x")
    scripts = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dossier = "dossier.cli:main"' in scripts  # the console script the entry runs


# The hook, installed and run as pre-commit does it ------------------------------------------------------------------


def _wheel_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _repack(dist: importlib.metadata.Distribution, out: Path) -> None:
    """Write an installed distribution back into a wheel (its files in site-packages; pip remakes the scripts)."""
    tags = [
        line.split(": ", 1)[1].split("-") for line in (dist.read_text("WHEEL") or "").splitlines() if line[:4] == "Tag:"
    ]
    tag = "-".join(".".join(dict.fromkeys(t[part] for t in tags)) for part in range(3))  # py2.py3-none-any
    name, version = _wheel_name(dist.metadata["Name"]), dist.version
    files = [f for f in dist.files or () if f.parts[0] != ".." and "__pycache__" not in f.parts]
    info = next(f.parts[0] for f in files if f.parts[0].endswith(".dist-info"))
    skip = {f"{info}/{n}" for n in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")}
    record = []
    with zipfile.ZipFile(out / f"{name}-{version}-{tag}.whl", "w", zipfile.ZIP_DEFLATED) as wheel:
        for file in files:
            if file.as_posix() in skip:
                continue
            data = Path(str(dist.locate_file(file))).read_bytes()
            wheel.writestr(file.as_posix(), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{file.as_posix()},sha256={digest},{len(data)}")
        record.append(f"{info}/RECORD,,")
        wheel.writestr(f"{info}/RECORD", "\n".join(record) + "\n")


def _wheelhouse(out: Path) -> None:
    """Wheels of everything `pip install dossier` needs, from this environment; setuptools from virtualenv's own."""
    seen: set[tuple[str, frozenset[str]]] = set()
    # Each requirement with the extras asked of the distribution that needs it ("pagefind[bin]" needs pagefind-bin).
    todo = [(Requirement(r), frozenset({""})) for r in importlib.metadata.requires("dossier") or ()]
    while todo:
        requirement, extras = todo.pop()
        if requirement.marker is not None and not any(requirement.marker.evaluate({"extra": e}) for e in extras):
            continue
        dist = importlib.metadata.distribution(requirement.name)
        wanted = frozenset({"", *requirement.extras})
        key = (_wheel_name(dist.metadata["Name"]), wanted)
        if key in seen:
            continue
        if not any(k[0] == key[0] for k in seen):
            _repack(dist, out)
        seen.add(key)
        todo.extend((Requirement(r), wanted) for r in dist.requires or ())
    import virtualenv  # pre-commit's own dependency: it seeds environments without a download

    embedded = sorted((Path(virtualenv.__file__).parent / "seed" / "wheels" / "embed").glob("setuptools-*.whl"))
    assert embedded, "virtualenv embeds no setuptools wheel"
    shutil.copy(embedded[-1], out)  # pip's isolated build of the clone needs setuptools>=68


def _git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_the_hook_runs_from_a_local_clone_offline(tmp_path: Path) -> None:
    # A clone of this repository as it is now (committed or not), the way another repository would pin it.
    clone = tmp_path / "dossier-clone"
    ignored = shutil.ignore_patterns(
        ".git",
        ".venv",
        "site",
        "build",
        "schemas",
        "*.egg-info",
        "__pycache__",
        ".*cache",
        ".hypothesis",
        "node_modules",
    )
    shutil.copytree(ROOT, clone, ignore=ignored)
    _git("init", "-q", cwd=clone)
    _git("add", "-A", cwd=clone)
    _git("commit", "-qm", "clone", cwd=clone)
    rev = _git("rev-parse", "HEAD", cwd=clone)

    # Another dossier repository that uses the hook.
    repo = tmp_path / "another-dossier"
    shutil.copytree(BUNDLED, repo / "data")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone}\n    rev: {rev}\n    hooks:\n      - id: dossier-check\n", encoding="utf-8"
    )
    _git("init", "-q", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "-qm", "data", cwd=repo)

    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _wheelhouse(wheels)
    env = {
        **os.environ,
        "PIP_NO_INDEX": "1",  # no network: only the wheels made above
        "PIP_FIND_LINKS": str(wheels),
        "PIP_CONFIG_FILE": os.devnull,
        "VIRTUALENV_DOWNLOAD": "0",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
    }

    result = pre_commit("run", "--all-files", cwd=repo, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^dossier check\.+Passed$", result.stdout, re.MULTILINE), result.stdout

    quote = repo / "data" / "quotes" / "putin-coraggio-eroismo.yml"
    quote.write_text(quote.read_text(encoding="utf-8").replace("speaker: vladimir-putin", "speaker: vladimir-putn"))
    _git("add", "-A", cwd=repo)
    result = pre_commit("run", cwd=repo, env=env)
    assert result.returncode == 1
    assert re.search(r"^dossier check\.+Failed$", result.stdout, re.MULTILINE), result.stdout
    assert (
        "data/quotes/putin-coraggio-eroismo.yml:1:10: quote 'putin-coraggio-eroismo': speaker: unknown actor "
        "'vladimir-putn' (did you mean 'vladimir-putin'?)\n1 problem found." in result.stdout
    )

    _git("checkout", "-q", "HEAD", "--", "data", cwd=repo)
    (repo / "README.md").write_text("# Another dossier\n", encoding="utf-8")
    _git("add", "-A", cwd=repo)
    result = pre_commit("run", cwd=repo, env=env)
    assert result.returncode == 0
    assert re.search(r"^dossier check\.+\(no files to check\)Skipped$", result.stdout, re.MULTILINE), result.stdout


def test_the_readme_configuration_is_valid_for_pre_commit(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", readme, flags=re.S) if b.startswith("repos:")]
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(block, encoding="utf-8")
    result = pre_commit("validate-config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    (hook,) = yaml.safe_load(block)["repos"][0]["hooks"]
    assert hook["id"] == yaml.safe_load(HOOKS.read_text(encoding="utf-8"))[0]["id"]
