"""Per-guide readability: counts per prose unit, per part and for the guide, against a target.

Only prose is scored (intro, step and strategy bodies, section bodies, FAQ answers, the
summary, quotes and callouts); titles and list items are not running text. Sentence counts
are spaCy's, the same sentences the duplicate engine uses. A part with too little text gets
``insufficient_text`` instead of a figure: formulas on a few words give absurd numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import reduce
from typing import Any

from contentqa.model import TextUnit
from contentqa.readability.audience import Audience
from contentqa.readability.metrics import EMPTY, Counts, count_text, scores
from contentqa.readability.passive import is_passive

# Silent reading rate for English non-fiction: 238 words per minute, from M. Brysbaert,
# "How many words do we read per minute? A review and meta-analysis of reading rate",
# Journal of Memory and Language 109 (2019) 104047.
WORDS_PER_MINUTE = 238
HEADLINE_SCORES = ("flesch_reading_ease", "flesch_kincaid_grade")


def reading_minutes(words: int) -> float:
    return round(words / WORDS_PER_MINUTE, 1)


def part_of(unit: TextUnit) -> str | None:
    """The part a prose unit is scored in: ``/intro``, ``/steps/2``, ``/faq``..."""
    if unit.part.startswith(("/steps/", "/strategies/", "/sections/")) or unit.part == "/intro":
        return unit.part
    if unit.part.startswith("/faq/"):
        return "/faq"
    return None


@dataclass(frozen=True)
class Scored:
    counts: Counts
    figures: Mapping[str, float] | None  # None: too little text to score

    def to_json(self) -> dict[str, Any]:
        if self.figures is None:
            return {
                "insufficient_text": True,
                "words": self.counts.words,
                "sentences": self.counts.sentences,
            }
        return {key: round(value, 2) for key, value in self.figures.items()}


@dataclass(frozen=True)
class Profile:
    audience: Audience
    audience_source: str
    guide: Scored
    parts: dict[str, Scored]
    unit_counts: dict[str, Counts]
    sentence_counts: tuple[tuple[TextUnit, Counts], ...]
    passive: tuple[TextUnit, ...]

    @property
    def passive_ratio(self) -> float:
        total = len(self.sentence_counts)
        return round(len(self.passive) / total, 4) if total else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "audience": {**self.audience.to_json(), "source": self.audience_source},
            "guide": self.guide.to_json(),
            "parts": {pointer: scored.to_json() for pointer, scored in self.parts.items()},
            "passive_voice_ratio": self.passive_ratio,
        }


def build_profile(
    units: tuple[TextUnit, ...],
    sentences: tuple[TextUnit, ...],
    audience: Audience,
    audience_source: str,
    min_words: int,
    min_sentences: int,
) -> Profile:
    sentence_count: dict[str, int] = {}
    prose_sentences: list[tuple[TextUnit, Counts]] = []
    for sentence in sentences:
        if sentence.prose:
            sentence_count[sentence.pointer] = sentence_count.get(sentence.pointer, 0) + 1
            prose_sentences.append((sentence, count_text(sentence.text, 1)))
    unit_counts = {
        unit.pointer: count_text(unit.text, sentence_count.get(unit.pointer, 0))
        for unit in units
        if unit.prose
    }
    by_part: dict[str, list[Counts]] = {}
    for unit in units:
        part = part_of(unit) if unit.prose else None
        if part is not None:
            by_part.setdefault(part, []).append(unit_counts[unit.pointer])

    def scored(counts: Counts) -> Scored:
        enough = counts.words >= min_words and counts.sentences >= min_sentences
        return Scored(counts, scores(counts) if enough else None)

    total = reduce(Counts.__add__, unit_counts.values(), EMPTY)
    return Profile(
        audience=audience,
        audience_source=audience_source,
        guide=scored(total),
        parts={part: scored(reduce(Counts.__add__, c, EMPTY)) for part, c in by_part.items()},
        unit_counts=unit_counts,
        sentence_counts=tuple(prose_sentences),
        passive=tuple(s for s, _ in prose_sentences if is_passive(s.text)),
    )
