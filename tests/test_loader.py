"""The strict YAML loader: the YAML table of docs/bad-inputs, row by row, with the exact error lines."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from conftest import BUNDLED, parse_problems
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier import loader
from dossier.loader import MAX_DEPTH, MAX_FILE_BYTES, Document, LoadError, parse, read

PARSERS = ["libyaml", "python"] if yaml.__with_libyaml__ else ["python"]
# The exact wording of syntax errors is libyaml's, the parser used wherever PyYAML ships with it.
needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml words errors differently")
needs_composer = pytest.mark.skipif(
    loader._Composer is None, reason="PyYAML without libyaml 0.2.6 or later: the event loop reads every file"
)


@pytest.fixture(params=PARSERS)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run a test with libyaml's parser and with PyYAML's pure-Python one: both must behave the same."""
    if request.param == "python":
        monkeypatch.setattr(loader, "_Loader", yaml.SafeLoader)
    else:
        monkeypatch.setattr(loader, "_Loader", yaml.CSafeLoader)
    yield request.param


def data(text: str | bytes) -> dict[str, object]:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse(raw, "x.yml").data


def codes(text: str | bytes) -> list[str]:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(LoadError) as caught:
        parse(raw, "x.yml")
    return [p.code for p in caught.value.problems]


# A valid file ---------------------------------------------------------------------------------------------------


def test_plain_mapping_lists_and_nesting() -> None:
    doc = parse(b"name: Kim\nroles:\n  - title: Leader\n    of: corea\naliases: [a, b]\n", "x.yml")
    assert doc.data == {"name": "Kim", "roles": [{"title": "Leader", "of": "corea"}], "aliases": ["a", "b"]}
    assert doc.path == "x.yml"


def test_positions_of_values_and_keys() -> None:
    doc = parse(b"name: Kim\nroles:\n  - title: Leader\n    of: corea\naliases: [a, b]\n", "x.yml")
    assert doc.values[()] == (1, 1)
    assert doc.values[("name",)] == (1, 7)
    assert doc.keys[("name",)] == (1, 1)
    assert doc.values[("roles", 0)] == (3, 5)
    assert doc.values[("roles", 0, "of")] == (4, 9)
    assert doc.keys[("roles", 0, "of")] == (4, 5)
    assert doc.values[("aliases", 1)] == (5, 14)
    # A missing field is placed at its nearest enclosing value; an unknown loc at the record's start.
    assert doc.position(("roles", 0, "start")) == (3, 5)
    assert doc.position(("summary",)) == (1, 1)
    assert doc.position(("roles", 0, "of"), key=True) == (4, 5)


def test_watched_keys_keep_their_positions_in_a_parse_without_positions() -> None:
    raw = (
        b"sources:\n  - source: a\n    passage: >-\n      uno\n  - {source: b, passage: due}\npassage: tre\nx: [[1]]\n"
    )
    full, watched = parse(raw, "x.yml"), parse(raw, "x.yml", positions=False, watch=frozenset({"passage"}))
    assert watched.data == full.data and not watched.located and not watched.keys
    assert watched.values == {
        loc: full.values[loc] for loc in [(), ("sources", 0, "passage"), ("sources", 1, "passage"), ("passage",)]
    }
    assert watched.values[("sources", 0, "passage")] == (3, 14)
    assert parse(raw, "x.yml", positions=False).values == {(): (1, 1)}


def test_block_scalars_keep_newlines_and_tabs(parser: str) -> None:
    assert data('a: |\n  one\n  two\nb: "x\\ty"\nc: "l1\\nl2"\n') == {"a": "one\ntwo\n", "b": "x\ty", "c": "l1\nl2"}


def test_windows_line_endings_are_fine(parser: str) -> None:
    assert data(b"name: a\r\nkind: b\r\n") == {"name": "a", "kind": "b"}


