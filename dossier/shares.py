"""Work split between processes: the one way the pipeline uses more than one core (parsing a large data folder,
rendering a large dossier's pages).

The items are dealt out like cards (each process takes every ``workers``-th one), so items of one kind, which follow
one another and cost alike, are shared evenly. This process works on the first share while forked children work on
the others: they inherit the work and whatever it reads (the dossier, the stored texts) without copying it, and only
their results travel back, pickled. An exception in a child is raised here, as it was raised there (or, when it
cannot be pickled, as a RuntimeError with its type and message). Forking is Linux's: elsewhere, and for a single
worker, everything runs in this process. How many processes: :func:`cores`.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

MAX_WORKERS = 4  # each child copies the memory it touches (about 300 MB on M): more cost memory for little gain
_I = TypeVar("_I")
_R = TypeVar("_R")

# The work of a forked child: set before the fork, so that the child has it without pickling it (see shared).
_WORK: tuple[Callable[[Sequence[Any]], list[Any]], Sequence[Any], int] | None = None


def _set_work(work: Callable[[Sequence[Any]], list[Any]], items: Sequence[Any], workers: int) -> None:
    global _WORK
    _WORK = (work, items, workers)


def _share(index: int) -> list[Any]:
    assert _WORK is not None
    work, items, workers = _WORK
    try:
        return work(items[index::workers])
    except Exception as exc:
        try:  # it travels back pickled: one that cannot be made again there would break the pool, message lost
            pickle.loads(pickle.dumps(exc))
        except Exception:
            raise RuntimeError(f"{type(exc).__name__}: {exc}") from None
        raise


def cores() -> int:
    """How many processes to split work between: the cores this process may run on, at most :data:`MAX_WORKERS`."""
    # sched_getaffinity (Linux) counts the cores a container or `taskset` allows, where cpu_count counts them all.
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(count, MAX_WORKERS))


FORKS = sys.platform.startswith("linux")  # where work is split at all (elsewhere it runs in this process)


def shared(
    items: Sequence[_I], work: Callable[[Sequence[_I]], list[_R]], workers: int, *, here: bool = True
) -> list[_R]:
    """``work(items)``, one result per item in the items' order, computed by ``workers`` processes: ``work`` is given
    each share (share ``k`` is ``items[k::workers]``) and returns a result for each of its items. ``work`` may be any
    callable, a closure included (the children are forked with it); what it returns must pickle. It must not log: a
    child's log records do not reach this process's handlers (MkDocs' ``--strict`` counts warnings there).

    With ``here=False`` this process only waits, and every share is a child's: for work whose side effects (on the
    objects it is given, on what has been logged or warned once) must not touch this process. (Where nothing is
    forked, see :data:`FORKS`, the work runs in this process all the same: such callers check FORKS first.)"""
    workers = min(workers, len(items))
    if not FORKS or workers < (2 if here else 1):
        return work(items)
    fork = multiprocessing.get_context("fork")
    first = 1 if here else 0
    with concurrent.futures.ProcessPoolExecutor(
        workers - first, mp_context=fork, initializer=_set_work, initargs=(work, items, workers)
    ) as pool:
        futures = [pool.submit(_share, index) for index in range(first, workers)]
        results: list[Any] = [None] * len(items)
        if here:
            results[0::workers] = work(items[0::workers])
        for index, future in enumerate(futures, start=first):
            results[index::workers] = future.result()
    return results
