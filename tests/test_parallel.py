"""Work in forked processes: the same results, in the same order, as in one process."""

from __future__ import annotations

import dataclasses
import gc
import os
import sys

import pytest
from conftest import FIXTURES

from contentqa.config import Config
from contentqa.duplicates import engine
from contentqa.load import discover
from contentqa.parallel import map_forked, run_tasks
from contentqa.pipeline import build_report, check_file
from contentqa.report.json_report import render

forking = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux only")


@forking
def test_tasks_see_the_parents_data_and_return_in_order():
    data = list(range(100_000))  # inherited by the forked workers, never pickled to them
    tasks = {
        "sum": lambda: sum(data),
        "max": lambda: max(data),
        "pid": lambda: __import__("os").getpid(),
    }
    forked = run_tasks(tasks, jobs=2)
    assert list(forked) == ["sum", "max", "pid"]
    assert forked["sum"] == sum(data) and forked["max"] == 99_999
    assert forked["pid"] != __import__("os").getpid()
    assert run_tasks(tasks, jobs=1)["pid"] == __import__("os").getpid()


@forking
def test_a_failing_task_raises_in_the_parent():
    def broken():
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        run_tasks({"ok": lambda: 1, "broken": broken}, jobs=2)


@forking
def test_a_forked_map_gives_every_result_in_order_as_it_is_taken():
    squares = map_forked(lambda i: (i * i, os.getpid()), 50, jobs=2, chunk=3)
    results = list(squares)
    assert [value for value, _ in results] == [i * i for i in range(50)]
    assert os.getpid() not in {pid for _, pid in results}
    # Two at once, each with its own function.
    evens, odds = map_forked(lambda i: 2 * i, 40, 2, 4), map_forked(lambda i: 2 * i + 1, 40, 2, 4)
    assert [n for pair in zip(evens, odds, strict=True) for n in pair] == list(range(80))
    assert gc.get_freeze_count() == 0


@forking
def test_a_forked_map_stopped_early_or_failing_leaves_nothing_behind():
    taken = map_forked(lambda i: i, 100, jobs=2, chunk=5)
    assert [next(taken) for _ in range(7)] == list(range(7))
    taken.close()
    assert gc.get_freeze_count() == 0

    def broken(i: int) -> int:
        if i == 23:
            raise ValueError("boom")
        return i

    with pytest.raises(ValueError, match="boom"):
        list(map_forked(broken, 100, jobs=2, chunk=5))
    assert gc.get_freeze_count() == 0


@forking
def test_near_duplicate_levels_in_two_processes_give_the_same_report(monkeypatch):
    paths = discover([FIXTURES / "duplicates" / "guides"])
    config = dataclasses.replace(Config(), all_pairs_limit=0)
    results = [check_file(path, config) for path in paths]
    one = render(dataclasses.replace(build_report(results, config), generated_at="-"))
    monkeypatch.setattr(engine, "PARALLEL_MIN_UNITS", 0)
    monkeypatch.setattr(engine, "PARALLEL_MAX_UNITS", 10**9)
    calls = []
    monkeypatch.setattr(
        engine, "run_tasks", lambda tasks, jobs: calls.append(jobs) or run_tasks(tasks, jobs)
    )
    two_jobs = dataclasses.replace(config, jobs=2)
    two = render(dataclasses.replace(build_report(results, two_jobs), generated_at="-"))
    assert calls == [2]
    assert one == two


@pytest.mark.parametrize(
    ("below", "above", "forks"),
    [(1, None, []), (0, None, [2]), (0, -1, [])],
    ids=["small library", "mid-sized library", "large library"],
)
def test_levels_fork_only_for_mid_sized_libraries(monkeypatch, below, above, forks):
    """Small libraries do not pay for starting processes; large ones would copy too much."""
    config = dataclasses.replace(Config(), jobs=2)
    results = [check_file(p, config) for p in discover([FIXTURES / "duplicates" / "guides"])]
    units = sum(len(r.guide.units) for r in results if r.guide)
    monkeypatch.setattr(engine, "PARALLEL_MIN_UNITS", units + below)
    monkeypatch.setattr(engine, "PARALLEL_MAX_UNITS", 10**9 if above is None else units + above)
    calls = []
    monkeypatch.setattr(engine, "run_tasks", lambda tasks, jobs: calls.append(jobs) or {})
    build_report(results, config)
    assert calls == forks