def test_empty_value_is_none_with_either_parser(parser: str) -> None:
    # `field:` with nothing after it means "not given", whichever parser is installed; '' stays an empty text.
    assert data("a:\nb: ''\nc: \"\"\nd: [x, '']\n") == {"a": None, "b": "", "c": "", "d": ["x", ""]}


# YAML: syntax errors, tabs ----------------------------------------------------------------------------------------


@needs_libyaml
def test_syntax_error_has_line_and_column() -> None:
    assert parse_problems("name: [a\nkind: person\n") == [
        "x.yml:2:5: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence)"
    ]


@needs_libyaml
def test_unquoted_colon_gets_a_hint() -> None:
    assert parse_problems("name: Putin: il presidente\n") == [
        "x.yml:1:12: YAML syntax error: mapping values are not allowed in this context; "
        "a text containing ': ' must be quoted"
    ]


@needs_libyaml
def test_tab_indentation_of_a_key_gets_a_hint() -> None:
    assert parse_problems("name: x\n\tkind: y\n") == [
        "x.yml:2:1: YAML syntax error: found a tab character that violates indentation "
        "(while scanning a plain scalar); indent with spaces, not tabs"
    ]


@needs_libyaml
def test_tab_at_line_start_gets_a_hint() -> None:
    assert parse_problems("\tname: x\n") == [
        "x.yml:1:1: YAML syntax error: found character that cannot start any token "
        "(while scanning for the next token); indent with spaces, not tabs"
    ]


@needs_libyaml
def test_tab_indented_list_item_gets_a_hint() -> None:
    assert parse_problems("name: x\nroles:\n\t- title: y\n") == [
        "x.yml:3:1: YAML syntax error: found character that cannot start any token "
        "(while scanning for the next token); indent with spaces, not tabs"
    ]


def test_tab_hint_with_either_parser(parser: str) -> None:
    (line,) = parse_problems("roles:\n  - title: y\n\tof: z\n")
    assert line.startswith("x.yml:3:1: YAML syntax error: ")
    assert line.endswith("; indent with spaces, not tabs")


@needs_libyaml
def test_tab_inside_a_value_is_fine() -> None:
    assert data("name: a\tb\n") == {"name": "a\tb"}


def test_tab_inside_a_value_with_the_python_parser_gets_its_own_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    # PyYAML's own scanner refuses a tab after a space in a plain text; the hint must not talk of indentation.
    monkeypatch.setattr(loader, "_Loader", yaml.SafeLoader)
    assert parse_problems("name: a\tb\n") == [
        "x.yml:1:8: YAML syntax error: found character '\\t' that cannot start any token "
        "(while scanning for the next token); write spaces instead of tabs, or quote the text"
    ]


@needs_libyaml
def test_syntax_error_in_a_record_is_reported_with_the_record(problems: Callable[..., list[str]]) -> None:
    assert problems({"actors/x.yml": "name: [a\nkind: person\n"}) == [
        "data/actors/x.yml:2:5: actor 'x': YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence)"
    ]


# YAML: duplicate keys --------------------------------------------------------------------------------------------


def test_duplicate_key_names_both_lines() -> None:
    assert parse_problems("name: a\nkind: person\nname: b\n") == [
        "x.yml:3:1: duplicate key 'name' (first given at line 1)"
    ]


def test_duplicate_key_in_a_nested_mapping() -> None:
    assert parse_problems("roles:\n  - title: a\n    of: x\n    title: b\n") == [
        "x.yml:4:5: duplicate key 'title' (first given at line 2)"
    ]


def test_duplicate_keys_in_a_flow_mapping_with_either_parser(parser: str) -> None:
    assert parse_problems("value: {amount: '1', amount: '2'}\n") == [
        "x.yml:1:22: duplicate key 'amount' (first given at line 1)"
    ]


def test_same_key_in_two_mappings_is_not_a_duplicate(parser: str) -> None:
    assert data("a: {x: '1'}\nb: {x: '2'}\n") == {"a": {"x": "1"}, "b": {"x": "2"}}


