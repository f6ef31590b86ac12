"""The one place that reaches into MkDocs' internals: waking `mkdocs serve` from the system's file notifications.

MkDocs watches files by polling (``LiveReloadServer.watch`` runs watchdog's ``PollingObserver``): on a dossier of
18,500 files that is 0.2 s of Python twice a second, holding the interpreter while a rebuild runs, and up to half a
second before an edit is even seen. There is no public way to ask the server for a rebuild, so this module does
what ``LiveReloadServer.watch``'s own callback does: set ``_want_rebuild`` under ``_rebuild_cond`` and notify.

Pinned by ``mkdocs>=1.6.1,<2`` (``pyproject.toml``); ``tests/test_livereload.py`` fails loudly if a release renames
or retypes either attribute, and where they are missing the plugin falls back to MkDocs' own polling.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

log = logging.getLogger("mkdocs.plugins.dossier")
CHANGES = frozenset({"created", "deleted", "modified", "moved", "attrib"})  # reading a file is not changing it


def can_wake(server: Any) -> bool:
    """Whether ``server`` has the internals :func:`watch` relies on."""
    condition = getattr(server, "_rebuild_cond", None)
    return isinstance(condition, threading.Condition) and isinstance(getattr(server, "_want_rebuild", None), bool)


def wake(server: Any) -> None:
    """Ask the server for a rebuild, as its own watcher does (it rebuilds once changes stop for a moment)."""
    with server._rebuild_cond:
        server._want_rebuild = True
        server._rebuild_cond.notify_all()


def watch(server: Any, folder: Path) -> Any | None:
    """Watch ``folder`` through file notifications (inotify, FSEvents, ...) and wake ``server`` on every change;
    the started observer, or None when the server or the system does not allow it (then poll as MkDocs does)."""
    if not can_wake(server) or not folder.is_dir():
        return None

    def changed(event: FileSystemEvent) -> None:
        if not event.is_directory and event.event_type in CHANGES:
            wake(server)

    handler = FileSystemEventHandler()
    handler.on_any_event = changed  # type: ignore[method-assign]
    observer = Observer()
    try:
        observer.schedule(handler, str(folder), recursive=True)
        observer.start()
    except OSError as exc:  # e.g. out of inotify watches
        log.debug(f"dossier: polling {folder}: {exc}")
        return None
    log.debug(f"dossier: watching {folder} for changes")
    return observer
