"""D016: two guides that repeat each other's steps are one finding, not a pair per step."""

from __future__ import annotations

import json

import pytest
from conftest import CLEAN_GUIDES, load_json

from contentqa.config import Config, parse_config
from contentqa.load import discover
from contentqa.pipeline import run


def _library(tmp_path, shared_steps: int, reword: bool = False):
    """``a.json`` and ``b.json`` (two shipped guides), and ``c.json``: ``a``'s first
    ``shared_steps`` steps, then ``b``'s first two."""
    a, b = (load_json(path) for path in CLEAN_GUIDES[:2])
    c = json.loads(json.dumps(a))
    c["id"] = "copied"
    c["steps"] = json.loads(json.dumps(a["steps"][:shared_steps] + b["steps"][:2]))
    if reword:  # a near-duplicate, not a copy
        c["steps"][0]["body"][0] = c["steps"][0]["body"][0].replace(". ", ", and then ", 1)
    for name, guide in (("a", a), ("b", b), ("c", c)):
        (tmp_path / f"{name}.json").write_text(json.dumps(guide, indent=1), encoding="utf-8")
    return discover([tmp_path])


def _name(file: str) -> str:
    return file.rsplit("/", 1)[-1]


def _step_findings(report, *names):
    return [
        f
        for f in report.findings
        if f.code == "D006" and {_name(f.file), *(_name(r.file) for r in f.related)} == set(names)
    ]


@pytest.mark.parametrize("reword", [False, True])
def test_a_guide_repeating_another_guides_steps_is_one_finding(tmp_path, reword):
    report = run(_library(tmp_path, shared_steps=4, reword=reword), Config())
    [overlap] = [f for f in report.findings if f.code == "D016"]
    assert _name(overlap.file) == "c.json" and overlap.pointer == "/steps"
    assert [(_name(r.file), r.pointer) for r in overlap.related] == [
        ("a.json", f"/steps/{k}") for k in range(4)
    ]
    assert "repeats 4 of its 6 steps from" in overlap.message
    assert ("3 of them word for word" if reword else "4 of them word for word") in overlap.message
    assert overlap.severity.value == "error"  # as the step pairs it takes in would be
    # Its step pairs are not listed again one by one...
    assert not _step_findings(report, "a.json", "c.json")
    # ...while the two steps `c` shares with `b` are too few to make the guides overlap.
    assert len(_step_findings(report, "b.json", "c.json")) == 2


def test_guides_sharing_fewer_steps_than_min_steps_keep_their_step_findings(tmp_path):
    report = run(_library(tmp_path, shared_steps=2), Config())
    assert not [f for f in report.findings if f.code == "D016"]
    assert len(_step_findings(report, "a.json", "c.json")) == 2


def test_with_the_rule_disabled_the_step_pairs_are_listed(tmp_path):
    report = run(_library(tmp_path, shared_steps=4), parse_config({"ignore": ["D016"]}))
    assert not [f for f in report.findings if f.code == "D016"]
    assert len(_step_findings(report, "a.json", "c.json")) == 4


def test_min_share_counts_the_larger_share_of_either_guide(tmp_path):
    """``c`` repeats 4 of its 6 steps (0.67) from ``a``, 4 of ``a``'s 7 (0.57)."""
    paths = _library(tmp_path, shared_steps=4)
    options = {"rules": {"overlapping-guides": {"min-share": 0.6}}}
    assert [f for f in run(paths, parse_config(options)).findings if f.code == "D016"]
    options = {"rules": {"overlapping-guides": {"min-share": 0.7}}}
    assert not [f for f in run(paths, parse_config(options)).findings if f.code == "D016"]
