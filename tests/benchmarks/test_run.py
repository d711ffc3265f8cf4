"""The benchmark's own machinery: the parts that decide what its figures mean."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from conftest import ROOT, SEED_GUIDE

from contentqa.config import Config
from contentqa.pipeline import run
from contentqa.registry import all_rules


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules["bench_run"]


def test_timed_rules_times_the_duplicate_rules_and_puts_them_back(bench):
    before = {rule: vars(rule).get("check_library") for rule in all_rules()}
    with bench.timed_rules("duplicate") as times:
        run([SEED_GUIDE], Config())
    assert times and all(code.startswith("D") for code in times)
    assert all(seconds >= 0 for seconds in times.values()) and times["D001"] > 0
    assert {rule: vars(rule).get("check_library") for rule in all_rules()} == before


def test_a_failing_part_is_written_down_and_the_run_goes_on(bench, monkeypatch):
    monkeypatch.setattr(bench, "failed", [])
    doc = bench.Doc()

    def broken():
        raise RuntimeError("planted")

    assert bench.attempt(doc, "broken part", broken) is None
    assert bench.attempt(doc, "working part", lambda: 42) == 42
    assert bench.failed == ["broken part"]
    assert "**broken part failed**: `RuntimeError: planted`." in doc.text()