# YAML: anchors, aliases, alias bombs ----------------------------------------------------------------------------


def test_anchor_and_alias_are_rejected() -> None:
    assert parse_problems("name: &a Kim\nsummary: *a\n") == [
        "x.yml:1:7: anchors (&) are not allowed: write the value out",
        "x.yml:2:10: aliases (*) are not allowed: write the value out",
    ]


def test_anchor_on_a_mapping_is_rejected() -> None:
    assert parse_problems("roles:\n  - &r {title: x}\n  - *r\n") == [
        "x.yml:2:5: anchors (&) are not allowed: write the value out",
        "x.yml:3:5: aliases (*) are not allowed: write the value out",
    ]


def test_self_reference_is_rejected_not_a_cycle(parser: str) -> None:
    assert parse_problems("a: &a [*a]\n") == [
        "x.yml:1:4: anchors (&) are not allowed: write the value out",
        "x.yml:1:8: aliases (*) are not allowed: write the value out",
    ]


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefghijklmnopqrstuvwxyz", "bcdefghijklmnopqrstuvwxyz"[: levels - 1], strict=False):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_rejected_fast(parser: str) -> None:
    bomb = billion_laughs()
    started = time.perf_counter()
    with pytest.raises(LoadError) as caught:
        parse(bomb.encode(), "x.yml")
    assert time.perf_counter() - started < 1.0
    found = [str(p) for p in caught.value.problems]
    assert found[0] == "x.yml:1:4: anchors (&) are not allowed: write the value out"
    assert found[1] == "x.yml:2:4: anchors (&) are not allowed: write the value out"
    assert found[2] == "x.yml:2:8: aliases (*) are not allowed: write the value out"
    assert len(found) == 9 + 8 * 9  # one per anchor and per alias: nothing was expanded


# YAML: explicit tags ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: !!python/object:os.system x\n", "x.yml:1:7: explicit tags (tag:yaml.org,2002:python/object:os.system)"),
        (
            "name: !!python/object/apply:os.system [ls]\n",
            "x.yml:1:7: explicit tags (tag:yaml.org,2002:python/object/apply:os.system)",
        ),
        ("name: !!python/name: {a: b}\n", "x.yml:1:7: explicit tags (tag:yaml.org,2002:python/name:)"),
        ("name: !!binary aGVsbG8=\n", "x.yml:1:7: explicit tags (tag:yaml.org,2002:binary)"),
        ("name: !!float 1.5\n", "x.yml:1:7: explicit tags (tag:yaml.org,2002:float)"),
        ("name: !!float\n", "x.yml:1:7: explicit tags (tag:yaml.org,2002:float)"),
        ("name: !!str x\n", "x.yml:1:7: explicit tags (tag:yaml.org,2002:str)"),
        ("name: !<tag:yaml.org,2002:str> x\n", "x.yml:1:7: explicit tags (tag:yaml.org,2002:str)"),
        ("name: !custom x\n", "x.yml:1:7: explicit tags (!custom)"),
        ("name: ! x\n", "x.yml:1:7: explicit tags (!)"),
        ("!!map\nname: x\n", "x.yml:1:1: explicit tags (tag:yaml.org,2002:map)"),
        ("aliases: !!set {a, b}\n", "x.yml:1:10: explicit tags (tag:yaml.org,2002:set)"),
    ],
)
def test_every_explicit_tag_is_rejected(parser: str, text: str, expected: str) -> None:
    assert parse_problems(text) == [expected + " are not allowed"]


def test_tags_and_aliases_together_are_all_reported() -> None:
    assert parse_problems("a: !!binary x\nb: &b y\nc: *b\n") == [
        "x.yml:1:4: explicit tags (tag:yaml.org,2002:binary) are not allowed",
        "x.yml:2:4: anchors (&) are not allowed: write the value out",
        "x.yml:3:4: aliases (*) are not allowed: write the value out",
    ]


