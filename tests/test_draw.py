"""The drawings of dossier/draw.py: golden files for each kind of date and for the maps, then what they must show.

Refresh the golden files with ``UPDATE_GOLDENS=1 pytest tests/test_draw.py`` and review the difference.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from dossier import draw, drawings
from dossier.edtf import parse
from dossier.i18n import Words
from dossier.kinds import ACTOR_KINDS

GOLDEN = Path(__file__).parent / "golden" / "draw"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"
WORDS = drawings.timeline_words(Words("it"))
MAP = drawings.map_words(Words("it"), ACTOR_KINDS.labels)
EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables", "toc"]


def mark(date: str, mark_id: str = "", title: str = "", actors: tuple[str, ...] = (), tags: tuple[str, ...] = ()):
    mark_id = mark_id or "e-" + re.sub(r"[^0-9a-z]+", "-", date).strip("-")
    return draw.Mark(
        id=mark_id,
        title=title or f"Evento {date}",
        date=parse(date),
        href=f"#{mark_id}",
        date_words=f"parole per {date}",
        actors=actors,
        tags=tags,
    )


# A tiny tree of the output, enough to ask what is drawn where ---------------------------------------------------


@dataclass
class El:
    tag: str
    attrs: dict[str, str]
    content: list[El | str] = field(default_factory=list)

    @property
    def children(self) -> list[El]:
        return [c for c in self.content if isinstance(c, El)]

    @property
    def text(self) -> str:
        return "".join(c for c in self.content if isinstance(c, str))

    def all(self, tag: str | None = None, css: str | None = None) -> list[El]:
        found = []
        for child in self.children:
            if (tag is None or child.tag == tag) and (css is None or css in child.attrs.get("class", "").split()):
                found.append(child)
            found.extend(child.all(tag, css))
        return found

    def one(self, tag: str | None = None, css: str | None = None) -> El:
        found = self.all(tag, css)
        assert len(found) == 1, f"{len(found)} <{tag} class={css}>"
        return found[0]

    def num(self, name: str) -> float:
        return float(self.attrs[name])

    @property
    def all_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.all_text for c in self.content)


VOID = {"rect", "circle", "path", "polygon", "stop", "line"}


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = El("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = El(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].content.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].content.append(El(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].content.append(data)


def tree(text: str) -> El:
    parser = _Tree()
    parser.feed(text)
    parser.close()
    assert parser.stack == [parser.root], "unclosed elements"
    return parser.root


def marks_by_id(root: El) -> dict[str, El]:
    return {a.attrs["href"][1:]: a for a in root.all("a", "dossier-tl-mark")}


def x_of(element: El) -> tuple[float, float]:
    """Where a mark is drawn, from its shapes (not its hit area)."""
    xs: list[float] = []
    for shape in element.children:
        if shape.tag == "circle":
            xs += [shape.num("cx") - shape.num("r"), shape.num("cx") + shape.num("r")]
        elif shape.tag == "rect" and "dossier-tl-hit" not in shape.attrs.get("class", ""):
            xs += [shape.num("x"), shape.num("x") + shape.num("width")]
    return min(xs), max(xs)


def y_of(element: El) -> float:
    hit = next(c for c in element.children if "dossier-tl-hit" in c.attrs.get("class", ""))
    return hit.num("y")


def check_golden(name: str, text: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text + "\n", encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run UPDATE_GOLDENS=1 pytest {__file__}"
    assert text + "\n" == golden.read_text(encoding="utf-8"), f"{name} differs from its golden file"


# Golden files ------------------------------------------------------------------------------------------------------

# Each kind of date alone beside a day of reference (so that the axis has a year to compare with).
CASES = {
    "day": "2024-05-10",
    "month": "2024-05",
    "year": "2024",
    "interval": "2024-03/2024-08",
    "approximate-day": "2024-05-10~",
    "approximate-month": "2024-05~",
    "approximate-interval": "2024-03~/2024-08",
    "uncertain": "2024-05?",
    "approximate-and-uncertain": "2024-05%",
    "open-start": "../2024-05",
    "open-end": "2024-05/..",
    "unknown-start": "/2024-05",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_timeline_golden_for_each_kind_of_date(name: str) -> None:
    out = draw.timeline([mark(CASES[name]), mark("2024-10-01", "reference")], WORDS, caption="Due eventi.")
    check_golden(f"timeline-{name}.html", out)


def test_timeline_golden_of_a_story_with_gaps_and_a_busy_day() -> None:
    dates = ["2011-12", "2019", "2024", "2024", "2024-06?", "2025-04", "2025-09", "2025-09-02", "2025-09-03"]
    marks = [mark(d, f"e{i}") for i, d in enumerate(dates)] + [mark("2025-09-03", "parade"), mark("../2025-09", "war")]
    check_golden("timeline-story.html", draw.timeline(marks, WORDS, caption="Undici eventi."))


PEOPLE = [
    draw.Node(id="anna", name="Anna Rossi", kind="person", href="../anna/"),
    draw.Node(id="italia", name="Repubblica Italiana", kind="country", href="../italia/"),
    draw.Node(id="banca", name="Banca di esempio con un nome lunghissimo", kind="organization", href="../banca/"),
    draw.Node(id="coro", name="Coro", kind="group", href="../coro/"),
    draw.Node(id="zeno", name="Zeno", kind="person", href="../zeno/"),
]
CENTRE = draw.Node(id="mario", name="Mario Bianchi", kind="person", href="./")


def ties() -> list[draw.Tie]:
    return [
        draw.Tie(node=PEOPLE[0], words=("sorella di",), declared=True),
        draw.Tie(node=PEOPLE[0], words=("allo stesso evento",)),
        draw.Tie(node=PEOPLE[1], words=("cittadino della",), declared=True),
        draw.Tie(node=PEOPLE[2], words=("si rivolge a",)),
        draw.Tie(node=PEOPLE[3], words=("secondo",)),
        draw.Tie(node=PEOPLE[4], words=("allo stesso evento",)),
    ]


def test_neighbourhood_golden() -> None:
    check_golden("neighbourhood.html", draw.neighbourhood(CENTRE, ties(), MAP, caption="I legami di Mario."))


def test_neighbourhood_golden_beyond_the_limit() -> None:
    out = draw.neighbourhood(CENTRE, ties(), MAP, caption="I legami di Mario.", limit=3)
    check_golden("neighbourhood-limit.html", out)


def links() -> list[draw.Link]:
    return [
        draw.Link(a="mario", b="anna", weight=3, declared=True),
        draw.Link(a="anna", b="mario", weight=1),
        draw.Link(a="anna", b="italia", weight=1),
        draw.Link(a="banca", b="italia", weight=2),
        draw.Link(a="coro", b="mario", weight=1),
        draw.Link(a="zeno", b="anna", weight=1),
    ]


def test_network_golden() -> None:
    check_golden("network.html", draw.network([CENTRE, *PEOPLE], links(), MAP, caption="I più collegati."))


# What the timeline shows ----------------------------------------------------------------------------------------


def test_each_precision_is_drawn_by_its_own_shape() -> None:
    marks = [mark("2024-05-10", "day"), mark("2024-05", "month"), mark("2024", "year"), mark("2024-03/2024-08", "iv")]
    drawn = marks_by_id(tree(draw.timeline(marks, WORDS)))
    assert [c.tag for c in drawn["day"].children if c.tag != "title"] == ["rect", "circle"]  # hit area, dot
    assert drawn["month"].one("rect", "dossier-tl-span")
    assert drawn["year"].one("rect", "dossier-tl-span")
    assert drawn["iv"].all("rect", "dossier-tl-interval")
    # A year spans its months, a month holds its days, an interval runs from its start to its end.
    year, month, day, interval = (x_of(drawn[k]) for k in ("year", "month", "day", "iv"))
    assert year[0] < interval[0] < month[0] < day[0] < day[1] < month[1] < interval[1] < year[1]
    assert month[1] - month[0] > 5 * (day[1] - day[0]) / 9  # May is wider than the dot of one of its days


def test_approximate_uncertain_and_open_dates_are_marked() -> None:
    marks = [
        mark("2024-05-10~", "approx-day"),
        mark("2024-05~", "approx-month"),
        mark("2024-03~/2024-08", "approx-start"),
        mark("2024-05?", "uncertain"),
        mark("2024-05-10", "exact"),
        mark("../2024-05", "open-start"),
        mark("2024-05/..", "open-end"),
        mark("/2024-05", "unknown-start"),
    ]
    out = draw.timeline(marks, WORDS, uid="tl")
    drawn = marks_by_id(tree(out))
    assert "stroke-dasharray" in drawn["approx-day"].one("circle").attrs
    assert "stroke-dasharray" in drawn["approx-month"].one("rect", "dossier-tl-span").attrs
    assert "stroke-dasharray" not in drawn["exact"].one("circle").attrs
    # An approximate start fades in; the rest of that bar is solid.
    pieces = drawn["approx-start"].all("rect", "dossier-tl-interval")
    assert [p.attrs["fill"] for p in pieces] == ["url(#tl-fade-in)", "currentColor"]
    # '?' beside the uncertain date only (and before an unknown start).
    asks = {k for k, a in drawn.items() if a.all("text", "dossier-tl-ask")}
    assert asks == {"uncertain", "unknown-start"}
    ask = drawn["unknown-start"].one("text", "dossier-tl-ask")
    assert ask.num("x") < x_of(drawn["unknown-start"])[0]
    # Open ends fade out to the edge of the drawing, over the lead-in and lead-out.
    start = drawn["open-start"].all("rect", "dossier-tl-interval")
    assert start[0].attrs["fill"] == "url(#tl-fade-in)" and start[0].num("x") == draw.TL_MARGIN
    assert start[0].num("width") >= draw.TL_LEAD - 1
    end = drawn["open-end"].all("rect", "dossier-tl-interval")
    assert end[-1].attrs["fill"] == "url(#tl-fade-out)"
    assert end[-1].num("x") + end[-1].num("width") == pytest.approx(draw.TL_WIDTH - draw.TL_MARGIN)
    assert 'id="tl-fade-in"' in out and 'id="tl-fade-out"' in out
    # The legend names each encoding.
    legend = tree(out).one("ul", "dossier-legend").all_text
    for words in (WORDS.day, WORDS.span, WORDS.interval, WORDS.approximate, WORDS.uncertain, WORDS.open):
        assert words in legend


def test_marks_are_links_with_titles_and_filter_data_and_a_text_alternative() -> None:
    marks = [
        mark("2025-09-03", "parata", "La parata", actors=("xi", "kim"), tags=("cina",)),
        mark("2019", "viaggio", "Il viaggio", actors=("kim",)),
    ]
    root = tree(draw.timeline(marks, WORDS, caption="Due eventi."))
    drawn = marks_by_id(root)
    assert set(drawn) == {"parata", "viaggio"}
    parade = drawn["parata"]
    assert parade.one("title").text == "La parata (parole per 2025-09-03)"
    assert parade.attrs["data-actors"] == "kim xi" and parade.attrs["data-tags"] == "cina"
    assert drawn["viaggio"].attrs["data-tags"] == ""
    svg = root.one("svg", "dossier-tl-svg")
    caption = root.one("figcaption")
    assert svg.attrs["aria-labelledby"] == caption.attrs["id"]
    assert "Due eventi." in caption.all_text and WORDS.scale_note in caption.all_text
    assert WORDS.gap_note in caption.all_text  # 2019 ... 2025: the years between are left out
    items = root.one("details").all("li")
    assert [i.one("a").attrs["href"] for i in items] == ["#viaggio", "#parata"]  # in date order
    assert items[1].all_text == "La parata: parole per 2025-09-03"
    assert items[1].attrs["data-actors"] == "kim xi"
    # The figure stays out of the search index.
    figure = root.one("figure")
    assert "data-search-exclude" in figure.attrs and "data-pagefind-ignore" in figure.attrs


def test_years_without_events_collapse_into_a_marked_gap_and_busy_months_get_room() -> None:
    marks = [mark("2011-12", "a"), mark("2019", "b"), mark("2025-09-02", "c"), mark("2025-09-03", "d")]
    root = tree(draw.timeline(marks, WORDS))
    assert len(root.all("path", "dossier-tl-gap")) == 2  # 2012-2018 and 2020-2024
    years = [t.text for t in root.all("text", "dossier-tl-year")]
    assert years == ["2011", "2019", "2025"]
    assert "dic" in [t.text for t in root.all("text", "dossier-tl-month")]
    # Consecutive years: no gap, and the caption does not speak of one.
    root = tree(draw.timeline([mark("2024-05", "a"), mark("2025-01", "b")], WORDS))
    assert not root.all("path", "dossier-tl-gap")
    assert WORDS.gap_note not in root.one("figcaption").all_text
    # September, holding three dates, is wider than January, holding one, itself wider than a month with none.
    dates = {"sep": "2025-09", "a": "2025-09-02", "b": "2025-09-03", "jan": "2025-01", "year": "2025"}
    drawn = marks_by_id(tree(draw.timeline([mark(d, k) for k, d in dates.items()], WORDS)))
    width = {k: x_of(drawn[k])[1] - x_of(drawn[k])[0] for k in ("sep", "jan", "year")}
    assert width["sep"] > 1.5 * width["jan"]
    assert width["jan"] > 2 * width["year"] / 12


def test_marks_are_placed_in_date_order_and_overlapping_ones_stack() -> None:
    dates = ["2024-01-05", "2024-02", "2024-03-01", "2024-06-30", "2024-12-31"]
    drawn = marks_by_id(tree(draw.timeline([mark(d, f"m{i}") for i, d in enumerate(dates)], WORDS)))
    starts = [x_of(drawn[f"m{i}"])[0] for i in range(len(dates))]
    assert starts == sorted(starts)
    busy = [mark("2025-09-03", f"same{i}") for i in range(5)] + [mark("2025-09", "month")]
    drawn = marks_by_id(tree(draw.timeline(busy, WORDS)))
    rows = [y_of(a) for a in drawn.values()]
    assert len(set(rows)) == len(rows), "marks that overlap share a row"
    # Marks that do not overlap share the first row.
    drawn = marks_by_id(tree(draw.timeline([mark("2024-01-05", "a"), mark("2024-12-20", "b")], WORDS)))
    assert y_of(drawn["a"]) == y_of(drawn["b"])


def test_the_drawing_is_bounded_for_a_full_page_of_marks() -> None:
    crowded = [mark("2025-09-03", f"e{i:03d}", actors=("a", "b"), tags=("t",)) for i in range(200)]
    out = draw.timeline(crowded, WORDS)
    root = tree(out)
    assert len(root.all("a", "dossier-tl-mark")) == 200
    height = float(root.one("svg", "dossier-tl-svg").attrs["viewbox"].split()[3])
    assert height <= draw.TL_ROWS + draw.TL_MAX_ROWS_HEIGHT + 6
    assert len(out) < 200 * 800  # bytes per mark, text alternative included
    spread = [mark(f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", f"s{i:03d}") for i in range(200)]
    root = tree(draw.timeline(spread, WORDS))
    assert float(root.one("svg", "dossier-tl-svg").attrs["viewbox"].split()[3]) < 200


def test_same_marks_same_bytes_whatever_their_order() -> None:
    marks = [mark(d, f"m{i}") for i, d in enumerate(CASES.values())]
    first = draw.timeline(marks, WORDS)
    assert draw.timeline(list(reversed(marks)), WORDS) == first
    assert draw.timeline(marks[3:] + marks[:3], WORDS) == first


def test_data_is_escaped_and_the_figure_passes_through_markdown_untouched() -> None:
    nasty = '<script>alert(1)</script> "quoted" & *bold* [x](y)'
    marks = [
        draw.Mark(
            id="x",
            title=nasty,
            date=parse("2024"),
            href='#a"onmouseover="x',
            date_words=nasty,
            actors=('a"b',),
            tags=("<t>",),
        )
    ]
    out = draw.timeline(marks, WORDS, caption=nasty)
    assert "<script" not in out and 'a"b' not in out and 'href="#a"' not in out
    assert html.escape(nasty) in out
    assert "\n\n" not in out, "a blank line would end the raw HTML block in Markdown"
    page = f"# Cronologia\n\n{out}\n\nTesto dopo.\n"
    converted = markdown.markdown(page, extensions=EXTENSIONS)
    assert out in converted
    assert converted.endswith("<p>Testo dopo.</p>")


def test_drawings_reference_nothing_outside_themselves() -> None:
    drawings = [
        draw.timeline([mark(d, f"m{i}") for i, d in enumerate(CASES.values())], WORDS),
        draw.neighbourhood(CENTRE, ties(), MAP, limit=2),
        draw.network([CENTRE, *PEOPLE], links(), MAP),
    ]
    for out in drawings:
        assert not re.search(r"https?:|//[a-z]|<script|<image|<use|<foreignObject|\son[a-z]+=", out, re.I)
        # Paint servers are the drawing's own gradients.
        assert set(re.findall(r"url\(([^)]*)\)", out)) <= {"#dossier-tl-fade-in", "#dossier-tl-fade-out"}


def test_nothing_to_draw_draws_nothing() -> None:
    assert draw.timeline([], WORDS) == ""
    assert draw.neighbourhood(CENTRE, [], MAP) == ""
    assert draw.neighbourhood(CENTRE, [draw.Tie(node=CENTRE, words=("se stesso",))], MAP) == ""
    assert draw.network([CENTRE, *PEOPLE], [], MAP) == ""


# What the maps show ----------------------------------------------------------------------------------------------


def test_neighbourhood_links_every_neighbour_with_its_words_and_shape() -> None:
    root = tree(draw.neighbourhood(CENTRE, ties(), MAP, caption="I legami di Mario."))
    nodes = root.all("a", "dossier-map-node")
    assert [a.attrs["href"] for a in nodes] == ["../anna/", "../zeno/", "../banca/", "../italia/", "../coro/"]
    anna = nodes[0]
    assert anna.one("title").text == "Anna Rossi (persona): sorella di; allo stesso evento"
    assert "sorella di · allo s…" in anna.all_text  # cut to fit, whole in the title
    shapes = {a.attrs["href"]: a.children[1].tag for a in nodes}
    assert shapes == {"../anna/": "circle", "../zeno/": "circle", "../banca/": "rect", "../italia/": "path",
                      "../coro/": "polygon"}  # fmt: skip
    # The long name is cut in the drawing, whole in its title and in the list.
    assert "Banca di esempio con un nome lunghissimo" not in nodes[2].one("text").all_text
    assert "…" in nodes[2].one("text").all_text
    # Solid lines for declared relations (Anna, Italia), dashed for the others.
    edges = root.one("g", "dossier-map-edges").all("path")
    assert sum("stroke-dasharray" not in e.attrs for e in edges) == 2
    listed = root.one("ul", "dossier-map-list").all("li")
    assert listed[0].all_text == "Anna Rossi (persona): sorella di; allo stesso evento"
    assert len(listed) == 5
    assert not root.all("p", "dossier-map-more")
    assert root.one("svg", "dossier-map-svg").attrs["aria-labelledby"] == root.one("figcaption").attrs["id"]
    assert MAP.declared in root.one("ul", "dossier-legend").all_text


def test_neighbourhood_shows_at_most_limit_neighbours_and_says_how_many_more() -> None:
    many = [
        draw.Tie(
            node=draw.Node(id=f"p{i:02d}", name=f"Persona {i:02d}", kind="person", href=f"../p{i:02d}/"),
            words=("allo stesso evento", "si rivolge a", "secondo")[: 1 + i % 3],
            declared=i == 17,
        )
        for i in range(20)
    ]
    root = tree(draw.neighbourhood(CENTRE, many, MAP, limit=8, uid="m"))
    shown = [a.attrs["href"] for a in root.all("a", "dossier-map-node")]
    assert len(shown) == 8
    # A declared relation first, then those with the most words (p02, p05 ... have three), then by name.
    assert shown == [f"../p{i:02d}/" for i in (1, 2, 4, 5, 8, 11, 14, 17)]
    more = root.one("p", "dossier-map-more").one("a")
    assert more.text == "e altri 12" and more.attrs["href"] == "#m-list"
    assert len(root.one("ul", "dossier-map-list").all("li")) == 20
    one_more = tree(draw.neighbourhood(CENTRE, many[:9], MAP, limit=8, more_href="#relazioni"))
    assert one_more.one("p", "dossier-map-more").one("a").attrs["href"] == "#relazioni"
    assert one_more.one("p", "dossier-map-more").all_text == "e un altro"


def test_maps_same_input_same_bytes() -> None:
    first = draw.neighbourhood(CENTRE, ties(), MAP)
    assert draw.neighbourhood(CENTRE, list(reversed(ties())), MAP) == first
    net = draw.network([CENTRE, *PEOPLE], links(), MAP)
    assert draw.network(list(reversed([CENTRE, *PEOPLE])), list(reversed(links())), MAP) == net


def test_network_keeps_the_most_connected_and_lists_their_ties() -> None:
    nodes = [draw.Node(id=f"n{i:02d}", name=f"Nodo {i:02d}", kind=draw.KINDS[i % 4], href=f"n{i:02d}/")
             for i in range(30)]  # fmt: skip
    # n00 is linked to everyone, n01..n05 also to each other, the rest only to n00.
    links = [draw.Link(a="n00", b=f"n{i:02d}") for i in range(1, 30)]
    links += [draw.Link(a=f"n{i:02d}", b=f"n{j:02d}", weight=2) for i in range(1, 6) for j in range(i + 1, 6)]
    root = tree(draw.network(nodes, links, MAP, limit=8, more_href="#elenco"))
    shown = {a.attrs["href"] for a in root.all("a", "dossier-map-node")}
    assert len(shown) == 8
    assert {"n00/", "n01/", "n02/", "n03/", "n04/", "n05/"} <= shown
    chords = root.one("g", "dossier-map-edges").all("path")
    assert len(chords) == 7 + 10  # n00 to the 7 others, and the 10 among n01..n05
    assert root.one("p", "dossier-map-more").one("a").attrs["href"] == "#elenco"
    assert root.one("p", "dossier-map-more").all_text == "e altri 22"
    first = root.one("details").all("li")[0]
    # The list names the ties drawn (all of n00's 29 are counted).
    assert first.all_text == (
        "Nodo 00 (persona), 29 legami: Nodo 04, Nodo 08, Nodo 12, Nodo 01, Nodo 05, Nodo 02, Nodo 03"
    )
    # Sizes follow the ties: n00 is drawn bigger than a node tied only to it.
    sizes = {a.attrs["href"]: a.children[1] for a in root.all("a", "dossier-map-node")}
    assert sizes["n00/"].num("r") > max(s.num("r") for h, s in sizes.items() if s.tag == "circle" and h != "n00/")
