"""The labeled duplicate set in ``tests/fixtures/duplicates``: loading and scoring.

Shared by the precision/recall test and ``benchmarks/choose_scorer.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "duplicates"
GUIDES = FOLDER / "guides"

KIND_TO_CODE = {
    "exact-paragraph": "D001",
    "exact-sentence": "D002",
    "exact-item": "D003",
    "containment": "D004",
    "boilerplate": "D005",
    "near-step": "D006",
    "near-strategy": "D007",
    "near-faq": "D008",
    "near-paragraph": "D009",
    "near-item": "D010",
    "near-sentence": "D011",
    "reused-passage": "D014",
}


@dataclass(frozen=True)
class Labeled:
    code: str
    locations: frozenset[str]
    note: str = ""


def load_labels(folder: Path = FOLDER) -> tuple[list[Labeled], list[Labeled]]:
    data = json.loads((folder / "expected.json").read_text(encoding="utf-8"))

    def convert(entries):
        return [
            Labeled(KIND_TO_CODE[e["kind"]], frozenset(e["locations"]), e.get("note", ""))
            for e in entries
        ]

    return convert(data["findings"]), convert(data.get("negatives", []))


def finding_locations(finding) -> frozenset[str]:
    places = [(finding.file, finding.pointer)] + [(r.file, r.pointer) for r in finding.related]
    return frozenset(f"{Path(file).name}#{pointer}" for file, pointer in places)


def same(found: frozenset[str], expected: frozenset[str]) -> bool:
    if found == expected:
        return True
    smaller, larger = sorted((found, expected), key=len)
    return len(smaller) >= 2 and smaller <= larger


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def nested(inner: frozenset[str], outer: frozenset[str]) -> bool:
    """Every place of ``inner`` lies inside a distinct place of ``outer`` (a paragraph pair
    inside a step pair), and the two are not the same places."""
    if inner == outer or len(inner) != len(outer):
        return False
    remaining = set(outer)
    for place in sorted(inner):
        parent = next((o for o in sorted(remaining) if place.startswith(o + "/")), None)
        if parent is None:
            return False
        remaining.discard(parent)
    return True


def evaluate(
    found: Iterable[tuple[str, frozenset[str]]], expected: list[Labeled]
) -> dict[str, Score]:
    """Precision and recall per rule code.

    A found finding is right when an expected finding of the same code names the same places
    (or one set holds the other). Labels are made at the outermost level, so a found pair
    nested inside a labeled pair of another level (a paragraph pair inside a labeled step
    pair), or holding one (the step pair around a labeled paragraph pair), is neither right
    nor wrong; the labeled pair it holds counts as found, since the finding shows it.
    """
    scores: dict[str, Score] = {code: Score() for code in KIND_TO_CODE.values()}
    found = [(code, locations) for code, locations in found if code in scores]
    matched: set[int] = set()
    for code, locations in found:
        hits = [
            i for i, e in enumerate(expected) if e.code == code and same(locations, e.locations)
        ]
        if hits:
            scores[code].true_positives += 1
            matched.update(hits)
            continue
        holds = [i for i, e in enumerate(expected) if nested(e.locations, locations)]
        inside = any(nested(locations, e.locations) for e in expected)
        if holds:
            matched.update(holds)
        elif not inside:
            scores[code].false_positives += 1
    for i, e in enumerate(expected):
        if i not in matched:
            scores[e.code].false_negatives += 1
    return scores
