"""Segment stage: a guide -> text units with JSON pointers, and sentences with spans.

Only strings found where the guide format puts text become units, so a guide with schema
errors still segments (the wrongly typed values are simply skipped).

Sentence boundaries come from spaCy's blank English pipeline with the rule-based
sentencizer (no trained model, nothing downloaded), loaded once per process.
"""

from __future__ import annotations

import itertools
import re
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from spacy.attrs import IDX, ORTH, SENT_START

from contentqa.model import Span, TextUnit
from contentqa.normalize import normalize_token
from contentqa.pointers import join

# (field, kind, prose): how each text field of a part is judged.
_LIST_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("body", "paragraph", True),
    ("action_items", "item", False),
    ("items", "item", False),
)
# Visible text for word counts and reading time: what a reader of the page reads.
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Segmented:
    units: tuple[TextUnit, ...]
    sentences: tuple[TextUnit, ...]

    @property
    def words(self) -> int:
        return sum(unit.words for unit in self.units)


def count_words(text: str) -> int:
    """Words as a reader counts them: whitespace-separated tokens holding a letter or digit."""
    return sum(1 for token in text.split() if _WORD.search(token))


@cache
def sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    # spaCy's length limit guards the memory of its parser and named-entity models, which are
    # not used here: a paragraph over a million characters must be checked, not fail.
    nlp.max_length = sys.maxsize
    return nlp


def segment(file: str, data: dict[str, Any]) -> Segmented:
    """Text units of a guide, each with its normalized tokens, and their sentences."""
    raw_units = list(_units(file, data))
    units: list[TextUnit] = []
    sentences: list[TextUnit] = []
    tables = token_tables([u.text for u in raw_units])
    for unit, (orths, token_offsets, starts) in zip(raw_units, tables, strict=True):
        words = _normalized_words(orths)
        offsets = [*token_offsets, len(unit.text)]
        # kept[i]: how many of the words before word i are tokens (not punctuation).
        kept = list(itertools.accumulate((1 if w else 0 for w in words), initial=0))
        tokens = tuple(w for w in words if w)
        text = unit.text
        units.append(
            TextUnit(
                unit.file,
                unit.pointer,
                unit.kind,
                text,
                unit.part,
                unit.prose,
                None,
                tokens,
                count_words(text),
            )
        )
        for first, stop in zip(starts, [*starts[1:], len(words)], strict=True):
            start, end = _trim(text, offsets[first], _end_of(text, offsets, stop))
            if start >= end or not _WORD.search(text, start, end):
                continue
            sentences.append(_sentence(unit, start, end, tokens[kept[first] : kept[stop]]))
    return Segmented(tuple(units), tuple(sentences))


# Between the texts of one guide when they go through spaCy as one document: whitespace, so
# no token spans two texts, and not a single space, which spaCy folds into the token before.
_SEPARATOR = "\n\n"


def token_tables(texts: Sequence[str]) -> Iterator[tuple[list[int], list[int], list[int]]]:
    """Per text: its tokens' spaCy IDs, their character offsets, and the indices of the
    tokens that start a sentence (the first one always does).

    A guide's texts go through the pipeline as one document, joined by ``_SEPARATOR``: one
    document of a thousand words costs about half of seventy small ones. Each text gets the
    tokens and sentences it gets alone: spaCy's tokenizer splits at every change between
    whitespace and other characters (and no special case holds a blank line), and the
    separator's token, neither punctuation nor a sentence end, always puts the sentencizer
    back in its state at the start of a document. Texts that begin or end with whitespace,
    which would merge with the separator, go one by one. Token attributes are read as
    arrays: a Token object per token costs more than the tokenizer itself.
    """
    nlp = sentencizer()
    columns = [ORTH, IDX, SENT_START]
    joinable = all(not t[:1].isspace() and not t[-1:].isspace() for t in texts)
    if not texts or not joinable:
        for text, doc in zip(texts, nlp.pipe(texts), strict=True):
            orths, offsets, flags = doc.to_array(columns).T.tolist()
            yield orths, offsets, _starts(text, orths, offsets, flags)
        return
    orths, offsets, flags = nlp(_SEPARATOR.join(texts)).to_array(columns).T.tolist()
    start = first = 0
    for text in texts:
        end = start + len(text)
        last = bisect_left(offsets, end, lo=first)
        relative = [offset - start for offset in offsets[first:last]]
        own = orths[first:last]
        yield own, relative, _starts(text, own, relative, flags[first:last])
        # The separator's own token, if any, lies before the next text's first.
        start = end + len(_SEPARATOR)
        first = bisect_left(offsets, start, lo=last)


