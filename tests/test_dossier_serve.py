"""`dossier serve` (what `make serve` runs): `mkdocs serve` with the preview's pages in memory where there is room,
and nothing of them left there afterwards, however the preview ends."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import namedtuple
from pathlib import Path

import pytest
from servekit import Serve
from sitekit import copy_project

from dossier import cli

MEMORY = cli.MEMORY
in_memory = pytest.mark.skipif(
    not (MEMORY.is_dir() and os.access(MEMORY, os.W_OK)), reason=f"{MEMORY} is Linux's: the preview stays on disk"
)
STARTUP_TIMEOUT = 60
Usage = namedtuple("Usage", "f_bavail f_frsize")


def data_folder(tmp_path: Path, size: int) -> Path:
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    (data / "sources" / "testo.txt").write_bytes(b"x" * size)
    return data


def test_the_preview_goes_to_memory_when_it_has_room_for_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMPDIR", raising=False)
    memory = tmp_path / "shm"
    memory.mkdir()
    data = data_folder(tmp_path, 10_000_000)  # the preview: about 30 times that, and a margin
    need = cli.PREVIEW_WEIGHT * 10_000_000 + cli.PREVIEW_MARGIN
    roomy, tight = need // 4096 + 1, need // 4096 - 1
    monkeypatch.setattr(cli.os, "statvfs", lambda _: Usage(roomy, 4096))
    assert cli.preview_folder(data, memory) == (
        memory, f"{roomy * 4096 / 1e6:,.0f} MB free; the preview needs about {need / 1e6:,.0f} MB"
    )  # fmt: skip
    monkeypatch.setattr(cli.os, "statvfs", lambda _: Usage(tight, 4096))
    assert cli.preview_folder(data, memory) == (
        None, f"{memory} has {tight * 4096 / 1e6:,.0f} MB free; the preview needs about {need / 1e6:,.0f} MB"
    )  # fmt: skip


def test_the_preview_stays_where_tmpdir_says_or_where_there_is_no_memory_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = data_folder(tmp_path, 10)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert cli.preview_folder(data, tmp_path) == (None, f"TMPDIR is set to {tmp_path}")
    monkeypatch.delenv("TMPDIR")
    assert cli.preview_folder(data, tmp_path / "none") == (None, f"{tmp_path / 'none'} is not available here")


def test_the_config_file_is_found_among_mkdocs_options() -> None:
    assert cli._config_file_in(("--dev-addr", "127.0.0.1:9", "-f", "a.yml")) == Path("a.yml")
    assert cli._config_file_in(("--config-file", "b.yml")) == Path("b.yml")
    assert cli._config_file_in(("--config-file=c.yml",)) == Path("c.yml")
    assert cli._config_file_in(("-fd.yml",)) == Path("d.yml")
    assert cli._config_file_in(("--dirty", "-a", "127.0.0.1:9")) is None


def previews() -> set[Path]:
    return set(MEMORY.glob(f"{cli.PREVIEW_PREFIX}*"))


@in_memory
@pytest.mark.parametrize("ending", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_dossier_serve_previews_from_memory_and_leaves_nothing_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ending: str
) -> None:
    """Ctrl-C as a user would (SIGINT), or killed (SIGTERM) or its terminal closed (SIGHUP): the folder goes. A folder
    left by a `dossier serve` that was killed outright (SIGKILL), whose process is gone, goes at the next start."""
    monkeypatch.delenv("TMPDIR", raising=False)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = MEMORY / f"{cli.PREVIEW_PREFIX}{dead.pid}-x"
    (left / "mkdocs_old").mkdir(parents=True)
    before = previews() - {left}
    root = copy_project(tmp_path)
    server = Serve(root, command="dossier")
    try:
        server.wait_for("the home page", lambda: server.get("") is not None, STARTUP_TIMEOUT)
        ours = previews() - before
        assert len(ours) == 1 and not left.exists(), server.output
        (folder,) = ours
        assert f"kept in memory, in {folder}" in server.output
        assert folder.name.startswith(f"{cli.PREVIEW_PREFIX}{server.process.pid}-")
        pages = list(folder.glob("mkdocs_*/index.html"))
        assert len(pages) == 1
        title = re.search(r"<title>.*?</title>", pages[0].read_text(encoding="utf-8"))
        assert title is not None and title.group() in (server.get("") or "")
        server.process.send_signal(getattr(signal, ending))
        server.process.wait(timeout=30)
        assert not folder.exists(), server.output
        assert "Traceback" not in server.output, server.output
    finally:
        server.stop()


def test_dossier_serve_says_where_the_preview_goes_when_not_in_memory(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    server = Serve(root, command="dossier", TMPDIR=str(tmp_path))
    try:
        server.wait_for("the home page", lambda: server.get("") is not None, STARTUP_TIMEOUT)
        assert f"the preview's pages are written to {tmp_path} (TMPDIR is set to {tmp_path})" in server.output
        assert list(tmp_path.glob("mkdocs_*/index.html"))
    finally:
        server.stop()
    deadline = time.monotonic() + 10
    while list(tmp_path.glob("mkdocs_*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not list(tmp_path.glob("mkdocs_*")), "mkdocs serve removes its folder on Ctrl-C"
