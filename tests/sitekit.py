"""Shared helpers for the tests that build sites: a copy of the project, running MkDocs, hashing trees."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}


def copy_project(target: Path) -> Path:
    """A copy of the repository's site sources (mkdocs.yml, docs/, data/) in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    for folder in ("docs", "data"):
        shutil.copytree(ROOT / folder, target / folder)
    return target


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a command of the virtualenv (``mkdocs``, ``dossier``) and capture its output."""
    command = [str(BIN / args[0]), *args[1:]]
    return subprocess.run(command, cwd=cwd, env={**ENV, **env}, capture_output=True, text=True, timeout=300)


def tree_hash(folder: Path, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """{relative path: sha256} of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in skip
    }
