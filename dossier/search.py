"""The site's search: a Pagefind index of the built site, searched from the header's box.

Material's built-in search sends the whole index to every reader before the first result (12 MB on the synthetic M
dossier) and stems every page as the site's language. Pagefind (https://pagefind.app, the ``pagefind[bin]`` wheel
ships its indexer) writes a chunked index into the site's ``pagefind/`` folder: a search fetches the WebAssembly, the
chunks of the index holding the words typed and the fragments of the results shown, nothing else.

What is indexed is decided by markup, so that any built site can be indexed, whatever built it:

- ``data-pagefind-body`` (``theme/main.html``) wraps the reader's content of every page meant to be found, with the
  page's kind as a filter (``data-pagefind-filter="kind:event"``, from the front matter ``search: {kind: ...}``);
  pages without it are not indexed once any page has it (lists of links, the overview, the tags page);
- what other pages hold (citations, back-links, lists of passages) is marked ``data-pagefind-ignore`` by the
  templates, beside Material's ``data-search-exclude``; both, and the page chrome inside the content (permalinks,
  tags, forms), are left out (:data:`EXCLUDE`);
- text in another language than the page's (``lang="en"`` on a quote's original words, on a stored English source)
  is left out of the page and indexed on its own, in its own language, as a record whose address is the page at
  the heading above it (``quotes/#trump-...``). Pagefind stems a page by its ``<html lang>`` only, and a search
  loads the index of one language: so each other language gets its own bundle (``pagefind/en/``), which the
  search box loads beside the site's (``assets/search.js``) and searches with that language's stemmer.

Figures need nothing: Pagefind drops punctuation inside a word when indexing and in the query, so 11.000, 11,000
and 11000 are one word (tests/test_browser.py checks it).

``mkdocs build`` hands each page to Pagefind as soon as MkDocs has converted it (the plugin calls
:meth:`Indexer.before_build`, :meth:`Indexer.add_content` for each page, :meth:`Indexer.pages_done` once all are
converted and :meth:`Indexer.after_build`): MkDocs converts every page before it themes and writes any, so Pagefind
indexes on the second core while MkDocs converts on the first, and writes its files while MkDocs themes and writes
the pages. What Pagefind is given of a page is what ``theme/main.html`` marks for it in the written page (the
content, in its ``data-pagefind-body`` element: :func:`page_document`), so the index is the one ``dossier index``
makes of the written site (tests/test_search.py compares them). Under ``mkdocs serve`` the written site is indexed
in the background after each build and the indexing dropped when the next build starts, so that it never delays a
rebuild; until it is ready the search box says so. Sites built by another engine from ``dossier render --out``
are indexed with ``dossier index SITE_DIR``.

Pagefind is spoken to directly, as its service (:class:`_Pagefind`); the index's files are asked for and written
here (:func:`_save`).
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import dataclasses
import functools
import gzip
import html
import io
import json
import logging
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

from dossier.schema import N_

if TYPE_CHECKING:
    from dossier.i18n import Words
    from dossier.registry import Registry

log = logging.getLogger("mkdocs.plugins.dossier.search")

BUNDLE = "pagefind"  # the index's folder in the site
MANIFEST = "dossier-search.json"  # in BUNDLE: the state of the index and its other languages, for the search box
# Inside the indexed content, what is not the reader's text (besides data-pagefind-ignore, Pagefind's own mark).
EXCLUDE = (
    "[data-search-exclude]",  # Material's mark: the templates' derived parts carry both (Zensical drops this one)
    ".headerlink",  # the ¶ after each heading
    ".md-tags",  # Material's tag links above the content
    ".md-source-file",  # Material's "last update" line
    "form",  # controls, such as the timeline's filter (every actor's name in its options)
)
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")  # a language tag, as a folder name


class SearchError(click.ClickException):
    """The index could not be built; the message says why. (A ClickException: both ``mkdocs build`` and ``dossier
    index`` print it as an error, without a traceback.)"""


@dataclass(frozen=True, slots=True)
class Report:
    pages: int  # pages in the site's own index
    records: dict[str, int]  # passages in other languages, by language
    seconds: float
    marked: bool  # whether the pages mark what to index (data-pagefind-body)


@dataclass(frozen=True, slots=True)
class Fragment:
    """Text in another language than its page's, indexed on its own."""

    lang: str
    url: str  # the page, at the heading above the text
    title: str
    kind: str
    html: str

    @property
    def text(self) -> str:
        return _text(self.html)


_WORD = re.compile(r"[^\W_]+")


