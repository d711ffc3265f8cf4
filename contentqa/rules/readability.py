"""Readability rules (category ``readability``): scores against the audience target, hard and
long sentences, long paragraphs, passive voice, reading time and thin content."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from jsonpointer import JsonPointerException, resolve_pointer

from contentqa.analyze import GuideContext, LibraryContext
from contentqa.config import config_relative
from contentqa.model import Category, Diagnostic, Severity, Span
from contentqa.pointers import describe
from contentqa.readability.audience import choose_audience
from contentqa.readability.metrics import Counts, scores
from contentqa.readability.passive import passive_spans
from contentqa.readability.profile import (
    WORDS_PER_MINUTE,
    Profile,
    Scored,
    build_profile,
    reading_minutes,
)
from contentqa.registry import (
    Rule,
    get_rule,
    option,
    register,
    register_guide_metrics,
    register_metrics,
)
from contentqa.rules.duplicates import duplicate_analysis
from contentqa.rules.wording import quote


def profile(guide: GuideContext) -> Profile:
    def compute() -> Profile:
        config = guide.config
        audience, source = choose_audience(
            config_relative(guide.file, config.source),
            guide.data,
            config.audience,
            config.audience_by_path,
            config.audiences,
        )
        sizes = config.rule_instance(get_rule("R002")).options
        return build_profile(
            guide.units, guide.sentences, audience, source, sizes.min_words, sizes.min_sentences
        )

    return guide.shared("readability", compute)


_PART_NOUNS = {"steps": "step", "strategies": "strategy", "sections": "section"}


@register_guide_metrics
def readability_metrics(guide: GuideContext) -> dict:
    return {"readability": profile(guide).to_json()}


@register_metrics
def reading_time_metrics(library: LibraryContext) -> tuple[dict[str, dict], dict]:
    analysis = duplicate_analysis(library)
    per_file = {}
    for guide in library.guides:
        words = analysis.total_words.get(guide.file, 0)
        unique = words - analysis.repeated_words.get(guide.file, 0)
        per_file[guide.file] = {"reading_time_minutes_without_repeats": reading_minutes(unique)}
    return per_file, {}


def _off_target(scored: Scored, guide: GuideContext) -> str | None:
    if scored.figures is None:
        return None
    audience = profile(guide).audience
    ease = scored.figures["flesch_reading_ease"]
    grade = scored.figures["flesch_kincaid_grade"]
    problems = []
    if ease < audience.min_reading_ease:
        problems.append(f"Flesch Reading Ease {ease:.1f} (target ≥ {audience.min_reading_ease:g})")
    if grade > audience.max_grade:
        problems.append(f"Flesch-Kincaid grade {grade:.1f} (target ≤ {audience.max_grade:g})")
    if not problems:
        return None
    return f"{' and '.join(problems)} for the “{audience.name}” audience"


class _ReadabilityRule(Rule):
    category = Category.READABILITY
    severity = Severity.WARNING


@register
class GuideReadability(_ReadabilityRule):
    """The guide as a whole reads harder than its audience target.

    **What it finds.** Guides whose prose (intro, step and strategy bodies, sections, FAQ
    answers, summary, quotes) scores below the audience's Flesch Reading Ease floor or above
    its Flesch-Kincaid grade ceiling. Audiences: ``general`` (ease ≥ 60, grade ≤ 8, the
    default), ``children`` (≥ 80, ≤ 6) and ``expert`` (≥ 30, ≤ 16), after Flesch's
    reading-ease scale; define your own under ``[tool.contentqa.audiences.NAME]``. A guide
    picks its audience with ``"x-contentqa": {"audience": "expert"}``; configuration can set
    one per path (``audience-by-path``) or for the run (``audience``, ``--audience``).
    All figures are in the report's ``metrics.readability``.

    **Why it matters.** Readers who struggle with the text give up on the task.

    **Example.** ``Flesch Reading Ease 41.2 (target ≥ 60) and Flesch-Kincaid grade 12.3
    (target ≤ 8) for the “general” audience``.
    """

    code = "R001"
    name = "guide-readability"

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        problem = _off_target(profile(guide).guide, guide)
        if problem:
            yield Diagnostic(
                pointer="", message=f"the guide's prose reads too hard: {problem}", key="guide"
            )


@register
class PartReadability(_ReadabilityRule):
    """A part of the guide (the intro, a step, a strategy, a section, the FAQ) reads harder
    than the audience target.

    **What it finds.** The same figures as R001, per part. Parts with fewer than
    ``min-words`` words or ``min-sentences`` sentences are not scored (they get
    ``insufficient_text`` in the metrics): readability formulas on a few words give absurd
    figures (textstat gives Flesch -4995 to a long text with no full stop).

    **Why it matters.** One dense step can lose a reader the rest of the guide keeps.

    **Example.** ``step 4 reads too hard: Flesch-Kincaid grade 11.4 (target ≤ 8)``.
    """

    code = "R002"
    name = "part-readability"
    severity = Severity.INFO

    @dataclass(frozen=True)
    class Options:
        min_words: int = option(30, "parts with fewer words are not scored", minimum=0)
        min_sentences: int = option(3, "parts with fewer sentences are not scored", minimum=0)

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        for pointer, scored in profile(guide).parts.items():
            problem = _off_target(scored, guide)
            if problem:
                yield Diagnostic(
                    pointer=pointer,
                    message=f"{describe(pointer)} reads too hard: {problem}",
                    key=_part_key(guide.data, pointer),
                )


def _part_key(data: dict, part: str) -> str:
    """What a part is about, for fingerprints: its title, not its position."""
    try:
        value = resolve_pointer(data, part)
    except (JsonPointerException, TypeError):
        return part
    if isinstance(value, dict):
        return str(value.get("title") or value.get("heading") or value.get("question") or part)
    return part


def _unit_text(guide: GuideContext, pointer: str) -> str:
    return next((u.text for u in guide.units if u.pointer == pointer), pointer)


def _sentences(guide: GuideContext):
    return profile(guide).sentence_counts


@register
class LongSentence(_ReadabilityRule):
    """A sentence with more words than readers take in at once.

    **What it finds.** Sentences of running text longer than ``max-words`` words (25 by
    default). List items and headings are not judged as prose.

    **Why it matters.** Comprehension drops sharply past 25 words; instructions in long
    sentences get steps missed.

    **Example.** A 38-word sentence that tells the reader to water, wait, lift and trim.
    """

    code = "R003"
    name = "long-sentence"

    @dataclass(frozen=True)
    class Options:
        max_words: int = option(25, "longest sentence, in words, that is not reported", minimum=1)

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        enabled = guide.config.enabled(HardSentence.code)
        hard = _very_hard(guide) if enabled else lambda counts: None
        for sentence, counts in _sentences(guide):
            if counts.words > self.options.max_words:
                # One finding per sentence: a long sentence R004 finds very hard too is
                # reported here, with its grade.
                grade = hard(counts)
                also = "" if grade is None else f", grade {grade:.1f}: very hard"
                advice = "split it" if grade is None else "split it and use shorter words"
                yield Diagnostic(
                    pointer=sentence.pointer,
                    span=sentence.span,
                    message=(
                        f"sentence of {counts.words} words (over {self.options.max_words}"
                        f"{also}) in {describe(sentence.pointer)}: {quote(sentence.text, 60)}; "
                        f"{advice}"
                    ),
                    key=sentence.text,
                )


def _very_hard(guide: GuideContext, options: Any = None) -> Callable[[Counts], float | None]:
    """A sentence's grade where R004 (with ``options``, else the run's) finds it very
    hard, else None."""
    options = options or guide.config.rule_instance(HardSentence).options
    ceiling = profile(guide).audience.max_grade + options.grade_margin

    def grade(counts: Counts) -> float | None:
        found = scores(counts)["flesch_kincaid_grade"]
        return found if counts.words >= options.min_words and found >= ceiling else None

    return grade


@register
class HardSentence(_ReadabilityRule):
    """A sentence far harder than the audience's grade (as the Hemingway editor marks).

    **What it finds.** Sentences of at least ``min-words`` words whose own Flesch-Kincaid
    grade is at least ``grade-margin`` grades above the audience's ceiling (grade 14 and
    up for the general audience). A sentence R003 reports as long, with its grade, is not
    reported here too (unless R003's finding is suppressed or of a lower severity).

    **Why it matters.** Long words in a long sentence are where readers stop reading.

    **Example.** "Attachment-focused therapy can help you build secure attachment by
    addressing underlying fears and strengthening emotional regulation." (grade 17).
    """

    code = "R004"
    name = "hard-sentence"

    @dataclass(frozen=True)
    class Options:
        grade_margin: float = option(
            6.0, "grades above the audience ceiling that count as hard", minimum=0
        )
        min_words: int = option(10, "shorter sentences are not judged", minimum=0)

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        very_hard = _very_hard(guide, self.options)
        for sentence, counts in _sentences(guide):
            grade = very_hard(counts)
            if grade is not None:
                yield Diagnostic(
                    pointer=sentence.pointer,
                    span=sentence.span,
                    message=(
                        f"very hard sentence (grade {grade:.1f}, target ≤ "
                        f"{profile(guide).audience.max_grade:g}) in {describe(sentence.pointer)}: "
                        f"{quote(sentence.text, 60)}; use shorter words and split it"
                    ),
                    key=sentence.text,
                )


@register
class LongParagraph(_ReadabilityRule):
    """A paragraph too long to read comfortably on a screen.

    **What it finds.** Paragraphs of running text over ``max-words`` words (120) or over
    ``max-sentences`` sentences (6). A paragraph that is a step's whole body, which R006
    reports as a wall of text, is not reported here too (unless R006's finding is
    suppressed or of a lower severity).

    **Why it matters.** On a phone a 150-word paragraph fills the screen: readers skim it
    and miss the instruction inside.

    **Example.** An intro paragraph of 9 sentences and 180 words.
    """

    code = "R005"
    name = "long-paragraph"

    @dataclass(frozen=True)
    class Options:
        max_words: int = option(120, "longest paragraph, in words", minimum=1)
        max_sentences: int = option(6, "most sentences in one paragraph", minimum=1)

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        for pointer, counts in profile(guide).unit_counts.items():
            if (
                counts.words > self.options.max_words
                or counts.sentences > self.options.max_sentences
            ):
                yield Diagnostic(
                    pointer=pointer,
                    message=(
                        f"{describe(pointer)} is long: {counts.words:,} words in "
                        f"{counts.sentences:,} sentence{'' if counts.sentences == 1 else 's'} "
                        f"(limits {self.options.max_words} words, "
                        f"{self.options.max_sentences} sentences); break it up"
                    ),
                    key=_unit_text(guide, pointer),
                )


@register
class WallOfText(_ReadabilityRule):
    """A step whose body is a wall of text instead of a short instruction.

    **What it finds.** Steps whose body holds more than ``max-words`` words (150) in all.

    **Why it matters.** A step is something to do. Readers following along with their hands
    busy need the action in a sentence or two; background belongs in the intro.

    **Example.** A step whose body runs to 200 words over four paragraphs: the instruction,
    then background that belongs in the intro. The seed's step bodies, 120 to 131 words each,
    stay under the limit; most of their words are boilerplate, which R009 reports.
    """

    code = "R006"
    name = "wall-of-text"

    @dataclass(frozen=True)
    class Options:
        max_words: int = option(150, "most words in one step body", minimum=1)

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        counts = profile(guide).unit_counts
        totals: dict[str, int] = {}
        for unit in guide.units:
            if unit.part.startswith("/steps/") and unit.pointer.startswith(f"{unit.part}/body/"):
                totals[unit.part] = totals.get(unit.part, 0) + counts[unit.pointer].words
        for part, words in totals.items():
            if words > self.options.max_words:
                yield Diagnostic(
                    pointer=f"{part}/body",
                    message=(
                        f"{describe(part)} body is a wall of text: {words} words (over "
                        f"{self.options.max_words}); keep the instruction, move the rest"
                    ),
                    key=_part_key(guide.data, part),
                )


# "by" and who does it: a name or a noun phrase ("by Nintendo", "by the manufacturer"), not
# a manner or an amount ("by hand", "by ten percent").
_DOER = re.compile(r"\s+by\s+(?:[A-Z]|(?:the|a|an|your|their|our|its|his|her|this|that)\s)")


@register
class PassiveVoice(_ReadabilityRule):
    """A sentence in the passive voice.

    **What it finds.** A form of "be" followed, within two adverbs, by a past participle
    ("is trimmed", "was not absorbed", "are largely organized"), with the irregular
    participles listed. No trained model is used (none is available offline); on the
    labeled set in ``tests/fixtures/readability/passive.tsv`` (87 sentences: 55 written for
    guides, 32 from OneStopEnglish news texts) precision and recall were 1.00 and 1.00.
    Adjectives in "-ed" that usually describe a state ("tired", "interested") are not
    counted, nor are states said with a participle ("you are done!", "it is made of
    steel", "a habit you are stuck with") unless "by" names a doer. When it does, the
    message says to make that doer the subject. The guide's share of passive sentences is
    in ``metrics.readability``.

    **Why it matters.** Instructions in the passive hide who does what: "the roots are
    trimmed" leaves the reader wondering whether they should trim them.

    **Example.** "The soil should be pressed down firmly." → "Press the soil down firmly."
    """

    code = "R007"
    name = "passive-voice"
    severity = Severity.INFO

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        for sentence in profile(guide).passive:
            span = next(passive_spans(sentence.text))
            start = sentence.span.start + span.start
            # "... is supported by Nintendo": the doer is named, so the advice is where to.
            named = _DOER.match(sentence.text, span.end) is not None
            advice = "make the one named after “by” the subject" if named else "say who does it"
            yield Diagnostic(
                pointer=sentence.pointer,
                span=Span(start, sentence.span.start + span.end),
                message=(
                    f"passive voice “{sentence.text[span.start : span.end]}” in "
                    f"{describe(sentence.pointer)}; {advice}"
                ),
                key=sentence.text,
            )


@register
class ReadingTimeMismatch(_ReadabilityRule):
    """The declared reading time does not match the text.

    **What it finds.** Guides whose ``reading_time_minutes`` differs from the computed
    reading time by more than ``tolerance`` (a share of the computed figure, 25% by default)
    and at least one minute. Reading time is the visible text at 238 words per minute, the
    average silent reading rate for English non-fiction (Brysbaert 2019, Journal of Memory
    and Language 109). It is also computed with repeated copies removed, and the finding
    says so when the declared figure is only reached by counting repeated text.

    **Why it matters.** "12 min read" on a page that takes 3 minutes is a broken promise;
    and padding a page with copies to reach a reading time is what the duplicate rules are
    for.

    **Example.** The seed declares 12 minutes: its 1,812 words take 7.6 minutes, and only
    2.8 minutes without the text it repeats.
    """

    code = "R008"
    name = "reading-time-mismatch"
    scope = "library"

    @dataclass(frozen=True)
    class Options:
        tolerance: float = option(
            0.25, "allowed difference, as a share of the computed time", minimum=0
        )

    def check_library(self, library: LibraryContext) -> Iterator[Diagnostic]:
        analysis = duplicate_analysis(library)
        for guide in library.guides:
            declared = guide.data.get("reading_time_minutes")
            # A value that is no reading time at all is the schema's finding (S006).
            if not isinstance(declared, int | float) or isinstance(declared, bool) or declared <= 0:
                continue
            words = analysis.total_words.get(guide.file, 0)
            unique = words - analysis.repeated_words.get(guide.file, 0)
            computed, without = words / WORDS_PER_MINUTE, unique / WORDS_PER_MINUTE
            allowed = max(1.0, self.options.tolerance * computed)
            close_with = abs(declared - computed) <= allowed
            close_without = abs(declared - without) <= max(1.0, self.options.tolerance * without)
            if close_with and close_without:
                continue
            if close_with:
                message = (
                    f"declared reading time {declared:g} min is only reached by counting "
                    f"repeated text: {words} words take {computed:.1f} min, but without the "
                    f"repeated copies {unique} words take {without:.1f} min"
                )
            else:
                message = (
                    f"declared reading time {declared:g} min, computed {computed:.1f} min "
                    f"({words} words at {WORDS_PER_MINUTE} words per minute), and "
                    f"{without:.1f} min without repeated copies ({unique} words)"
                )
            yield Diagnostic(
                pointer="/reading_time_minutes",
                file=guide.file,
                message=message,
                key="reading-time",
            )


@register
class ThinContent(_ReadabilityRule):
    """A step or strategy with almost nothing of its own to say under its filler.

    **What it finds.** Steps and strategies whose body holds fewer than ``min-words`` words
    (12) once boilerplate, approved passages and repeated filler are masked out by the
    duplicate engine, and at least as many words of filler as of its own. A short step
    without filler ("Pull the brush up to remove it.") is concise, not thin: repair and
    recipe steps are often one sentence.

    **Why it matters.** A step that is mostly filler looks substantial but tells the reader
    one short thing; either say more or merge it into a neighbour.

    **Example.** Seed step 8: its body's only own words are "Make direct, specific requests
    instead of hinting or testing." (9 words); the rest is boilerplate.
    """

    code = "R009"
    name = "thin-content"
    scope = "library"

    @dataclass(frozen=True)
    class Options:
        min_words: int = option(
            12, "fewest own words a step or strategy body should have", minimum=0
        )

    def check_library(self, library: LibraryContext) -> Iterator[Diagnostic]:
        masked = duplicate_analysis(library).masked_words
        masked_files = {file for file, _ in masked}
        for guide in library.guides:
            own: dict[str, int] = {}
            raw: dict[str, int] = {}
            any_masked = guide.file in masked_files
            for unit in guide.units:
                part = unit.part
                if not part.startswith(("/steps/", "/strategies/")):
                    continue
                pointer = unit.pointer
                if not (pointer.startswith(part) and pointer.startswith("/body/", len(part))):
                    continue
                words = len(unit.tokens)
                own_words = masked.get((unit.file, pointer), words) if any_masked else words
                own[part] = own.get(part, 0) + own_words
                raw[part] = raw.get(part, 0) + words
            for part, count in own.items():
                filler = raw[part] - count
                if count < self.options.min_words and filler >= max(count, 1):
                    more = "word is" if filler == 1 else "words are"
                    extra = f" ({filler} more {more} boilerplate or copies)" if filler else ""
                    noun = "word" if count == 1 else "words"
                    yield Diagnostic(
                        pointer=part,
                        file=guide.file,
                        message=(
                            f"{describe(part)} has only {count} {noun} of its own"
                            f"{extra}; say more or merge it into another "
                            f"{_PART_NOUNS.get(part.split('/')[1], 'part')}"
                        ),
                        key=_part_key(guide.data, part),
                    )
