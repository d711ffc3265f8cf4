"""D016: two guides that repeat each other's steps are one finding, not a pair per step."""

from __future__ import annotations

import json

import pytest
from conftest import CLEAN_GUIDES, load_json

from contentqa.config import Config, parse_config
from contentqa.load import discover
from contentqa.pipeline import run


def _library(tmp_path, shared_steps: int, reworded: int = 0, names=("a", "b", "c")):
    """Guides ``a`` and ``b`` (two shipped guides, 7 steps each), and ``c``: ``a``'s first
    ``shared_steps`` steps, the first ``reworded`` of them reworded, then ``b``'s first
    two."""
    a, b = (load_json(path) for path in CLEAN_GUIDES[:2])
    c = json.loads(json.dumps(a))
    c["id"] = "copied"
    c["steps"] = json.loads(json.dumps(a["steps"][:shared_steps] + b["steps"][:2]))
    for step in c["steps"][:reworded]:  # near-duplicates, not copies
        step["body"][0] = step["body"][0].replace(". ", ", and then ", 1)
    for name, guide in zip(names, (a, b, c), strict=True):
        (tmp_path / f"{name}.json").write_text(json.dumps(guide, indent=1), encoding="utf-8")
    return discover([tmp_path])


def _name(file: str) -> str:
    return file.rsplit("/", 1)[-1]


def _findings(report, code, *names):
    return [
        f
        for f in report.findings
        if f.code == code and {_name(f.file), *(_name(r.file) for r in f.related)} == set(names)
    ]


@pytest.mark.parametrize("reworded", [0, 1])
def test_a_guide_repeating_another_guides_steps_is_one_finding(tmp_path, reworded):
    report = run(_library(tmp_path, shared_steps=4, reworded=reworded), Config())
    [overlap] = [f for f in report.findings if f.code == "D016"]
    # `a` repeats 4 of its 7 steps, `c` 4 of its 6: the finding goes on `a`, the guide with
    # the smaller share repeated, and lists the step pairs: `a`'s step, then `c`'s.
    assert _name(overlap.file) == "a.json" and overlap.pointer == "/steps"
    assert [(_name(r.file), r.pointer) for r in overlap.related] == [
        (name, f"/steps/{k}") for k in range(4) for name in ("a.json", "c.json")
    ]
    assert all(r.line and r.column for r in overlap.related)
    assert "repeats 4 of its 7 steps from" in overlap.message
    assert "c.json (4 of its 6 steps)" in overlap.message
    assert f"{4 - reworded} of them word for word" in overlap.message
    assert overlap.severity.value == "error"  # as the step pairs it takes in would be
    # Its step pairs are not listed again one by one, nor the paragraphs inside them...
    for code in ("D006", "D009", "D010", "D011"):
        assert not _findings(report, code, "a.json", "c.json"), code
    # ...while the two steps `c` shares with `b` are too few to make the guides overlap.
    assert len(_findings(report, "D006", "b.json", "c.json")) == 2


def test_the_finding_goes_on_the_guide_that_holds_the_other(tmp_path):
    """A 4-step guide made of a 7-step guide's steps: the 7-step guide should link to it,
    whatever the order of their file names."""
    paths = _library(tmp_path, shared_steps=4, names=("a-super", "b", "z-sub"))
    sub = tmp_path / "z-sub.json"
    guide = load_json(sub)
    guide["steps"] = guide["steps"][:4]
    sub.write_text(json.dumps(guide, indent=1), encoding="utf-8")
    [overlap] = [f for f in run(paths, Config()).findings if f.code == "D016"]
    assert _name(overlap.file) == "a-super.json"  # the earlier file, here
    assert "repeats 4 of its 7 steps from" in overlap.message
    assert "z-sub.json (4 of its 4 steps)" in overlap.message


def test_guides_sharing_fewer_steps_than_min_steps_keep_their_step_findings(tmp_path):
    report = run(_library(tmp_path, shared_steps=2), Config())
    assert not [f for f in report.findings if f.code == "D016"]
    assert len(_findings(report, "D006", "a.json", "c.json")) == 2


def test_with_d016_disabled_d006_lists_the_pairs(tmp_path):
    report = run(_library(tmp_path, shared_steps=4), parse_config({"ignore": ["D016"]}))
    assert not [f for f in report.findings if f.code == "D016"]
    assert len(_findings(report, "D006", "a.json", "c.json")) == 4


@pytest.mark.parametrize(
    "options", [{"ignore": ["D006"]}, {"select": ["D016", "D009", "D010", "D011"]}]
)
def test_d016_finds_the_overlap_without_d006(tmp_path, options):
    report = run(_library(tmp_path, shared_steps=4, reworded=1), parse_config(options))
    [overlap] = [f for f in report.findings if f.code == "D016"]
    assert _name(overlap.file) == "a.json" and len(overlap.related) == 8
    assert overlap.severity.value == "error"
    assert not [f for f in report.findings if f.code == "D006"]
    # The paragraphs and items of its step pairs are not listed one by one, as by default.
    for code in ("D009", "D010", "D011"):
        assert not _findings(report, code, "a.json", "c.json"), code


def test_without_d006_pairs_inside_a_guides_similar_steps_stay_unlisted(tmp_path):
    """Steps compared for D016 still stand for the pairs inside them, within a guide too;
    with neither rule, steps are not compared and those pairs are listed."""
    paths = _library(tmp_path, shared_steps=0)
    a = load_json(paths[0])
    twin = json.loads(json.dumps(a["steps"][0]))
    twin["body"][0] = twin["body"][0].replace(". ", ", and then ", 1)
    a["steps"].append(twin)
    paths[0].write_text(json.dumps(a, indent=1), encoding="utf-8")

    def within_a(report, code):
        return [f for f in report.findings if f.code == code and _name(f.file) == "a.json"]

    default = run(paths, Config())
    assert within_a(default, "D006") and not within_a(default, "D009")
    without = run(paths, parse_config({"ignore": ["D006"]}))
    assert not within_a(without, "D006") and not within_a(without, "D009")
    neither = run(paths, parse_config({"ignore": ["D006", "D016"]}))
    assert within_a(neither, "D009")


def test_min_share_counts_the_larger_share_of_either_guide(tmp_path):
    """``c`` repeats 4 of its 6 steps (0.67) from ``a``, 4 of ``a``'s 7 (0.57)."""
    paths = _library(tmp_path, shared_steps=4)
    options = {"rules": {"overlapping-guides": {"min-share": 0.6}}}
    assert [f for f in run(paths, parse_config(options)).findings if f.code == "D016"]
    options = {"rules": {"overlapping-guides": {"min-share": 0.7}}}
    assert not [f for f in run(paths, parse_config(options)).findings if f.code == "D016"]


@pytest.mark.parametrize(
    ("step_rule", "severity"),
    [
        ({"error-threshold": 1.0}, "warning"),  # no pair would have been a D006 error
        ({"severity": "info"}, "info"),  # D006's own severity, when it is configured
    ],
)
def test_the_severity_is_the_one_d006_would_have_given(tmp_path, step_rule, severity):
    paths = _library(tmp_path, shared_steps=4, reworded=4)
    config = parse_config({"rules": {"near-duplicate-step": step_rule}})
    [overlap] = [f for f in run(paths, config).findings if f.code == "D016"]
    assert overlap.severity.value == severity
    assert "word for word" not in overlap.message
