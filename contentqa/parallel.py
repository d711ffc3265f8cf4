"""How many processes a run uses, and work on data already in memory spread over them: the
library stage's independent tasks, and the HTML report's pages.

Per-file work goes to a process pool (:mod:`contentqa.pipeline`). The library stage works on
data already in memory (every guide's units), too large to send to worker processes, so its
workers are forked: they inherit that memory, each runs tasks by index, and only the results
travel back. With one job, or off Linux (Windows has no ``fork``; on macOS, forking a process
that has loaded system frameworks is unsafe), the tasks run here, one after another. Results
never depend on the job count.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 64

_TASKS: list[Callable[[], Any]] = []
_MAPPED: list[Callable[[int], Any]] = []


def effective_jobs(requested: int, files: int) -> int:
    """``requested`` processes, or with 0 one per core once there are enough files to pay
    for starting them."""
    if requested > 0:
        return max(1, min(requested, files))
    if files < PARALLEL_MIN_FILES:
        return 1
    return max(1, min(os.cpu_count() or 1, files))


def _run(index: int) -> Any:
    return _TASKS[index]()


def run_tasks(tasks: dict[str, Callable[[], Any]], jobs: int) -> dict[str, Any]:
    """``{name: task()}``, with the tasks spread over ``jobs`` forked processes, in the
    order given (put the longest first)."""
    if jobs <= 1 or len(tasks) <= 1 or not sys.platform.startswith("linux"):
        return {name: task() for name, task in tasks.items()}
    names = list(tasks)
    _TASKS[:] = [tasks[name] for name in names]
    # Objects the collector never visits are not copied into the children page by page.
    # A caller that froze objects itself unfreezes them when it is done.
    frozen_by_caller = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(jobs, len(names)), mp_context=context) as pool:
            results = list(pool.map(_run, range(len(names))))
    finally:
        _TASKS.clear()
        if not frozen_by_caller:
            gc.unfreeze()
    return dict(zip(names, results, strict=True))


def _run_range(start: int, stop: int) -> list[Any]:
    return [_MAPPED[0](index) for index in range(start, stop)]


def map_forked(function: Callable[[int], Any], count: int, jobs: int, chunk: int) -> Iterator[Any]:
    """``function(0)``, ..., ``function(count - 1)``, in this order, computed by ``jobs``
    forked processes ``chunk`` indices at a time (here with one job, or off Linux), while
    the caller uses the results: at most two chunks per process are done and not yet taken,
    so the results never all wait in memory at once."""
    if jobs <= 1 or count <= chunk or not sys.platform.startswith("linux"):
        yield from map(function, range(count))
        return
    _MAPPED[:] = [function]
    frozen_by_caller = gc.get_freeze_count() > 0
    gc.freeze()  # as in run_tasks
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            starts = iter(range(0, count, chunk))
            running: deque = deque()
            try:
                for start in starts:
                    running.append(pool.submit(_run_range, start, min(start + chunk, count)))
                    if len(running) == 2 * jobs:
                        break
                while running:
                    results = running.popleft().result()
                    start = next(starts, None)
                    if start is not None:
                        running.append(pool.submit(_run_range, start, min(start + chunk, count)))
                    yield from results
            finally:
                for future in running:
                    future.cancel()
    finally:
        _MAPPED.clear()
        if not frozen_by_caller:
            gc.unfreeze()
