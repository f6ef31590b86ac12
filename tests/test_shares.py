"""Work split between processes (dossier/shares.py): what `dossier check`, `mkdocs build` and `dossier render` use
on a large dossier."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import BUNDLED

from dossier import resolve, shares
from dossier.resolve import validate

forks = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="work is split between processes on Linux")


@forks
def test_each_item_gets_its_result_in_order_whichever_process_made_it() -> None:
    offset = 1000  # a closure's value: the children are forked with the work, not sent it

    def work(share: Sequence[int]) -> list[tuple[int, int]]:
        return [(item + offset, os.getpid()) for item in share]

    results = shares.shared(list(range(11)), work, 3)
    assert [value for value, _ in results] == list(range(1000, 1011))
    pids = [pid for _, pid in results]
    assert pids[0::3] == [os.getpid()] * 4  # the first share is this process's
    assert os.getpid() not in pids[1::3] + pids[2::3]  # the others, children's (a quick child may take both)


@forks
def test_this_process_may_only_wait() -> None:
    """``here=False``: every share is a child's, even a single one, and the results keep the items' order."""

    def work(share: Sequence[int]) -> list[tuple[int, int]]:
        return [(item * 2, os.getpid()) for item in share]

    for workers in (1, 2, 3):
        results = shares.shared(list(range(7)), work, workers, here=False)
        assert [value for value, _ in results] == [item * 2 for item in range(7)]
        assert os.getpid() not in {pid for _, pid in results}


def test_one_worker_or_one_item_stays_in_this_process() -> None:
    def work(share: Sequence[int]) -> list[int]:
        return [os.getpid()] * len(share)

    assert shares.shared([1, 2, 3], work, 1) == [os.getpid()] * 3
    assert shares.shared([1], work, 4) == [os.getpid()]


@forks
def test_an_error_in_a_child_is_raised_here() -> None:
    def work(share: Sequence[int]) -> list[int]:
        if 1 in share:
            raise ValueError(f"no {os.getpid() != parent}")
        return list(share)

    parent = os.getpid()
    with pytest.raises(ValueError, match=r"^no True$"):
        shares.shared([0, 1, 2, 3], work, 2)


@forks
def test_a_folder_validated_in_two_processes_is_the_folder_validated_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same records, in the same order, and the same problems, whether the files were shared or not."""
    monkeypatch.setattr(resolve, "PARALLEL_FROM", 1)  # the bundled dossier's files are too few otherwise
    alone, shared = validate(BUNDLED), validate(BUNDLED, workers=2)
    assert shared.data == alone.data and shared.spans == alone.spans and shared.unverified == alone.unverified
    assert [list(records) for records in shared.data.values()] == [list(records) for records in alone.data.values()]
    data = tmp_path / "data"
    (data / "actors").mkdir(parents=True)
    for n in range(6):
        (data / "actors" / f"a{n}.yml").write_text(f"name: A{n}\nkind: person\nally: b{n}\n", encoding="utf-8")
    problems = []
    for workers in (1, 2):
        with pytest.raises(resolve.DossierError) as caught:
            validate(data, workers=workers)
        problems.append([str(problem) for problem in caught.value.problems])
    assert problems[0] == problems[1] and len(problems[0]) == 6


@forks
def test_sources_shared_between_processes_verify_every_citation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The records holding stored texts are shared too: a text read by one process verifies the citations another
    process checks, and a source's own problem (its text file missing) comes back from whichever read it."""
    monkeypatch.setattr(resolve, "PARALLEL_FROM", 1)
    data = tmp_path / "data"
    shutil.copytree(BUNDLED, data)
    source = (data / "sources" / "articolo-pechino-2025-09.yml").read_text(encoding="utf-8")
    quote = (data / "quotes" / "kim-avanzando-tutti-settori.yml").read_text(encoding="utf-8")
    for n in range(5):
        (data / "sources" / f"copia-{n}.yml").write_text(
            source.replace("text_file: articolo-pechino-2025-09.txt", f"text_file: copia-{n}.txt"), encoding="utf-8"
        )
        shutil.copy(data / "sources" / "articolo-pechino-2025-09.txt", data / "sources" / f"copia-{n}.txt")
        (data / "quotes" / f"copia-{n}.yml").write_text(
            quote.replace("source: articolo-pechino-2025-09", f"source: copia-{n}"), encoding="utf-8"
        )
    alone, shared = validate(data), validate(data, workers=2)
    assert len(shared.texts) == 6 and shared.texts == alone.texts
    assert shared.spans == alone.spans and {key[0] for key in shared.spans} >= {f"copia-{n}" for n in range(5)}
    assert shared.data == alone.data
    (data / "sources" / "copia-3.txt").unlink()
    problems = []
    for workers in (1, 2):
        with pytest.raises(resolve.DossierError) as caught:
            validate(data, workers=workers)
        problems.append([str(problem) for problem in caught.value.problems])
    assert problems[0] == problems[1]
    assert any("copia-3.txt" in problem and "not found" in problem for problem in problems[1])


