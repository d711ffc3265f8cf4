"""Batched scores must equal the one-pair-at-a-time scores the rules' thresholds were set on."""

from __future__ import annotations

import random

import numpy as np
import pytest

from contentqa.duplicates import similarity
from contentqa.duplicates.similarity import SCORERS, best_match_means, get_scorer, score_pairs

WORDS = [
    "make",
    "clear",
    "specific",
    "requests",
    "instead",
    "of",
    "testing",
    "or",
    "hinting",
    "try",
    "a",
    "breath",
    "reset",
    "walk",
]


def _text(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(1, 9)))


def _one_pair(left: list[str], right: list[str], name: str) -> float:
    """The definition: each string's best score on the other side, averaged both ways."""
    score = get_scorer(name)
    matrix = [[score(a.split(), b.split()) for b in right] for a in left]
    forward = sum(max(row) for row in matrix) / len(left)
    backward = sum(max(col) for col in zip(*matrix, strict=True)) / len(right)
    return (forward + backward) / 2.0


@pytest.mark.parametrize("name", sorted(SCORERS))
def test_exact_batch_scores_equal_single_scores(name: str) -> None:
    rng = random.Random(7)
    left = [_text(rng) for _ in range(300)]
    right = [_text(rng) for _ in range(300)]
    single = get_scorer(name)
    expected = [single(a.split(), b.split()) for a, b in zip(left, right, strict=True)]
    assert score_pairs(name, left, right, exact=True).tolist() == expected


@pytest.mark.parametrize("cells_per_batch", [1 << 20, 7])
@pytest.mark.parametrize("name", ["ratio", "set-and-sort"])
def test_best_match_means_equal_the_definition(
    name: str, cells_per_batch: int, monkeypatch
) -> None:
    monkeypatch.setattr(similarity, "_CELLS_PER_BATCH", cells_per_batch)
    rng = random.Random(3)
    # Empty groups, single strings and groups long enough for numpy's pairwise sums (> 8).
    groups = [[_text(rng) for _ in range(rng.choice([0, 1, 2, 3, 5, 12]))] for _ in range(60)]
    left = np.array([rng.randrange(60) for _ in range(400)])
    right = np.array([rng.randrange(60) for _ in range(400)])
    got = best_match_means(name, groups, left, right)
    for k, (i, j) in enumerate(zip(left.tolist(), right.tolist(), strict=True)):
        if groups[i] and groups[j]:
            assert got[k] == _one_pair(groups[i], groups[j], name)
        else:
            assert np.isnan(got[k])
