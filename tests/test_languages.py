"""The three interface languages, each building a small dossier written in it (``mkdocs build --strict``): the
interface from its gettext catalogue, numbers, dates and plurals from CLDR, nothing of the other languages.

A translator adds a language with a ``.po`` file alone (``dossier/locale/<lang>/LC_MESSAGES/dossier.po``); this test
is how CI builds every one of them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sitekit import run

from dossier import i18n

# Per language: the data's words, and what the built pages must then say (French counts 0 in the singular: CLDR).
DOSSIERS = {
    "it": {
        "country": "Nordlandia", "person": "Anna Berg", "event": "Vertice a Lanza", "unit": "soldati",
        "question": "Quanti soldati ha inviato Nordlandia?", "title": "Un articolo su Lanza",
        "text": "A Lanza Anna Berg ha parlato di circa 15mila soldati. Altri dicono 11mila.",
        "first": "circa 15mila soldati", "second": "11mila",
        "expect": ["<h1", "Cronologia", "Settembre 2025", "3 settembre 2025", "circa 15.000 soldati", "11.000 soldati",
                   "Il dossier raccoglie 2 attori, 1 evento, 0 citazioni, 2 affermazioni, 1 domanda, 1 fonte e 0 temi.",
                   "Le risposte a confronto", "Chi lo dice"],
    },
    "en": {
        "country": "Northland", "person": "Anna Berg", "event": "Summit in Lanza", "unit": "soldiers",
        "question": "How many soldiers did Northland send?", "title": "An article on Lanza",
        "text": "In Lanza Anna Berg spoke of about 15,000 soldiers. Others say 11,000.",
        "first": "about 15,000 soldiers", "second": "11,000",
        "expect": ["<h1", "Timeline", "September 2025", "September 3, 2025", "about 15,000 soldiers",
                   "11,000 soldiers", "The answers compared", "Who says it",
                   "The dossier holds 2 actors, 1 event, 0 quotes, 2 claims, 1 question, 1 source, and 0 topics."],
    },
    "fr": {
        "country": "Nordlande", "person": "Anna Berg", "event": "Sommet à Lanza", "unit": "soldats",
        "question": "Combien de soldats la Nordlande a-t-elle envoyés ?", "title": "Un article sur Lanza",
        "text": "À Lanza, Anna Berg a parlé d'environ 15 000 soldats. D'autres disent 11 000.",
        "first": "environ 15 000 soldats", "second": "11 000",
        "expect": ["<h1", "Chronologie", "Septembre 2025", "3 septembre 2025", "environ 15\u202f000 soldats",
                   "11\u202f000 soldats", "Le dossier réunit 2 acteurs, 1 événement, 0 citation, 2 affirmations, "
                   "1 question, 1 source et 0 thème.", "Les réponses comparées", "Qui le dit"],
    },
}  # fmt: skip

MKDOCS = """\
site_name: "{lang}"
theme:
  name: material
  language: {lang}
  font: false
plugins:
  - search
  - dossier
markdown_extensions: [admonition, attr_list, md_in_html, tables, toc]
"""


def _write(root: Path, lang: str) -> None:
    words = DOSSIERS[lang]
    files = {
        "mkdocs.yml": MKDOCS.format(lang=lang),
        "docs/index.md": f"# {lang}\n\n<!-- dossier:overview -->\n",
        "data/actors/paese.yml": f"name: {words['country']}\nkind: country\n",
        "data/actors/persona.yml": f"name: {words['person']}\nkind: person\n",
        "data/events/vertice.yml": (
            f"title: {words['event']}\ndate: 2025-09-03\nparticipants: [persona]\n"
            f"sources:\n  - source: articolo\n    passage: {words['person']}\n"
        ),
        "data/questions/quanti.yml": f"text: {words['question']}\nsubject: paese\n",
        "data/claims/primo.yml": (
            f"statement: {words['first']}.\nsubject: paese\nquestion: quanti\naccording_to: persona\n"
            f'value: {{amount: "15000", approximate: "true", unit: {words["unit"]}}}\nstatus: reported\n'
            f"confidence: medium\nsources:\n  - source: articolo\n    passage: {words['first']}\n"
        ),
        "data/claims/secondo.yml": (
            f"statement: {words['second']}.\nsubject: paese\nquestion: quanti\n"
            f'value: {{amount: "11000", unit: {words["unit"]}}}\nstatus: disputed\n'
            f"confidence: low\nsources:\n  - source: articolo\n    passage: {words['second']}\n"
        ),
        "data/sources/articolo.yml": (
            f"title: {words['title']}\nkind: article\nlang: {lang}\npublished: 2025-09\ntext_file: articolo.txt\n"
        ),
        "data/sources/articolo.txt": words["text"] + "\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_the_three_languages_have_catalogues() -> None:
    assert set(i18n.languages()) >= {"en", "it", "fr"}


@pytest.mark.parametrize("lang", sorted(DOSSIERS))
def test_a_small_dossier_builds_in_each_interface_language(tmp_path: Path, lang: str) -> None:
    _write(tmp_path, lang)
    result = run(["mkdocs", "build", "--strict"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    site = tmp_path / "site"
    pages = {
        name: (site / name / "index.html").read_text(encoding="utf-8")
        for name in ("timeline", "claims", "questions", "overview")
    }
    pages["home"] = (site / "index.html").read_text(encoding="utf-8")
    everything = "\n".join(pages.values())
    assert all(f'<html lang="{lang}"' in page for page in pages.values())
    for expected in DOSSIERS[lang]["expect"]:
        assert expected in everything, f"{lang}: {expected!r} missing"
    # No interface word of another language (the data is in this one).
    others = {"it": ["Cronologia", "Affermazioni"], "en": ["Timeline", "according to"], "fr": ["Chronologie", "selon"]}
    for other, words in others.items():
        if other != lang:
            for word in words:
                assert not re.search(rf"\b{word}\b", pages["claims"]), f"{lang}: {word!r} ({other}) on the claims page"