def _keys(text: str) -> set[str]:
    """What tells the search box that a query may be in a language: the first four letters of each of its words
    (the whole word when shorter), lower case, without accents. assets/search.js cuts the query the same way and
    loads a language's index only for a query that has one of them: each language's WebAssembly is 70 kB. (The
    manifest lists them in one string per language, separated by spaces: 5 bytes a key instead of 8 in a JSON
    list; every search fetches the manifest.)"""
    plain = "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))
    return {word[:4] for word in _WORD.findall(plain) if len(word) > 1}


# -- the Pagefind service ------------------------------------------------------------------------------------------
def _binary() -> str:
    """The indexer: $PAGEFIND_BINARY_PATH, the pagefind-bin wheel's, or one on the PATH (as the pagefind package
    looks for it)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        found = None
    else:
        found = get_executable()
    if found is None or not Path(found).is_file():
        raise SearchError("the Pagefind indexer is not installed (pip install 'pagefind[bin]')")
    return str(found)


class _Pagefind:
    """Pagefind's indexer run as a service (``pagefind --service``): requests and replies are base64-encoded JSON,
    each followed by a comma, on its stdin and stdout. Spoken to directly: the ``pagefind`` package's own asyncio
    client waits 0.1 s before reading each reply, which makes thousands of requests take minutes."""

    def __init__(self, *, background: bool = False) -> None:
        self.process = subprocess.Popen(
            [_binary(), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        if background and hasattr(os, "setpriority"):  # the preview stays responsive while it indexes
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, self.process.pid, 10)
        self.replies: dict[int, dict[str, Any]] = {}
        self.done = threading.Condition()
        self.ended = False
        self.last = 0
        self.stderr: deque[str] = deque(maxlen=20)
        self.readers = [threading.Thread(target=t, name="pagefind", daemon=True) for t in (self._read, self._errors)]
        for reader in self.readers:
            reader.start()
        self.finished = threading.Lock()

    def _read(self) -> None:
        stdout = self.process.stdout
        assert isinstance(stdout, io.BufferedReader)
        pending: list[bytes] = []  # the start of a reply (the index's files come as one reply of megabytes)
        while chunk := stdout.read1(1 << 16):
            if b"," not in chunk:
                pending.append(chunk)
                continue
            first, *messages, rest = chunk.split(b",")
            for message in (b"".join([*pending, first]), *messages):
                reply = json.loads(base64.b64decode(message))
                with self.done:
                    self.replies[int(reply.get("message_id") or 0)] = reply["payload"]
                    self.done.notify_all()
            pending = [rest]
        with self.done:
            self.ended = True
            self.done.notify_all()

    def _errors(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line.decode("utf-8", "replace").rstrip())

    def send(self, payload: dict[str, Any]) -> int:
        self.last += 1
        message = json.dumps({"message_id": self.last, "payload": payload}, ensure_ascii=False).encode("utf-8")
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(base64.b64encode(message) + b",")
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError):  # it stopped (or was stopped): wait() says so
            pass
        return self.last

    def wait(self, message_id: int) -> dict[str, Any]:
        with self.done:
            self.done.wait_for(lambda: message_id in self.replies or self.ended)
            reply = self.replies.pop(message_id, None)
        if reply is None:
            self.readers[1].join(timeout=5)  # what it said before it stopped
            said = "; ".join(self.stderr) or f"exit status {self.process.wait()}"
            raise SearchError(f"the Pagefind indexer stopped: {said}")
        if reply.get("type") == "Error":
            raise SearchError(f"Pagefind: {reply.get('message')}")
        return reply

    def call(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self.wait(self.send(payload))

    def close(self) -> None:
        """Let it end (it ends with its input, once its files are written), or stop it."""
        if not _ended(self.process, timeout=600):
            self.kill()
            raise SearchError("the Pagefind indexer did not finish writing the index in 10 minutes")
        self._finish()

    def kill(self) -> None:
        """Stop it now (from any thread: a request waiting for a reply then fails)."""
        if self.process.poll() is None:
            self.process.kill()
        self._finish()

    def _finish(self) -> None:
        self.process.wait()
        with self.finished:
            for reader in self.readers:
                reader.join(timeout=10)
            for pipe in (self.process.stdin, self.process.stdout, self.process.stderr):
                if pipe is not None:
                    with contextlib.suppress(OSError, ValueError):
                        pipe.close()


def _ended(process: subprocess.Popen[bytes], *, timeout: float) -> bool:
    """Close a process's input and wait for it to end: False when it has not within ``timeout`` seconds."""
    if process.stdin is not None:
        with contextlib.suppress(OSError, ValueError):
            process.stdin.close()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


