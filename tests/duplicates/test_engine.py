"""The duplicate engine's candidate scoring against a plain pair-by-pair definition."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import FIXTURES

from contentqa.config import Config
from contentqa.duplicates import engine
from contentqa.duplicates.engine import Settings, _Context
from contentqa.duplicates.similarity import get_scorer
from contentqa.load import discover, load_file
from contentqa.normalize import normalized_tokens
from contentqa.pipeline import run
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


def _groups(files: list[list[tuple[str, ...]]]) -> list[tuple[str, list[int]]]:
    groups, start = [], 0
    for number, sentences in enumerate(files):
        groups.append((f"guide-{number}.json", list(range(start, start + len(sentences)))))
        start += len(sentences)
    return groups


@pytest.mark.parametrize("cells_per_block", [None, 7])
@pytest.mark.parametrize("scorer", ["token-set", "ratio", "set-and-sort"])
def test_within_guide_pairs_are_every_pair_over_the_cutoff(scorer, cells_per_block, monkeypatch):
    """Every pair over the cutoff, each once, whether a guide is scored in one matrix or
    (``cells_per_block``) a few rows at a time."""
    if cells_per_block:
        monkeypatch.setattr(engine, "_CELLS_PER_BLOCK", cells_per_block)
    files = _sentences_by_file()
    texts = [t for sentences in files for t in sentences]
    groups = [members for _, members in _groups(files)]
    context = _Context(Settings(all_pairs_limit=0), [])
    left, right, scores, crowded, sketched = context._similar_pairs(
        texts, _groups(files), scorer, CUTOFF, context.settings.lsh
    )
    assert crowded == []
    assert len(sketched) == len(left) and not sketched.any()  # no guide came sketched
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


@pytest.mark.parametrize("all_pairs_limit", [0, 10_000])
def test_a_guide_over_the_pair_limit_keeps_no_pair_within_it(all_pairs_limit):
    """The guide with the most similar pairs among its own texts is left out of the
    within-guide comparison once the limit is below its count; the others keep theirs, and
    pairs across guides stay (a small pool, every pair; a large one, LSH candidates)."""
    files = _sentences_by_file()
    texts = [t for sentences in files for t in sentences]
    groups = _groups(files)

    def pairs(limit: int):
        settings = Settings(all_pairs_limit=all_pairs_limit, max_pairs_per_guide=limit)
        context = _Context(settings, [])
        left, right, _, crowded, _ = context._similar_pairs(
            texts, groups, "ratio", CUTOFF, settings.lsh
        )
        return set(zip(left.tolist(), right.tolist(), strict=True)), crowded

    everything, none_crowded = pairs(0)
    assert none_crowded == []
    owner = {k: file for file, members in groups for k in members}
    within = {}
    for i, j in everything:
        if owner[i] == owner[j]:
            within.setdefault(owner[i], set()).add((i, j))
    busiest = max(within, key=lambda file: (len(within[file]), file))
    count = len(within[busiest])
    assert count >= 3
    assert pairs(count) == (everything, [])  # at the limit: still kept
    kept, crowded = pairs(count - 1)
    dropped = {file for file, _ in crowded}
    assert dropped == {file for file in within if len(within[file]) == count}
    assert kept == {
        (i, j) for i, j in everything if not (owner[i] == owner[j] and owner[i] in dropped)
    }


@pytest.mark.parametrize("all_pairs_limit", [0, 10_000])
def test_a_text_shared_with_a_guide_not_crowded_is_compared_as_its_own(all_pairs_limit):
    """Guide A's six templated texts make 15 pairs, over a limit of 10; guide C holds A's
    first text too. A's texts are not compared with one another, except that shared text,
    which C compares as usual: the same pairs from a small pool and from LSH."""
    parts = ("hinge", "latch", "panel", "cover", "bolt", "clamp")
    template = "tighten the {} on the left side of the case until it stops moving"
    texts = [tuple(template.format(part).split()) for part in parts]
    texts += [("water", "the", "basil", "every", "morning"), ("sing", "loudly")]
    groups = [("a.json", list(range(6))), ("c.json", [0, 6, 7])]
    settings = Settings(all_pairs_limit=all_pairs_limit, max_pairs_per_guide=10)
    context = _Context(settings, [])
    left, right, _, crowded, _ = context._similar_pairs(texts, groups, "ratio", 0.6, settings.lsh)
    assert crowded == [("a.json", 6)]
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, k) for k in range(1, 6)]


@pytest.mark.parametrize("all_pairs_limit", [0, 10_000])
def test_a_text_two_crowded_guides_share_keeps_its_pairs_across_them(all_pairs_limit):
    """Guides A and B, six templated texts each, share their first: each is crowded over a
    limit of 10, but the shared text is held by two guides, so its pairs stay (the pairs of
    its holders within A or within B go when they are made)."""
    template = "tighten the {} on the {} side of the case until it stops moving"
    left_parts = ("hinge", "latch", "panel", "cover", "bolt", "clamp")
    texts = [tuple(template.format(part, "left").split()) for part in left_parts]
    right_parts = ("strap", "plate", "knob", "lever", "spring")
    texts += [tuple(template.format(part, "right").split()) for part in right_parts]
    groups = [("a.json", list(range(6))), ("b.json", [0, *range(6, 11)])]
    settings = Settings(all_pairs_limit=all_pairs_limit, max_pairs_per_guide=10)
    context = _Context(settings, [])
    left, right, _, crowded, _ = context._similar_pairs(texts, groups, "ratio", 0.6, settings.lsh)
    assert crowded == [("a.json", 6), ("b.json", 6)]
    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert {(0, k) for k in range(1, 11)} <= pairs
    assert not {(i, j) for i, j in pairs if 0 < i < j < 6 or 6 <= i < j}


@pytest.mark.parametrize("with_boilerplate", [False, True])
def test_a_paragraph_without_masked_sentences_keeps_its_own_words(tmp_path, with_boilerplate):
    """A paragraph's tokens can hold more than its sentences' ("™" is no sentence, but reads
    "tm"): only masking a sentence changes them, whether or not the guide holds any."""
    from conftest import GUIDES, load_json

    from contentqa.config import Config
    from contentqa.pipeline import run

    guide = load_json(GUIDES / "repot-a-houseplant.json")
    guide["steps"][0]["body"] = ["Light the grill and let the grates heat for ten minutes. ™"]
    if with_boilerplate:
        for step in guide["steps"][1:4]:
            step["body"][0] += " Keep a spray bottle of water nearby for flare-ups."
    path = tmp_path / "guide.json"
    path.write_text(json.dumps(guide), encoding="utf-8")
    findings = run([path], Config()).findings
    assert ("D005" in {f.code for f in findings}) == with_boilerplate
    # 12 words of its own with "tm": not thin (R009 asks for 12).
    assert not [f for f in findings if f.code == "R009" and f.pointer == "/steps/0"]


# -- the helpers the library stage is built from, against plain definitions -------------------


def _unit(file: str, pointer: str, tokens: tuple[str, ...]):
    from contentqa.model import TextUnit

    return TextUnit(file, pointer, "paragraph", " ".join(tokens), pointer, True, tokens=tokens)


def _random_entries(seed: int, files: int = 6, per_file: int = 12):
    """Units with short token tuples drawn from a small vocabulary: many repeat, within a
    file and across files."""
    import random

    rng = random.Random(seed)
    words = ["a", "b", "c", "d"]
    return [
        _unit(f"g{f}.json", f"/p/{k}", tuple(rng.choice(words) for _ in range(rng.randint(0, 3))))
        for f in range(files)
        for k in range(per_file)
    ]


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("min_words", [0, 2])
def test_distinct_texts_list_each_text_once_with_every_holder(seed, min_words):
    units = _random_entries(seed)
    distinct = engine._Distinct(((u, u.tokens) for u in units), min_words)
    kept = [u for u in units if len(u.tokens) >= min_words]
    expected_texts = list(dict.fromkeys(u.tokens for u in kept))
    assert distinct.texts == expected_texts
    for i, text in enumerate(distinct.texts):
        assert distinct.members(i) == [u for u in kept if u.tokens == text]
    by_file = dict(distinct.by_file())
    files = list(dict.fromkeys(u.file for u in kept))
    assert list(by_file) == files  # in order of first appearance
    for file in files:
        held = {u.tokens for u in kept if u.file == file}
        assert by_file[file] == sorted(expected_texts.index(t) for t in held)


@pytest.mark.parametrize("seed", range(5))
def test_repeated_tokens_marks_exactly_the_units_sharing_their_tokens(seed):
    from collections import Counter

    units = _random_entries(seed)
    counts = Counter(u.tokens for u in units)
    assert engine._repeated_tokens(units).tolist() == [counts[u.tokens] > 1 for u in units]


def test_pairs_within_a_crowded_guide_are_dropped_unless_another_guide_holds_a_text():
    # Texts 0-2 are held by guide A only, text 3 by A and B, text 4 by B only.
    groups = engine._FileGroups([("a.json", [0, 1, 2, 3]), ("b.json", [3, 4])])
    assert groups.members(1).tolist() == [3, 4]
    kept = engine._kept_apart(5, groups, crowded=[0])
    pairs = np.array([[0, 1], [1, 2], [2, 3], [0, 4], [3, 4]])
    assert kept(pairs).tolist() == [False, False, True, True, True]
    assert engine._kept_apart(5, groups, crowded=[])(pairs).all()


def test_joined_texts_are_made_once_and_only_when_asked_for():
    seqs = [("a", "b"), ("c",), ("d", "e", "f")]
    strings = engine._JoinedTexts(seqs)
    assert strings.of([2, 0]) == ["d e f", "a b"]
    assert strings.texts == ["a b", None, "d e f"]
    first = strings.texts[2]
    assert strings.of([2])[0] is first


@pytest.mark.parametrize("batch_rows", [1, 3, 1 << 16])
def test_gather_rows_matches_indexing_the_stacked_matrices(monkeypatch, batch_rows):
    monkeypatch.setattr(engine, "_GATHER_ROWS", batch_rows)
    rng = np.random.default_rng(batch_rows)
    matrices = [rng.integers(0, 1000, size=(k, 4)).astype(np.uint32) for k in (3, 0, 5, 1, 0, 7)]
    stacked = np.concatenate(matrices)
    rows = rng.integers(-1, len(stacked), size=40)
    targets = np.flatnonzero(rows >= 0)
    out = np.zeros((len(rows), 4), dtype=np.uint32)
    engine._gather_rows(matrices, rows, targets, out)
    assert (out[targets] == stacked[rows[targets]]).all()
    assert not out[rows < 0].any()


@pytest.mark.parametrize("n", [50, 2**62])  # the second too large to pack: a stable sort
def test_runs_come_sorted_by_hash_then_owner(n):
    rng = np.random.default_rng(7)
    hashes = rng.choice(np.array([-(2**63), -5, 0, 3, 2**62], dtype=np.int64), size=60)
    owners = np.sort(rng.integers(0, 50, size=60))
    runs, sorted_owners = engine._by_run_then_owner(hashes, owners, n)
    expected = sorted(zip(hashes.tolist(), owners.tolist(), strict=True))
    assert sorted_owners.tolist() == [owner for _, owner in expected]
    ordered = np.array([h for h, _ in expected])
    assert ((runs[1:] != runs[:-1]) == (ordered[1:] != ordered[:-1])).all()


@pytest.mark.parametrize(
    ("text", "same_numbers_as", "different_numbers_from"),
    [
        ("Remove the two 14.5mm screws", "Remove both 14.5 mm screws", "Remove two 7.5 mm screws"),
        ("Cut the 2x4 boards to length", "Cut each 2x4 board to size", "Cut the 2x6 boards"),
        ("Train for a 10K, then rest", "Train for a 10K. Then rest", "Train for a 5K, then rest"),
        ("Bake for 30 minutes with the lid on", "Bake 30 minutes, lid on", "Bake for 15 minutes"),
        ("Remove the two screws", "Remove the 2 screws", "Remove the four screws"),
        ("Pump both tyres", "Pump the tyre", "Pump the three tyres"),
        ("Fit 2 screws and 2 clips", "Fit 2 screws and two clips", "Fit 2 screws and clips"),
    ],
)
def test_texts_agree_on_numbers_as_the_tokenizer_reads_them(
    text, same_numbers_as, different_numbers_from
):
    numbers = engine._numbers(normalized_tokens(text))
    assert not numbers.disagree(engine._numbers(normalized_tokens(same_numbers_as)))
    assert numbers.disagree(engine._numbers(normalized_tokens(different_numbers_from)))


@pytest.mark.parametrize(
    ("text", "other", "opposed"),
    [
        ("Open the brake release", "Close the brake release", True),
        ("Remove the two screws from the top", "Remove the two screws from the bottom", True),
        ("Unscrew the oil cap", "Reinstall the oil cap", True),
        ("Remove the screw that holds the battery", "Remove the screws that hold it", False),
        ("Remove the battery", "Take out the battery", False),  # one side only
        ("Open and close the lid", "Close the lid", False),  # both sides: no side taken
        ("Remove the left cover", "Remove the cover", False),
        ("Press the fuel filter into the gas tank", "Pull the fuel filter out of the tank", True),
        ("Place the caliper back on the rotor", "Pull the caliper off of the rotor", True),
        ("Turn the valve clockwise", "Turn the valve counterclockwise", True),
        ("Twist the cap counterclockwise", "Twist the cap counter-clockwise", False),
        ("Turn the valve clockwise", "Turn the valve anti-clockwise", True),
    ],
)
def test_texts_taking_opposite_sides_are_opposed(text, other, opposed):
    sides = [engine._sides(normalized_tokens(t)) for t in (text, other)]
    assert engine._opposed(*sides) is opposed


def test_reverse_steps_of_a_repair_are_not_near_duplicates(tmp_path):
    def step(title, action):
        body = "Shift to the smallest cog so the chain runs free, then hold the frame steady."
        items = [action, "Keep the quick-release lever clear of the spokes", "Check the brakes"]
        return {"title": title, "body": [body], "action_items": items}

    guide = {
        "schema_version": 1,
        "id": "bike-wheel",
        "title": "Take a bike wheel off and put it back",
        "steps": [
            step("Take the wheel off the bike", "Open the brake release"),
            step("Fit the wheel to the bike", "Close the brake release"),
        ],
    }
    path = tmp_path / "g.json"
    path.write_text(json.dumps(guide), encoding="utf-8")
    codes = {f.code for f in run([path], Config()).findings}
    assert not codes & {"D006", "D010"}
    guide["steps"][1]["action_items"][0] = "Open the brake release fully"
    path.write_text(json.dumps(guide), encoding="utf-8")
    assert "D006" in {f.code for f in run([path], Config()).findings}


@pytest.mark.parametrize(
    ("title", "numbered"),
    [
        ("Step 2: Check the parts", True),
        ("Step 2", True),
        ("step 2 check the parts", True),
        ("2. Check the parts", True),
        ("2a) Check the parts", True),
        ("Strategy 3 - Ask a friend", True),
        ("3", True),
        ("4 screws hold the cover", False),
        ("10-minute warm-up", False),
        ("2.5 cups of flour", False),
        ("Stepping stones", False),
        ("Step Two: Check the parts", True),
        ("Two screws hold the cover", False),
    ],
)
def test_a_title_numbering_is_not_one_of_its_numbers(title, numbered):
    fields = {"title": [normalized_tokens(title)], "body": [normalized_tokens("Count all 24.")]}
    title_numbers = engine._numbers(normalized_tokens(title))
    counts = engine._composite_numbers(fields, title)
    if numbered:
        assert counts == engine.Counts(("24",), frozenset())
    else:
        assert counts.digits == tuple(sorted([*title_numbers.digits, "24"]))
        assert counts.words == title_numbers.words


def test_steps_whose_numbers_differ_are_not_near_duplicates():
    """The labeled guide's shelves fixed with 30 mm and 40 mm screws are one template, not
    one step; its numbered steps 2 and 6 are one step reworded."""
    path = FIXTURES / "duplicates" / "guides" / "assemble-a-flat-pack-bookshelf.json"
    report = run([path], Config())
    steps = {
        frozenset([f.pointer, *(r.pointer for r in f.related)])
        for f in report.findings
        if f.code == "D006"
    }
    assert steps == {frozenset({"/steps/1", "/steps/5"})}


def test_steps_alike_in_their_titles_only_are_not_near_duplicates():
    # "Finish" in a bread and an oil-change guide; two steps titled "Other" in one guide.
    report = run(discover([FIXTURES / "same-titles"]), Config())
    assert [f.message for f in report.findings if f.code == "D006"] == []
