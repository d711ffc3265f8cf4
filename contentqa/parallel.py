"""How many processes a run uses, and independent tasks of the library stage on them.

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
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 64

_TASKS: list[Callable[[], Any]] = []


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