# YAML: every scalar is a string ----------------------------------------------------------------------------------


def test_norway_words_stay_strings(parser: str) -> None:
    assert data("name: no\nkind: off\non: yes\noff: on\nY: n\n") == {
        "name": "no",
        "kind": "off",
        "on": "yes",
        "off": "on",
        "Y": "n",
    }


def test_numbers_times_and_nulls_stay_strings(parser: str) -> None:
    text = "a: 0123\nb: 1:30\nc: 0x1F\nd: 1.10\ne: .inf\nf: ~\ng: null\nh: true\ni: 1e3\nj: 0o17\nk: +1\n"
    assert data(text) == {
        "a": "0123",
        "b": "1:30",
        "c": "0x1F",
        "d": "1.10",
        "e": ".inf",
        "f": "~",
        "g": "null",
        "h": "true",
        "i": "1e3",
        "j": "0o17",
        "k": "+1",
    }


def test_impossible_dates_stay_strings_without_a_crash(parser: str) -> None:
    assert data("date: 2025-02-30\nend: 2025-13-01\nat: 2025-09-03T10:00:00Z\n") == {
        "date": "2025-02-30",
        "end": "2025-13-01",
        "at": "2025-09-03T10:00:00Z",
    }


def test_numeric_keys_stay_strings(parser: str) -> None:
    assert data("1: a\n0x1F: b\nno: c\n") == {"1": "a", "0x1F": "b", "no": "c"}


def test_merge_key_is_just_a_key(parser: str) -> None:
    assert data("<<: {a: b}\n") == {"<<": {"a": "b"}}


# YAML: empty files, other shapes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "   \n", "# only a comment\n", "# one\n# two\n", "---\n"])
def test_empty_or_comment_only_file(parser: str, text: str) -> None:
    assert parse_problems(text) == ["x.yml:1:1: empty file: expected a mapping of fields"]


def test_empty_record_file(problems: Callable[..., list[str]]) -> None:
    assert problems({"actors/x.yml": "# to do\n"}) == [
        "data/actors/x.yml:1:1: actor 'x': empty file: expected a mapping of fields"
    ]


def test_list_at_the_top_is_refused() -> None:
    assert parse_problems("# a list\n- a\n- b\n") == ["x.yml:2:1: expected a mapping of fields, found a list"]


def test_text_at_the_top_is_refused() -> None:
    assert parse_problems("just words\n") == ["x.yml:1:1: expected a mapping of fields, found a single text"]


def test_second_document_is_refused(parser: str) -> None:
    assert parse_problems("name: a\n---\nname: b\n") == [
        "x.yml:2:1: only one YAML document per file (remove the '---')"
    ]


def test_explicit_single_document_is_fine(parser: str) -> None:
    assert data("---\nname: a\n...\n") == {"name": "a"}


def test_key_that_is_a_list_or_mapping_is_refused() -> None:
    assert parse_problems("[a]: x\n? {b: c}\n: y\n") == [
        "x.yml:1:1: a key must be a plain word, not a list or mapping",
        "x.yml:2:3: a key must be a plain word, not a list or mapping",
    ]


# Encodings -------------------------------------------------------------------------------------------------------


def test_latin1_bytes_are_reported_at_their_line_and_column() -> None:
    assert parse_problems(b"name: Kim\nsummary: caff\xe8 e cornetto\n") == [
        "x.yml:2:14: invalid UTF-8 byte 0xE8: save the file as UTF-8"
    ]


