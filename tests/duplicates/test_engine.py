"""The duplicate engine's candidate scoring against a plain pair-by-pair definition."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from contentqa.duplicates.engine import Settings, _Context
from contentqa.duplicates.similarity import get_scorer
from contentqa.load import discover, load_file
from contentqa.segment import segment

CUTOFF = 0.6


def _sentences_by_file() -> list[list[tuple[str, ...]]]:
    """The distinct sentences of each duplicate fixture guide: real text, with near pairs."""
    out = []
    for path in discover([FIXTURES / "duplicates" / "guides"]):
        document = load_file(path, 10_000_000).document
        tokens = [s.tokens for s in segment(document.file, document.data).sentences]
        out.append(list(dict.fromkeys(t for t in tokens if len(t) >= 3)))
    return out


@pytest.mark.parametrize("scorer", ["token-set", "ratio", "set-and-sort"])
def test_within_guide_pairs_are_every_pair_over_the_cutoff(scorer):
    files = _sentences_by_file()
    texts = [t for sentences in files for t in sentences]
    groups, start = [], 0
    for sentences in files:
        groups.append(list(range(start, start + len(sentences))))
        start += len(sentences)
    context = _Context(Settings(all_pairs_limit=0), [])
    left, right, scores = context._similar_pairs(
        texts, groups, scorer, CUTOFF, context.settings.lsh
    )
    pairs = zip(left.tolist(), right.tolist(), strict=True)
    found = dict(zip(pairs, scores.tolist(), strict=True))
    assert len(found) == len(left)  # each pair once
    score = get_scorer(scorer)
    checked = 0
    for group in groups:
        for k, i in enumerate(group):
            for j in group[k + 1 :]:
                exact = score(texts[i], texts[j])
                if abs(exact - CUTOFF) < 1e-4:
                    continue  # single against double precision at the very edge
                assert ((i, j) in found) == (exact >= CUTOFF), (texts[i], texts[j])
                if (i, j) in found:
                    assert found[(i, j)] == pytest.approx(exact, abs=1e-6)
                    checked += 1
    assert checked >= 10
