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
    name: str,
    left: Sequence[str],
    right: Sequence[str],
    cutoff: float = 0.0,
    exact: bool = False,
) -> np.ndarray:
    """Scores (0..1) of ``left[k]`` against ``right[k]`` for every k, joined token strings.

    Scores under ``cutoff`` may come back as 0: rapidfuzz stops early on them. They are
    computed in single precision unless ``exact``, which gives :func:`get_scorer`'s values.
    """
    if len(left) == 0:
        return np.zeros(0)
    scorer = SCORERS[name]
    if scorer is _set_and_sort:  # not a native rapidfuzz scorer: no batch form
        return (
            np.array([scorer(a, b, processor=None) for a, b in zip(left, right, strict=True)])
            / 100.0
        )
    raw = cpdist(
        left,
        right,
        scorer=scorer,
        processor=None,
        score_cutoff=cutoff * 100,
        dtype=np.float64 if exact else None,
        # Threads on every core pay off for large batches only: starting them costs more
        # than scoring a step's few pairs.
        workers=-1 if len(left) >= _THREADED_BATCH else 1,
    )
    return raw.astype(np.float64) / 100.0


_THREADED_BATCH = 5_000


def score_matrix(name: str, strings: Sequence[str], cutoff: float = 0.0) -> np.ndarray:
    """Scores (0..1) of every string against every other, as a square matrix."""
    return score_rows(name, strings, strings, cutoff)


def score_rows(
    name: str, queries: Sequence[str], choices: Sequence[str], cutoff: float = 0.0
) -> np.ndarray:
    """Scores (0..1) of every query against every choice, one row per query."""
    scorer = SCORERS[name]
    if scorer is _set_and_sort:
        return np.array([[scorer(a, b, processor=None) for b in choices] for a in queries]) / 100
    raw = cdist(queries, choices, scorer=scorer, processor=None, score_cutoff=cutoff * 100)
    return raw.astype(np.float64) / 100.0


def best_match_means(
    name: str, groups: Sequence[Sequence[str]], left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """How well ``groups[left[k]]`` matches ``groups[right[k]]`` (joined token strings), for
    every k: the symmetric mean of each string's best score on the other side; NaN where a
    side is empty. The pairs of strings are scored in batches."""
    out = np.full(len(left), np.nan)
    sizes = np.fromiter(map(len, groups), np.int64, len(groups))
    pairs = np.flatnonzero((sizes[left] > 0) & (sizes[right] > 0))
    if not pairs.size:
        return out
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    strings = np.empty(int(sizes.sum()), dtype=object)
    strings[:] = [s for group in groups for s in group]
    # In slices of about _CELLS_PER_BATCH cells: a library's step level asks for millions,
    # and each costs several arrays' worth of index bookkeeping.
    cells = np.cumsum(sizes[left[pairs]] * sizes[right[pairs]])
    bounds = np.searchsorted(cells, np.arange(_CELLS_PER_BATCH, int(cells[-1]), _CELLS_PER_BATCH))
    for batch in np.split(pairs, np.unique(bounds)):
        if batch.size:
            out[batch] = _best_match_means(
                name,
                strings,
                starts[left[batch]],
                sizes[left[batch]],
                starts[right[batch]],
                sizes[right[batch]],
            )
    return out


_CELLS_PER_BATCH = 1 << 18


def _best_match_means(
    name: str,
    strings: np.ndarray,
    left_starts: np.ndarray,
    rows: np.ndarray,
    right_starts: np.ndarray,
    cols: np.ndarray,
) -> np.ndarray:
    """:func:`best_match_means` of pairs of non-empty groups, each group given as its first
    string's place in ``strings`` and its size."""
    # One cell per (string of the left group, string of the right group), pair by pair.
    cells = rows * cols
    pair = np.repeat(np.arange(len(rows)), cells)
    offset = np.arange(int(cells.sum())) - np.repeat(np.cumsum(cells) - cells, cells)
    row, col = offset // cols[pair], offset % cols[pair]
    scores = score_pairs(
        name,
        strings[left_starts[pair] + row],
        strings[right_starts[pair] + col],
        exact=True,
    )
    row_base = np.cumsum(rows) - rows
    col_base = np.cumsum(cols) - cols
    row_best = np.full(int(rows.sum()), -np.inf)
    col_best = np.full(int(cols.sum()), -np.inf)
    np.maximum.at(row_best, row_base[pair] + row, scores)
    np.maximum.at(col_best, col_base[pair] + col, scores)
    forward = _ordered_sums(row_best, row_base, rows) / rows
    backward = _ordered_sums(col_best, col_base, cols) / cols
    return (forward + backward) / 2.0


def _ordered_sums(values: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Sum of each segment ``values[starts[k]:starts[k] + counts[k]]``, added left to right:
    the same value whatever the batch (numpy's pairwise sums may differ in the last bit)."""
    total = np.zeros(len(starts))
    for k in range(int(counts.max(initial=0))):
        present = counts > k
        total[present] += values[starts[present] + k]
    return total
