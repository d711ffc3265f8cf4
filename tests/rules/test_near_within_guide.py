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


def test_the_pairs_inside_a_guides_own_similar_steps_stay_unlisted(tmp_path):
    """Steps 3 and 8 of the seed, not reported, still stand for their similar sentences
    and action items: the option changes D006's findings only."""
    paths = _library(tmp_path)
    off = {"rules": {"near-duplicate-step": {"within-guide": False}}}
    default, across = run(paths, parse_config({})), run(paths, parse_config(off))
    for code in ("D009", "D010", "D011", "D014"):
        assert _pairs(across, code) == _pairs(default, code), code


def test_a_crowded_guide_gets_no_notice_but_its_steps_stay_templated(tmp_path):
    """With at most 3 similar pairs per guide and level, the seed's steps are crowded: D015
    says so by default, not when D006 leaves pairs within a guide out; either way the
    sentences and items of its steps are not listed pair by pair."""
    paths = _library(tmp_path)
    crowded = {"crowded-guide": {"max-pairs": 3}}

    def step_notices(report):
        return [f for f in report.findings if f.code == "D015" and "steps" in f.message]

    default = run(paths, parse_config({"rules": crowded}))
    assert step_notices(default)
    off = {**crowded, "near-duplicate-step": {"within-guide": False}}
    across = run(paths, parse_config({"rules": off}))
    assert not step_notices(across)
    for code in ("D010", "D011"):
        assert _pairs(across, code) == _pairs(default, code), code


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