# spaCy's sentencizer ends a sentence at every ".", "!" and "?", and nowhere else. Three
# slips follow, corrected on its output:
# - an ellipsis ("..." or "…") ends nothing: "Pull the springs... Hold the cover." stays one
#   sentence, and a sentence repeated after it is not seen as repeated. Before a capital
#   letter it now ends one; before a lowercase word ("Wait... then pour it away.") it does
#   not;
# - the period of an abbreviation ends one: "Bake approx. 20 min. at 180 degrees." made
#   three sentences, and readability and sentence-length rules counted them. After the
#   abbreviations below, a period followed by a lowercase word ("min. at", "etc. and",
#   "tbsp. of") ends none, nor one followed by a number after those that stand before
#   numbers ("approx. 20", "Fig. 3", "no. 2"). After any other word a period ends the
#   sentence whatever follows: writers who forget a capital ("the headers. this will
#   separate") still write two sentences, and each may repeat elsewhere;
# - an opening bracket or quote after a sentence's end stays in that sentence: "Remove it.
#   (Careful.)" ended its first sentence with "(". It now opens the next one.
_ELLIPSIS = re.compile(r"\.{3,}|…+")
# Abbreviations lowercased, without their period.
_BEFORE_NUMBERS = frozenset(
    {"approx", "ca", "cf", "ch", "eq", "fig", "figs", "no"}
    | {"nos", "nr", "p", "pp", "ref", "vol", "vs"}
)
_ABBREVIATIONS = _BEFORE_NUMBERS | frozenset(
    {"etc", "esp", "incl", "excl", "est", "max", "min", "mins", "sec", "secs", "hr", "hrs"}
    | {"tbsp", "tbs", "tsp", "oz", "lb", "lbs", "ft", "yd", "qt", "pt", "gal", "pkg", "qty"}
    | {"dept", "temp", "sq", "dia", "av", "ave", "wt", "pcs"}
)


def _starts(text: str, orths: list[int], offsets: list[int], flags: list[int]) -> list[int]:
    """Indices of one text's tokens that start a sentence: the first, and those the
    sentencizer marks unless they continue an abbreviation's sentence, and each capitalized
    word after an ellipsis that does not itself start a sentence ("...And then" is one)."""
    strings = sentencizer().vocab.strings
    starts = [0]
    for i in range(1, len(flags)):
        if flags[i] == 1:
            start = _with_openers(strings, orths, offsets, i)
            if not _continues(strings, orths, offsets, flags, start):
                starts.append(start)
    # Looked for in the text, not token by token: most texts hold no ellipsis.
    if "..." not in text and "…" not in text:
        return starts
    marked = set(starts)
    for match in _ELLIPSIS.finditer(text):
        # The tokens that start among the dots ("Mr.Mr...." may split anywhere in them).
        at = bisect_left(offsets, match.start())
        while at + 1 < len(orths) and offsets[at] < match.end():
            if at not in marked and _ELLIPSIS.fullmatch(strings[orths[at]]):
                word = _next_word(strings, orths, offsets, at)
                # The sentence after may open with a quote or bracket: '... "Go now."'
                first = word
                if word is not None:
                    word = _past_opener(strings, orths, word)
                if word is not None and strings[orths[word]][:1].isupper():
                    marked.add(first)
            at += 1
    return sorted(marked)


