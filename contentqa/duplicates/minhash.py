"""Candidate pairs for near-duplicate comparison: MinHash over word shingles with LSH banding.

Vectorized with numpy: token ids -> word 2-gram shingle ids -> multiply-shift hashes, the
minimum per text and per permutation, then rows grouped into bands. Two texts whose
signatures agree on every row of at least one band become a candidate pair. Deterministic:
the permutations come from a fixed seed, and the output is sorted.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

_CHUNK_SHINGLES = 1 << 18
_MAX_BUCKET = 400


@dataclass(frozen=True)
class LshParams:
    num_perm: int
    bands: int
    rows: int


@cache
def lsh_params(threshold: float, num_perm: int = 64, recall_weight: float = 0.75) -> LshParams:
    """Bands and rows whose S-curve best separates Jaccard above and below ``threshold``.

    Minimises the weighted false-positive and false-negative areas, as datasketch does, but
    weighs a missed pair three times a spurious candidate: a missed pair is a lost finding,
    while a spurious one only costs one rapidfuzz comparison.
    """
    grid = np.linspace(0.0, 1.0, 201)
    best: tuple[float, int, int] | None = None
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        curve = 1.0 - (1.0 - grid**rows) ** bands
        below = grid < threshold
        false_pos = np.trapezoid(curve[below], grid[below]) if below.any() else 0.0
        false_neg = np.trapezoid(1.0 - curve[~below], grid[~below])
        cost = (1.0 - recall_weight) * false_pos + recall_weight * false_neg
        if best is None or cost < best[0]:
            best = (cost, bands, rows)
    assert best is not None
    return LshParams(num_perm, best[1], best[2])


def _permutations(num_perm: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a, b


def shingle_ids(
    token_seqs: Sequence[Sequence[str]], ngram: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Word 2-gram shingles of every text as 64-bit ids, and each text's start offset.

    Token ids are a stable hash of the token (not an order of first appearance), so a
    text's signature never depends on which other texts are in the run.
    """
    token_hash: dict[str, int] = {}

    def tid(token: str) -> int:
        value = token_hash.get(token)
        if value is None:
            value = token_hash[token] = zlib.crc32(token.encode("utf-8"))
        return value

    shift = np.uint64(32)
    parts: list[np.ndarray] = []
    for seq in token_seqs:
        ids = np.fromiter((tid(t) for t in seq), dtype=np.uint64, count=len(seq))
        if ngram == 1 and len(ids):
            parts.append(ids)
        elif len(ids) >= 2:
            parts.append((ids[:-1] << shift) | ids[1:])
        else:  # a one-word text is its own shingle; an empty one gets a sentinel
            parts.append(ids if len(ids) else np.array([2**64 - 1], dtype=np.uint64))
    lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    offsets = np.zeros(len(parts), dtype=np.int64)
    if len(parts) > 1:
        offsets[1:] = np.cumsum(lengths)[:-1]
    flat = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    return flat, offsets


def signatures(
    token_seqs: Sequence[Sequence[str]], num_perm: int = 64, ngram: int = 2
) -> np.ndarray:
    """MinHash signatures, one row of ``num_perm`` uint32 values per text."""
    shingles, offsets = shingle_ids(token_seqs, ngram)
    n = len(token_seqs)
    out = np.empty((n, num_perm), dtype=np.uint32)
    if n == 0:
        return out
    a, b = _permutations(num_perm)
    # Mix the structured shingle ids first so neighbouring ids do not hash alike.
    mixed = shingles * np.uint64(0x9E3779B97F4A7C15)
    mixed ^= mixed >> np.uint64(29)
    bounds = np.append(offsets, len(shingles))
    start_text = 0
    while start_text < n:
        # Whole texts per chunk so each minimum is taken over all of a text's shingles.
        stop_text = int(np.searchsorted(bounds, bounds[start_text] + _CHUNK_SHINGLES, "right")) - 1
        stop_text = max(stop_text, start_text + 1)
        lo, hi = bounds[start_text], bounds[stop_text]
        chunk = mixed[lo:hi]
        hashed = ((chunk[:, None] * a[None, :] + b[None, :]) >> np.uint64(32)).astype(np.uint32)
        out[start_text:stop_text] = np.minimum.reduceat(hashed, offsets[start_text:stop_text] - lo)
        start_text = stop_text
    return out


def candidate_pairs(
    token_seqs: Sequence[Sequence[str]],
    threshold: float = 0.4,
    num_perm: int = 64,
    ngram: int = 2,
) -> np.ndarray:
    """Sorted unique index pairs ``(i, j)``, ``i < j``, likely above ``threshold`` Jaccard.

    Buckets larger than a few hundred texts (a phrase every text shares) are skipped: they
    would add quadratic work and are exact copies or boilerplate, found by other layers.
    """
    n = len(token_seqs)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    params = lsh_params(threshold, num_perm)
    sig = signatures(token_seqs, num_perm, ngram)
    found: list[np.ndarray] = []
    for band in range(params.bands):
        rows = np.ascontiguousarray(sig[:, band * params.rows : (band + 1) * params.rows])
        keys = rows.view(np.dtype((np.void, rows.dtype.itemsize * params.rows))).ravel()
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, n])
        for start, size in zip(starts[sizes > 1], sizes[sizes > 1], strict=True):
            if size > _MAX_BUCKET:
                continue
            members = np.sort(order[start : start + size])
            i, j = np.triu_indices(size, k=1)
            found.append(members[i] * n + members[j])
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    codes = np.unique(np.concatenate(found))
    return np.stack([codes // n, codes % n], axis=1)