def test_latin1_record(problems: Callable[..., list[str]]) -> None:
    assert problems({"actors/x.yml": b"name: Citt\xe0\nkind: country\n"}) == [
        "data/actors/x.yml:1:11: actor 'x': invalid UTF-8 byte 0xE0: save the file as UTF-8"
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused(encoding: str) -> None:
    raw = "name: Kim\n".encode(encoding)
    if encoding != "utf-16":
        raw = ("\ufeff" + "name: Kim\n").encode(encoding)
    assert parse_problems(raw) == ["x.yml:1:1: file is UTF-16: save it as UTF-8"]


def test_utf16_without_bom_is_refused_for_its_nul_bytes() -> None:
    assert parse_problems("name: Kim\nkind: person\n".encode("utf-16-le")) == [
        "x.yml:1:2: control character U+0000 is not allowed",
        "x.yml:2:1: control character U+0000 is not allowed",
        "x.yml:3:1: control character U+0000 is not allowed",
    ]


def test_utf8_bom_is_accepted_and_positions_ignore_it(parser: str) -> None:
    doc = parse(b"\xef\xbb\xbfname: Kim\n", "x.yml")
    assert doc.data == {"name": "Kim"}
    assert doc.keys[("name",)] == (1, 1)
    assert doc.values[("name",)] == (1, 7)


def test_utf8_bom_in_the_middle_is_kept_for_the_schema_to_judge(parser: str) -> None:
    assert data("name: a\ufeffb\n") == {"name": "a\ufeffb"}


def test_encoded_surrogate_bytes_are_invalid_utf8() -> None:
    assert parse_problems(b"name: a\xed\xa0\x80\n") == ["x.yml:1:8: invalid UTF-8 byte 0xED: save the file as UTF-8"]


# Control and surrogate characters --------------------------------------------------------------------------------


@needs_libyaml
def test_escaped_lone_surrogate_is_refused() -> None:
    assert parse_problems('name: "\\ud800"\n') == [
        "x.yml:1:10: YAML syntax error: found invalid Unicode character escape code (while parsing a quoted scalar)"
    ]


def test_escaped_lone_surrogate_is_refused_by_the_python_parser_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "_Loader", yaml.SafeLoader)
    assert parse_problems('name: "\\ud800"\n') == ["x.yml:1:7: control character U+D800 is not allowed"]


def test_escaped_astral_character_is_fine(parser: str) -> None:
    assert data('name: "\\U0001F600 \\u00e8"\n') == {"name": "😀 è"}


def test_escaped_nul_is_refused() -> None:
    assert parse_problems('name: "\\0"\n') == ["x.yml:1:7: control character U+0000 is not allowed"]


def test_escaped_terminal_escape_is_refused() -> None:
    assert parse_problems('kind: person\nname: "\\x1b[31mred"\n') == [
        "x.yml:2:7: control character U+001B is not allowed"
    ]


@pytest.mark.parametrize(
    ("escape", "code_point"), [("\\x7f", "U+007F"), ("\\N", "U+0085"), ("\\x9b", "U+009B"), ("\\e", "U+001B")]
)
def test_other_escaped_controls_are_refused(parser: str, escape: str, code_point: str) -> None:
    assert parse_problems(f'name: "a{escape}"\n') == [f"x.yml:1:7: control character {code_point} is not allowed"]


def test_raw_terminal_escape_is_reported_at_its_column() -> None:
    assert parse_problems(b"name: Kim\nsummary: ok \x1b[31mred\n") == [
        "x.yml:2:13: control character U+001B is not allowed"
    ]


def test_raw_nul_is_reported_at_its_column() -> None:
    assert parse_problems(b"name: a\x00b\n") == ["x.yml:1:8: control character U+0000 is not allowed"]


def test_every_line_with_a_raw_control_is_reported() -> None:
    assert parse_problems(b"a: \x01\nb: ok\nc: x\x7f\n") == [
        "x.yml:1:4: control character U+0001 is not allowed",
        "x.yml:3:5: control character U+007F is not allowed",
    ]


def test_raw_control_after_old_mac_line_breaks_is_on_the_right_line() -> None:
    assert parse_problems(b"name: x\rkind: \x01\r") == ["x.yml:2:7: control character U+0001 is not allowed"]