# -- indexing --------------------------------------------------------------------------------------------------------
def index_site(site_dir: Path, *, lang: str | None = None, job: _Job | None = None) -> Report:
    """Write the Pagefind index of the built site ``site_dir`` into ``site_dir/pagefind`` (replaced as a whole),
    Pagefind reading the pages itself (``dossier index``; :class:`_Session` is given them as MkDocs converts them).

    ``lang``: the site's language (default: the one most pages declare in ``<html lang>``)."""
    started = time.perf_counter()
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        raise SearchError(f"{site_dir}: no such folder")
    pages = _pages(site_dir)
    if not pages:
        raise SearchError(f"{site_dir}: no HTML pages in it (is it a built site?)")
    lang = lang or _site_language(pages) or "unknown"
    service = _Pagefind(background=job is not None)
    try:
        if job is not None:
            job.service = service
            job.check()
        main = service.call({"type": "NewIndex", "config": {"exclude_selectors": _exclusions(lang)}})["index_id"]
        adding = service.send({"type": "AddDir", "index_id": main, "path": str(site_dir.resolve())})
        check = job.check if job is not None else None
        marked, fragments = _scan(site_dir, pages, lang, check)  # while Pagefind reads the same pages
        service.wait(adding)
        return _write(service, main, fragments, lang, site_dir, started=started, marked=marked, job=job)
    except BaseException:
        service.kill()
        raise


def _exclusions(lang: str) -> list[str]:
    return [*EXCLUDE, f'[lang]:not([lang|="{lang}"])']


