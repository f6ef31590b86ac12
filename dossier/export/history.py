"""When each record was added and last changed, from the repository's history: one ``git log`` for every file.

``git log --name-only`` lists, newest commit first, the files each commit touched: the first time a file is seen
is its last change, the last time its addition. One pass over the history, whatever the number of files (18,500
records are one command, not 18,500). A shallow clone has no real history (every file would seem added by its
oldest commit), so it counts as no history: the GitHub Pages workflow must fetch the whole history
(``actions/checkout`` with ``fetch-depth: 0``).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dossier.export.neutral import Dossier

_MARK = "\x01"
SHALLOW = "a shallow clone has no full history (fetch it with fetch-depth: 0)"


@dataclass(frozen=True, slots=True)
class Dated:
    """RFC 3339 timestamps (committer dates, with their offset) of a record's addition and last change."""

    added: str
    changed: str


@dataclass(frozen=True, slots=True)
class History:
    """What git said: the dates of every file it knows, or why there are none (``reason``)."""

    files: Mapping[str, Dated]
    reason: str | None = None


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, check=False)


def file_history(folder: Path) -> History:
    """The dates of every file under ``folder`` (keys relative to it, '/'-separated) that git has committed."""
    try:
        shallow = _git(folder, "rev-parse", "--is-shallow-repository")
    except OSError:
        return History({}, "git is not installed")
    if shallow.returncode != 0:
        return History({}, "not in a git repository")
    if shallow.stdout.strip() == b"true":
        return History({}, SHALLOW)
    log = _git(folder, "log", f"--format={_MARK}%cI", "--name-only", "-z", "--no-renames", "--relative", "--", ".")
    if log.returncode != 0:  # a repository with no commit yet
        return History({}, log.stderr.decode("utf-8", "replace").strip() or "git log failed")
    changed: dict[str, str] = {}
    added: dict[str, str] = {}
    date = ""
    for token in log.stdout.decode("utf-8", "surrogateescape").split("\0"):
        token = token.lstrip("\n")
        if token.startswith(_MARK):
            date = token[1:]
        elif token:
            changed.setdefault(token, date)
            added[token] = date  # older commits come later: the last one seen is the addition
    return History({name: Dated(added=added[name], changed=changed[name]) for name in changed})


def record_dates(dossier: Dossier, history: History) -> dict[tuple[str, str], Dated]:
    """(kind, id) -> dates of the record's files: the earliest addition and the latest change among them."""
    out: dict[tuple[str, str], Dated] = {}
    for key, names in dossier.files.items():
        dated = [history.files[n] for n in names if n in history.files]
        if dated:
            # Committer dates of one repository may carry different offsets: compare them as instants.
            out[key] = Dated(
                added=min((d.added for d in dated), key=_instant), changed=max((d.changed for d in dated), key=_instant)
            )
    return out


def _instant(stamp: str) -> str:
    return dt.datetime.fromisoformat(stamp).astimezone(dt.UTC).isoformat()