def test_unicode_line_separator_is_refused() -> None:
    # YAML counts U+2028 as a line break and editors do not: every later line number would be off.
    assert parse_problems("name: a\u2028b\nkind: person\n") == [
        "x.yml:1:8: line separator U+2028 is not allowed: use a normal line break"
    ]


def test_control_character_in_a_record(problems: Callable[..., list[str]]) -> None:
    assert problems({"actors/x.yml": 'name: "\\x1b[31mKim"\nkind: person\n'}) == [
        "data/actors/x.yml:1:7: actor 'x': control character U+001B is not allowed"
    ]


# Size and depth ---------------------------------------------------------------------------------------------------


@needs_libyaml
def test_ten_thousand_nested_brackets_are_refused_quickly() -> None:
    started = time.perf_counter()
    found = parse_problems("a: " + "[" * 10_000)
    assert time.perf_counter() - started < 1.0
    assert found == ["x.yml:1:1003: YAML syntax error: exceeded maximum nesting depth (while increasing flow level)"]


def test_ten_thousand_nested_brackets_with_the_python_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "_Loader", yaml.SafeLoader)
    started = time.perf_counter()
    found = parse_problems("a: " + "[" * 10_000)
    assert time.perf_counter() - started < 1.0
    assert found == [f"x.yml:1:{4 + MAX_DEPTH - 1}: nesting deeper than {MAX_DEPTH} levels"]


def test_deep_block_nesting_is_refused(parser: str) -> None:
    text = "a:\n" + "".join(" " * depth + "b:\n" for depth in range(1, 30))
    assert parse_problems(text) == [f"x.yml:{MAX_DEPTH + 1}:{MAX_DEPTH + 1}: nesting deeper than {MAX_DEPTH} levels"]


def test_nesting_up_to_the_limit_is_fine(parser: str) -> None:
    text = "a: " + "[" * (MAX_DEPTH - 1) + "x" + "]" * (MAX_DEPTH - 1) + "\n"
    value = data(text)["a"]
    for _ in range(MAX_DEPTH - 2):
        assert isinstance(value, list)
        value = value[0]
    assert value == ["x"]


def test_file_over_one_megabyte_is_refused_quickly() -> None:
    raw = b"summary: " + b"x" * MAX_FILE_BYTES + b"\n"
    started = time.perf_counter()
    found = parse_problems(raw)
    assert time.perf_counter() - started < 1.0
    assert found == [f"x.yml: file is {len(raw):,} bytes; at most 1,048,576 are allowed"]