def _write(
    service: _Pagefind,
    main: int,
    fragments: list[Fragment],
    lang: str,
    site_dir: Path,
    *,
    started: float,
    marked: bool,
    job: _Job | None,
) -> Report:
    """Write the site's index ``main``, and one per other language of ``fragments``, then put them in place."""
    staging = Path(tempfile.mkdtemp(prefix=f"{BUNDLE}-", suffix=".tmp", dir=site_dir))
    try:
        if job is not None:
            job.check()
        _save(service, main, staging, scripts=True)
        records: dict[str, int] = {}
        by_lang: dict[str, list[Fragment]] = defaultdict(list)
        for fragment in fragments:
            by_lang[fragment.lang].append(fragment)
        for language, items in sorted(by_lang.items()):
            index = service.call({"type": "NewIndex", "config": {"force_language": language}})["index_id"]
            sent = [service.send(_add(index, item)) for item in items]
            for message_id in sent:
                service.wait(message_id)
            if job is not None:
                job.check()
            _save(service, index, staging / language, scripts=False)
            records[language] = len(items)
        service.close()
        page_count = _indexed(staging)
        keys = {
            language: " ".join(sorted(set().union(*(_keys(f.text) for f in items))))
            for language, items in by_lang.items()
        }
        manifest = {"state": "ready", "lang": lang, "languages": keys, "pages": page_count}
        (staging / MANIFEST).write_text(json.dumps(manifest, sort_keys=True) + "\n", encoding="utf-8")
        _replace(site_dir / BUNDLE, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Report(pages=page_count, records=records, seconds=time.perf_counter() - started, marked=marked)


# Pagefind's script, compressed (45 kB; 13 kB so): the search box fetches it and decompresses it itself, as Pagefind
# does its WebAssembly and index, so that a site served without compression does not send the reader 32 kB more on
# the first search. The name is not .gz, which some servers send as gzip-encoded for the browser to decompress.
# pagefind.js stays beside it, for browsers without DecompressionStream.
SCRIPT_GZIP = "pagefind.js.gzip"

# What the search box does not load: Pagefind's own interfaces, its highlighter and its worker (search.js runs
# Pagefind without one); another language's bundle also goes without pagefind.js (the site's is run for it).
_UNUSED = re.compile(r"pagefind-(?:ui|modular-ui|component-ui|highlight|worker)\.(?:js|css)")


def _save(service: _Pagefind, index: int, folder: Path, *, scripts: bool) -> None:
    """Write an index's files into ``folder``. Asked for, and written here: Pagefind's own WriteFiles answers before
    its files are written, and leaves some of them empty when it exits right after (seen 4 times in 30 runs)."""
    files = service.call({"type": "GetFiles", "index_id": index})["files"]
    for file in files:
        name = str(file["path"])
        if _UNUSED.fullmatch(name) or (not scripts and name == "pagefind.js"):
            continue
        target = folder / name
        if not target.resolve().is_relative_to(folder.resolve()):
            raise SearchError(f"Pagefind named a file outside the index: {name!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        content = base64.b64decode(file["content"])
        target.write_bytes(content)
        if name == "pagefind.js":
            (folder / SCRIPT_GZIP).write_bytes(gzip.compress(content, 9, mtime=0))


def _indexed(bundle: Path) -> int:
    """How many pages a written bundle holds (AddDir's own count includes the pages it found but left out)."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        return sum(int(index.get("page_count", 0)) for index in entry.get("languages", {}).values())
    except (OSError, ValueError, AttributeError):
        return 0


def _add(index: int, fragment: Fragment) -> dict[str, Any]:
    """A fragment as a small page of its own language. The title is a meta of its own element (a title given in
    the attribute would be split at a comma followed by a word and a colon), not indexed as text."""
    title = html.escape(fragment.title)
    document = (
        f'<!doctype html><html lang="{fragment.lang}"><head><meta charset="utf-8"></head><body>'
        f'<div data-pagefind-body data-pagefind-filter="kind:{html.escape(fragment.kind)}">'
        f'<span data-pagefind-meta="title" data-pagefind-ignore hidden>{title}</span>{fragment.html}</div>'
        "</body></html>"
    )
    return {"type": "AddFile", "index_id": index, "url": fragment.url, "file_contents": document, "file_path": None}


def _replace(target: Path, staging: Path) -> None:
    """Put ``staging`` in place of ``target``: the old index goes only once the new one is complete."""
    old = None
    if target.exists():
        old = target.with_name(f"{target.name}-{os.getpid()}-{threading.get_ident()}.old")
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _pages(site_dir: Path) -> list[Path]:
    bundle = (site_dir / BUNDLE).resolve()
    found = []
    for path in sorted(site_dir.rglob("*.html")):
        top = path.relative_to(site_dir).parts[0]
        if top.startswith(f"{BUNDLE}-") or (site_dir / top).resolve() == bundle:
            continue
        found.append(path)
    return found


_HTML_LANG = re.compile(rb'<html\b[^>]*?\slang="([^"]*)"', re.IGNORECASE)
_LANG_VALUE = re.compile(rb'\slang="([^"]*)"')


def _site_language(pages: list[Path]) -> str | None:
    counts: dict[str, int] = defaultdict(int)
    for path in pages[:200]:
        with path.open("rb") as file:
            head = file.read(4096)
        if match := _HTML_LANG.search(head):
            counts[match.group(1).decode("ascii", "replace").lower()] += 1
    return max(counts, key=lambda lang: counts[lang]) if counts else None


# -- text in other languages -------------------------------------------------------------------------------------
_BODY = re.compile(r"<([a-zA-Z][\w-]*)\b([^>]*\sdata-pagefind-body\b[^>]*)>")
_KIND = re.compile(r'\sdata-pagefind-filter="kind:([^"]*)"')
_EXCLUDED = re.compile(r"<([a-zA-Z][\w-]*)\b[^>]*\sdata-(?:search-exclude|pagefind-ignore)\b[^>]*>")
_LANG_ATTR = re.compile(r'<([a-zA-Z][\w-]*)\b[^>]*?\slang="([^"]*)"[^>]*>')
_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1\s*>", re.DOTALL | re.IGNORECASE)
_ID = re.compile(r'\sid="([^"]*)"')
_PERMALINK = re.compile(r'<a\b[^>]*\bclass="headerlink"[^>]*>.*?</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "source", "track", "wbr", "area", "base", "col"})


def _scan(
    site_dir: Path, pages: list[Path], lang: str, check: Callable[[], None] | None = None
) -> tuple[bool, list[Fragment]]:
    """Whether any page marks its indexed content, and every fragment in another language than its page's.
    ``check``: called every few pages, raises when the indexing is cancelled (under serve, a rebuild waits for it to
    stop: reading every page of M takes seconds)."""
    marked = False
    fragments: list[Fragment] = []
    for number, path in enumerate(pages):
        if check is not None and number % 32 == 0:
            check()
        data = path.read_bytes()
        if b"data-pagefind-body" not in data:
            continue
        marked = True
        match = _HTML_LANG.search(data)
        page_lang = match.group(1).decode("ascii", "replace").lower() if match else lang
        primary = page_lang.split("-")[0].encode("ascii", "replace")
        if all(value.lower().split(b"-")[0] == primary for value in _LANG_VALUE.findall(data)):
            continue  # (the quick way out for most pages)
        fragments.extend(_foreign(data.decode("utf-8", "replace"), _url(site_dir, path), page_lang))
    return marked, fragments


def searched_kind(meta: Mapping[str, Any] | None) -> str | None:
    """The kind a page is indexed as, from its front matter (``search: {kind: event}``; a hand-written page is a
    "page"), or None for a page left out of the index (``search: {exclude: true}``): as ``theme/main.html`` marks
    the written page."""
    settings = meta.get("search") if meta else None
    if not isinstance(settings, Mapping):
        return "page"
    if settings.get("exclude"):
        return None
    return str(settings.get("kind") or "page")


def page_document(content: str, *, lang: str, kind: str, title: str) -> str:
    """A converted page as Pagefind is given it during ``mkdocs build``: the page's content in the element
    ``theme/main.html`` wraps it in, in a page of the site's language, without the theme's header, navigation and
    footer (a third of a page of M), which Pagefind would leave out anyway. Material heads a content that has no
    ``<h1>`` with the page's title (``partials/content.html``): so does this."""
    heading = "" if "<h1" in content else f"<h1>{html.escape(title)}</h1>"
    return (
        f'<!doctype html><html lang="{html.escape(lang)}"><head><meta charset="utf-8"></head><body>'
        f'<div class="dossier-searchable" data-pagefind-body data-pagefind-filter="kind:{html.escape(kind)}">'
        f"{heading}{content}</div></body></html>"
    )


def _body(text: str) -> re.Match[str] | None:
    """The opening tag of the page's ``data-pagefind-body`` element (found with str.find: a regular expression
    trying every tag of every page is a second of a build on M)."""
    at = text.find(" data-pagefind-body")
    if at < 0:
        return None
    return _BODY.match(text, text.rfind("<", 0, at))


def _page_fragments(text: str, url: str, page_lang: str) -> list[Fragment]:
    """:func:`_foreign` of a page in ``page_lang`` given as text (:func:`page_document`), with the same quick way
    out."""
    primary = page_lang.split("-")[0]
    at = text.find(' lang="')
    while at >= 0:  # (str.find: most pages have no lang but their <html>'s)
        end = text.find('"', at + 7)
        if text[at + 7 : end].lower().split("-")[0] != primary:
            return list(_foreign(text, url, page_lang))
        at = text.find(' lang="', end)
    return []


def _url(site_dir: Path, path: Path) -> str:
    """The page's address as Pagefind gives it (from the site's root, without index.html)."""
    relative = path.relative_to(site_dir).as_posix()
    return "/" + (
        relative.removesuffix("index.html")
        if relative.endswith("/index.html") or relative == "index.html"
        else relative
    )


def _foreign(text: str, url: str, page_lang: str) -> Iterator[Fragment]:
    """The fragments of a page in another language than ``page_lang``, outside the parts left out of the index."""
    body = _body(text)
    if body is None:
        return
    start, end = body.end(), _element_end(text, body.group(1), body.start())
    kind_match = _KIND.search(body.group(2))
    kind = kind_match.group(1) if kind_match else "page"
    excluded = [(m.start(), m.group(1)) for m in _EXCLUDED.finditer(text, start, end)]
    excluded_at = [position for position, _ in excluded]
    ends: dict[int, int] = {}  # where an excluded element ends, found only when needed

    def left_out(position: int) -> bool:
        for i in range(bisect.bisect_right(excluded_at, position) - 1, -1, -1):
            opened, tag = excluded[i]
            if opened not in ends:
                ends[opened] = _element_end(text, tag, opened)
            if ends[opened] > position:
                return True
        return False

    headings = []  # (position, level, id, text)
    for m in _HEADING.finditer(text, start, end):
        anchor = _ID.search(m.group(2))
        headings.append((m.start(), int(m.group(1)), anchor.group(1) if anchor else "", _text(m.group(3))))
    page_title = next((h[3] for h in headings if h[1] == 1), "")
    positions = [h[0] for h in headings]
    covered = start
    for m in _LANG_ATTR.finditer(text, start, end):
        tag, lang = m.group(1).lower(), m.group(2).strip().lower()
        if m.start() < covered or tag in _VOID or not lang or _same_language(lang, page_lang):
            continue
        if left_out(m.start()):
            continue
        stop = _element_end(text, tag, m.start())
        covered = stop
        if not _LANGUAGE.fullmatch(lang):
            log.debug(f"search: {url}: not a language tag: lang={lang!r}")
            continue
        at = bisect.bisect_right(positions, m.start()) - 1
        heading = headings[at] if at >= 0 else None
        title, address = page_title, url
        if heading is not None and heading[2]:
            address = f"{url}#{heading[2]}"
            if heading[1] > 1 and not heading[2].startswith("_"):  # a record's heading, not a section's
                title = heading[3]
        fragment_html = text[m.start() : stop]
        if _text(fragment_html):
            yield Fragment(lang=lang, url=address, title=title or url, kind=kind, html=fragment_html)


def _same_language(lang: str, page_lang: str) -> bool:
    return lang.split("-")[0] == page_lang.split("-")[0]


def _element_end(text: str, tag: str, start: int) -> int:
    """Where the element opened at ``start`` ends (the pages are generated, well-formed HTML)."""
    depth = 0
    for m in _tags(tag.lower()).finditer(text, start):
        if m.group(1):
            depth -= 1
            if depth == 0:
                return m.end()
        elif not m.group(0).endswith("/>"):
            depth += 1
    return len(text)


@functools.lru_cache(maxsize=64)
def _tags(tag: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){re.escape(tag)}\b[^>]*>", re.IGNORECASE)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", _PERMALINK.sub("", fragment))).split())


