"""A rule that crashes on a guide becomes a finding for that file; the run goes on."""

from __future__ import annotations

from conftest import CLEAN_GUIDES, SEED_GUIDE

from contentqa.config import Config
from contentqa.load import discover
from contentqa.pipeline import run
from contentqa.registry import get_rule


def test_a_crashing_guide_rule_is_an_internal_error_finding(monkeypatch):
    def explode(self, guide):
        raise KeyError("body")

    monkeypatch.setattr(get_rule("T005"), "check", explode)
    report = run(discover([SEED_GUIDE, *CLEAN_GUIDES]), Config())
    crashes = [f for f in report.findings if f.code == "S007"]
    assert len(crashes) == 3
    assert "internal error in rule T005 unattributed-quote: KeyError" in crashes[0].message
    assert any(f.code == "D001" for f in report.findings)  # the other rules still ran
    assert report.exit_status == 1


def test_a_crashing_library_rule_is_reported_for_every_guide(monkeypatch):
    def explode(self, library):
        raise RuntimeError("boom")

    monkeypatch.setattr(get_rule("D004"), "check_library", explode)
    report = run(discover([SEED_GUIDE, *CLEAN_GUIDES]), Config())
    crashes = [f for f in report.findings if f.code == "S007"]
    assert {f.file for f in crashes} == {g.file for g in report.guides}
    assert any(f.code == "D001" for f in report.findings)
