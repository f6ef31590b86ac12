"""`mkdocs serve` for tests: on a free loopback port, its output kept line by line with the time it was read."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import BIN


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fetch(url: str, timeout: float = 30) -> tuple[int, str] | None:
    """(status, body) of a GET, or None when the server does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _as_from_a_terminal() -> None:
    """In the server's process, before it starts: Ctrl-C and a hang-up do what they do to a command typed in a terminal,
    even when the tests run in the background of a script (which starts its commands ignoring SIGINT) or under nohup."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


class Serve:
    """A running `mkdocs serve` of the project in ``root`` (or ``dossier serve``, with ``command="dossier"``)."""

    def __init__(self, root: Path, command: str = "mkdocs", **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._lines: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            [str(BIN / command), "serve", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=root,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1", **env},
            stdin=subprocess.DEVNULL,
            preexec_fn=_as_from_a_terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        self._reader = threading.Thread(target=self._read, name="mkdocs-serve-output", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self._lines.append((time.monotonic(), line.rstrip("\n")))

    def lines(self, since: int = 0) -> list[tuple[float, str]]:
        with self._lock:
            return self._lines[since:]

    @property
    def mark(self) -> int:
        """A position in the output: count or find lines printed after it."""
        with self._lock:
            return len(self._lines)

    @property
    def output(self) -> str:
        return "\n".join(line for _, line in self.lines())

    def count(self, text: str, since: int) -> int:
        return sum(text in line for _, line in self.lines(since))

    def get(self, path: str) -> str | None:
        """The page's text, or None if the server does not answer (yet) or not with 200."""
        answer = fetch(self.url + path, timeout=5)
        return answer[1] if answer is not None and answer[0] == 200 else None

    def wait_for(self, what: str, condition: Callable[[], bool], timeout: float = 30, every: float = 0.05) -> None:
        """Poll ``condition`` until it holds; fail with the server's output when it does not, or the server died."""
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None:
                pytest.fail(f"mkdocs serve exited ({self.process.returncode}) waiting for {what}:\n{self.output}")
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout} s waiting for {what}; mkdocs serve said:\n{self.output}")
            time.sleep(every)

    def stop(self) -> None:
        """Ctrl-C, as a user would (mkdocs then removes its temporary site); killed if it does not stop."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._reader.join(timeout=10)
        # Closed only once read to its end: closing it while the reader waits on it would wait for ever, as long as
        # a process the server left behind keeps the pipe open.
        if self.process.stdout is not None and not self._reader.is_alive():
            self.process.stdout.close()