def test_huge_file_on_disk_is_refused_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yml"
    path.write_bytes(b"a: [" + b"'x', " * (13 * 1024 * 1024 // 5) + b"]\n")
    started = time.perf_counter()
    with pytest.raises(LoadError) as caught:
        read(path, "data/actors/big.yml")
    assert time.perf_counter() - started < 1.0
    size = path.stat().st_size
    assert [str(p) for p in caught.value.problems] == [
        f"data/actors/big.yml: file is {size:,} bytes; at most 1,048,576 are allowed"
    ]


def test_file_of_exactly_the_limit_is_read() -> None:
    raw = b"summary: " + b"x" * (MAX_FILE_BYTES - len(b"summary: \n")) + b"\n"
    assert len(raw) == MAX_FILE_BYTES
    assert len(data(raw)["summary"]) == MAX_FILE_BYTES - 10  # type: ignore[arg-type]


def test_large_record_in_a_run(problems: Callable[..., list[str]]) -> None:
    raw = b"name: x\nsummary: " + b"y" * MAX_FILE_BYTES + b"\n"
    assert problems({"actors/x.yml": raw}) == [
        f"data/actors/x.yml: actor 'x': file is {len(raw):,} bytes; at most 1,048,576 are allowed"
    ]


# Reading files ----------------------------------------------------------------------------------------------------


def test_read_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        read(tmp_path / "gone.yml", "data/actors/gone.yml")
    assert [str(p) for p in caught.value.problems] == [
        "data/actors/gone.yml: cannot read file: No such file or directory"
    ]


def test_read_parses_a_file(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_text("name: Kim\n", encoding="utf-8")
    doc = read(path, "data/actors/x.yml")
    assert doc.data == {"name": "Kim"}
    assert doc.path == "data/actors/x.yml"


def test_load_error_message_joins_its_problems() -> None:
    with pytest.raises(LoadError) as caught:
        parse(b"a: &x 1\nb: *x\n", "x.yml")
    assert str(caught.value) == (
        "x.yml:1:4: anchors (&) are not allowed: write the value out; "
        "x.yml:2:4: aliases (*) are not allowed: write the value out"
    )


# A valid file read by libyaml's composer --------------------------------------------------------------------------
# A parse without positions (`dossier check`, builds) reads a file from libyaml's node tree, built in C; any file with
# something to report, or that may hold a tag, an anchor or an alias, is read by the event loop instead. Both must
# give the same data and the same watched positions, and the composer must never accept what the loop refuses.

WATCH = frozenset({"passage"})
PIECES = [*"ab é!&*:-?#'\"\\[]{},|>%@`~\t\n", "\x85", "\x1b", "\u00a0", "\ufeff", "- ", ": ", "**", "😀"]
SCALARS = st.one_of(st.none(), st.lists(st.sampled_from(PIECES), max_size=8).map("".join))
KEYS = st.one_of(st.sampled_from(["passage", "a", "name"]), st.lists(st.sampled_from(PIECES), max_size=4).map("".join))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=10,
)
# What may begin a node, put where nodes begin and anywhere else.
PROPERTIES = st.sampled_from(
    [*["&a ", "*a", "*a ", "!t ", "! ", "!!str ", "!<tag:x> ", "&b\t", "*b", "- *a", "&", "*", "!"],
     *["?&a ", "?*a", "?! ", "\ufeff&a ", "\ufeff! ", "\ufeff"]]  # a flow key's "?", libyaml skipping a BOM
)  # fmt: skip


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    """A mapping as PyYAML writes it, in any style, with tags, anchors or aliases put in at random places."""
    text = yaml.dump(
        draw(st.dictionaries(KEYS, VALUES, max_size=4)), allow_unicode=draw(st.booleans()), sort_keys=False,
        default_flow_style=draw(st.sampled_from([False, True, None])),
        default_style=draw(st.sampled_from([None, '"', "'"])), width=draw(st.sampled_from([12, 80])),
    )  # fmt: skip
    if draw(st.booleans()):  # PyYAML writes no value as "null": editors write nothing
        text = text.replace("null", "")
    starts = [0, len(text)] + [m.end() for m in re.finditer(r"(?m)^ *|: |- |\? |[\[{,] ?", text)]
    places = draw(st.lists(st.one_of(st.sampled_from(starts), st.integers(0, len(text))), max_size=3))
    for place in sorted(places, reverse=True):
        text = text[:place] + draw(PROPERTIES) + text[place:]
    return text


def composed_as_the_event_loop_reads(text: str) -> bool:
    """Whether the composer read ``text``; asserts that it read it as the event loop does, if it did."""
    try:
        loader._check_characters(text, "x.yml")  # (parse refuses such a text before reading it either way)
    except LoadError:
        return False
    composed = loader._composed(text, WATCH)
    try:
        doc = loader._build(text, "x.yml", False, WATCH)
    except (LoadError, yaml.YAMLError):
        assert composed is None, text
        return False
    if composed is not None:
        assert composed == (doc.data, doc.values), text
    return composed is not None


@needs_composer
@settings(max_examples=3000, deadline=None)
@given(yaml_texts())
def test_the_composer_reads_every_file_as_the_event_loop_does(text: str) -> None:
    composed_as_the_event_loop_reads(text)


@needs_composer
def test_the_composer_reads_the_bundled_files_and_markdown_with_stars() -> None:
    files = sorted(BUNDLED.rglob("*.yml"))
    assert files and all(composed_as_the_event_loop_reads(path.read_text("utf-8")) for path in files)
    deepest = "a: " + "[" * (MAX_DEPTH - 1) + "x" + "]" * (MAX_DEPTH - 1) + "\n"  # one level short of too deep
    assert composed_as_the_event_loop_reads(deepest)
    for text in [
        "a: il **patto** e *la* nota\n",
        "a: 'x *y'\n",
        'a: "5 * 3 & 2!"\n',
        "a: |\n  testo **b**\n",
        "a:\nb: [c, {d: }]\n",
    ]:
        assert composed_as_the_event_loop_reads(text), text


@needs_libyaml
@pytest.mark.parametrize(
    "text",
    [
        "a: &x b\n", "a: *x\n", "a: !t b\n", "a: ! b\n", "- &x a\n", "a:\n  - !!str b\n", "a: [&x b]\n", "a: {b: *x}\n",
        "? &k a\n: b\n", "a: b\r&x c: d\r", "a: {?&x b: c}\n", "a: [?! b]\n", "a:\n\ufeff &x b\n",
        "a: [\n\ufeff! b]\n", "a: |\n  **Markdown** at a line's start\n",  # (text: declined too)
    ],
)  # fmt: skip
def test_the_composer_leaves_tags_anchors_and_aliases_to_the_event_loop(text: str) -> None:
    assert loader._composed(text, WATCH) is None


@needs_libyaml
@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n", ": x\n", "[a]: b\n", 'a: "\\e"\n', '"\\x07": b\n', "", "# only a comment\n", "- a\n", "a\n",
        "a: 1\n---\nb: 2\n", "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n", "a: [b\n",
    ],
)  # fmt: skip
def test_the_composer_leaves_every_problem_to_the_event_loop(text: str) -> None:
    assert loader._composed(text, WATCH) is None
    with pytest.raises((LoadError, yaml.YAMLError)):
        loader._build(text, "x.yml", False, WATCH)


