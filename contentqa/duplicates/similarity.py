"""Similarity scores in 0..1 between normalized token sequences, with rapidfuzz.

The default scorer was chosen by measurement on the labeled set in
``tests/fixtures/duplicates`` (see ``benchmarks/choose_scorer.py`` and its figures in
``benchmarks/README.md``), not by taste. Pairs are scored in batches by rapidfuzz's
``cpdist``, in C and on every core, since a library run scores millions of candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist, cpdist

Tokens = Sequence[str]


def _set_and_sort(a: str, b: str, **kwargs) -> float:
    """Mean of token-set and token-sort: order-free like token-set, but a short text wholly
    inside a long one does not score 100."""
    return (fuzz.token_set_ratio(a, b, **kwargs) + fuzz.token_sort_ratio(a, b, **kwargs)) / 2


SCORERS: dict[str, Callable[..., float]] = {
    "ratio": fuzz.ratio,
    "token-sort": fuzz.token_sort_ratio,
    "token-set": fuzz.token_set_ratio,
    "set-and-sort": _set_and_sort,
}


def joined(tokens: Tokens) -> str:
    return " ".join(tokens)


def get_scorer(name: str) -> Callable[[Tokens, Tokens], float]:
    """A scorer of two token sequences, in 0..1."""
    scorer = SCORERS[name]

    def score(a: Tokens, b: Tokens) -> float:
        return scorer(joined(a), joined(b), processor=None) / 100.0

    return score


def score_pairs(
    name: str, left: Sequence[str], right: Sequence[str], cutoff: float = 0.0
) -> np.ndarray:
    """Scores (0..1) of ``left[k]`` against ``right[k]`` for every k, joined token strings.

    Scores under ``cutoff`` may come back as 0: rapidfuzz stops early on them.
    """
    if len(left) == 0:
        return np.zeros(0)
    scorer = SCORERS[name]
    if scorer is _set_and_sort:  # not a native rapidfuzz scorer: no batch form
        return (
            np.array([scorer(a, b, processor=None) for a, b in zip(left, right, strict=True)]) / 100
        )
    raw = cpdist(left, right, scorer=scorer, processor=None, score_cutoff=cutoff * 100, workers=-1)
    return raw.astype(np.float64) / 100.0


def score_matrix(name: str, strings: Sequence[str], cutoff: float = 0.0) -> np.ndarray:
    """Scores (0..1) of every string against every other, as a square matrix."""
    scorer = SCORERS[name]
    if scorer is _set_and_sort:
        return np.array([[scorer(a, b, processor=None) for b in strings] for a in strings]) / 100
    raw = cdist(strings, strings, scorer=scorer, processor=None, score_cutoff=cutoff * 100)
    return raw.astype(np.float64) / 100.0


def best_match_mean(
    left: Sequence[Tokens], right: Sequence[Tokens], scorer: Callable[[Tokens, Tokens], float]
) -> float | None:
    """Symmetric mean of each item's best match on the other side (None when a side is empty)."""
    if not left or not right:
        return None
    matrix = [[scorer(a, b) for b in right] for a in left]
    forward = sum(max(row) for row in matrix) / len(left)
    backward = sum(max(col) for col in zip(*matrix, strict=True)) / len(right)
    return (forward + backward) / 2.0
