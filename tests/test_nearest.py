"""A passage not found: the closest stretch of the source, and its word diff in text, JSON and GitHub formats."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest
import yaml
from click.testing import Result
from conftest import ARTICLE, ROOT, SOURCE
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier import nearest as nearest_module
from dossier.errors import DETAIL_INDENT, DETAIL_WIDTH, Problem, format_github, format_json, format_text
from dossier.nearest import ELLIPSIS, nearest, not_found
from dossier.text import StoredText

TEXT = StoredText.of(ARTICLE)
HEAD = f"passage not found in source '{SOURCE}'; closest passage ({{}}), [-in your passage-] {{{{+in the source+}}}}:"


def diff(passage: str, text: StoredText = TEXT) -> str:
    found = nearest(text, passage)
    assert found is not None, passage
    return found.diff


def sides(diff_text: str) -> tuple[str, str]:
    """(the passage, the source) a diff was made from, with spaces normalised: what the marks mean."""
    passage = re.sub(r"\{\+.*?\+\}", "", diff_text, flags=re.DOTALL)
    passage = re.sub(r"\[-(.*?)-\]", r"\1", passage, flags=re.DOTALL)
    source = re.sub(r"\[-.*?-\]", "", diff_text, flags=re.DOTALL)
    source = re.sub(r"\{\+(.*?)\+\}", r"\1", source, flags=re.DOTALL)
    return " ".join(passage.split()), " ".join(source.split())


# The closest stretch ------------------------------------------------------------------------------------------------


def test_one_word_changed() -> None:
    assert (
        diff('"I vostri soldati hanno combattuto con coraggio ed eroismo", ha detto Putin a Xi.')
        == '"I vostri soldati hanno combattuto con coraggio ed eroismo", ha detto Putin a [-Xi-]{+Kim+}.'
    )


def test_the_example_of_the_issue() -> None:
    text = StoredText.of("The meeting lasted two-and-a-half hours on Monday.")
    assert diff("The meeting lasted two and a half hours", text) == (
        "The meeting lasted two[- and a half-]{+-and-a-half+} hours"
    )


def test_punctuation_is_a_difference() -> None:
    assert diff("Il presidente russo Vladimir Putin ha ringraziato il leader della Corea") == (
        "Il presidente russo{+,+} Vladimir Putin{+,+} ha ringraziato il leader della Corea"
    )


def test_a_space_is_a_difference() -> None:
    assert diff("la Corea del Nord ha inviato in Russia circa 15 mila soldati") == (
        "la Corea del Nord ha inviato in Russia circa [-15 mila-]{+15mila+} soldati"
    )


def test_typographic_quotes_are_no_difference_and_show_as_the_source_has_them() -> None:
    text = StoredText.of("Poi ha detto: «Se c’è un modo, lo faremo», ha detto il leader.\n")
    assert diff('"Se c\'è un modo, lo faremo" ha detto il leader', text) == (
        "«Se c’è un modo, lo faremo»{+,+} ha detto il leader"
    )
    assert diff("“Se c’è un modo per aiutare la Russia, lo faremo certamente” ha detto") == (
        '"Se c\'è un modo per aiutare la Russia, lo faremo certamente{+ come dovere fraterno+}"{+,+} ha detto'
    )


def test_accents_and_capitals_are_differences_but_decomposed_accents_are_not() -> None:
    assert diff("la parata militare di mercoledi") == "[-la-]{+La+} parata militare di [-mercoledi-]{+mercoledì+}"
    decomposed = unicodedata.normalize("NFD", "La parata militare di mercoledì ha segnato la prima volte")
    assert diff(decomposed) == "La parata militare di mercoledì ha segnato la prima [-volte-]{+volta+}"


def test_the_stretch_may_cross_a_sentence_end() -> None:
    passage = "circa 15mila soldati. In cambio gli esperti ritengono"
    found = nearest(TEXT, passage)
    assert found is not None
    assert found.diff == "circa 15mila soldati. In cambio{+,+} gli esperti ritengono"
    assert ARTICLE[found.start : found.end] == "circa 15mila soldati. In cambio, gli esperti ritengono"
    assert found.lines == "line 7"


def test_the_stretch_may_cross_a_line_end() -> None:
    found = nearest(TEXT, "ha detto Putin a Kim. Secondo i rapporti della intelligence")
    assert found is not None
    assert found.lines == "lines 6-7"
    assert found.diff == "ha detto Putin a Kim. Secondo i rapporti [-della intelligence-]{+dell'intelligence+}"


def test_a_long_passage_keeps_only_the_context_of_each_change() -> None:
    passage = (
        "Secondo i rapporti dell'intelligence sud-coreana, dall'anno scorso la Corea del Nord ha inviato in Russia "
        "circa 15mila soldati. In cambio, gli esperti ritengono che Mosca abbia inviato alla Corea del Nord "
        "attrezzature militari e petrolio. Pyongyang, che ha riconosciuto pubblicamente di avere inviato soldati "
        "vicino al confine tra Russia e Ucraina solo lo scorso Aprile"
    )
    assert diff(passage) == (
        "Secondo i rapporti dell'intelligence [-sud-coreana-]{+sudcoreana+}, dall'anno scorso la Corea del "
        f"{ELLIPSIS} confine tra Russia e Ucraina solo lo scorso [-Aprile-]{{+aprile+}}"
    )


def test_a_short_passage_is_shown_whole() -> None:
    shown = diff("Il commento è arrivato durante un incontro tra i tre alleati mercoledì alla Diaoyutai State Guest")
    assert ELLIPSIS not in shown
    assert shown.startswith("Il commento è arrivato") and "[-tre-]{+due+}" in shown


def test_the_closest_of_equal_stretches_shares_the_longest_phrase() -> None:
    # "a Vladimir Putin e Kim Jong-un" (line 12) differs by as much, but shares four words in a row, not five.
    found = nearest(TEXT, "ha detto Putin a Kim Jong-un")
    assert found is not None and (found.lines, found.diff) == ("line 6", "ha detto Putin a Kim [-Jong-un-]")


def test_nothing_close() -> None:
    assert nearest(TEXT, "completely different words") is None
    assert nearest(TEXT, "Kimm") is None
    assert nearest(TEXT, " \n ") is None
    assert nearest(StoredText.of(""), "Kim") is None
    assert not_found(TEXT, "nothing here", "s") == (
        "passage not found in source 's', nor any stretch of its text holding half its words",
        "",
    )


def test_a_passage_longer_than_the_text() -> None:
    text = StoredText.of("Kim ha parlato.")
    assert diff("Kim ha parlato a lungo con Putin.", text) == "Kim ha parlato[- a lungo con Putin-]."


def test_a_repeated_text_of_five_megabytes() -> None:
    text = StoredText.of(ARTICLE * 1200)  # every word is common: the votes are capped
    found = nearest(text, "ha detto Putin a Xi.")
    assert found is not None and found.diff == "ha detto Putin a [-Xi-]{+Kim+}."


_WORDS = ARTICLE.split()


@settings(max_examples=300, deadline=None)
@given(
    start=st.integers(0, len(_WORDS) - 3),
    length=st.integers(2, 60),
    edits=st.lists(
        st.tuples(st.integers(0, 200), st.sampled_from(["drop", "swap", "add", "case", "comma", "stop"])),
        min_size=1,
        max_size=3,
    ),
)
def test_the_marks_turn_the_passage_into_the_source(start: int, length: int, edits: list[tuple[int, str]]) -> None:
    """Removing {+...+} and unwrapping [-...-] gives the passage; the other way round, the stretch of the source."""
    words = _WORDS[start : start + length]
    for at, how in edits:
        i = at % len(words)
        if how == "drop" and len(words) > 2:
            del words[i]
        elif how == "swap":
            words[i] = "zzz"
        elif how == "add":
            words.insert(i, ",")
        elif how == "case":
            words[i] = words[i].upper()
        elif how == "comma":
            words[i] += ","
        else:
            words[i] += "."
    passage = " ".join(words)
    if TEXT.find(passage) is not None:
        return
    with mock.patch.object(nearest_module, "LONG", 10**9):  # every token shown: nothing shortened
        found = nearest(TEXT, passage)
    if found is None:
        return  # fewer than half the words left: nothing close, by design
    typed, source = sides(found.diff)
    assert typed == passage
    assert source == " ".join(ARTICLE[found.start : found.end].split())


def test_long_runs_are_shortened_only_past_the_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    passage = ARTICLE.splitlines()[4].replace("migliaia", "centinaia")
    assert ELLIPSIS in diff(passage)
    monkeypatch.setattr(nearest_module, "LONG", 10_000)
    typed, source = sides(diff(passage))
    assert (typed, source) == (" ".join(passage.split()), " ".join(ARTICLE.splitlines()[4].split()))


# Problems: text, JSON and GitHub --------------------------------------------------------------------------------------


def problem(passage: str) -> Problem:
    message, detail = not_found(TEXT, passage, SOURCE)
    return Problem(
        path="data/quotes/q.yml", line=8, column=14, kind="quote", id="q", field="sources[0].passage",
        message=message, code="passage-not-found", detail=detail,
    )  # fmt: skip


LONG_PASSAGE = (
    "Nel suo discorso a Kim, Putin ha parlato con calore della alleanza tra i loro paesi, rafforzata lo scorso "
    "giugno dalla firma di un patto di difesa che ha portato centinaia di soldati della Corea del Nord a combattere e"
    " morire al fronte"
)


def test_text_format_one_line_per_problem_then_the_diff_indented() -> None:
    found = problem(LONG_PASSAGE)
    lines = str(found).splitlines()
    assert lines[0] == (f"data/quotes/q.yml:8:14: quote 'q': sources[0].passage: {HEAD.format('line 5 of its text')}")
    assert lines[0] == found.head()
    assert all(line.startswith(DETAIL_INDENT) and len(line) <= DETAIL_WIDTH for line in lines[1:])
    assert len(lines) > 2  # wrapped
    assert " ".join(line.strip() for line in lines[1:]) == found.detail
    assert found.detail == (
        "Nel suo discorso a Kim, Putin ha parlato con calore [-della alleanza-]{+dell'alleanza+} tra i loro "
        "[-paesi-]{+Paesi+}, rafforzata lo scorso giugno dalla firma di un patto di difesa che ha portato "
        "[-centinaia-]{+migliaia+} di soldati della Corea del Nord a combattere e morire al fronte"
    )
    assert format_text([found, found]).splitlines()[-1] == "2 problems found."


def test_text_format_escapes_control_characters_in_the_detail() -> None:
    found = Problem(path="p", message="m", detail="a\x1b[31mb\nsecond line")
    assert str(found) == f"p: m\n{DETAIL_INDENT}a\\x1b[31mb\n{DETAIL_INDENT}second line"


def test_a_problem_without_detail_prints_as_before() -> None:
    found = Problem(path="data/a.yml", line=1, column=2, message="m")
    assert str(found) == found.head() == "data/a.yml:1:2: m"


def test_json_format_has_the_detail_field() -> None:
    found = json.loads(format_json([problem("ha detto Putin a Xi.")]))
    assert found == [
        {
            "path": "data/quotes/q.yml",
            "line": 8,
            "column": 14,
            "kind": "quote",
            "id": "q",
            "field": "sources[0].passage",
            "message": HEAD.format("line 6 of its text"),
            "code": "passage-not-found",
            "detail": "ha detto Putin a [-Xi-]{+Kim+}.",
        }
    ]


def test_github_format_carries_the_detail_on_lines_of_the_message() -> None:
    assert format_github([problem("ha detto Putin a Xi.")]) == (
        "::error file=data/quotes/q.yml,line=8,col=14,title=dossier passage-not-found::quote 'q': "
        f"sources[0].passage: {HEAD.format('line 6 of its text')}%0Aha detto Putin a [-Xi-]{{+Kim+}}."
    )


# Through the command ----------------------------------------------------------------------------------------------


RunCli = Callable[..., Result]


def quote(passage: str) -> str:
    escaped = passage.replace("\\", "\\\\").replace('"', '\\"')
    return f'speaker: vladimir-putin\ntext: T\nform: direct\nsources:\n  - source: {SOURCE}\n    passage: "{escaped}"\n'


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_check_shows_the_diff(fmt: str, run_cli: RunCli, make_data: Callable[..., Path]) -> None:
    make_data(
        {"quotes/q.yml": quote("«I vostri soldati hanno combattuto con coraggio ed eroismo», ha detto Putin a Xi.")}
    )
    result = run_cli("check", "--data", "data", "--format", fmt)
    assert result.exit_code == 1
    head = f"{HEAD.format('line 6 of its text')}"
    shown = '"I vostri soldati hanno combattuto con coraggio ed eroismo", ha detto Putin a [-Xi-]{+Kim+}.'
    if fmt == "text":
        assert result.stderr == (
            f"data/quotes/q.yml:6:14: quote 'q': sources[0].passage: {head}\n{DETAIL_INDENT}{shown}\n1 problem found.\n"
        )
    elif fmt == "json":
        (found,) = json.loads(result.stdout)
        assert (found["message"], found["detail"]) == (head, shown)
    else:
        assert result.stdout == (
            "::error file=data/quotes/q.yml,line=6,col=14,title=dossier passage-not-found::quote 'q': "
            f"sources[0].passage: {head}%0A{shown}\n"
        )


def test_the_readme_shows_what_check_prints() -> None:
    """The README's example is the bad-input corpus case, whose output the corpus tests check exactly."""
    case = yaml.safe_load((ROOT / "tests/corpus/schema-passage-not-found/case.yml").read_text(encoding="utf-8"))
    (expected,) = case["expected"]
    assert f"```text\n{expected}\n```" in (ROOT / "README.md").read_text(encoding="utf-8")
