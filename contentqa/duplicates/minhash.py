"""Candidate pairs for near-duplicate comparison: MinHash over word shingles with LSH banding.

Vectorized with numpy: token ids -> word 2-gram shingle ids -> multiply-shift hashes, the
minimum per text and per permutation, then rows grouped into bands. Two texts whose
signatures agree on every row of at least one band become a candidate pair. A banding may
add bands over the text's content words (single words, function words left out): some
rewordings that keep the words but few of the word pairs ("remove the five screws around
the edge" / "remove five screws from the edge") are found there. Deterministic: the permutations
come from a fixed seed, and the output is sorted.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

_CHUNK_SHINGLES = 1 << 16
_MAX_BUCKET = 400
_MERGE_CODES = 1 << 24


@dataclass(frozen=True)
class LshParams:
    """``bands`` of ``rows`` rows over word 2-grams (of ``num_perm`` permutations), and
    ``word_bands`` of ``word_rows`` rows over the content words (permutations of their own)
    of texts of at least ``word_min_words`` words."""

    num_perm: int
    bands: int
    rows: int
    word_bands: int = 0
    word_rows: int = 0
    word_min_words: int = 0

    @property
    def width(self) -> int:
        """Band keys per text."""
        return self.bands + self.word_bands


# Left out of content words: they join any two sentences, and a short text holds a few of
# them in every second position.
_FUNCTION_WORDS = (
    "a an the to of and or in on at for from with by is are be it its this that your you as "
    "into up out off"
)
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())


def content_words(tokens: Sequence[str]) -> tuple[str, ...]:
    """``tokens`` without function words (all of them, if nothing else is left)."""
    kept = tuple(t for t in tokens if t not in FUNCTION_WORDS)
    return kept or tuple(tokens)


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


@cache  # every guide is signed with the same permutations; drawing them took 0.03 ms
def _permutations(num_perm: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Odd multipliers and offsets of the 32-bit permutations ``x -> a * x + b``."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2**32, size=num_perm, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
    b = rng.integers(0, 2**32, size=num_perm, dtype=np.uint64).astype(np.uint32)
    a.flags.writeable = b.flags.writeable = False
    return a, b


class _TokenIds(dict[str, int]):
    """Each token's stable 32-bit id, remembered: looking a token up here costs about half
    of an ``lru_cache`` call. Emptied when full, so hostile input cannot grow it for ever."""

    def __missing__(self, token: str) -> int:
        if len(self) >= 1 << 18:
            self.clear()
        value = self[token] = zlib.crc32(token.encode("utf-8"))
        return value


_token_id = _TokenIds().__getitem__
# An empty text's only shingle.
_EMPTY_TEXT = np.uint64(2**64 - 1)


def _token_ids(token_seqs: Sequence[Sequence[str]], count: int) -> np.ndarray:
    """The ids of every text's ``count`` tokens, one text after another."""
    return np.fromiter(map(_token_id, itertools.chain.from_iterable(token_seqs)), np.uint64, count)


