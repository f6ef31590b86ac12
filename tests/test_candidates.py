"""`dossier candidates`: the passages of a source worth a record, as YAML citations that verify against it."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import BUNDLED, SOURCE
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier import loader
from dossier.candidates import (
    DATE,
    MAX_CONTEXT_CHARS,
    MAX_PASSAGE,
    NUMBER,
    QUOTATION,
    UNCITED,
    Candidate,
    Reason,
    _positions,
    candidates,
    to_yaml,
    yaml_scalar,
)
from dossier.kinds import DEFAULT
from dossier.resolve import load
from dossier.text import StoredText

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"  # refresh with: UPDATE_GOLDENS=1 pytest tests/test_candidates.py
ARTICLE_TEXT = (BUNDLED / "sources" / f"{SOURCE}.txt").read_text(encoding="utf-8")
RunCli = Callable[..., Result]
MakeData = Callable[..., Path]


def reasons(text: str, lang: str | None = "it") -> list[tuple[str, str]]:
    """The (kind, words) reasons of each candidate of a one-sentence text."""
    return [(r.kind, r.text) for c in candidates(StoredText.of(text), [(0, len(text))], lang=lang) for r in c.reasons]


def as_quote(yaml_list: str) -> str:
    """A quote record citing every candidate printed by `dossier candidates`, pasted as it is."""
    pasted = "".join(f"  {line}\n" if line else "\n" for line in yaml_list.splitlines())
    return f"speaker: vladimir-putin\ntext: T\nform: direct\nsources:\n{pasted}"


# On the bundled article: golden output, every quotation offered, every passage verified -------------------------


def test_golden_text_and_json_on_the_bundled_article(run_cli: RunCli) -> None:
    for fmt, name in (("text", "candidates.yml"), ("json", "candidates.json")):
        result = run_cli("candidates", SOURCE, "--data", str(BUNDLED), "--format", fmt)
        assert result.exit_code == 0, result.output
        golden = GOLDEN / name
        if UPDATE:
            golden.write_text(result.stdout, encoding="utf-8")
        assert result.stdout == golden.read_text(encoding="utf-8"), f"refresh {name} with UPDATE_GOLDENS=1"


def test_every_quotation_of_the_article_is_offered(run_cli: RunCli) -> None:
    # Found here independently: every pair of straight quotes on a line (the article uses no other kind).
    quotations = [q for line in ARTICLE_TEXT.splitlines() for q in re.findall(r'"[^"]*"', line)]
    assert len(quotations) == 4
    result = run_cli("candidates", SOURCE, "--data", str(BUNDLED), "--format", "json")
    offered = json.loads(result.stdout)
    for quotation in quotations:
        holding = [c for c in offered if quotation in c["citation"]["passage"]]
        assert holding, quotation
        assert {"kind": QUOTATION, "text": quotation} in holding[0]["reasons"]


def test_the_printed_yaml_is_valid_and_every_passage_verifies(
    run_cli: RunCli, make_data: MakeData, tmp_path: Path
) -> None:
    result = run_cli("candidates", SOURCE, "--data", str(BUNDLED))
    record = as_quote(result.stdout)
    loader.parse(record.encode("utf-8"), "q.yml")  # the strict loader: no problem raised
    make_data({"quotes/pasted.yml": record}, bundled=True)
    dossier = load(Path("data"))
    (pasted,) = [q for q in dossier.quotes if q.id == "pasted"]
    assert len(pasted.sources) == result.stdout.count("\n- source: ") == 11
    assert all(c.verified for c in pasted.sources)


# Reasons -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Rafforzata lo scorso giugno da un patto.", [(DATE, "lo scorso giugno")]),
        ("Dall'anno scorso ne sono arrivati circa 15mila.", [(DATE, "Dall'anno scorso"), (NUMBER, "15mila")]),
        ("Dall’anno scorso, dice.", [(DATE, "Dall’anno scorso")]),
        ("L'incontro di mercoledì, nel 2024.", [(DATE, "mercoledì"), (DATE, "2024")]),
        ("Il 3 settembre 2025 a Pechino.", [(DATE, "3 settembre 2025")]),
        ("Qualche ora prima, la parata.", [(DATE, "Qualche ora prima")]),
        ("Due anni fa era diverso.", [(DATE, "Due anni fa")]),
        ("Lo ha detto ieri, e lo ripeterà la settimana prossima.", [(DATE, "ieri"), (DATE, "la settimana prossima")]),
        ("Quest'anno le sanzioni sono cambiate.", [(DATE, "Quest'anno")]),
        ("Migliaia di soldati, centinaia di morti.", [(NUMBER, "Migliaia"), (NUMBER, "centinaia")]),
        ("L'80° anniversario e il 2,5% del bilancio.", [(NUMBER, "80°"), (NUMBER, "2,5%")]),
        ("Nei suoi 14 anni di leadership.", [(NUMBER, "14")]),
        ("Ne ha inviati 3.000 nel 2019.", [(NUMBER, "3.000"), (DATE, "2019")]),
        ("Sei pronto a tutto, per le due del pomeriggio.", []),  # "sei", "due": too often something else
        ("I leader si sono trovati insieme.", []),
    ],
)
def test_italian_numbers_and_dates(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert reasons(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("He visited last April and again on Monday.", [(DATE, "last April"), (DATE, "Monday")]),
        ("Two years ago, thousands fled.", [(DATE, "Two years ago"), (NUMBER, "thousands")]),
        ("On 3 September 2025 the parade began.", [(DATE, "3 September 2025")]),
        ("The parade of September 3, 2025.", [(DATE, "September 3, 2025")]),
        ("Yesterday he said it may rain.", [(DATE, "Yesterday")]),  # "may" is not May
        ("It lasted two and a half hours.", [(NUMBER, "two"), (NUMBER, "half")]),
        ("Due to the sanctions, nothing changed.", []),
    ],
)
def test_english_numbers_and_dates(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert reasons(sentence, lang="en") == expected


def test_a_source_in_another_language_is_read_with_both_word_lists() -> None:
    assert reasons("Lo scorso giugno, last April.", lang="fr") == [(DATE, "Lo scorso giugno"), (DATE, "last April")]


def test_quotations_in_every_kind_of_mark_with_the_sentence_around_them() -> None:
    text = (
        "Prima frase senza nulla. Ha detto «Siamo pronti» ieri sera. Poi: “Andremo avanti”, ha aggiunto.\n"
        'Infine "basta così", ha chiuso.\n'
    )
    found = candidates(StoredText.of(text), [(0, len(text))])
    assert [(c.passage, [r.text for r in c.reasons if r.kind == QUOTATION]) for c in found] == [
        ("Ha detto «Siamo pronti» ieri sera.", ["«Siamo pronti»"]),
        ("Poi: “Andremo avanti”, ha aggiunto.", ["“Andremo avanti”"]),
        ('Infine "basta così", ha chiuso.', ['"basta così"']),
    ]


def test_a_quotation_across_sentences_is_offered_whole() -> None:
    text = "Il leader ha detto: «Siamo pronti. Lo faremo presto!» E se n'è andato. Fine.\n"
    (found,) = candidates(StoredText.of(text), [(0, len(text))])
    assert found.passage == "Il leader ha detto: «Siamo pronti. Lo faremo presto!»"  # "!»" ends the sentence
    assert found.reasons == (Reason(kind=QUOTATION, text="«Siamo pronti. Lo faremo presto!»"),)


def test_sentences_no_record_cites() -> None:
    text = "Uno è citato. Nessuno cita questo. Nemmeno questo.\n"
    found = candidates(StoredText.of(text), [(0, 5)])
    assert [(c.passage, c.reasons, c.cited) for c in found] == [
        ("Nessuno cita questo.", (Reason(kind=UNCITED),), False),
        ("Nemmeno questo.", (Reason(kind=UNCITED),), False),
    ]


def test_uncited_sentences_of_the_minimal_dossier(run_cli: RunCli, make_data: MakeData) -> None:
    make_data()
    result = run_cli("candidates", SOURCE, "--data", "data")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"# 15 candidate passages of source '{SOURCE}': 4 with quotations, 4 with numbers, 7 with dates, "
        "10 not cited yet.\n# Paste a citation under the `sources:` of a record.\n\n# line 1: not cited yet\n"
        f"- source: {SOURCE}\n  passage: Putin ringrazia Kim Jong-un a Pechino per i soldati inviati dalla Corea del"
        " Nord contro l'Ucraina\n"
    )
    make_data({"quotes/pasted.yml": as_quote(result.stdout)})
    assert all(c.verified for c in next(q for q in load(Path("data")).quotes if q.id == "pasted").sources)


# Repeated passages: prefix and suffix -----------------------------------------------------------------------------


def test_a_repeated_passage_gets_the_fewest_words_that_tell_it_apart() -> None:
    text = StoredText.of("Kim è arrivato. Putin ha parlato a lungo. Kim è arrivato. Xi ha taciuto.\nKim è arrivato.")
    found = [c for c in candidates(text) if c.passage == "Kim è arrivato."]
    assert [(c.prefix, c.suffix) for c in found] == [(None, "Putin"), ("lungo.", "Xi"), ("taciuto.", None)]
    for candidate in found:
        assert text.find(candidate.passage, candidate.prefix, candidate.suffix) == (candidate.start, candidate.end)
    assert next(c for c in candidates(text) if c.passage.startswith("Putin")).prefix is None  # once: none needed


def test_prefix_keeps_the_source_s_own_characters() -> None:
    text = StoredText.of("Disse «sì». Fine.\nDisse «no». Fine.\n")
    found = [c for c in candidates(text) if c.passage == "Fine."]
    assert [(c.prefix, c.suffix) for c in found] == [("«sì».", "Disse"), ("«no».", None)]
    assert all(text.find(c.passage, c.prefix, c.suffix) == (c.start, c.end) for c in found)


def test_the_printed_prefix_and_suffix_verify(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    files = {
        "actors/vladimir-putin.yml": "name: Vladimir Putin\nkind: person\n",
        "sources/s.yml": "title: T\nkind: report\nlang: it\ntext_file: s.txt\n",
        "sources/s.txt": "Putin ha parlato. Nel 2024 tutto cambiò.\nPutin ha parlato. Nel 2024 tutto cambiò.\n",
    }
    for name, text in files.items():
        (tmp_path / "data" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "data" / name).write_text(text, encoding="utf-8")
    result = run_cli("candidates", "s", "--data", "data")
    assert result.exit_code == 0, result.output
    assert "  prefix: " in result.stdout and "  suffix: " in result.stdout
    (tmp_path / "data/quotes").mkdir()
    (tmp_path / "data/quotes/pasted.yml").write_text(as_quote(result.stdout), encoding="utf-8")
    (pasted,) = load(Path("data")).quotes
    assert len(pasted.sources) == 4 and all(c.verified for c in pasted.sources)
    assert len({c.span for c in pasted.sources}) == 4  # each occurrence, not the first one four times


def test_repeats_that_no_context_tells_apart_are_said_so() -> None:
    text = StoredText.of(" ".join(["Sì."] * 40))
    found = candidates(text)
    assert len(found) == 40 and all(c.alike > 0 for c in found)
    assert to_yaml("s", found).count("other occurrences have the same words around them: cite a longer passage") > 0


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet="ab .", max_size=60),
    needles=st.lists(st.text(alphabet="ab .", min_size=1, max_size=12), max_size=6),
)
def test_one_pass_finds_every_occurrence_of_every_passage(text: str, needles: list[str]) -> None:
    expected = {n: [i for i in range(len(text)) if text.startswith(n, i)] for n in needles}
    assert _positions(text, needles) == expected


# YAML that the strict loader reads back as it was ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Kim ha detto: niente",
        "Putin ha parlato. #1",
        "- un trattino",
        '"Tra virgolette", ha detto.',
        '"Se c\'è un modo", ha detto.',
        "[nota] tra parentesi",
        "yes",
        "2019",
        "~",
        "dell'anno scorso",
        "100% sicuro",
        "a \\ b",
        "@utente e `codice`",
        "«Sì» e “no”",
        "finisce con due punti:",
        "? domanda",
        "{graffe}",
        "& e *",
        "! esclamativo",
        "|barra",
        ">maggiore",
    ],
)
def test_yaml_scalar_reads_back_unchanged(text: str) -> None:
    document = loader.parse(f"passage: {yaml_scalar(text)}\n".encode(), "x.yml")
    assert document.data == {"passage": text}


def test_yaml_scalar_quotes_only_what_must_be_quoted() -> None:
    assert yaml_scalar("dell'anno scorso, a Pechino") == "dell'anno scorso, a Pechino"
    assert yaml_scalar('"I vostri soldati", ha detto') == "'\"I vostri soldati\", ha detto'"
    assert yaml_scalar('"Se c\'è", ha detto') == '"\\"Se c\'è\\", ha detto"'


def test_limits_match_the_schema() -> None:
    properties = DEFAULT["quote"].model.model_json_schema()["$defs"]["Citation"]["properties"]
    assert properties["passage"]["maxLength"] == MAX_PASSAGE
    assert properties["prefix"]["anyOf"][0]["maxLength"] == MAX_CONTEXT_CHARS


def test_a_sentence_longer_than_a_passage_may_be_is_offered_in_pieces() -> None:
    words = [f"parola{chr(97 + i // 26 // 26)}{chr(97 + i // 26 % 26)}{chr(97 + i % 26)}" for i in range(800)]
    long = " ".join(words) + " nel 2024."  # 8,009 characters, one sentence, no number but the year
    text = StoredText.of(long)
    found = candidates(text)
    assert len(found) == 5
    assert all(len(c.passage) <= MAX_PASSAGE for c in found)
    assert " ".join(c.passage for c in found) == long
    assert [r.kind for r in found[-1].reasons] == [DATE, UNCITED]
    assert all(text.find(c.passage, c.prefix, c.suffix) == (c.start, c.end) for c in found)


def test_the_header_counts_each_reason() -> None:
    found = [
        Candidate(
            start=0, end=1, line=1, passage="x", prefix=None, suffix=None, cited=False,
            reasons=(Reason(kind=NUMBER, text="2"), Reason(kind=NUMBER, text="3"), Reason(kind=UNCITED)),
        )
    ]  # fmt: skip
    assert to_yaml("s", found).splitlines()[:4] == [
        "# 1 candidate passages of source 's': 0 with quotations, 1 with numbers, 0 with dates, 1 not cited yet.",
        "# Paste a citation under the `sources:` of a record.",
        "",
        "# line 1: number: 2, 3; not cited yet",
    ]


# The command's errors ---------------------------------------------------------------------------------------------


def test_unknown_source(run_cli: RunCli, make_data: MakeData) -> None:
    make_data()
    result = run_cli("candidates", "articolo-pechino-2025", "--data", "data")
    assert result.exit_code == 2
    assert "no source 'articolo-pechino-2025' (did you mean 'articolo-pechino-2025-09'?)" in result.stderr


def test_source_without_stored_text(run_cli: RunCli, make_data: MakeData) -> None:
    make_data({"sources/agenzia.yml": "title: T\nkind: report\nlang: en\n"})
    result = run_cli("candidates", "agenzia", "--data", "data")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "error: source 'agenzia' has no stored text (text_file): there is nothing to read\n"


def test_invalid_data_is_reported_first(run_cli: RunCli, make_data: MakeData) -> None:
    make_data({"actors/x.yml": "name: X\nkind: persn\n"})
    result = run_cli("candidates", SOURCE, "--data", "data")
    assert result.exit_code == 1
    assert result.stderr.endswith("1 problem found.\n")


def test_missing_argument_and_bad_format(run_cli: RunCli, make_data: MakeData) -> None:
    make_data()
    assert run_cli("candidates", "--data", "data").exit_code == 2
    assert run_cli("candidates", SOURCE, "--format", "xml").exit_code == 2


def test_the_readme_example_is_in_the_golden_output() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```yaml\n(# line \d+:.*?)```", readme, flags=re.S)
    assert example in (GOLDEN / "candidates.yml").read_text(encoding="utf-8")


def test_prefix_and_suffix_stay_within_the_schema_limit() -> None:
    long_word = "x" * 250
    text = StoredText.of(f"{long_word}\nKim è qui.\n{long_word}\nKim è qui.\n{long_word}\n")
    found = [c for c in candidates(text) if c.passage == "Kim è qui."]
    assert len(found) == 2
    assert all(c.prefix is None and c.suffix is None and c.alike == 1 for c in found)
