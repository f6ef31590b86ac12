"""``dossier migrate``: a data folder written for an earlier format, brought up to this one.

One change so far: claims used to share a ``topic`` (a free text; claims with the same subject and the same topic
were shown side by side, and a topic spelled differently silently split the comparison). A question is now a record
of its own (``data/questions/<id>.yml``) that each answering claim names (``question: <id>``), so a typo is an error
with a did-you-mean. Migrating:

- every distinct topic becomes a question whose ``text`` is the topic; topics that differ only in case, accents,
  spaces or punctuation are one question (they were meant to be one comparison), worded as most claims wrote it;
  its ``subject`` is its claims' subject when they all share one;
- each claim's ``topic:`` line becomes ``question: <id>``; nothing else in the file changes (comments, order, quoting).

The files are rewritten in place, each atomically; ``dry_run`` only says what would change. A topic line that is not
a plain top-level ``topic: ...`` (a flow mapping, say) is left alone and reported, to be changed by hand.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from dossier import loader
from dossier.schema import ID_RE

_TOPIC_LINE = re.compile(r"^topic[ \t]*:")
_LINE = re.compile(r".*(?:\r\n|\n|\r|$)")


@dataclass(frozen=True, slots=True)
class Claim:
    path: Path
    shown: str
    topic: str
    subject: str | None


@dataclass(slots=True)
class Report:
    """What a migration did (or would do): one line per change, and what it could not do."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    questions: int = 0
    claims: int = 0


def slug(text: str) -> str:
    """An id from a text: lowercase ASCII letters and digits, single hyphens, at most 80 characters."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", plain)
    out = ""
    for word in words:
        longer = f"{out}-{word}" if out else word
        if len(longer) > 80:
            break
        out = longer
    return out or "question"


def _claims(data_dir: Path, shown_base: str, report: Report) -> list[Claim]:
    found = []
    folder = data_dir / "claims"
    if not folder.is_dir():
        return []
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yml", ".yaml") or path.name.startswith((".", "_")) or not path.is_file():
            continue
        shown = f"{shown_base}/claims/{path.name}"
        try:
            doc = loader.read(path, shown, positions=False)
        except loader.LoadError as exc:
            report.problems.extend(f"{p} (not migrated)" for p in exc.problems)
            continue
        topic, subject = doc.data.get("topic"), doc.data.get("subject")
        if isinstance(topic, str) and topic.strip():
            found.append(Claim(path, shown, topic.strip(), subject if isinstance(subject, str) else None))
    return found


def _rewrite(text: str, question: str) -> str | None:
    """``text`` with its top-level ``topic:`` entry (and the lines continuing it) replaced by ``question: <id>``."""
    lines = _LINE.findall(text)
    for index, line in enumerate(lines):
        if _TOPIC_LINE.match(line):
            end = index + 1
            while end < len(lines) and lines[end][:1] in (" ", "\t") and lines[end].strip():
                end += 1
            newline = re.search(r"(\r\n|\n|\r)$", lines[end - 1])
            lines[index:end] = [f"question: {question}" + (newline.group(1) if newline else "")]
            return "".join(lines)
    return None


def _write(path: Path, text: str) -> None:
    """Replace ``path`` atomically (a file beside it, then renamed over it)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _question_file(text: str, subject: str | None) -> str:
    data = {"text": text, **({"subject": subject} if subject else {})}
    dumped: str = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
    return dumped


def topics(data_dir: Path, *, shown: str = "data", dry_run: bool = False) -> Report:
    """Turn every claim's ``topic`` into a question it names; see the module's description."""
    report = Report()
    claims = _claims(data_dir, shown, report)
    groups: dict[str, list[Claim]] = {}
    for claim in claims:
        groups.setdefault(slug(claim.topic), []).append(claim)
    questions = data_dir / "questions"
    for key, members in sorted(groups.items()):
        spellings = Counter(c.topic for c in members)
        text = max(spellings, key=lambda t: (spellings[t], -min(i for i, c in enumerate(members) if c.topic == t)))
        subjects = {c.subject for c in members}
        subject = subjects.pop() if len(subjects) == 1 else None
        question_id, existing = _free_id(questions, key, text)
        target = questions / f"{question_id}.yml"
        where = f"{shown}/questions/{question_id}.yml"
        if existing:
            report.lines.append(f"{where}: question '{question_id}' already declared with this text, reused")
        else:
            report.questions += 1
            report.lines.append(f"{where}: new question '{question_id}' (claims: {len(members)}): {text}")
            if not dry_run:
                questions.mkdir(exist_ok=True)
                _write(target, _question_file(text, subject))
        if len(spellings) > 1:
            merged = ", ".join(f"'{t}'" for t in sorted(spellings))
            report.lines.append(f"{where}: topics written differently, now one question: {merged}")
        for claim in members:
            original = claim.path.read_bytes().decode("utf-8").removeprefix("\ufeff")
            rewritten = _rewrite(original, question_id)
            if rewritten is None:
                report.problems.append(
                    f"{claim.shown}: topic not on a line of its own: replace it by hand with 'question: {question_id}'"
                )
                continue
            report.claims += 1
            report.lines.append(f"{claim.shown}: topic -> question: {question_id}")
            if not dry_run:
                _write(claim.path, rewritten)
    return report


def _free_id(folder: Path, key: str, text: str) -> tuple[str, bool]:
    """An id for a question worded ``text``: ``key``, or ``key-2``...; (id, whether that question exists already with
    the same text, from an earlier run)."""
    number = 1
    while True:
        candidate = key if number == 1 else f"{key[:77]}-{number}"
        path = folder / f"{candidate}.yml"
        if not path.exists():
            assert ID_RE.match(candidate)
            return candidate, False
        try:
            doc = loader.read(path, path.name, positions=False)
        except loader.LoadError:
            doc = None
        if doc is not None and doc.data.get("text") == text:
            return candidate, True
        number += 1
