from __future__ import annotations

import pytest

from contentqa.normalize import normalized_tokens, text_hash


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Use an “I need” statement", 'Use an "I need" statement'),
        ("It’s safe — really", "It's safe - really"),
        ("Two   spaces\tand\nlines", "two spaces and lines"),
        ("ﬁne print", "fine print"),
        ("CAPITALS, and punctuation!", "capitals and punctuation"),
    ],
)
def test_equivalent_texts_normalize_alike(a, b):
    assert normalized_tokens(a) == normalized_tokens(b)
    assert text_hash(normalized_tokens(a)) == text_hash(normalized_tokens(b))


def test_different_words_differ():
    assert text_hash(normalized_tokens("ask clearly")) != text_hash(
        normalized_tokens("ask directly")
    )
