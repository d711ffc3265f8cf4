from __future__ import annotations

import dataclasses
import itertools
import random

import numpy as np
import pytest

from contentqa.duplicates import minhash
from contentqa.duplicates.minhash import candidate_pairs, lsh_params, pairs_from_keys, signatures


def _texts(seed: int = 3, n: int = 400) -> list[tuple[str, ...]]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(2000)]
    base = [tuple(rng.choice(words) for _ in range(rng.randint(8, 40))) for _ in range(n)]
    texts = list(base)
    for text in base[:60]:  # light edits of a sixth of the texts
        edited = list(text)
        for _ in range(max(1, len(edited) // 10)):
            edited[rng.randrange(len(edited))] = rng.choice(words)
        texts.append(tuple(edited))
    return texts


def _jaccard(a, b) -> float:
    sa, sb = set(itertools.pairwise(a)), set(itertools.pairwise(b))
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def test_signatures_are_deterministic_and_order_free():
    texts = _texts()
    first = signatures(texts)
    assert first.shape == (len(texts), 64) and first.dtype == np.uint32
    assert np.array_equal(first, signatures(texts))
    assert np.array_equal(signatures(texts[::-1])[::-1], first)


def test_signature_agreement_estimates_jaccard():
    texts = _texts()
    sig = signatures(texts, num_perm=256)
    errors = [
        abs(np.mean(sig[i] == sig[j]) - _jaccard(texts[i], texts[j]))
        for i, j in [(k, 400 + k) for k in range(60)]
    ]
    assert np.mean(errors) < 0.06


def test_candidates_recall_pairs_above_the_threshold():
    texts = _texts()
    truth = {
        (i, j)
        for i, j in itertools.combinations(range(len(texts)), 2)
        if _jaccard(texts[i], texts[j]) >= 0.6
    }
    found = {tuple(p) for p in candidate_pairs(texts, threshold=0.4).tolist()}
    assert len(truth) >= 50
    assert len(truth & found) / len(truth) >= 0.99
    assert len(found) <= 0.5 * len(texts)


@pytest.mark.parametrize("threshold", [0.3, 0.4, 0.6, 0.8])
def test_lsh_params_put_the_s_curve_near_the_threshold(threshold):
    params = lsh_params(threshold)
    assert params.bands * params.rows <= params.num_perm
    midpoint = (1 / params.bands) ** (1 / params.rows)
    assert abs(midpoint - threshold) < 0.15


def test_small_inputs():
    assert candidate_pairs([]).shape == (0, 2)
    assert candidate_pairs([("a",)]).shape == (0, 2)
    pairs = candidate_pairs([("one", "two", "three"), ("one", "two", "three"), ()])
    assert pairs.tolist() == [[0, 1]]


def test_pairs_from_keys_are_every_pair_sharing_a_key_in_buckets_up_to_the_limit():
    rng = np.random.default_rng(5)
    n, bands = 3000, 4
    keys = rng.integers(0, 2**32, size=(n, bands), dtype=np.uint64).astype(np.uint32)
    keys[rng.integers(0, n, 200), 0] = 7  # buckets of every size: two, a few, many...
    keys[:3, 1] = 9
    keys[10:20, 2] = 11
    keys[100 : 100 + minhash._MAX_BUCKET + 1, 3] = 13  # ...and one too large to expand
    keys[2000:2002] = keys[2002]  # three texts with the same keys in every band
    expected = set()
    for band in range(bands):
        buckets: dict[int, list[int]] = {}
        for index, key in enumerate(keys[:, band].tolist()):
            buckets.setdefault(key, []).append(index)
        for members in buckets.values():
            if len(members) <= minhash._MAX_BUCKET:
                expected.update(itertools.combinations(members, 2))
    pairs = pairs_from_keys(keys)
    assert pairs.tolist() == [list(pair) for pair in sorted(expected)]


def test_a_band_whose_only_shared_key_is_too_common_adds_no_pair():
    keys = np.arange(1000, dtype=np.uint32).reshape(-1, 1)
    keys[: minhash._MAX_BUCKET + 1, 0] = 5
    assert pairs_from_keys(keys).shape == (0, 2)


_BIGRAMS_ONLY = dataclasses.replace(minhash.ENGINE_LSH, word_bands=0, word_rows=0)


def _reworded_pairs(seed: int = 5, n: int = 200) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Texts of 14-22 content words with function words between them, each against a rewording:
    other function words, and two neighbouring content words swapped (what `ratio` forgives
    and word 2-grams do not)."""
    rng = random.Random(seed)
    content = [f"c{i}" for i in range(3000)]
    function = sorted(minhash.FUNCTION_WORDS)
    pairs = []
    for _ in range(n):
        words = rng.sample(content, rng.randint(14, 22))

        def text(words: list[str]) -> tuple[str, ...]:
            out: list[str] = []
            for word in words:
                out += [rng.choice(function)] if rng.random() < 0.6 else []
                out.append(word)
            return tuple(out)

        swapped = list(words)
        k = rng.randrange(len(words) - 1)
        swapped[k], swapped[k + 1] = swapped[k + 1], swapped[k]
        pairs.append((text(words), text(swapped)))
    return pairs


def test_content_word_bands_find_reworded_texts_that_word_pairs_miss():
    pairs = _reworded_pairs()
    texts = [t for pair in pairs for t in pair]
    assert all(len(t) >= minhash.ENGINE_LSH.word_min_words for t in texts)

    def recall(params: minhash.LshParams) -> float:
        found = {tuple(p) for p in candidate_pairs(texts, params=params).tolist()}
        return sum((2 * k, 2 * k + 1) in found for k in range(len(pairs))) / len(pairs)

    without, with_words = recall(_BIGRAMS_ONLY), recall(minhash.ENGINE_LSH)
    assert without < 0.6
    assert with_words > 0.95


def test_content_word_bands_leave_short_texts_to_word_pairs():
    rng = random.Random(8)
    words = [f"w{i}" for i in range(40)]  # a small vocabulary: many shared words
    texts = [tuple(rng.choice(words) for _ in range(rng.randint(3, 12))) for _ in range(600)]
    assert max(len(t) for t in texts) < minhash.ENGINE_LSH.word_min_words
    with_words = candidate_pairs(texts, params=minhash.ENGINE_LSH)
    assert len(with_words)
    assert np.array_equal(with_words, candidate_pairs(texts, params=_BIGRAMS_ONLY))


def test_content_word_bands_need_the_signed_texts():
    texts = _texts(n=20)
    sig = signatures(texts, 128)
    assert minhash.keys_of(sig, minhash.ENGINE_LSH, texts).shape == (
        len(texts),
        minhash.ENGINE_LSH.bands + minhash.ENGINE_LSH.word_bands,
    )
    with pytest.raises(ValueError):
        minhash.keys_of(sig, minhash.ENGINE_LSH)


def test_content_words_leave_out_function_words_unless_nothing_else_is_left():
    assert minhash.content_words(("remove", "the", "screws", "from", "the", "cover")) == (
        "remove",
        "screws",
        "cover",
    )
    assert minhash.content_words(("of", "the")) == ("of", "the")


def test_content_signatures_sign_the_content_words():
    rng = random.Random(4)
    function = sorted(minhash.FUNCTION_WORDS)
    words = [*function, *(f"w{i}" for i in range(50))]
    for _ in range(300):
        texts = [
            tuple(rng.choice(rng.choice((words, function))) for _ in range(rng.choice(range(22))))
            for _ in range(rng.randint(1, 12))
        ]
        expected = signatures([minhash.content_words(t) for t in texts], 48, ngram=1)
        assert np.array_equal(minhash.content_signatures(texts, 48), expected)


def test_content_word_bands_add_pairs_of_long_texts_only():
    # Short and long texts mixed, so that the rows of the long ones are a subset to get right.
    rng = random.Random(9)
    words = [f"w{i}" for i in range(60)]
    function = sorted(minhash.FUNCTION_WORDS)
    texts = [
        tuple(rng.choice(rng.choice((words, function))) for _ in range(rng.randint(8, 18)))
        for _ in range(300)
    ]
    short = {k for k, t in enumerate(texts) if len(t) < minhash.ENGINE_LSH.word_min_words}
    assert 50 < len(short) < 250
    bigrams = {tuple(p) for p in candidate_pairs(texts, params=_BIGRAMS_ONLY).tolist()}
    engine = {tuple(p) for p in candidate_pairs(texts, params=minhash.ENGINE_LSH).tolist()}
    added = engine - bigrams
    assert bigrams <= engine
    assert added
    assert not any(i in short or j in short for i, j in added)
    # Each added pair shares a content-word band key of both texts' own content words.
    params = minhash.ENGINE_LSH
    sig = minhash.content_signatures(texts, params.word_bands * params.word_rows)
    keys = minhash._fold(sig, params.word_bands, params.word_rows)
    assert all((keys[i] == keys[j]).any() for i, j in added)
