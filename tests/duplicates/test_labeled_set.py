"""Precision and recall of every duplicate rule on the labeled set, with the default settings."""

from __future__ import annotations

import pytest
from labeled import GUIDES, evaluate, finding_locations, load_labels, nested

from contentqa.config import Config
from contentqa.load import discover
from contentqa.pipeline import run

EXACT = ("D001", "D002", "D003", "D004", "D005")
NEAR = ("D006", "D007", "D008", "D009", "D010", "D011", "D014")


@pytest.fixture(scope="module")
def scores():
    report = run(discover([GUIDES]), Config())
    expected, _ = load_labels()
    found = [(f.code, finding_locations(f)) for f in report.findings]
    return evaluate(found, expected), found


@pytest.mark.parametrize("code", EXACT)
def test_exact_layers_precision_and_recall(scores, code):
    score = scores[0][code]
    assert score.precision >= 0.95, (code, score)
    assert score.recall >= 0.95, (code, score)


@pytest.mark.parametrize("code", NEAR)
def test_near_duplicate_precision_and_recall(scores, code):
    score = scores[0][code]
    assert score.precision >= 0.9, (code, score)
    assert score.recall >= 0.85, (code, score)


def test_labeled_look_alikes_are_not_reported(scores):
    _, found = scores
    _, negatives = load_labels()
    reported = [
        n.note
        for n in negatives
        if any(code.startswith("D") and locations == n.locations for code, locations in found)
    ]
    assert len(reported) <= len(negatives) * 0.1, reported


def test_nested_pairs_are_recognised():
    step = frozenset({"a.json#/steps/1", "a.json#/steps/4"})
    body = frozenset({"a.json#/steps/1/body/0", "a.json#/steps/4/body/0"})
    assert nested(body, step) and not nested(step, body) and not nested(step, step)
