"""Sentences travel from worker processes as slices of their units; nothing may change."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from conftest import FIXTURES, GUIDES

from contentqa.config import Config
from contentqa.pipeline import check_file
from contentqa.segment import pack_sentences

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
