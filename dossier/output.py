"""``dossier render --out DIR``: the site's pages as files, for any engine (Zensical, ProperDocs, plain MkDocs).

DIR receives a complete docs folder: the hand-written pages (the overview marker filled in), the generated pages,
the assets and the published exports (``dati/``). It is replaced as a whole, atomically: a reader (or an engine
watching it) sees either the old tree or the new one, never a mix, and nothing outside DIR is touched. ``dossier
export --out DIR`` writes its folder the same way.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from dossier import search
from dossier.i18n import Words
from dossier.registry import Registry
from dossier.render import ASSETS, OVERVIEW_MARKER, SEARCH_WORDS, Renderer

MARKER = ".dossier-render"  # names a folder as ours, so we never replace a folder we did not write


class OutputError(Exception):
    """The output folder cannot be written; the message says why."""


def tree(renderer: Renderer, docs_dir: Path | None, published: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
    """Every file of the output folder, by '/'-separated path; ``published``: the exports and their page."""
    pages = renderer.pages()
    files: dict[str, bytes] = {MARKER: b"Written by `dossier render`; replaced as a whole on every run.\n"}
    if docs_dir is not None and docs_dir.is_dir():
        for path in sorted(docs_dir.rglob("*")):
            if not path.is_file() or any(part.startswith(".") for part in path.relative_to(docs_dir).parts):
                continue
            uri = path.relative_to(docs_dir).as_posix()
            data = path.read_bytes()
            if uri.endswith(".md") and OVERVIEW_MARKER.encode() in data:
                text = data.decode("utf-8").replace(OVERVIEW_MARKER, renderer.overview(uri))
                data = text.encode("utf-8")
            files[uri] = data
    for uri, text in pages.items():
        if uri in files:
            raise OutputError(f"generated page '{uri}' would replace the hand-written page '{uri}'")
        files[uri] = text.encode("utf-8")
    for uri, data in (published or {}).items():
        if uri in files:
            raise OutputError(f"generated file '{uri}' would replace the hand-written file '{uri}'")
        files[uri] = data
    for name in ASSETS:
        files[name] = asset(name, renderer.words, renderer.registry)
    return dict(sorted(files.items()))


def asset(name: str, words: Words, registry: Registry) -> bytes:
    """The bytes of one of :data:`~dossier.render.ASSETS`: a file of the package's ``assets/`` folder, or the search
    box's words written for this site."""
    if name == SEARCH_WORDS:
        return search.words_script(words, registry).encode("utf-8")
    return resources.files("dossier").joinpath("assets", name.rsplit("/", 1)[1]).read_bytes()


def _read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name or not hasattr(os, "O_PATH"):
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)


def _remove_leftovers(out: Path) -> None:
    """Staging folders of an earlier run that was killed: ours only (they hold the marker)."""
    for candidate in out.parent.glob(f".{out.name}.*"):
        if candidate.is_dir() and not candidate.is_symlink() and (candidate / MARKER).is_file():
            shutil.rmtree(candidate, ignore_errors=True)


def write(out: Path, files: dict[str, bytes]) -> bool:
    """Replace ``out`` with ``files`` (which hold :data:`MARKER`); False (and nothing written) when it already holds
    exactly them."""
    if out.exists():
        if not out.is_dir():
            raise OutputError(f"{out} exists and is not a folder")
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise OutputError(
                f"{out} is not empty and was not written by 'dossier render' or 'dossier export': choose another folder"
            )
        if _read_tree(out) == files:
            return False
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for uri, data in files.items():
            target = staging / uri
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out.exists():
            if _exchange(staging, out):
                shutil.rmtree(staging)  # now holds the old tree
                return True
            old = staging.with_name(staging.name + ".old")
            out.rename(old)
            staging.rename(out)
            shutil.rmtree(old)
        else:
            staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return True
