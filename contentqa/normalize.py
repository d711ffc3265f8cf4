"""Normalization shared by every duplicate layer, so "the same text" means one thing.

Unicode NFKC, curly and straight quotes and every dash made equal, case folded, punctuation
dropped; tokens come from spaCy's tokenizer (see :mod:`contentqa.segment`).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_EQUIVALENTS = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
    }
)


def normalize_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_EQUIVALENTS)


@lru_cache(maxsize=200_000)
def normalize_token(token: str) -> str:
    """The comparable form of one token; empty for punctuation and symbols."""
    text = normalize_text(token).casefold()
    return "".join(ch for ch in text if ch.isalnum() or ch in "'-").strip("'-")


def tokens_key(tokens: Iterable[str]) -> str:
    return " ".join(tokens)


def text_hash(tokens: Iterable[str]) -> str:
    """Stable 16-hex-digit hash of normalized tokens (shown to users for approvals)."""
    return hashlib.blake2b(tokens_key(tokens).encode("utf-8"), digest_size=8).hexdigest()


def normalized_tokens(text: str) -> tuple[str, ...]:
    """Tokens of ``text`` through spaCy's tokenizer, normalized; for one-off texts."""
    from contentqa.segment import sentencizer

    return tuple(
        t for t in (normalize_token(tok.text) for tok in sentencizer().tokenizer(text)) if t
    )