# -- MkDocs: build, preview -------------------------------------------------------------------------------------
def _theme_language(config: Mapping[str, Any]) -> str:
    """The site's language as the theme writes it in ``<html lang>`` (Material's ``theme.language``)."""
    theme = config.get("theme")
    language = theme.get("language") if isinstance(theme, Mapping) else None
    return str(language or "en")


def _searched_by_theme(config: Mapping[str, Any]) -> bool:
    """Whether the site uses a search plugin of its own (Material's, MkDocs'): then it is not indexed here."""
    return any(name.rsplit("/", 1)[-1] == "search" for name in config["plugins"])


# The search box's own words (Material's catalogue has the rest: "no results", "1 result" ...), by the keys
# assets/search.js looks up; the names of the kinds ("kind.<name>", "kinds.<name>") come from the registry.
BOX_WORDS = {
    "kinds": N_("Kind"),
    "kinds.all": N_("All"),
    "kind.page": N_("Page"),
    "kinds.page": N_("Pages"),
    "passage": N_("passage {n}"),
    "in": N_("in {lang}"),
    "more": N_("Show more results"),
    "file": N_(
        "Search does not work with the site opened from disk (file://): the browser does not let it read the index. "
        "Serve the site folder over HTTP, for example with: python -m http.server -d site"
    ),
    "indexing": N_("The search index is being built: try again in a few seconds."),
    "missing": N_("This site has no search index: build it with dossier index."),
    "error": N_("Search is not available."),
}