_CLOSING = frozenset({'"', "'", ")", "]", "”", "’"})
_OPENING = frozenset({'"', "'", "(", "[", "“", "‘"})


def _with_openers(strings, orths: list[int], offsets: list[int], at: int) -> int:
    """Where the sentence the sentencizer starts at token ``at`` starts: at the opening
    brackets and quotes written right before it after a space, which the sentencizer leaves
    at the end of the sentence before ("Remove it. (Careful.)"); not at quotes written
    against that sentence's last word ('"wait." "Go."': the first quote closes it)."""
    start = at
    while start > 1 and strings[orths[start - 1]] in _OPENING:
        if offsets[start - 1] + len(strings[orths[start - 1]]) != offsets[start]:
            break
        start -= 1
    before_end = offsets[start - 1] + len(strings[orths[start - 1]])
    return start if start < at and before_end < offsets[start] else at


def _past_opener(strings, orths: list[int], at: int) -> int:
    """The first token from ``at`` on that is not an opening bracket or quote ('("see'),
    or the last token."""
    while strings[orths[at]] in _OPENING and at + 1 < len(orths):
        at += 1
    return at


def _next_word(
    strings, orths: list[int], offsets: list[int], at: int, closing: frozenset[str] = _CLOSING
) -> int | None:
    """The token after ``at`` past spaces, line breaks and the ``closing`` quotes and
    brackets written right after it ("wait..." Then), or None at the text's end."""
    end = offsets[at] + len(strings[orths[at]])
    at += 1
    while at < len(orths):
        token = strings[orths[at]]
        if not (token.isspace() or (token in closing and offsets[at] == end)):
            return at
        end = offsets[at] + len(token)
        at += 1
    return None


def _continues(strings, orths: list[int], offsets: list[int], flags: list[int], at: int) -> bool:
    """Whether token ``at``, which the sentencizer starts a sentence with, goes on the one
    before: the first word from it follows the period of an abbreviation and is a lowercase
    word ("iPod" is not one), or a number after an abbreviation of ``_BEFORE_NUMBERS`` (not
    after "No." opening its sentence: "No. 3 screws hold it." is an answer, then a
    sentence); either may stand after an opening bracket or quote."""
    if at < 2 or strings[orths[at - 1]] != ".":
        return False
    abbreviation = strings[orths[at - 2]].lower()
    opens_sentence = at - 2 == 0 or flags[at - 2] == 1
    following = _next_word(strings, orths, offsets, at - 1, closing=frozenset())
    if following is None:
        return False
    # Through opening brackets and quotes: "approx. (20) degrees", 'etc. ("see below")'.
    word = strings[orths[_past_opener(strings, orths, following)]]
    if word[:1].islower() and not any(c.isupper() for c in word[1:]):
        return abbreviation in _ABBREVIATIONS
    return (
        word[:1].isdigit()
        and abbreviation in _BEFORE_NUMBERS
        and not (abbreviation == "no" and opens_sentence)
    )


def _sentence(unit: TextUnit, start: int, end: int, tokens: tuple[str, ...]) -> TextUnit:
    """The sentence at ``[start, end)`` of ``unit``'s text, with its tokens."""
    return TextUnit(
        unit.file,
        unit.pointer,
        "sentence",
        unit.text[start:end],
        unit.part,
        unit.prose,
        _span(start, end),
        tokens,
    )


# A library's million sentences hold far fewer distinct spans: (0, 57) recurs in guide after
# guide, and spans are immutable, so each is made once (50 bytes a sentence).
_span = lru_cache(maxsize=1 << 17)(Span)


