"""A page as MkDocs' ``Page.render`` converted it, kept and put back on the page: by the preview between rebuilds
(:class:`dossier.preview.KeptPage`) and by a build that converts its pages ahead (:mod:`dossier.ahead`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import TableOfContents


@dataclass(frozen=True, slots=True)
class Converted:
    """What ``Page.render`` made of a page (it pickles: a child converting ahead sends it back)."""

    key: str  # hash of the page's Markdown and of everything else its conversion depends on
    content: str
    toc: TableOfContents
    anchors: frozenset[str]  # Page.present_anchor_ids
    links: tuple[tuple[str, dict[str, str]], ...]  # Page.links_to_anchors: links to other pages' anchors, by src_uri


def kept(page: Page, key: str, content: str) -> Converted:
    """``page`` as it was just converted to ``content``, under ``key``."""
    links = tuple((target.src_uri, dict(anchors)) for target, anchors in (page.links_to_anchors or {}).items())
    return Converted(key, content, page.toc, frozenset(page.present_anchor_ids or ()), links)


def put_back(page: Page, converted: Converted, files: Files) -> None:
    """``page`` as if MkDocs had just converted it to ``converted``."""
    page.content = converted.content
    page.toc = converted.toc
    page.present_anchor_ids = set(converted.anchors)
    by_uri = files.src_uris
    page.links_to_anchors = {target: dict(a) for src, a in converted.links if (target := by_uri.get(src))}
