"""The interface catalogues: every string of the code and templates is in the template catalogue, and every
language translates all of it (so a page never mixes languages), with the same placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sitekit import ROOT

from dossier import i18n

LOCALE = ROOT / "dossier" / "locale"


def _extract(target: Path) -> set[object]:
    command = [
        sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "N_", "-k", "NN_:1,2",
        "-k", "NP_:1c,2", "--no-location", "--omit-header", "-o", str(target), ".",
    ]  # fmt: skip
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    with target.open("rb") as handle:
        return {(m.context, m.id) for m in read_po(handle) if m.id}


def test_the_template_catalogue_is_up_to_date(tmp_path: Path) -> None:
    """`make messages` was run after the last change to an interface string."""
    with (LOCALE / "dossier.pot").open("rb") as handle:
        shipped = {(m.context, m.id) for m in read_po(handle) if m.id}
    assert _extract(tmp_path / "fresh.pot") == shipped


@pytest.mark.parametrize("lang", [lang for lang in i18n.languages() if lang != i18n.SOURCE_LANGUAGE])
def test_every_language_translates_every_string(lang: str) -> None:
    with (LOCALE / "dossier.pot").open("rb") as handle:
        wanted = {(m.context, m.id) for m in read_po(handle) if m.id}
    with (LOCALE / lang / "LC_MESSAGES" / "dossier.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    found = {(m.context, m.id): m for m in catalog if m.id}
    assert wanted <= found.keys(), f"missing in {lang}: {sorted(wanted - found.keys(), key=str)}"
    for key in wanted:
        message = found[key]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, f"{lang}: {key} is not translated"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        placeholders = {p for text in ids for p in re.findall(r"%\(\w+\)s", text)}
        assert all(set(re.findall(r"%\(\w+\)s", s)) <= placeholders for s in strings), key
