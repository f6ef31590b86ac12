"""A kind of record is one declaration: a toy kind declared here, in the tests only, gets everything the built-in
kinds get (validation, references checked with did-you-mean, back-links, pages) with no change to the core."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import pytest
from conftest import SOURCE
from pydantic import Field

from dossier import model
from dossier.errors import DossierError
from dossier.kinds import DEFAULT, Citations
from dossier.registry import Kind, Listing, Pages, Registry, RegistryError
from dossier.render import render
from dossier.resolve import load
from dossier.schema import N_, NN_, Id, Line, Notes, Strict, link


class Place(Strict):
    """A place where things happen: the toy kind."""

    name: Line
    country: Annotated[Id, link("actor", reverse="places", label=N_("Places"))] = Field(
        description="Id of the country the place is in"
    )
    visitors: tuple[Annotated[Id, link("actor", reverse="visited")], ...] = ()
    sources: Citations = ()
    notes: Notes = ()


PLACE = Kind(
    name="place", folder="places", model=Place, label="name", plural=NN_("%(num)s place", "%(num)s places"),
    listing=Listing(folder="places", template="places.md.j2", title=N_("Places"), order=lambda p: p.name),
    pages=Pages(template="place.md.j2"),
)  # fmt: skip
WITH_PLACES = Registry((*DEFAULT.kinds, PLACE))

TEMPLATES = {
    "places.md.j2": "# {{ title | md }}\n\n{% for place in sheet.records %}\n"
    "- [{{ place.name | md }}]({{ href(place) }})\n{% endfor %}\n",
    "place.md.j2": '{% import "_macros.md.j2" as m with context %}\n# {{ place.name | md }}\n\n'
    "{{ _('In') }} {{ m.link_to(place.country) }}\n{{ m.citations(place.sources) }}\n",
}
DIAOYUTAI = (
    "name: Diaoyutai State Guest House\ncountry: cina\nvisitors: [vladimir-putin, kim-jong-un]\n"
    f"sources:\n  - source: {SOURCE}\n    passage: alla Diaoyutai State Guest House di Pechino\n"
)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    for name, text in TEMPLATES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _problems(data: Path) -> list[str]:
    with pytest.raises(DossierError) as caught:
        load(data, registry=WITH_PLACES)
    return [str(p) for p in caught.value.problems]


def test_a_declared_kind_is_validated_and_its_references_checked(make_data: Callable[..., Path]) -> None:
    data = make_data(
        {
            "actors/cina.yml": "name: Cina\nkind: country\n",
            "places/diaoyutai.yml": DIAOYUTAI.replace("country: cina", "country: cian").replace(
                "name: Diaoyutai", "nome: Diaoyutai"
            ),
            "places/index.yml": "name: X\ncountry: cina\n",
        }
    )
    assert _problems(data) == [
        "data/places/diaoyutai.yml:1:1: place 'diaoyutai': name: missing required field",
        "data/places/diaoyutai.yml:1:1: place 'diaoyutai': nome: unknown field (did you mean 'name'?); "
        "expected one of: name, country, visitors, sources, notes",
        "data/places/diaoyutai.yml:2:10: place 'diaoyutai': country: unknown actor 'cian' (did you mean 'cina'?)",
        "data/places/index.yml: place 'index': 'index' is reserved for the page listing every place: "
        "choose another file name",
    ]


def test_a_declared_kind_gets_back_links_and_pages(make_data: Callable[..., Path], templates: Path) -> None:
    data = make_data({"actors/cina.yml": "name: Cina\nkind: country\n", "places/diaoyutai.yml": DIAOYUTAI})
    dossier = load(data, registry=WITH_PLACES)
    (place,) = dossier.places
    assert place.country.id == "cina" and [a.id for a in place.visitors] == ["vladimir-putin", "kim-jong-un"]
    assert next(model.citations(place)).verified
    cina = dossier.get("actor", "cina")
    assert dossier.links(cina).places == (place,)
    assert dossier.links(dossier.get("actor", "kim-jong-un")).visited == (place,)
    assert (("source", SOURCE) in dossier.citations_of) and any(
        r is place for r, _ in dossier.citations_of[("source", SOURCE)]
    )
    pages = render(dossier, templates_dir=templates)
    assert "- [Diaoyutai State Guest House](diaoyutai.md)" in pages["places/index.md"]
    assert "In [Cina](../actors/cina.md)" in pages["places/diaoyutai.md"]
    # The actor pages list what points at them, under the label the link declares (or its name), untouched.
    assert re.search(
        r"## Places \{#_places data-search-exclude\}\n\n- \[Diaoyutai State Guest House\]\(\.\./places/diaoyutai\.md\)",
        pages["actors/cina.md"],
    )
    assert "## visited {#_visited" in pages["actors/kim-jong-un.md"]
    # The source page names the place among the facts citing it; the overview counts places.
    assert "[Diaoyutai State Guest House](../places/diaoyutai.md)" in pages[f"sources/{SOURCE}.md"]
    assert "1 place" in pages["overview.md"]


def test_the_default_registry_does_not_know_the_toy_kind(make_data: Callable[..., Path]) -> None:
    data = make_data({"places/diaoyutai.yml": DIAOYUTAI})
    with pytest.raises(DossierError) as caught:
        load(data)
    assert [str(p) for p in caught.value.problems] == [
        "data/places: unexpected folder 'places'; records go in: actors, events, quotes, claims, questions, sources, "
        "tags"
    ]


def test_a_registry_refuses_declarations_that_cannot_work() -> None:
    with pytest.raises(RegistryError, match="two kinds share a name or a folder"):
        Registry((*DEFAULT.kinds, DEFAULT["actor"]))

    class Stray(Strict):
        name: Line
        where: Annotated[Id, link("planet")]

    stray = Kind(name="stray", folder="strays", model=Stray, label="name", plural=NN_("%(num)s x", "%(num)s xs"))
    with pytest.raises(RegistryError, match=r"stray\.where links to an undeclared kind 'planet'"):
        Registry((*DEFAULT.kinds, stray))
