"""Shared helpers for the tests that build sites: a copy of the project, running MkDocs, hashing trees."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def unstable(path: str) -> bool:
    """Pagefind writes its filter chunk in an order that varies from run to run, and so the names of the files that
    refer to it: the rest of its index (words, fragments) is stable."""
    return path.startswith("pagefind/") and bool(re.search(r"/filter/|\.pf_meta$|/pagefind-entry\.json$", path))


def pagefind_pages(bundle: Path) -> dict[str, dict[str, Any]]:
    """{url: record} of what a Pagefind bundle holds: each fragment's url, content (text), meta, filters, anchors.
    (Fragments are gzip files whose payload starts with a 12-byte signature.)"""
    pages = {}
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        record = json.loads(gzip.decompress(path.read_bytes())[12:])
        pages[record["url"]] = record
    return pages


def searchable_pages(site: Path) -> int:
    """How many pages of a built site mark their content for the search index (data-pagefind-body)."""
    return sum("data-pagefind-body" in p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