@forks
def test_a_check_validates_without_bringing_the_records_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """``records=False`` (`dossier check`): the same valid records, counts, spans, texts and citations not verified,
    in one process or two; the records' data is not kept, and resolving them is refused."""
    monkeypatch.setattr(resolve, "PARALLEL_FROM", 1)
    full = validate(BUNDLED, workers=2)
    for workers in (1, 2):
        checked = validate(BUNDLED, workers=workers, records=False)
        assert {k: list(v) for k, v in checked.data.items()} == {k: list(v) for k, v in full.data.items()}
        assert all(data == {} for records in checked.data.values() for data in records.values())
        assert checked.spans == full.spans and checked.texts == full.texts and checked.unverified == full.unverified
        assert [checked.count(k.name) for k in checked.registry] == [full.count(k.name) for k in full.registry]
        with pytest.raises(ValueError, match="records=False"):
            resolve.resolve(checked)


@forks
def test_a_check_reports_every_problem_a_build_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``records=False`` checks a valid record's own data, not pydantic's copy of it (tuples, defaults, names put in
    NFC): the same problems, in the same places."""
    monkeypatch.setattr(resolve, "PARALLEL_FROM", 1)
    data = tmp_path / "data"
    shutil.copytree(BUNDLED, data)
    event = data / "events" / "avanzata-ucraina-kursk.yml"
    text = event.read_text("utf-8").replace("Regione di Kursk", "Re\u0301gione di Kursk")  # é decomposed
    text = text.replace("  - ucraina\n", "  - ucrania\n").replace("ucraino nel 2024\n", "ucraino nel 2042\n")
    text = text.replace("combattono e muoiono", "combattono ([qui](claim:nessuna) e [là](/actors/x/)) e muoiono")
    event.write_text(text, "utf-8")
    found = []
    for records, workers in ((True, 1), (False, 1), (False, 2)):
        with pytest.raises(resolve.DossierError) as caught:
            validate(data, workers=workers, records=records)
        found.append([str(problem) for problem in caught.value.problems])
    assert found[0] == found[1] == found[2]
    fields = [problem.split(": ")[2] for problem in found[0]]
    assert fields == ["participants[1]", "summary", "summary", "sources[0].passage"], found[0]


class _TwoPart(Exception):
    def __init__(self, what: str, why: str) -> None:  # its args are not what __init__ takes: it does not unpickle
        super().__init__(f"{what} failed: {why}")


@forks
def test_an_error_that_cannot_travel_back_keeps_its_message() -> None:
    def work(share: Sequence[int]) -> list[int]:
        if 1 in share:
            raise _TwoPart("the chart", "no figures")
        return list(share)

    with pytest.raises(RuntimeError, match=r"^_TwoPart: the chart failed: no figures$"):
        shares.shared([0, 1, 2, 3], work, 2)


def test_no_more_processes_than_cores_allowed_and_never_more_than_four(monkeypatch: pytest.MonkeyPatch) -> None:
    assert 1 <= shares.cores() <= shares.MAX_WORKERS == 4
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)
    assert shares.cores() == 4
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3}, raising=False)  # `taskset -c 3`, a container
    assert shares.cores() == 1


@forks
def test_a_folder_validated_with_a_cache_stays_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache (`mkdocs serve`'s) is this process's: children would fill their own copies of it, then lose them."""
    monkeypatch.setattr(resolve, "PARALLEL_FROM", 1)
    cache: dict[object, object] = {}
    validated = validate(BUNDLED, cache=cache, workers=2)
    records = [key for key in cache if isinstance(key, tuple) and str(key[0]).endswith(".yml")]
    assert len(records) == sum(validated.count(kind.name) for kind in validated.registry)
