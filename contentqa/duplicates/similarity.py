"""Similarity scores in 0..1 between normalized token sequences, with rapidfuzz.

The default scorer was chosen by measurement on the labeled set in
``tests/fixtures/duplicates`` (see ``benchmarks/choose_scorer.py`` and its figures in
``benchmarks/README.md``), not by taste.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

Tokens = Sequence[str]


def _joined(tokens: Tokens) -> str:
    return " ".join(tokens)


def ratio(a: Tokens, b: Tokens) -> float:
    return fuzz.ratio(_joined(a), _joined(b), processor=None) / 100.0


def token_sort(a: Tokens, b: Tokens) -> float:
    return fuzz.token_sort_ratio(_joined(a), _joined(b), processor=None) / 100.0


def token_set(a: Tokens, b: Tokens) -> float:
    return fuzz.token_set_ratio(_joined(a), _joined(b), processor=None) / 100.0


def set_and_sort(a: Tokens, b: Tokens) -> float:
    """Mean of token-set and token-sort: order-free like token-set, but a short text wholly
    inside a long one does not score 1.0."""
    sa, sb = _joined(a), _joined(b)
    return (
        fuzz.token_set_ratio(sa, sb, processor=None) + fuzz.token_sort_ratio(sa, sb, processor=None)
    ) / 200.0


SCORERS: dict[str, Callable[[Tokens, Tokens], float]] = {
    "ratio": ratio,
    "token-sort": token_sort,
    "token-set": token_set,
    "set-and-sort": set_and_sort,
}


def get_scorer(name: str) -> Callable[[Tokens, Tokens], float]:
    return SCORERS[name]


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