@needs_composer
def test_an_alias_the_text_check_missed_would_still_be_declined(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "_may_hold_properties", lambda text: False)
    assert loader._composed("a: &x [b, c]\nd: *x\n", WATCH) is None  # the same list met twice: no alias bomb
    assert loader._composed("a: [b, c]\nd: [b, c]\n", WATCH) == ({"a": ["b", "c"], "d": ["b", "c"]}, {(): (1, 1)})


@needs_libyaml
def test_no_composer_with_a_libyaml_that_sets_no_limit_to_nesting() -> None:
    # libyaml 0.2.5 (PyYAML 6.0.3's wheels) lets the C composer recurse as deep as a file nests, and crash Python.
    script = (
        "import yaml._yaml\n"
        "yaml._yaml.get_version = lambda: (0, 2, 5)\n"
        "from dossier import loader\n"
        "assert loader._Composer is None\n"
        "try:\n    loader.parse(b'a: ' + b'[' * 50000 + b'\\n', 'x.yml', positions=False)\n"
        "except loader.LoadError as error:\n    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("nesting deeper than 16 levels") or "nesting depth" in result.stdout


@needs_composer
def test_a_parse_without_positions_uses_the_composer_where_it_can(monkeypatch: pytest.MonkeyPatch) -> None:
    built = []
    monkeypatch.setattr(loader, "_build", lambda *args: built.append(args) or Document("x.yml", {}, {}, {}))
    assert parse(b"a: [b, {passage: c}]\n", "x.yml", positions=False, watch=WATCH).values == {
        (): (1, 1),
        ("a", 1, "passage"): (1, 18),
    }
    assert not built  # read by the composer
    parse(b"a: &x b\n", "x.yml", positions=False)
    parse(b"a: b\n", "x.yml")  # with positions: the event loop keeps them
    assert len(built) == 2