def words_script(words: Words, registry: Registry) -> str:
    """``assets/dossier/search-words.js`` (:data:`dossier.render.SEARCH_WORDS`), loaded before ``search.js``: the
    search box's words in the site's language, the kinds of pages in the order its filter lists them, and the kinds
    listed on pages whose headings are records. A script rather than attributes of the theme's markup, so that a site
    built from ``dossier render --out`` by another engine gets the very same words."""
    given = {
        "words": box_words(words, registry),
        "kinds": [kind.name for kind in registry if kind.listing is not None or kind.pages is not None] + ["page"],
        "lists": [kind.name for kind in registry if kind.listing is not None and kind.pages is None],
    }
    text = json.dumps(given, ensure_ascii=False, sort_keys=True)
    return f"// Written by dossier for this site (dossier.search.words_script).\nwindow.dossierSearch = {text};\n"


def box_words(words: Words, registry: Registry) -> dict[str, str]:
    """The search box's words in the interface language: what ``theme/partials/dossier-search.html`` hands to
    ``assets/search.js``."""
    found = {key: words.gettext(msgid) for key, msgid in BOX_WORDS.items()}
    for kind in registry:
        one, many = kind.noun
        if one:
            found[f"kind.{kind.name}"] = words.gettext(one)
            found[f"kinds.{kind.name}"] = words.gettext(many)
    return found