def shingle_ids(
    token_seqs: Sequence[Sequence[str]], ngram: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Word 2-gram shingles of every text as 64-bit ids, and each text's start offset.

    Token ids are a stable hash of the token (not an order of first appearance), so a
    text's signature never depends on which other texts are in the run.
    """
    sizes = [len(seq) for seq in token_seqs]
    total = sum(sizes)
    flat = _token_ids(token_seqs, total)
    pairs = (flat[:-1] << np.uint64(32)) | flat[1:] if ngram == 2 and total > 1 else flat
    sentinel = np.array([_EMPTY_TEXT])
    parts: list[np.ndarray] = []
    start = 0
    for size in sizes:
        if size == 0:
            parts.append(sentinel)
        elif ngram == 1 or size == 1:  # a one-word text is its own shingle
            parts.append(flat[start : start + size])
        else:
            parts.append(pairs[start : start + size - 1])
        start += size
    lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    offsets = np.zeros(len(parts), dtype=np.int64)
    if len(parts) > 1:
        offsets[1:] = np.cumsum(lengths)[:-1]
    flat = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    return flat, offsets


def signatures(
    token_seqs: Sequence[Sequence[str]], num_perm: int = 64, ngram: int = 2
) -> np.ndarray:
    """MinHash signatures, one row of ``num_perm`` uint32 values per text.

    Shingle ids are mixed to 32 random-looking bits once; each permutation is then
    ``a * x + b`` modulo 2**32 (odd ``a``: a bijection), computed for all permutations at
    once in uint32, a tenth of the time of 64-bit multiply-shift hashing.
    """
    return _sign(*shingle_ids(token_seqs, ngram), num_perm)


def content_signatures(token_seqs: Sequence[Sequence[str]], num_perm: int) -> np.ndarray:
    """MinHash signatures of each text's content words (:func:`content_words`), one word a
    shingle."""
    return _sign(*content_word_ids(token_seqs), num_perm)


def content_word_ids(token_seqs: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """The ids of every text's content words, and each text's start offset: what
    :func:`shingle_ids` gives for single words, with function words left out by id, without a
    Python loop over texts (a guide has about 40 texts long enough)."""
    n = len(token_seqs)
    sizes = np.fromiter(map(len, token_seqs), np.int64, n)
    flat = _token_ids(token_seqs, int(sizes.sum()))
    owner = np.repeat(np.arange(n), sizes)
    # By id: a word whose crc32 is a function word's (28 ids in 2**32) is left out as well.
    drop = np.isin(flat, _function_word_ids())
    # A text of function words only keeps them all.
    drop &= np.bincount(owner[~drop], minlength=n)[owner] > 0
    flat, owner = flat[~drop], owner[~drop]
    sizes = np.bincount(owner, minlength=n)
    starts = np.zeros(n, dtype=np.int64)
    starts[1:] = np.cumsum(sizes)[:-1]
    empty = np.flatnonzero(sizes == 0)
    if len(empty):
        flat = np.insert(flat, starts[empty], _EMPTY_TEXT)
        starts += np.cumsum(sizes == 0) - (sizes == 0)
    return flat, starts


@cache
def _function_word_ids() -> np.ndarray:
    return np.array(sorted({_token_id(word) for word in FUNCTION_WORDS}), dtype=np.uint64)


def _sign(shingles: np.ndarray, offsets: np.ndarray, num_perm: int) -> np.ndarray:
    n = len(offsets)
    out = np.empty((num_perm, n), dtype=np.uint32)
    if n == 0:
        return out.T
    a, b = _permutations(num_perm)
    mixed = shingles * np.uint64(0x9E3779B97F4A7C15)
    mixed ^= mixed >> np.uint64(29)
    mixed *= np.uint64(0xBF58476D1CE4E5B9)
    values = (mixed >> np.uint64(32)).astype(np.uint32)
    bounds = np.append(offsets, len(values))
    start_text = 0
    while start_text < n:
        # Whole texts per chunk so each minimum is taken over all of a text's shingles.
        stop_text = int(np.searchsorted(bounds, bounds[start_text] + _CHUNK_SHINGLES, "right")) - 1
        stop_text = max(stop_text, start_text + 1)
        lo, hi = bounds[start_text], bounds[stop_text]
        hashed = values[None, lo:hi] * a[:, None] + b[:, None]
        out[:, start_text:stop_text] = np.minimum.reduceat(
            hashed, offsets[start_text:stop_text] - lo, axis=1
        )
        start_text = stop_text
    return np.ascontiguousarray(out.T)


# The engine's banding for paragraphs, items, questions and whole parts: 32 bands of 4 rows over
# word 2-grams, what ``lsh_params(0.4, 128)`` gives, and 8 bands of 6 rows over the content words of
# texts of 13 words or more. On real iFixit steps the content-word bands raise the share of pairs of
# such texts scoring ``ratio`` 0.78 or more that become candidates from 89.8% to 92.2%, for 0.03
# more candidates per paragraph of a 10,000-guide synthetic library (``benchmarks/HISTORY.md``,
# session 20); 12 bands of 5 rows found 94.2% for 0.52 more. Over shorter texts too, the 8 bands
# added 0.24 candidates per item, and on iFixit steps mostly pairs such as "Remove the fan." and
# "Remove the gasket.".
ENGINE_LSH = LshParams(128, bands=32, rows=4, word_bands=8, word_rows=6, word_min_words=13)
# Sentences, the largest pool (a million texts in 10,000 guides), get 25 bands of 5 rows:
# pairs with word 2-gram Jaccard 0.7 become candidates with probability 0.989, at 0.4 with
# 0.23: far fewer chance candidates, at a cost in recall measured in ``benchmarks/HISTORY.md``.
SENTENCE_LSH = LshParams(num_perm=128, bands=25, rows=5)


def band_keys(
    token_seqs: Sequence[Sequence[str]], params: LshParams = ENGINE_LSH, ngram: int = 2
) -> np.ndarray:
    """One 32-bit key per text and band, shape ``(texts, params.width)``: two texts whose
    keys agree in some band are a candidate pair. A text's keys depend on its tokens only, so
    they can be computed in the worker that checks its guide."""
    return keys_of(signatures(token_seqs, params.num_perm, ngram), params, token_seqs)


def keys_of(
    sig: np.ndarray, params: LshParams, token_seqs: Sequence[Sequence[str]] | None = None
) -> np.ndarray:
    """Band keys of ``sig``, the signatures of ``token_seqs``, and of their content words if
    ``params`` has content-word bands."""
    keys = _fold(sig, params.bands, params.rows)
    if not params.word_bands:
        return keys
    if token_seqs is None or len(token_seqs) != len(sig):
        raise ValueError("content-word bands need the texts the signatures were made from")
    # A shorter text repeats its word 2-gram keys there: two such texts share those keys only
    # if they are a candidate pair already.
    word_keys = keys[:, np.arange(params.word_bands) % params.bands]
    long = [k for k, tokens in enumerate(token_seqs) if len(tokens) >= params.word_min_words]
    if long:
        word_sig = content_signatures(
            [token_seqs[k] for k in long], params.word_bands * params.word_rows
        )
        word_keys[long] = _fold(word_sig, params.word_bands, params.word_rows)
    return np.hstack([keys, word_keys])


def _fold(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Each band's rows folded into 64 bits, then 32 (one collision only adds a spurious
    candidate)."""
    by_band = sig[:, : bands * rows].reshape(len(sig), bands, rows)
    keys = np.zeros((len(sig), bands), dtype=np.uint64)
    for row in range(rows):
        keys = (keys * np.uint64(0x100000001B3)) ^ by_band[:, :, row].astype(np.uint64)
    return ((keys >> np.uint64(32)) ^ keys).astype(np.uint32)


def _bucket_pairs(keys: np.ndarray, n: int) -> np.ndarray:
    """Codes ``i * n + j`` (``i < j``) of texts sharing a key, without a Python loop over
    buckets: the buckets of one size are expanded together.

    Keys and text indices (below 2**32) are packed into one 64-bit value each and sorted
    together: that orders every bucket by index and is three times faster than an index sort.
    """
    packed = (keys.astype(np.uint64) << np.uint64(32)) | np.arange(len(keys), dtype=np.uint64)
    packed.sort()
    sorted_keys = packed >> np.uint64(32)
    # Most keys are unique: work on the positions whose key equals the next one only.
    same = np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1])
    if not len(same):
        return np.zeros(0, dtype=np.int64)
    index = (packed & np.uint64(0xFFFFFFFF)).astype(np.int64)
    run_start = np.r_[True, same[1:] != same[:-1] + 1]
    starts = same[run_start]
    sizes = np.diff(np.r_[np.flatnonzero(run_start), len(same)]) + 1
    kept = sizes <= _MAX_BUCKET
    # A library has tens of thousands of buckets of three or more, in a few hundred sizes.
    by_size = np.argsort(sizes[kept], kind="stable")
    starts, sizes = starts[kept][by_size], sizes[kept][by_size]
    bounds = [0, *(np.flatnonzero(sizes[1:] != sizes[:-1]) + 1).tolist(), len(sizes)]
    out = [np.zeros(0, dtype=np.int64)]
    for lo, hi in itertools.pairwise(bounds if len(sizes) else []):
        size = int(sizes[lo])
        members = index[starts[lo:hi, None] + np.arange(size)]
        i, j = np.triu_indices(size, k=1)
        out.append((members[:, i] * n + members[:, j]).ravel())
    return np.concatenate(out)


