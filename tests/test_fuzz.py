"""Hypothesis: no input makes the loader or the pipeline raise anything but their own errors.

Plain ``yaml.safe_load`` let three foreign exception types escape within 8,000 inputs; here every random text,
random bytes and random mutation of the bundled data files ends in a value or in ``LoadError``/``DossierError``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from conftest import BUNDLED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier import loader, resolve
from dossier.errors import DETAIL_INDENT, DossierError

# 9,400 examples in all at CI size; DOSSIER_FUZZ_SCALE=10 runs ten times as many (see dev/security.md).
SCALE = int(os.environ.get("DOSSIER_FUZZ_SCALE", "1"))
FAST = settings(max_examples=2000 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=200 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DATA_FILES = sorted(p.relative_to(BUNDLED).as_posix() for p in BUNDLED.rglob("*") if p.is_file())
YAML_FILES = [name for name in DATA_FILES if name.endswith((".yml", ".yaml"))]
ORIGINAL = {name: (BUNDLED / name).read_bytes() for name in DATA_FILES}

TOKENS = [
    "a", "name", "kind", "no", "off", "yes", "~", "null", "0123", "0x1F", "1.10", "1:30", "2025-02-30",
    "2025-13-01", "2025", "-", "- ", ": ", ":", "?", "? ", ",", "[", "]", "{", "}", "&a", "*a", "&", "*", "!", "!!",
    "!!python/object:x", "!!binary", "!!float", "!<tag:x>", "%TAG ! tag:x:\n", "%YAML 1.1\n", "---", "...", "|", ">",
    "|-", ">+", "#", "'", '"', "\\", "\\x1b", "\\ud800", "\\0", "\\N", "\\U0001F600", "\n", "\n  ", "\n    ", "\t", " ",
    "  ", "\r", "\r\n", "\ufeff", "\u2028", "\u202e", "\x00", "\x1b", "è", "😀", "<<", "=",
]  # fmt: skip
yaml_ish = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


def check_document(doc: loader.Document) -> None:
    """A parsed document holds only dicts with text keys, lists, texts and None, and knows where they are."""

    def walk(value: Any, loc: tuple[str | int, ...]) -> None:
        assert loc in doc.values
        if isinstance(value, dict):
            for key, item in value.items():
                assert isinstance(key, str)
                walk(item, (*loc, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*loc, index))
        else:
            assert value is None or isinstance(value, str)

    assert isinstance(doc.data, dict)
    walk(doc.data, ())
    for line, column in doc.values.values():
        assert line >= 1 and column >= 1


def parse_or_fail(raw: bytes) -> None:
    try:
        doc = loader.parse(raw, "x.yml")
    except loader.LoadError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.path == "x.yml" and problem.message and str(problem)
        return
    check_document(doc)


@FAST
@given(yaml_ish)
def test_parse_yaml_ish_text(text: str) -> None:
    parse_or_fail(text.encode("utf-8"))


@settings(FAST, max_examples=1000 * SCALE)
@given(yaml_ish)
def test_parse_yaml_ish_text_with_the_python_parser(text: str) -> None:
    with mock.patch.object(loader, "_Loader", yaml.SafeLoader):
        parse_or_fail(text.encode("utf-8"))


@FAST
@given(st.text(max_size=200))
def test_parse_any_text(text: str) -> None:
    parse_or_fail(text.encode("utf-8", "surrogatepass"))


@FAST
@given(st.binary(max_size=200))
def test_parse_any_bytes(raw: bytes) -> None:
    parse_or_fail(raw)


@st.composite
def mutated(draw: st.DrawFn, names: list[str]) -> tuple[str, bytes]:
    """A bundled file with a few random byte edits: replace, insert, delete, or splice in a YAML token."""
    name = draw(st.sampled_from(names))
    raw = bytearray(ORIGINAL[name][:4096])
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(["replace", "insert", "delete", "token"]))
        if action == "replace" and at < len(raw):
            raw[at] = draw(st.integers(0, 255))
        elif action == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif action == "delete":
            del raw[at : at + draw(st.integers(1, 8))]
        else:
            raw[at:at] = draw(st.sampled_from(TOKENS)).encode("utf-8")
    return name, bytes(raw)


@FAST
@given(mutated(YAML_FILES))
def test_parse_mutated_data_files(case: tuple[str, bytes]) -> None:
    parse_or_fail(case[1])


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(BUNDLED, data)
    yield data


@SLOW
@given(case=mutated(DATA_FILES))
def test_load_mutated_data(data_copy: Path, case: tuple[str, bytes]) -> None:
    name, raw = case
    target = data_copy / name
    target.write_bytes(raw)
    try:
        resolve.load(data_copy)
    except DossierError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.message
            assert "\n" not in problem.head() or problem.code == "yaml-syntax"
            head, *detail = str(problem).split("\n" + DETAIL_INDENT)
            assert head == problem.head() and all(line and "\n" not in line for line in detail)
    finally:
        target.write_bytes(ORIGINAL[name])


@SLOW
@given(field=st.sampled_from(["name", "kind", "summary", "aliases", "roles", "tags", "sources", "notes", "off"]),
       value=yaml_ish)  # fmt: skip
def test_load_random_field_values(data_copy: Path, field: str, value: str) -> None:
    target = data_copy / "actors" / "fuzz.yml"
    target.write_text(f"name: Fuzz\nkind: person\n{field}: {value}\n", encoding="utf-8", errors="surrogatepass")
    try:
        resolve.load(data_copy)
    except DossierError as exc:
        assert all(p.path for p in exc.problems)
    finally:
        target.unlink()