class Indexer:
    """The search index of the builds of one program (the plugin holds one for its life): the pages handed to
    Pagefind while a build converts them, and under ``mkdocs serve`` the background indexing of the last build."""

    def __init__(self) -> None:
        self.session: _Session | None = None
        self.job: _Job | None = None
        self._lock = threading.Lock()

    def before_build(self, config: Mapping[str, Any], *, serving: bool = False) -> None:
        """At the start of every build. A background indexing of the previous preview build stops here, before
        MkDocs empties the site folder it reads; and unless a search plugin of the theme's is in use, Pagefind
        starts, to be given the pages as MkDocs converts them (:meth:`add_content`). Not under serve: handing pages
        over costs the build a little (encoding them), and a preview's rebuild must not wait for search; its site
        is indexed afterwards."""
        self._stop_job()
        self._stop_session()
        if not serving and not _searched_by_theme(config):
            self.session = _Session(Path(config["site_dir"]), _theme_language(config))

    def add_content(self, url: str, content: str, *, meta: Mapping[str, Any] | None, title: str) -> None:
        """A page as MkDocs converted it: ``url``, its address from the site's root as MkDocs links it; ``content``,
        its HTML; ``meta``, its front matter."""
        session = self.session
        if session is None:
            return
        kind = searched_kind(meta)
        if kind is not None:
            session.add(f"/{url}", page_document(content, lang=session.lang, kind=kind, title=title))

    def pages_done(self) -> None:
        """Every page is converted (and handed over): Pagefind writes the index while MkDocs writes the pages."""
        if self.session is not None:
            self.session.close()

    def after_build(self, config: Mapping[str, Any], *, serving: bool = False) -> None:
        """Once MkDocs has written the site: put its index in place, or under ``mkdocs serve`` make it in the
        background."""
        session, self.session = self.session, None
        if session is None and _searched_by_theme(config):
            return
        site_dir = Path(config["site_dir"])
        if serving:
            self._stop_job()
            job = _Job.start(site_dir)
            with self._lock:
                self.job = job
            return
        waiting = time.perf_counter()
        if session is None:
            report = index_site(site_dir)
            after = ""
        else:
            handed = session.result()
            report = handed if handed is not None else index_site(site_dir)  # no page marks what to index
            after = " after the pages" if handed is not None else ""
        waited = time.perf_counter() - waiting
        others = ", ".join(f"{n} in {lang}" for lang, n in report.records.items())
        found = f"{report.pages} pages{f' and {others}' if others else ''}"
        log.info(f"dossier: search index: {found} ({waited:.1f} s{after})")
        if not report.marked:
            log.warning("dossier: no page marks its content for search (data-pagefind-body): every <body> was indexed")

    def abort(self) -> None:
        """The build failed: its pages are not indexed."""
        self._stop_session()

    def shutdown(self) -> None:
        self._stop_job()
        self._stop_session()

    def _stop_session(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            session.stop()

    def _stop_job(self) -> None:
        with self._lock:
            job, self.job = self.job, None
        if job is not None:
            job.cancel()


class _Session:
    """Pagefind given the pages as MkDocs converts them: MkDocs converts on one core, Pagefind indexes on the
    other, and writes its files while MkDocs themes and writes the pages (on M, indexing the written site
    afterwards took most of what Material's search plugin costs; handing the pages over as they were written left
    Pagefind 3 s of work after the last).

    The pages go to a helper process (:func:`_serve_pages`, run by the same Python), which speaks to Pagefind, finds
    the text in other languages and writes the index: the build's own process only writes each page into a pipe.
    (Done by threads of the build's process, that work took the interpreter's lock from the build at every page
    and every reply: an M build was 7 s slower for 2.5 s of their work.)"""

    def __init__(self, site_dir: Path, lang: str) -> None:
        self.lang = lang  # the site's, as the theme writes it in <html lang>
        here = str(Path(__file__).resolve().parent.parent)  # the helper runs this very package
        path = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)
        # Its report and errors go to files, read once it has ended: a pipe that nobody reads while the pages are
        # handed over could fill, and stop both processes.
        self.output, self.errors = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115 (closed by _said)
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from dossier.search import _serve_pages; _serve_pages()", str(site_dir), lang],
            stdin=subprocess.PIPE,
            stdout=self.output,
            stderr=self.errors,
            env={**os.environ, "PYTHONPATH": path},
        )
        assert self.process.stdin is not None
        if hasattr(fcntl, "F_SETPIPE_SZ"):  # Linux: room for a few pages, so that a page rarely waits for the helper
            with contextlib.suppress(OSError):
                fcntl.fcntl(self.process.stdin.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
        self.broken = False
        self.closed = False

    def add(self, url: str, document: str) -> None:
        if self.broken or self.closed:
            return
        address, text = url.encode("utf-8"), document.encode("utf-8")
        stdin = self.process.stdin
        assert stdin is not None
        try:
            stdin.write(_FRAME.pack(len(address), len(text)))
            stdin.write(address)
            stdin.write(text)
            stdin.flush()
        except (BrokenPipeError, OSError, ValueError):  # it stopped: result() says why
            self.broken = True

    def close(self) -> None:
        """No more pages: the helper writes the index meanwhile (:meth:`result` waits for it)."""
        if not self.closed:
            self.closed = True
            stdin = self.process.stdin
            assert stdin is not None
            with contextlib.suppress(OSError, ValueError):
                stdin.write(_END)
                stdin.close()

    def result(self) -> Report | None:
        """The index written into the site folder, or None when no page was handed over."""
        self.close()
        self.process.wait()
        out, err = self._said()
        if self.process.returncode != 0:
            said = err.decode("utf-8", "replace").strip().splitlines()
            if len(said) == 1:  # its message
                raise SearchError(said[0])
            stopped = said[-1] if said else f"exit status {self.process.returncode}"  # the end of a traceback
            raise SearchError(f"the search index helper stopped: {stopped}")
        report = json.loads(out)
        return None if report is None else Report(**report)

    def stop(self) -> None:
        """Stop it now (the build failed): it stops Pagefind and removes what it wrote."""
        self.closed = True
        if self.process.poll() is None:
            self.process.terminate()
        if not _ended(self.process, timeout=30):
            self.process.kill()
            self.process.wait()
        self._said()

    def _said(self) -> tuple[bytes, bytes]:
        """What it wrote on its stdout and stderr (once it has ended); the files are closed."""
        said = []
        for file in (self.output, self.errors):
            if file.closed:  # read already
                said.append(b"")
                continue
            with file:
                file.seek(0)
                said.append(file.read())
        return said[0], said[1]


_FRAME = struct.Struct("<II")  # a page handed to the helper: the lengths of its address and of its HTML, in bytes
_END = _FRAME.pack(0, 0)  # the last page was handed over (input that ends without it: the build stopped)


def _serve_pages() -> None:
    """The helper process of :class:`_Session`: reads the pages from stdin until it ends, gives them to Pagefind,
    and writes the index into the site folder (its arguments: that folder, the site's language). Prints the
    :class:`Report` as JSON (null when no page came), or exits with the reason on stderr."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that Pagefind is stopped and the staging removed
    site_dir, lang = Path(sys.argv[1]), sys.argv[2].lower()
    stdin = sys.stdin.buffer
    service: _Pagefind | None = None
    try:
        index = 0
        sent: list[int] = []
        fragments: list[Fragment] = []
        while (header := stdin.read(_FRAME.size)) != _END:
            if len(header) < _FRAME.size:  # the build stopped: nothing is written
                sys.exit(1)
            sizes = _FRAME.unpack(header)
            url, text = (stdin.read(size).decode("utf-8") for size in sizes)
            if service is None:
                service = _Pagefind()
                config = {"exclude_selectors": _exclusions(lang)}
                index = service.call({"type": "NewIndex", "config": config})["index_id"]
            page = {"type": "AddFile", "index_id": index, "url": url, "file_contents": text, "file_path": None}
            sent.append(service.send(page))
            fragments.extend(_page_fragments(text, url, lang))
        if service is None:
            print("null")
            return
        started = time.perf_counter()
        for message_id in sent:
            service.wait(message_id)
        report = _write(service, index, fragments, lang, site_dir, started=started, marked=True, job=None)
        print(json.dumps(dataclasses.asdict(report)))
    except SearchError as exc:
        print(exc.message, file=sys.stderr)
        sys.exit(1)
    finally:
        if service is not None:
            service.kill()


@dataclass(eq=False)
class _Job:
    """Indexing the preview's site in the background. The search box shows :data:`MANIFEST`'s state meanwhile."""

    site_dir: Path
    cancelled: threading.Event = field(default_factory=threading.Event)
    service: _Pagefind | None = None
    thread: threading.Thread | None = None

    @classmethod
    def start(cls, site_dir: Path) -> _Job:
        pending = site_dir / BUNDLE / MANIFEST
        pending.parent.mkdir(parents=True, exist_ok=True)
        pending.write_text('{"state": "indexing"}\n', encoding="utf-8")
        job = cls(site_dir)
        job.thread = threading.Thread(target=job.run, name="dossier-search-index", daemon=True)
        job.thread.start()
        return job

    def check(self) -> None:
        if self.cancelled.is_set():
            raise SearchError("indexing cancelled: the site is being rebuilt")

    def run(self) -> None:
        try:
            report = index_site(self.site_dir, job=self)
        except Exception as exc:  # a background thread: reported, never raised
            if not self.cancelled.is_set():
                log.warning(f"dossier: the search index was not built: {exc}")
            return
        log.info(f"dossier: search index ready ({report.pages} pages, {report.seconds:.1f} s)")

    def cancel(self) -> None:
        self.cancelled.set()
        service = self.service
        if service is not None:
            service.kill()
        if self.thread is not None:
            self.thread.join(timeout=30)
