"""Links in the Markdown fields of data: to another record by kind and id, or to the web.

An editor links a record as ``[testo](claim:soldati-nordcoreani-15mila)``: the kind's name, a colon, the id. The
check verifies that the record exists (with a did-you-mean), and the page shows a link to wherever the record is
shown, whatever the page size. A link into the site by its path (``../soldati/``, ``/claims/``, ``#p-3``) is
refused: the pages move as the dossier grows, and such a link would pass every check and be dead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

# [text](target "title"), [text](<target>), and reference definitions `[label]: target`. Images (`![..](..)`) too:
# their targets are checked the same way (the sanitiser drops the image itself).
_INLINE = re.compile(r"\]\(\s*(?:<(?P<angled>[^>\n]*)>|(?P<plain>[^)\s]*))")
_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(?:<(?P<angled>[^>\n]*)>|(?P<plain>\S+))", re.MULTILINE)
_RECORD = re.compile(r"(?P<kind>[a-z]+):(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)")
_PATH = re.compile(r"[\w./#%~+-]+")  # what a path into the site is made of (no scheme, no entity, no space)


@dataclass(frozen=True, slots=True)
class Target:
    """Where a link in a Markdown field points."""

    text: str
    start: int  # where the target is in the field's text
    end: int


def targets(text: str) -> Iterator[Target]:
    """Every link target of a Markdown text, inline and in reference definitions."""
    if "](" not in text and "]:" not in text:  # most fields: no link at all
        return
    for pattern in (_INLINE, _DEFINITION):
        for match in pattern.finditer(text):
            group = "angled" if match.group("angled") is not None else "plain"
            yield Target(match.group(group), match.start(group), match.end(group))


def record(target: str, kinds: Collection[str]) -> tuple[str, str] | None:
    """(kind, id) when ``target`` names a record of one of ``kinds`` (``claim:x``), else None."""
    match = _RECORD.fullmatch(target)
    if match is None or match["kind"] not in kinds:
        return None
    return match["kind"], match["id"]


def into_site(target: str) -> bool:
    """Whether ``target`` is a link into the site by its path (relative, site-absolute or an anchor); anything else
    (a scheme, an encoded trick) is left to the sanitiser, which keeps only http, https and mailto."""
    return bool(_PATH.fullmatch(target)) and not target.startswith("//")


def rewrite(text: str, kinds: Collection[str], url: Callable[[str, str], str]) -> str:
    """``text`` with every record link's target replaced by ``url(kind, id)``."""
    found = [(t, key) for t in targets(text) if (key := record(t.text, kinds)) is not None]
    for target, (kind, record_id) in sorted(found, key=lambda f: f[0].start, reverse=True):
        text = text[: target.start] + url(kind, record_id) + text[target.end :]
    return text
