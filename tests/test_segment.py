"""Segmentation: a guide's texts go through spaCy as one document, with the same tokens and
sentences as one by one; sentences travel from worker processes as slices of their units."""

from __future__ import annotations

import dataclasses
import itertools
import json
import pickle
import random
import re

import pytest
from conftest import FIXTURES, GUIDES

from contentqa.config import Config
from contentqa.load import discover
from contentqa.pipeline import check_file, run
from contentqa.segment import _units, pack_sentences, sentencizer, token_tables

_ELLIPSIS = re.compile(r"\.{3,}|…+")

GUIDE_FILES = sorted(
    [
        *GUIDES.glob("*.json"),
        *(FIXTURES / "duplicates" / "guides").glob("*.json"),
        *(FIXTURES / "hostile").glob("*.json"),
    ]
)


@pytest.mark.parametrize("path", GUIDE_FILES, ids=lambda p: p.name)
def test_sentences_survive_the_trip_from_a_worker(path):
    guide = check_file(path, Config()).guide
    assert guide is not None and guide.sentences
    assert pack_sentences(guide.units, guide.sentences) is not None
    received = pickle.loads(pickle.dumps(guide))
    assert received.sentences == guide.sentences
    assert received.units == guide.units


def test_a_sentence_that_is_no_slice_of_its_unit_travels_whole():
    guide = check_file(GUIDE_FILES[0], Config()).guide
    odd = dataclasses.replace(guide.sentences[0], tokens=("not", "in", "the", "unit"))
    changed = dataclasses.replace(guide, sentences=(odd, *guide.sentences[1:]))
    assert pack_sentences(changed.units, changed.sentences) is None
    assert pickle.loads(pickle.dumps(changed)).sentences == changed.sentences


def _one_by_one(texts: list[str]) -> list[tuple[list[int], list[int], list[int]]]:
    """What spaCy gives for each text alone, with a capitalized word after an ellipsis that
    ends a sentence starting one: the reference for the joined document."""
    out = []
    for doc in map(sentencizer(), texts):
        starts = [
            token.i
            for token in doc
            if token.i == 0
            or token.is_sent_start
            or (
                _ELLIPSIS.fullmatch(doc[token.i - 1].text)
                and not doc[token.i - 1].is_sent_start
                and token.text[:1].isupper()
            )
        ]
        out.append(([token.orth for token in doc], [token.idx for token in doc], starts))
    return out


def _guide_texts(path) -> list[str]:
    return [unit.text for unit in _units(path.name, json.loads(path.read_text("utf-8")))]


@pytest.mark.parametrize("path", GUIDE_FILES, ids=lambda p: p.name)
def test_a_guide_as_one_document_tokenizes_like_its_texts_alone(path):
    texts = _guide_texts(path)
    assert list(token_tables(texts)) == _one_by_one(texts)


@pytest.mark.parametrize(
    "texts",
    [
        ["Ends with a stop.", "Starts after it. Then two."],
        ["No stop", "so no new sentence here"],
        ['He said "hi."', ".Leading stop. Next"],
        ["Dr. Smith", "e.g. this", "Wait...", "Really?!", "Yes!"],
        ["one\n\ntwo.", "three\u2028four. five"],
        # Whitespace at an edge would merge with the separator: sent one by one.
        [" padded ", "after padding."],
        ["\u00a0nbsp first. Then.", "trailing newline.\n"],
    ],
)
def test_texts_that_meet_at_the_separator_keep_their_sentences(texts):
    assert list(token_tables(texts)) == _one_by_one(texts)


def test_random_texts_tokenize_alike_joined_or_alone():
    rng = random.Random(5)
    pieces = [".", "!", "?", '"', "'", " ", "\n", "\u00a0", "a", "Mr.", "...", "(", "1", "\u3002"]
    pieces += ["\u2026", "B", "...."]  # ellipses before capitals end sentences
    for _ in range(300):
        texts = ["".join(rng.choices(pieces, k=rng.randint(1, 10))) for _ in range(4)]
        texts = [t for t in texts if t.strip()]
        assert list(token_tables(texts)) == _one_by_one(texts), texts


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Pull the springs... Hold the cover.", ["Pull the springs...", "Hold the cover."]),
        ("Pull the springs… Hold the cover.", ["Pull the springs…", "Hold the cover."]),
        ("Wait.... Then lift it.", ["Wait....", "Then lift it."]),
        # Before a lowercase word the sentence goes on; an opening ellipsis ends nothing.
        ("Swirl hot water... then pour it away.", ["Swirl hot water... then pour it away."]),
        ("...And then lift it. Done.", ["...And then lift it.", "Done."]),
    ],
)
def test_an_ellipsis_before_a_capital_ends_a_sentence(text, sentences):
    for texts in ([text], [text, "Next text."]):  # alone, and joined into one document
        _, offsets, starts = next(token_tables(texts))
        bounds = [offsets[i] for i in starts] + [len(text)]
        assert [text[a:b].strip() for a, b in itertools.pairwise(bounds)] == sentences


def test_a_sentence_repeated_after_an_ellipsis_is_still_boilerplate():
    path = FIXTURES / "segment" / "ellipsis.json"
    guide = check_file(path, Config()).guide
    filler = "Keep the removed parts together in one small tray."
    assert [s.pointer for s in guide.sentences if s.text == filler] == [
        f"/steps/{k}/body/0" for k in range(3)
    ]
    report = run(discover([path]), Config())
    [boilerplate] = [f for f in report.findings if f.code == "D005"]
    assert [boilerplate.pointer, *(r.pointer for r in boilerplate.related)] == [
        f"/steps/{k}/body/0" for k in range(3)
    ]
    # The steps share only that filler, masked out: none is a near-duplicate of another.
    assert not [f for f in report.findings if f.code == "D006"]
