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
import itertools
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 64

# The function a forked worker maps, set in it by its pool's initializer: inherited with
# the process, never pickled.
_mapped: Callable[[int], Any] | None = None


def effective_jobs(requested: int, files: int) -> int:
    """``requested`` processes, at most one per core (more would only take turns on the
    cores, each starting spaCy: 100 processes on 2 cores took 9 times as long as 2), or
    with 0 one per core once there are enough files to pay for starting them."""
    if requested > 0:
        return max(1, min(requested, files, cores()))
    if files < PARALLEL_MIN_FILES:
        return 1
    return max(1, min(cores(), files))


def cores() -> int:
    """The cores this process may run on (a container's or ``taskset``'s limit)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_tasks(tasks: dict[str, Callable[[], Any]], jobs: int) -> dict[str, Any]:
    """``{name: task()}``, with the tasks spread over ``jobs`` forked processes, in the
    order given (put the longest first)."""
    names = list(tasks)
    results = map_forked(
        lambda index: tasks[names[index]](), len(names), jobs, chunk=1, ahead=len(names)
    )
    return dict(zip(names, results, strict=True))


def map_forked(
    function: Callable[[int], Any], count: int, jobs: int, chunk: int, ahead: int | None = None
) -> Iterator[Any]:
    """``function(0)``, ..., ``function(count - 1)``, in this order, computed ``chunk``
    indices at a time by up to ``jobs`` forked processes while the caller takes the results.
    At most ``ahead`` chunks (two per process by default) are asked for and not yet taken,
    so the results never all wait in memory at once. With one job, a single chunk, or off
    Linux, computed here as they are taken."""
    chunks = range(0, count, chunk)
    if jobs <= 1 or len(chunks) <= 1 or not sys.platform.startswith("linux"):
        yield from map(function, range(count))
        return
    # Objects the collector never visits are not copied into the children page by page.
    # A caller that froze objects itself unfreezes them when it is done.
    frozen_by_caller = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        workers = min(jobs, len(chunks))
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_install, initargs=(function,)
        ) as pool:
            waiting = iter(chunks)
            running: deque[Future[list[Any]]] = deque()
            try:
                first = 2 * workers if ahead is None else max(1, ahead)
                for start in itertools.islice(waiting, first):
                    running.append(pool.submit(_run_chunk, start, min(start + chunk, count)))
                while running:
                    results = running.popleft().result()
                    for start in itertools.islice(waiting, 1):
                        running.append(pool.submit(_run_chunk, start, min(start + chunk, count)))
                    yield from results
            finally:
                for future in running:
                    future.cancel()
    finally:
        if not frozen_by_caller:
            gc.unfreeze()


def _install(function: Callable[[int], Any]) -> None:
    global _mapped
    _mapped = function
    # Ctrl-C reaches every process of the terminal's group: the parent stops the run and
    # says so once; a worker stopped mid-task would print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_chunk(start: int, stop: int) -> list[Any]:
    assert _mapped is not None
    return [_mapped(index) for index in range(start, stop)]