def pack_sentences(units: Sequence[TextUnit], sentences: Sequence[TextUnit]) -> array[int] | None:
    """Sentences as five integers each (their unit's index, span, and first and last token
    among the unit's tokens), or None if one is not such a slice of its unit.

    Results travel from worker processes to the main one, where rebuilding the sentences
    from their units costs less than unpickling them and interning their tokens again.
    """
    rows = array("i")
    index = 0
    token = 0
    for sentence in sentences:
        while index < len(units) and units[index].pointer != sentence.pointer:
            index += 1
            token = 0
        if index == len(units) or sentence.span is None:
            return None
        unit = units[index]
        tokens = sentence.tokens
        if unit.tokens[token : token + len(tokens)] != tokens:
            return None
        if (sentence.file, sentence.part, sentence.prose, sentence.kind, sentence.words) != (
            unit.file,
            unit.part,
            unit.prose,
            "sentence",
            0,
        ) or sentence.text != unit.text[sentence.span.start : sentence.span.end]:
            return None
        rows.extend((index, sentence.span.start, sentence.span.end, token, token + len(tokens)))
        token += len(tokens)
    return rows


def unpack_sentences(units: Sequence[TextUnit], rows: array[int]) -> tuple[TextUnit, ...]:
    """The sentences :func:`pack_sentences` packed, rebuilt from their units."""
    values = rows.tolist()
    sentences = []
    for k in range(0, len(values), 5):
        index, start, end, first, last = values[k : k + 5]
        unit = units[index]
        sentences.append(_sentence(unit, start, end, unit.tokens[first:last]))
    return tuple(sentences)


def _normalized_words(orths: list[int]) -> list[str]:
    """The normalized form of each token (empty for punctuation), cached per spaCy ID."""
    words = list(map(_NORMALIZED.get, orths))
    if None in words:
        strings = sentencizer().vocab.strings
        for i, (orth, word) in enumerate(zip(orths, words, strict=True)):
            if word is None:
                word = _NORMALIZED.get(orth)
                if word is None:
                    word = _NORMALIZED[orth] = normalize_token(strings[orth])
                words[i] = word
    return words


_NORMALIZED: dict[int, str] = {}


def _end_of(text: str, offsets: list[int], stop: int) -> int:
    """Where the sentence ending before token ``stop`` ends (before the next token)."""
    return offsets[stop] if stop < len(offsets) - 1 else len(text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _units(file: str, data: dict[str, Any]) -> Iterator[TextUnit]:
    def unit(pointer: str, kind: str, text: Any, part: str, prose: bool) -> Iterator[TextUnit]:
        if isinstance(text, str) and text.strip():
            # Interned: the source map holds the same pointer, and a worker's result is
            # pickled with one copy of it.
            yield TextUnit(file, sys.intern(pointer), kind, text, part, prose)

    yield from unit("/title", "title", data.get("title"), "/title", False)
    yield from unit("/summary", "paragraph", data.get("summary"), "/summary", True)
    for i, text in _items(data, "intro"):
        yield from unit(join("intro", i), "paragraph", text, "/intro", True)
    for i, text in _items(data, "takeaways"):
        yield from unit(join("takeaways", i), "item", text, "/takeaways", False)
    for collection, title_key in (
        ("steps", "title"),
        ("strategies", "title"),
        ("sections", "heading"),
        ("callouts", "title"),
    ):
        for i, part in _items(data, collection):
            if not isinstance(part, dict):
                continue
            base = join(collection, i)
            yield from unit(f"{base}/{title_key}", "title", part.get(title_key), base, False)
            for field, kind, prose in _LIST_FIELDS:
                for j, text in _items(part, field):
                    yield from unit(f"{base}/{field}/{j}", kind, text, base, prose)
    for i, quote in _items(data, "quotes"):
        if isinstance(quote, dict):
            base = join("quotes", i)
            yield from unit(f"{base}/text", "quote", quote.get("text"), base, True)
    for i, entry in _items(data, "faq"):
        if isinstance(entry, dict):
            base = join("faq", i)
            yield from unit(f"{base}/question", "question", entry.get("question"), base, False)
            yield from unit(f"{base}/answer", "paragraph", entry.get("answer"), base, True)


def _items(container: dict[str, Any], key: str) -> Iterator[tuple[int, Any]]:
    value = container.get(key)
    if isinstance(value, list):
        yield from enumerate(value)