def candidate_pairs(
    token_seqs: Sequence[Sequence[str]],
    threshold: float = 0.4,
    num_perm: int = 64,
    ngram: int = 2,
    params: LshParams | None = None,
) -> np.ndarray:
    """Sorted unique index pairs ``(i, j)``, ``i < j``, likely above ``threshold`` Jaccard
    (banding from :func:`lsh_params`, unless ``params`` are given).

    Buckets larger than a few hundred texts (a phrase every text shares) are skipped: they
    would add quadratic work and are exact copies or boilerplate, found by other layers.
    """
    if len(token_seqs) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    params = params or lsh_params(threshold, num_perm)
    return pairs_from_keys(band_keys(token_seqs, params, ngram))


def pairs_from_keys(keys: np.ndarray) -> np.ndarray:
    """Sorted unique index pairs ``(i, j)``, ``i < j``, of texts sharing a band key."""
    n = len(keys)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    found: list[np.ndarray] = []
    # Column by column: a transposed copy of a million texts' keys would be 100 MB.
    for band in range(keys.shape[1]):
        found.append(_bucket_pairs(keys[:, band], n))
        if sum(len(f) for f in found) > _MERGE_CODES:  # bands repeat pairs: keep one copy
            found = [sorted_unique(np.concatenate(found))]
    found = [f for f in found if len(f)]
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    codes = sorted_unique(np.concatenate(found))
    return np.stack([codes // n, codes % n], axis=1)


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted, as ``np.unique`` gives them. With NumPy 2.4,
    ``np.unique`` took 5 s for 4 million int64 codes, and this sort 0.05 s."""
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]
