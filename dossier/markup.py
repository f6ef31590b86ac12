"""The named filters through which every value from data reaches a page.

Generated pages are Markdown, so data is escaped on purpose, by context:

- :func:`md` for inline Markdown (paragraphs, link text, headings, table cells, list items);
- :func:`html` for text inside the HTML blocks the templates write;
- :func:`rich` for the fields that allow Markdown (summaries, notes, statements): rendered to HTML here, then
  sanitised with nh3 (Ammonia), so no raw HTML from data and no link but http, https and mailto survive.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import quote

import markdown
import nh3
from markupsafe import escape

# Python-Markdown's backslash-escapable characters, plus '|' (the tables extension adds it).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
_PLAIN_URL = re.compile(r"[A-Za-z0-9/#._-]*")
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "abbr", "sub", "sup", "del",
    "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


@functools.lru_cache(maxsize=16384)
def md(text: object) -> str:
    """Text shown literally in any inline Markdown context: no markup, no HTML, no line breaks."""
    value = str(text)  # names, titles and dates repeat on many pages: cached
    if "\n" in value or "\r" in value:
        value = _NEWLINES.sub(" ", value)
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def html(text: object) -> str:
    """Text shown literally inside an HTML block."""
    return str(escape(str(text)))


_converter = markdown.Markdown(extensions=["sane_lists"], output_format="html")


def rich(text: str) -> str:
    """A Markdown field from data as safe HTML, in one block (no blank lines inside).

    Raw HTML in the field is shown as text (``<`` is escaped before conversion), so a payload stays readable;
    nh3 then removes anything unsafe that Markdown itself produced, such as a ``javascript:`` link.
    """
    _converter.reset()
    rendered = _converter.convert(text.replace("<", "&lt;"))
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    # Python-Markdown ends a raw HTML block at a blank line: keep the block in one piece.
    return re.sub(r"\n\s*\n", "\n", cleaned).strip()


_TAG = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"<h[1-6]\b([^>]*)>")
_ATTRIBUTE = re.compile(r'\b(id|lang)="([^"]*)"')


_HEADER_TITLE = re.compile(r'(data-md-component="header-topic">\s*<span class="md-ellipsis")>')


def header_title_language(page: str, lang: str) -> str:
    """A themed page whose title (in Material's header) is in ``lang``: the header's title marked with it."""
    return _HEADER_TITLE.sub(lambda m: f'{m.group(1)} lang="{html(lang)}">', page, count=1)


def heading_languages(html_text: str) -> dict[str, str]:
    """{id: lang} of the headings of a page's HTML that carry their own language."""
    found = {}
    for match in _HEADING.finditer(html_text):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if "id" in attributes and "lang" in attributes:
            found[attributes["id"]] = attributes["lang"]
    return found


def plain(text: str) -> str:
    """A Markdown field from data as plain text (its markup dropped), for a short mention such as a table cell;
    to be passed through :func:`md` or :func:`html` like any text."""
    import html as html_lib

    return " ".join(html_lib.unescape(_TAG.sub("", rich(text))).split())


def md_url(url: str) -> str:
    """A link target safe inside Markdown's ``(...)``: spaces, parentheses and quotes are percent-encoded."""
    if _PLAIN_URL.fullmatch(url):  # the links between generated pages: ids are already safe
        return url
    return quote(url, safe="/#:.-_~%?=&@+,;")
