"""D014 reused-passage: reworded reuse that whole-text scores miss, and stock phrases that
are not reuse."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from contentqa.config import Config
from contentqa.duplicates.engine import _shared_rare_runs
from contentqa.pipeline import run

SOURCE = (
    "Alternate one minute of easy running with two minutes of walking, and repeat this eight "
    "times. Three sessions a week, with a rest day between them, is plenty at first. Each "
    "week, run a little longer and walk a little less."
)
# The same advice merged into one sentence, reordered and set inside a longer paragraph.
REUSED = (
    "Before this plan, build a base. A run-walk week looks like this: three sessions, with a "
    "rest day between them, and in each one you alternate one minute of easy running with two "
    "minutes of walking, eight times over. That is plenty at first. Run a little longer each "
    "week and walk a little less, and come back to this plan when you no longer need the "
    "walking breaks."
)
UNRELATED = (
    "Pick a flat route you know well, away from busy roads, so that you can think about your "
    "breathing rather than the traffic. Early mornings are quieter, and a loop that passes "
    "your front door lets you stop whenever you need to."
)


def _guide(tmp_path, name: str, *paragraphs: str):
    guide = {
        "schema_version": 1,
        "id": name,
        "title": f"Guide {name}",
        "intro": list(paragraphs),
        "steps": [{"title": f"Notes on {name}", "body": []}],
    }
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(guide), encoding="utf-8")
    return path


def _reused(report) -> list[tuple[str, str, str, str]]:
    return [
        (f.file.rsplit("/", 1)[-1], f.pointer, f.related[0].file.rsplit("/", 1)[-1], f.message)
        for f in report.findings
        if f.code == "D014"
    ]


def test_reworded_passage_in_a_longer_paragraph_is_reported(tmp_path):
    paths = [_guide(tmp_path, "a", SOURCE), _guide(tmp_path, "b", REUSED, UNRELATED)]
    report = run(paths, Config())
    found = _reused(report)
    assert [(file, pointer, other) for file, pointer, other, _ in found] == [
        ("b.json", "/intro/0", "a.json")
    ]
    assert "of the wording (3-word runs) of " in found[0][3]
    assert "a.json (intro paragraph 1)" in found[0][3]
    # Whole-text and sentence scores do not see it: D014 is the only link between the files.
    linked = [f.code for f in report.findings if f.code.startswith("D")]
    assert linked == ["D014"]


def test_runs_shared_by_many_paragraphs_are_stock_phrases(tmp_path):
    """Ten guides whose paragraphs share only a template phrase are not reuse."""
    template = "Make sure that you turn off the power at the wall before you start, then"
    endings = [
        "lift the cover of the old light fitting and note which wire goes where.",
        "drain the pipes by opening the lowest tap in the house and waiting.",
        "unplug the router and wait a full minute before you plug it back in.",
        "remove the kickboard under the oven so the rear feet are easy to reach.",
        "take the filter drawer out of the dryer and rinse the mesh in warm water.",
        "pull the fridge away from the wall and vacuum the coils at the back.",
        "unscrew the face plate of the socket and check the cable for scorch marks.",
        "slide the dishwasher out far enough to reach the drain hose clip.",
        "disconnect the extractor fan and wipe the grease off the blades.",
        "open the fuse box and label each switch with the room it serves.",
    ]
    paths = [
        _guide(tmp_path, f"g{i}", f"{template} {ending} Keep the old screws in a cup.")
        for i, ending in enumerate(endings)
    ]
    assert _reused(run(paths, Config())) == []


def test_shared_rare_runs_counts_each_run_once_and_skips_stock_phrases():
    # Text 0 holds the run "a b c" twice; "s t u" is held by five texts, a stock phrase.
    texts = [
        ("a", "b", "c", "a", "b", "c"),
        ("a", "b", "c", "x"),
        *[("s", "t", "u")] * 5,
    ]
    sizes, left, right, shared = _shared_rare_runs(texts)
    assert sizes.tolist() == [3, 2, 1, 1, 1, 1, 1]
    assert (left.tolist(), right.tolist(), shared.tolist()) == ([0], [1], [1])


def test_shared_rare_runs_of_texts_without_runs():
    sizes, left, right, shared = _shared_rare_runs([("a", "b"), ()])
    assert sizes.tolist() == [0, 0] and not len(left) and not len(right) and not len(shared)


@pytest.mark.parametrize("words_hashed_together", [1 << 19, 7, 1])
def test_shared_rare_runs_match_counting_pair_by_pair(monkeypatch, words_hashed_together):
    """Runs are hashed a few thousand words at a time and sorted in parts by their hash; the
    counts are those of the definition."""
    from collections import Counter
    from itertools import combinations

    from contentqa.duplicates import engine
    from contentqa.duplicates.engine import PHRASE_MIN_TEXTS

    monkeypatch.setattr(engine, "_RUN_HASH_WORDS", words_hashed_together)

    rng = random.Random(5)
    words = [f"w{k}" for k in range(12)]
    texts = [tuple(rng.choice(words) for _ in range(rng.randint(0, 14))) for _ in range(120)]
    runs = [set(zip(t, t[1:], t[2:], strict=False)) for t in texts]
    holders = Counter(run for held in runs for run in held)
    expected = Counter()
    for i, j in combinations(range(len(texts)), 2):
        rare = [run for run in runs[i] & runs[j] if holders[run] < PHRASE_MIN_TEXTS]
        if rare:
            expected[(i, j)] = len(rare)
    sizes, left, right, shared = _shared_rare_runs(texts)
    assert sizes.tolist() == [len(held) for held in runs]
    found = dict(zip(zip(left.tolist(), right.tolist(), strict=True), shared.tolist(), strict=True))
    assert found == dict(expected) and len(found) > 20
    lengths = np.array([len(t) for t in texts])
    hashes = engine._run_hashes(texts, lengths, sum(max(len(t) - 2, 0) for t in texts))
    assert len(set((hashes >> 61).tolist())) == 8  # every part of the sort is used
