"""The one use of MkDocs internals (dossier/livereload.py): if a MkDocs release renames or retypes what it relies
on, these tests fail loudly, and the plugin falls back to MkDocs' own polling."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer

from dossier import livereload


@pytest.fixture
def servers() -> Iterator[list[LiveReloadServer]]:
    made: list[LiveReloadServer] = []
    yield made
    for server in made:
        server.server_close()


def _server(root: Path, made: list[LiveReloadServer]) -> LiveReloadServer:
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(root))
    made.append(server)
    return server


def test_the_server_still_has_the_rebuild_condition_and_flag(tmp_path: Path, servers: list[LiveReloadServer]) -> None:
    server = _server(tmp_path, servers)
    assert isinstance(server._rebuild_cond, threading.Condition)
    assert server._want_rebuild is False
    assert livereload.can_wake(server)
    livereload.wake(server)
    assert server._want_rebuild is True


def _wait(condition: object, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def test_a_change_wakes_the_server_and_a_read_does_not(tmp_path: Path, servers: list[LiveReloadServer]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    record = data / "x.yml"
    record.write_text("name: X\n", encoding="utf-8")
    server = _server(tmp_path, servers)
    observer = livereload.watch(server, data)
    assert observer is not None
    try:
        time.sleep(0.3)
        record.read_bytes()
        assert not _wait(lambda: server._want_rebuild, 0.5)
        record.write_text("name: Y\n", encoding="utf-8")
        assert _wait(lambda: server._want_rebuild)
    finally:
        observer.stop()
        observer.join(5)


def test_another_server_or_no_folder_is_left_to_mkdocs(tmp_path: Path, servers: list[LiveReloadServer]) -> None:
    class Other:
        _want_rebuild = "no"

    assert livereload.watch(Other(), tmp_path) is None
    assert livereload.watch(_server(tmp_path, servers), tmp_path / "missing") is None
