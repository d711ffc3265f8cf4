"""Segmentation: a guide's texts go through spaCy as one document, with the same tokens and
sentences as one by one; sentences travel from worker processes as slices of their units."""

from __future__ import annotations

import dataclasses
import itertools
import json
import pickle
import random

import pytest
from conftest import FIXTURES, GUIDES
from spacy.attrs import IDX, ORTH, SENT_START

from contentqa.config import Config
from contentqa.load import discover
from contentqa.pipeline import check_file, run
from contentqa.segment import _starts, _units, pack_sentences, sentencizer, token_tables

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
    """What spaCy gives for each text alone, its sentence starts corrected as for any text:
    the reference for the joined document."""
    out = []
    for text, doc in zip(texts, map(sentencizer(), texts), strict=True):
        orths, offsets, flags = doc.to_array([ORTH, IDX, SENT_START]).T.tolist()
        out.append((orths, offsets, _starts(text, orths, offsets, flags)))
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
    # What the sentence-start corrections look at.
    pieces += ["\u2026", "B", "....", "approx.", "fig", "iPod", "2", "No", "  ", ")", "\u201d"]
    pieces += ["\u201c", "["]
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
        # Spaces, a line break or a closing quote may stand between the two.
        ("Pull the springs...  Hold it.", ["Pull the springs...", "Hold it."]),
        ("Say...\nThen go.", ["Say...", "Then go."]),
        ('He said "wait..." Then he left.', ['He said "wait..."', "Then he left."]),
        ('She paused... "Go now," she said.', ["She paused...", '"Go now," she said.']),
        ("Wait… (Then go.)", ["Wait…", "(Then go.)"]),
        ("Wait... (then go.)", ["Wait... (then go.)"]),
        # An abbreviation's period before a lowercase word, or before a number after
        # approx., Fig., no. and the like, ends no sentence.
        ("Bake approx. 20 min. at 180 degrees.", ["Bake approx. 20 min. at 180 degrees."]),
        ("Add 2 tbsp. of oil, salt, etc. and stir.", ["Add 2 tbsp. of oil, salt, etc. and stir."]),
        ("See Fig. 3 and part no. 2 first.", ["See Fig. 3 and part no. 2 first."]),
        ("Bake approx.  20 min.  at 180.", ["Bake approx.  20 min.  at 180."]),
        # Either may follow an opening bracket or quote.
        ("Heat to approx. (20) degrees.", ["Heat to approx. (20) degrees."]),
        ("Add salt, etc. (see below) and stir.", ["Add salt, etc. (see below) and stir."]),
        ('Add salt, etc. ("see below") and stir.', ['Add salt, etc. ("see below") and stir.']),
        ('Wait... ("Then go.")', ["Wait...", '("Then go.")']),
        ("Remove it. (Careful.) Then lift.", ["Remove it.", "(Careful.)", "Then lift."]),
        ('He said "wait." "Go."', ['He said "wait."', '"Go."']),
        ("Bake approx.  (20) min.", ["Bake approx.  (20) min."]),
        ("Add salt, etc. (See below.)", ["Add salt, etc.", "(See below.)"]),
        ("Is it on? No. 3 screws hold it.", ["Is it on?", "No.", "3 screws hold it."]),
        ("Cook for 10 min. Then rest.", ["Cook for 10 min.", "Then rest."]),
        ("Wait for it. 3 screws hold it.", ["Wait for it.", "3 screws hold it."]),
        ("Restart it. iTunes opens.", ["Restart it.", "iTunes opens."]),
        # A forgotten capital after any other word still ends a sentence.
        ("Remove the headers. this frees them.", ["Remove the headers.", "this frees them."]),
    ],
)
def test_sentence_ends_at_ellipses_and_not_at_abbreviations(text, sentences):
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
