"""``within-guide = false``: a near-duplicate rule reports pairs across guides only."""

from __future__ import annotations

import json

import pytest
from conftest import CLEAN_GUIDES, SEED_GUIDE, load_json

from contentqa.config import ConfigError, parse_config
from contentqa.load import discover
from contentqa.pipeline import run
from contentqa.registry import explain, get_rule


def _library(tmp_path):
    """The seed (steps 3/8, 2/7 and 1/6 near-duplicates within it) and a shipped guide
    with the seed's step 3, reworded, as its last step."""
    seed, other = load_json(SEED_GUIDE), load_json(CLEAN_GUIDES[0])
    step = json.loads(json.dumps(seed["steps"][2]))
    step["body"][0] = step["body"][0].replace("Make clear", "Make plain")
    other["steps"].append(step)
    for name, guide in (("seed", seed), ("other", other)):
        (tmp_path / f"{name}.json").write_text(json.dumps(guide, indent=1), encoding="utf-8")
    return discover([tmp_path])


def _pairs(report, code):
    return sorted(
        (f.file.rsplit("/", 1)[-1], f.pointer, r.file.rsplit("/", 1)[-1], r.pointer)
        for f in report.findings
        if f.code == code
        for r in f.related
    )


def test_pairs_within_a_guide_are_left_out(tmp_path):
    paths = _library(tmp_path)
    both = _pairs(run(paths, parse_config({})), "D006")
    assert ("seed.json", "/steps/7", "seed.json", "/steps/2") in both
    off = {"rules": {"near-duplicate-step": {"within-guide": False}}}
    across = _pairs(run(paths, parse_config(off)), "D006")
    assert across == [
        ("seed.json", "/steps/2", "other.json", "/steps/7"),
        ("seed.json", "/steps/7", "other.json", "/steps/7"),
    ]
    assert across == [p for p in both if p[0] != p[2]]


def test_a_guides_own_pairs_then_stand_for_no_finer_pair(tmp_path):
    """Steps 3 and 8 of the seed, no longer reported as a pair, leave their similar body
    sentences and action items to D011 and D010."""
    paths = _library(tmp_path)
    assert not _pairs(run(paths, parse_config({})), "D011")
    off = {"rules": {"near-duplicate-step": {"within-guide": False}}}
    report = run(paths, parse_config(off))
    assert ("seed.json", "/steps/7/body/0", "seed.json", "/steps/2/body/0") in _pairs(
        report, "D011"
    )
    assert ("seed.json", "/steps/7/action_items/0", "seed.json", "/steps/2/action_items/0") in (
        _pairs(report, "D010")
    )


def test_other_levels_follow_their_own_rule(tmp_path):
    paths = _library(tmp_path)
    off = {"rules": {"near-duplicate-sentence": {"within-guide": False}}}
    report = run(paths, parse_config(off))
    assert ("seed.json", "/steps/7", "seed.json", "/steps/2") in _pairs(report, "D006")


def test_the_option_takes_a_boolean():
    with pytest.raises(ConfigError, match="within-guide"):
        parse_config({"rules": {"D006": {"within-guide": "no"}}})


def test_explain_shows_the_default_as_toml_writes_it():
    assert "within-guide (default: true)" in explain(get_rule("D009"))
