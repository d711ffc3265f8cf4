"""Duplicate and near-duplicate rules (category ``duplicate``), within a guide and across the
library. All of them read one shared :func:`contentqa.duplicates.engine.analyze` pass."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from contentqa.analyze import GuideContext, LibraryContext
from contentqa.config import Config
from contentqa.duplicates.engine import (
    COMPOSITE_LEVELS,
    MATCHING_PART,
    Analysis,
    Anchor,
    ApprovedPassage,
    Cluster,
    NearLevel,
    NearPair,
    Settings,
    Sketches,
    analyze,
    sketch_guide,
)
from contentqa.duplicates.similarity import SCORERS
from contentqa.model import Category, Diagnostic, Location, Severity, TextUnit
from contentqa.normalize import normalized_tokens, text_hash
from contentqa.parallel import effective_jobs
from contentqa.pointers import describe
from contentqa.registry import (
    Rule,
    get_rule,
    option,
    register,
    register_metrics,
    register_preparer,
)
from contentqa.rules.wording import quote
from contentqa.segment import segment


def engine_settings(config: Config, files: int = 1) -> Settings:
    """The engine's settings from the rules' options, for a run of ``files`` guides."""

    def opts(code: str):
        return config.rule_instance(get_rule(code)).options

    near: dict[str, NearLevel] = {}
    for code, level in NEAR_LEVELS.items():
        # D016 reads the step pairs across guides, at D006's options, whether or not D006
        # itself is reported.
        enabled = config.enabled(code)
        if enabled or (code == "D006" and config.enabled("D016")):
            o = opts(code)
            near[level] = NearLevel(
                o.threshold,
                getattr(o, "scorer", ""),
                getattr(o, "min_words", 1),
                min_shared=getattr(o, "min_shared", 0),
                within_guide=enabled and o.within_guide,
            )
    approved = tuple(
        ApprovedPassage(entry["hash"], entry.get("reason", ""))
        if "hash" in entry
        else _approved_text(entry["text"], entry.get("reason", ""))
        for entry in config.approved_boilerplate
    )
    return Settings(
        paragraph_min_words=opts("D001").min_words,
        sentence_min_words=opts("D002").min_words,
        item_min_words=opts("D003").min_words,
        containment_min_words=opts("D004").min_words,
        boilerplate_min_units=opts("D005").min_units,
        approved=approved,
        near=near,
        all_pairs_limit=config.all_pairs_limit,
        jobs=effective_jobs(config.jobs, files),
        # A limit on cost, so it holds whether or not its notice (D015) is reported.
        max_pairs_per_guide=opts("D015").max_pairs,
    )


@functools.lru_cache(maxsize=64)  # the settings are made again for every guide
def _approved_text(text: str, reason: str) -> ApprovedPassage:
    sentences = segment("approved-boilerplate", {"intro": [text]}).sentences
    return ApprovedPassage(
        text_hash(normalized_tokens(text)),
        reason,
        text,
        tuple(text_hash(s.tokens) for s in sentences) if len(sentences) > 1 else (),
    )


def duplicate_analysis(library: LibraryContext) -> Analysis:
    def compute() -> Analysis:
        guides = [(g.file, g.units, g.sentences) for g in library.guides]
        # Handed over when the run allows it: the engine drops a banding's keys once the
        # levels reading them are done (a fifth of the library stage's memory), which it
        # could not while the guides still held them.
        take = dict.pop if library.take_prepared else dict.get
        sketches = (take(g.prepared, "duplicates.sketches", None) or () for g in library.guides)
        return analyze(guides, engine_settings(library.config, len(guides)), sketches)

    return library.shared("duplicates", compute)


@register_preparer("duplicates.sketches")
def duplicate_sketches(guide: GuideContext) -> tuple[Sketches, ...] | None:
    """Band keys of the guide's texts for cross-guide blocking, made where it is checked."""
    settings = engine_settings(guide.config)
    if not settings.near:
        return None
    return sketch_guide(guide.units, guide.sentences, settings)


@register_metrics
def duplication_metrics(library: LibraryContext) -> tuple[dict[str, dict], dict]:
    analysis = duplicate_analysis(library)
    per_file = {
        g.file: {"duplication_ratio": analysis.duplication_ratio(g.file)} for g in library.guides
    }
    return per_file, {"duplication_ratio": analysis.library_ratio()}


# -- message helpers ----------------------------------------------------------------------


def place(file: str, pointer: str, home: str) -> str:
    return describe(pointer) if file == home else f"{file} ({describe(pointer)})"


def places(units: Sequence[TextUnit], home: str, limit: int = 8, counted: bool = False) -> str:
    """Where ``units`` are, each place once; ``counted``: with how often, where more than
    once ("step 2 › paragraph 1 (3 times)")."""
    times = Counter(place(unit.file, unit.pointer, home) for unit in units)
    return shown(
        (name if n == 1 or not counted else f"{name} ({n} times)" for name, n in times.items()),
        limit,
    )


def shown(names: Iterable[str], limit: int = 8) -> str:
    """The first ``limit`` names, and how many more there are."""
    names = list(names)
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def location(unit: TextUnit) -> Location:
    return Location(unit.file, unit.pointer, unit.span)


def copies_advice(files: Iterable[str]) -> str:
    """What to do with copies: within one guide, drop all but one; across guides, one guide
    keeps the text (the others can link to it) or the copies are rewritten, since a guide
    cannot simply drop what another guide also says."""
    return "keep one" if len(set(files)) == 1 else "keep it in one guide, or rewrite the copies"


def cluster_diagnostic(cluster: Cluster, what: str) -> Diagnostic:
    first = cluster.first
    count = len(cluster.occurrences)
    advice = copies_advice(unit.file for unit in cluster.occurrences)
    return Diagnostic(
        pointer=first.pointer,
        span=first.span,
        file=first.file,
        message=(
            f"{what} {quote(first.text)} appears {count} times, word for word: "
            f"{places(cluster.occurrences, first.file, counted=True)}; {advice}"
        ),
        related=tuple(location(c) for c in cluster.copies),
        key=cluster.key,
    )


class _DuplicateRule(Rule):
    category = Category.DUPLICATE
    severity = Severity.ERROR
    scope = "library"


# -- exact layers -------------------------------------------------------------------------


@register
class DuplicateParagraph(_DuplicateRule):
    """A paragraph that appears more than once, word for word.

    **What it finds.** Paragraphs (intro, step bodies, section bodies, FAQ answers, quotes)
    whose text is identical after normalization (case, whitespace, punctuation, curly and
    straight quotes, dashes), in one guide or across the guides of a run. All copies form
    one finding: the first occurrence is the finding's place, every other copy is in
    ``related``. Three copies give one finding, not three.

    **Why it matters.** A pasted paragraph is the most visible sign of careless editing:
    readers notice it at once, and search engines treat repeated text as low quality.

    **Example.** The seed guide's intro pastes the same three paragraphs three times::

        intro paragraph 2 = intro paragraph 5 = intro paragraph 8
    """

    code = "D001"
    name = "duplicate-paragraph"

    @dataclass(frozen=True)
    class Options:
        min_words: int = option(3, "shortest paragraph, in words, that is compared", minimum=0)

    def check_library(self, library: LibraryContext) -> Iterator[Diagnostic]:
        for cluster in duplicate_analysis(library).paragraph_clusters:
            yield cluster_diagnostic(cluster, "paragraph")


@register
class DuplicateSentence(_DuplicateRule):
    """A sentence repeated word for word in different places.

    **What it finds.** Sentences of paragraphs, and list items, that occur more than once
    (items and sentences are one pool, so a takeaway that repeats a sentence of a section is
    found too). Copies inside paragraphs already reported as duplicate paragraphs are not
    counted again, and a sentence spread over many parts is reported as boilerplate (D005).
    A step, strategy or section whose body restates its own title, and nothing else
    repeating it, is a note (info), not an error: a heading and its first line, mostly.

    **Why it matters.** A repeated sentence reads as padding and hides the points that are
    new. In a summary or takeaway it says the text was copied, not summarized.

    **Example.** "Healing does not require abandoning reassurance and steady connection."
    stands at the end of intro paragraph 1 and again inside intro paragraph 4.
    """

    code = "D002"
    name = "duplicate-sentence"

    @dataclass(frozen=True)
    class Options:
        min_words: int = option(
            4, "shortest sentence or item, in words, that is compared", minimum=0
        )

    def check_library(self, library: LibraryContext) -> Iterator[Diagnostic]:
        for cluster in duplicate_analysis(library).sentence_clusters:
            if _restates_its_title(cluster):
                first, copy = cluster.occurrences
                part = first.part
                yield Diagnostic(
                    pointer=first.pointer,
                    span=first.span,
                    file=first.file,
                    severity=Severity.INFO,
                    message=(
                        f"{describe(part)}'s body repeats its title {quote(first.text)} word "
                        "for word; start it with what the title does not say"
                    ),
                    related=(location(copy),),
                    key=cluster.key,
                )
            else:
                yield cluster_diagnostic(cluster, "sentence")


def _restates_its_title(cluster: Cluster) -> bool:
    """Two copies: a step's (strategy's, section's) title and a sentence of its own body. A
    body that opens by restating its heading, as wikiHow writes steps, reads as a heading
    and its first line, not as pasted text: the note is for a writer, not a failure."""
    if len(cluster.occurrences) != 2:
        return False
    first, copy = cluster.occurrences
    if (first.file, first.part) != (copy.file, copy.part):
        return False
    title, body = f"{first.part}/title", f"{first.part}/body/"
    pointers = {first.pointer, copy.pointer} - {title}
    return (
        len(pointers) == 1
        and title in (first.pointer, copy.pointer)
        and (pointers.pop().startswith(body))
    )


@register
class DuplicateItem(_DuplicateRule):
    """The same list item, title or question in several places.

    **What it finds.** Action items, takeaways, section items, titles and FAQ questions that
    are identical after normalization, within a guide or across guides.

    **Why it matters.** An action item copied into every step gives the reader nothing new to
    do, and two identical titles make the table of contents ambiguous.

    **Example.** "Write one sentence naming the feeling and the need." is an action item of
    five different steps of the seed guide.
    """

    code = "D003"
    name = "duplicate-item"

    @dataclass(frozen=True)
    class Options:
        min_words: int = option(3, "shortest item, in words, that is compared", minimum=0)

    def check_library(self, library: LibraryContext) -> Iterator[Diagnostic]:
        for cluster in duplicate_analysis(library).item_clusters:
            yield cluster_diagnostic(cluster, "item")


@register
class ContainedParagraph(_DuplicateRule):
    """A paragraph whose whole text already stands inside another paragraph.

    **What it finds.** A shorter paragraph wholly contained in a longer one, such as a
    truncated copy left behind after an edit. The finding points at the short paragraph;
    ``related`` points at the long one, with the span of the matching text.

    **Why it matters.** The reader reads the same words twice, the second time cut short.

    **Example.** The seed's last intro paragraph, "Instead, it is about adding secure skills
    so closeness feels safe and choiceful.", is the first sentence of intro paragraph 2.
    """

    code = "D004"
    name = "contained-paragraph"

    @dataclass(frozen=True)
    class Options:
        min_words: int = option(
            4, "shortest contained paragraph, in words, that is reported", minimum=0
        )

    def check_library(self, library: LibraryContext) -> Iterator[Diagnostic]:
        for found in duplicate_analysis(library).containments:
            short, long = found.short, found.long
            advice = (
                "remove the shorter copy"
                if short.file == long.file
                else "rewrite it, or link to the other guide"
            )
            yield Diagnostic(
                pointer=short.pointer,
                file=short.file,
                message=(
                    f"{describe(short.pointer)} {quote(short.text, 50)} is wholly contained in "
                    f"{place(long.file, long.pointer, short.file)}; {advice}"
                ),
                related=(Location(long.file, long.pointer, found.span),),
                key=text_hash(short.tokens),
            )


@register
class Boilerplate(_DuplicateRule):
    """A sentence or passage stuffed into many parts of the text.

    **What it finds.** A sentence, or a run of sentences that always travel together, that
    recurs in at least ``min-units`` distinct paragraphs (3 by default), within a guide or
    across guides. One finding lists every occurrence. Boilerplate is then masked out of the
    near-duplicate comparisons, so two steps are not "similar" merely because both carry the
    same filler. Passages that legitimately recur (a safety notice) can be approved in the
    configuration (``approved-boilerplate``); their hits are reported by D012, not here.
    Sentences are those D002 compares, of at least its ``min-words`` (4): a short
    instruction a procedure repeats on purpose ("Let it dry overnight.") and a safety notice
    stuffed into each step ("Always wear safety glasses.") look alike, so the first is
    approved, or D002's ``min-words`` raised past it.

    **Why it matters.** Filler pasted into every section inflates the reading time, buries
    the instructions, and is exactly what readers and search engines call thin content.

    **Example.** In the seed guide, "This helps your nervous system feel safe while staying
    connected. It reduces the pull toward hyperactivate attachment and seek proximity during
    stress. Over time, this builds trust that closeness can be steady." is pasted three times
    into every one of the eight step bodies.
    """

    code = "D005"
    name = "boilerplate"

    @dataclass(frozen=True)
    class Options:
        min_units: int = option(
            3, "distinct paragraphs a sentence must recur in to be boilerplate", minimum=2
        )

    def check_library(self, library: LibraryContext) -> Iterator[Diagnostic]:
        for passage in duplicate_analysis(library).passages:
            first = passage.occurrences[0]
            size = len(passage.sentences)
            what = "sentence" if size == 1 else f"{size}-sentence passage"
            fewest, most = min(passage.repeats), max(passage.repeats)
            times = (
                f"recurs {fewest} times"
                if fewest == most
                else f"recurs {fewest} to {most} times (counted by sentence)"
            )
            yield Diagnostic(
                pointer=first.pointer,
                file=first.file,
                span=first.span,
                message=(
                    f"boilerplate: the {what} {quote(' '.join(passage.sentences), 80)} {times} "
                    f"in {len(passage.units)} parts "
                    f"({places(passage.occurrences, first.file)}); "
                    "say it once, where it matters"
                ),
                related=tuple(location(o) for o in passage.occurrences[1:]),
                key="+".join(passage.keys),
            )


@register
class ApprovedBoilerplate(_DuplicateRule):
    """Where an approved recurring passage appears (for the record, not a problem).

    **What it finds.** Occurrences of the passages listed under ``approved-boilerplate`` in
    the configuration, with the reason given. They never count as duplication and never
    fail a run at the default ``fail-on``. A passage is given by ``text``: a sentence, a
    paragraph, or several sentences, each of them approved wherever it stands (boilerplate
    is found sentence by sentence). Or by ``hash``, which ``contentqa hash "TEXT"`` prints,
    for a text awkward to quote: it matches a sentence, item or paragraph of exactly that
    text. Case, spacing, quotes and punctuation do not matter either way.

    **Why it matters.** Approved passages are listed, not hidden, so an editor can see where
    the safety notice or crisis-line text appears and whether it is still wanted.

    **Example.**::

        [[tool.contentqa.approved-boilerplate]]
        text = "If you are in crisis, call your local emergency number."
        reason = "legal: required on every mental-health guide"
    """

    code = "D012"
    name = "approved-boilerplate"
    severity = Severity.INFO

    def check_library(self, library: LibraryContext) -> Iterator[Diagnostic]:
        for approval in duplicate_analysis(library).approvals:
            first = approval.occurrences[0]
            reason = f" ({approval.passage.reason})" if approval.passage.reason else ""
            parts = len({(o.file, o.pointer) for o in approval.occurrences})
            yield Diagnostic(
                pointer=first.pointer,
                file=first.file,
                span=first.span,
                message=(
                    f"approved passage{reason} {quote(approval.passage.text or first.text)} "
                    f"appears in {parts} part(s): {places(approval.occurrences, first.file)}"
                ),
                related=tuple(location(o) for o in approval.occurrences[1:]),
                key=approval.passage.key,
            )


@register
class DuplicationLimit(_DuplicateRule):
    """A guide whose share of repeated words is over ``max-duplication``.

    **What it finds.** With ``--max-duplication PERCENT`` (or ``max-duplication`` in the
    configuration), every guide whose ``duplication_ratio`` (the share of its words that are
    repeated copies, first occurrences excluded) is above the limit. The library's own ratio
    is checked against the same limit, and against the baseline's figure when a baseline is
    used (``summary.ratchet``): duplication must not increase.

    **Why it matters.** A ratchet lets a library with many duplicates improve step by step:
    the limit only ever goes down.

    **Example.** ``62.6% of this guide's words are repeated copies, over the limit of 20%``.
    """

    code = "D013"
    name = "duplication-limit"
    scope = "loader"


# -- near-duplicates ----------------------------------------------------------------------

_SCORER_HELP = "the rapidfuzz scorer that compares the normalized texts"


@dataclass(frozen=True)
class _NearOptions:
    max_matches: int = option(
        3,
        "most near-duplicates reported for one text, its closest earlier ones (0: all); each "
        "of its findings says how many more there are",
        minimum=0,
    )
    within_guide: bool = option(
        True,
        "report pairs of two texts of one guide as well as pairs across guides (false: "
        "across guides only)",
    )


_NUMBERS_DIFFER = """\
**Numbers.** Texts whose numbers differ are different instructions, however alike, and are
not reported: "Remove the two 6.5 mm screws" and "Remove the two 7.5 mm screws". Counts
written as words are numbers too, equal to their digits ("two" is "2", and so is "both"):
"Remove the two screws" and "Remove the four screws" differ, but not "Pump both tyres" and
"Pump the tyre" (a rewording adds or drops a count), nor two steps for the counts in words
of their action items, which set the reader's practice. The numbering of a title or
FAQ question ("Step 3:", "3.") does not count: two copies of a step numbered apart are still
copies. Nor are texts that take opposite sides: opposite actions
("Open the brake release" / "Close the brake release", remove / install, loosen / tighten,
connect / disconnect, push / pull, on / off, clockwise / counterclockwise) or opposite
places ("the top cover" / "the bottom cover", left / right, front / rear, into / out), as
guides pair taking apart with putting back. Only texts of up to
25 words are read so, and of a step its title and action items (a longer text names
opposites by the way)."""

_WITHIN_GUIDE = """\
**Within one guide.** A guide's texts are compared with one another and with other guides'.
With ``within-guide`` set to false, pairs of two texts of one guide are not reported, nor a
notice (``D015``) for a guide too crowded to compare them; the pairs inside them (a step's
sentences, say) stay unreported too, as they are by default. A text copied word for word
into another guide is still reported with all its copies, those in one guide included.
Meant for libraries of templated procedures, where one guide applies a sentence template to
part after part. In 120 near-duplicate step findings (``D006``) on real iFixit guides, each
labeled by reading both steps, 5 of the 54 pairs within one guide were the same step; most
others were one template applied to two parts (two ribbon cables, two sets of screws), the
rest two different actions in one sentence frame. Across guides 42 of 66 were the same step,
and 1 was unclear. Of 60 near-duplicate sentences (``D011``), 5 of 30 within one guide and
21 of 30 across guides said the same thing (``benchmarks/README.md``)."""


_ACROSS_GUIDES = """\
**Across guides.** In a run holding more texts of a level than ``all-pairs-limit`` (300 by
default), two texts of different guides are scored only when MinHash LSH proposes them: over
word pairs, and for paragraphs, items and parts of 13 words or more over their content words
as well. Texts that look alike letter by letter while sharing few word pairs can be missed,
most of all short ones: "Remove the screws from the left side." and "Remove the rest of the
left side screws." score 0.80 but share 3 of their 10 word pairs. Measured for paragraphs
(``D009``): in a uniform sample of 36,000 paragraphs of a 10,000-guide synthetic library,
LSH proposed all 33 pairs scoring 0.78 or more whose shorter text had 13 words or more, and
16 of the 27 with a shorter one; in a uniform sample of real iFixit steps, 92% of the pairs
of 13 words or more. Sentences have a banding of their own, stricter, as they are the
largest pool. An ``all-pairs-limit`` above the number of texts scores every pair, at a cost
growing with its square: the 35,386 paragraphs of 6 to 12 words of a library of that size
took 34 s, and all 278,808 of its paragraphs would take over half an hour
(``benchmarks/README.md``)."""


def closest_matches(pairs: Sequence[NearPair], limit: int) -> Iterator[tuple[NearPair, int]]:
    """Each pair with the number of its text's matches left unreported: for every later
    text, its ``limit`` closest earlier matches (highest score, then earliest), in the order
    of ``pairs``. A guide of templated steps can hold a hundred thousand near pairs, and a
    writer needs each step's closest ones, not every combination."""
    if limit <= 0:
        yield from ((pair, 0) for pair in pairs)
        return
    by_text: dict[Anchor, list[NearPair]] = {}
    for pair in pairs:
        by_text.setdefault(pair.second, []).append(pair)
    kept: dict[int, int] = {}
    for matches in by_text.values():
        best = sorted(matches, key=lambda pair: (-pair.score, pair.first.order))[:limit]
        for pair in best:
            kept[id(pair)] = len(matches) - len(best)
    for pair in pairs:
        if id(pair) in kept:
            yield pair, kept[id(pair)]


def near_diagnostic(
    pair: NearPair, severity: Severity | None = None, unreported: int = 0
) -> Diagnostic:
    first, second = pair.first, pair.second
    label_second = f" {quote(second.label, 50)}" if pair.level in COMPOSITE_LEVELS else ""
    label_first = f" {quote(first.label, 50)}" if pair.level in COMPOSITE_LEVELS else ""
    detail = ""
    if pair.parts:
        matching = [name for name, score in pair.parts if score >= MATCHING_PART]
        scores = ", ".join(f"{name} {score:.2f}" for name, score in pair.parts)
        detail = f"; matching: {', '.join(matching)} ({scores})" if matching else f" ({scores})"
    if pair.examples:
        similar = "; ".join(f"{quote(b, 45)} ~ {quote(a, 45)}" for a, b in pair.examples)
        detail += f"; similar action items: {similar}"
    if pair.level not in COMPOSITE_LEVELS:
        detail += f": {quote(second.label, 60)} ~ {quote(first.label, 60)}"
    if pair.level == "passage":  # D014: a share of wording, not a similarity score
        relation, similarity = f"reuses {pair.score:.0%} of the wording (3-word runs) of", ""
        detail += "; rewrite or link"
    else:
        relation, similarity = "nearly duplicates", f" (similarity {pair.score:.2f})"
    if unreported:
        matches = "match" if unreported == 1 else "matches"
        detail += f"; {unreported} more earlier {matches} not listed (max-matches)"
    return Diagnostic(
        pointer=second.pointer,
        file=second.file,
        span=second.span,
        message=(
            f"{place(second.file, second.pointer, second.file)}{label_second} {relation} "
            f"{place(first.file, first.pointer, second.file)}{label_first}{similarity}{detail}"
        ),
        related=(Location(first.file, first.pointer, first.span),),
        score=pair.score,
        severity=severity,
        key=f"{pair.level}:{text_hash(first.label.split())}:{text_hash(second.label.split())}",
    )


class _NearRule(_DuplicateRule):
    severity = Severity.WARNING
    level: str = ""

    @classmethod
    def documentation(cls) -> str:
        return (
            f"{super().documentation()}\n\n{_NUMBERS_DIFFER}\n\n{_WITHIN_GUIDE}\n\n{_ACROSS_GUIDES}"
        )

    def check_library(self, library: LibraryContext) -> Iterator[Diagnostic]:
        pairs = self.pairs(library)
        identical = [p for p in pairs if _identical(p)]
        similar = [p for p in pairs if not _identical(p)]
        for pair, unreported in closest_matches(similar, self.options.max_matches):
            yield near_diagnostic(pair, self.pair_severity(pair), unreported)
        # Parts copied whole (a step reused in five guides) are one cluster, not ten pairs.
        for members in _clusters(identical):
            first, *copies = members
            yield Diagnostic(
                pointer=first.pointer,
                file=first.file,
                message=(
                    f"{describe(first.pointer)} {quote(first.label, 50)} appears "
                    f"{len(members)} times with the same text: "
                    f"{', '.join(place(m.file, m.pointer, first.file) for m in members)}; "
                    f"{copies_advice(m.file for m in members)}"
                ),
                related=tuple(Location(m.file, m.pointer) for m in copies),
                score=1.0,
                severity=self.pair_severity(identical[0]),
                key=f"{self.level}:identical:{text_hash(first.label.split())}",
            )

    def pairs(self, library: LibraryContext) -> Sequence[NearPair]:
        return duplicate_analysis(library).near.get(self.level, ())

    def pair_severity(self, pair: NearPair) -> Severity | None:
        return None


@register
class CrowdedGuide(_DuplicateRule):
    """A guide too repetitive for its near-duplicates to be listed pair by pair.

    **What it finds.** A guide whose steps, strategies, FAQ entries, paragraphs, items, FAQ
    questions or sentences hold more than ``max-pairs`` similar pairs among themselves at
    one level: a template filled in hundreds of times. Pairs are counted among the texts the
    level compares (distinct, and long enough), at its first comparison (for steps,
    strategies and FAQ entries, their whole text, from 0.3 under the rule's threshold).
    That level's texts are then not compared with one another, and this finding says so.
    When steps (or strategies, or FAQ entries) are crowded, the pairs of paragraphs, items
    and sentences inside them are not listed either, as inside a pair of near-duplicate
    steps. Comparisons with other guides, the other levels and every exact-duplicate rule
    still run, and a text the guide shares word for word with another guide is compared as
    that guide's. Reused wording (``D014``) is not limited: two paragraphs of a crowded guide
    that are near-duplicates may then be reported as a reused passage. Two guides filled in
    from one template are each within the limit against the other: their pairs across the
    two guides are all compared, and their steps reported as one ``D016`` finding.

    Set ``max-pairs`` to 0 to compare every pair whatever it costs. The limit holds whether
    or not this rule is selected, disabled or suppressed: those hide the notice only.

    **Why it matters.** Such a guide's near-duplicate pairs grow with the square of its
    length: 3,000 templated steps took three and a half minutes and 10 GB of memory, almost
    all of it pairs that no writer reads. Rewriting the template is the fix.

    **Example.** ``near-duplicate steps were not compared within this guide: the 3,000 steps
    it has to compare hold more than 250,000 similar pairs (max-pairs); they repeat one
    template``.
    """

    code = "D015"
    name = "crowded-guide"
    severity = Severity.WARNING

    @dataclass(frozen=True)
    class Options:
        max_pairs: int = option(
            250_000,
            "most similar pairs kept among one guide's texts of one level (0: no limit); a "
            "guide with more has that level's texts not compared with one another",
            minimum=0,
        )

    def check_library(self, library: LibraryContext) -> Iterator[Diagnostic]:
        for crowded in duplicate_analysis(library).crowded:
            what = _LEVEL_NOUNS[crowded.level]
            yield Diagnostic(
                pointer="",
                file=crowded.file,
                message=(
                    f"near-duplicate {what} were not compared within this guide: the "
                    f"{crowded.texts:,} {what} it has to compare hold more than "
                    f"{self.options.max_pairs:,} similar pairs (max-pairs); they repeat one "
                    f"template"
                ),
                key=f"crowded:{crowded.level}",
            )


_LEVEL_NOUNS = {
    "step": "steps",
    "strategy": "strategies",
    "faq": "FAQ entries",
    "paragraph": "paragraphs",
    "item": "items",
    "question": "FAQ questions",
    "sentence": "sentences",
}


def _identical(pair: NearPair) -> bool:
    return pair.score >= 0.999 and all(score >= 0.999 for _, score in pair.parts)


def _clusters(pairs: Sequence[NearPair]) -> list[list]:
    """Connected groups of anchors, each sorted by position, groups by their first member."""
    parent: dict = {}

    def root(anchor):
        while parent.setdefault(anchor, anchor) != anchor:
            anchor = parent[anchor]
        return anchor

    for pair in pairs:
        a, b = root(pair.first), root(pair.second)
        if a != b:
            parent[max(a, b, key=lambda x: x.order)] = min(a, b, key=lambda x: x.order)
    groups: dict = {}
    for anchor in parent:
        groups.setdefault(root(anchor), []).append(anchor)
    return sorted(
        (sorted(group, key=lambda x: x.order) for group in groups.values()),
        key=lambda group: group[0].order,
    )


@register
class NearDuplicateStep(_NearRule):
    """Two steps that say nearly the same thing.

    **What it finds.** Pairs of steps, in one guide or across guides, whose title, body and
    action items together are similar (a weighted score: title 0.2, body 0.5, action items
    0.3, over the parts both steps have). Boilerplate and filler action items are masked out
    first, so steps that share only filler are not reported. The body or the action items
    must match too (score 0.6 or more): two steps titled "Finish" or "Other" whose bodies
    differ are not near-duplicates. Strategies (D007) and FAQ entries (D008, by their
    answers) are held to the same rule. The finding points at the later
    step; ``related`` points at the earlier one; the message says which parts match. At or
    above ``error-threshold`` it is an error, from ``threshold`` up a warning (with
    ``threshold`` set above ``error-threshold``, every finding is an error).

    **Why it matters.** A guide that numbers eight steps but repeats one of them wastes the
    reader's time and makes the real sequence unclear.

    **Example.** Seed steps 3 and 8: "Ask for reassurance directly" / "Ask for reassurance
    clearly", with bodies "Make clear, specific requests instead of testing or hinting." and
    "Make direct, specific requests instead of hinting or testing."
    """

    code = "D006"
    name = "near-duplicate-step"
    severity = Severity.ERROR
    level = "step"

    @dataclass(frozen=True)
    class Options(_NearOptions):
        threshold: float = option(
            0.55, "lowest similarity (0..1) reported, as a warning", minimum=0, maximum=1
        )
        error_threshold: float = option(
            0.62, "similarity from which the finding is an error", minimum=0, maximum=1
        )
        scorer: str = option("ratio", _SCORER_HELP, choices=tuple(SCORERS))

    def pairs(self, library: LibraryContext) -> Sequence[NearPair]:
        # The steps two guides share are listed by D016, once for the two guides.
        folded = guide_overlaps(library)
        return [p for p in super().pairs(library) if (p.first.file, p.second.file) not in folded]

    def pair_severity(self, pair: NearPair) -> Severity:
        return Severity.ERROR if pair.score >= self.options.error_threshold else Severity.WARNING


@dataclass(frozen=True)
class GuideOverlap:
    """Two guides that repeat each other's steps: their near-duplicate and copied step pairs
    (``first`` in the earlier guide), and how many steps each guide has."""

    pairs: tuple[NearPair, ...]
    first_steps: int
    second_steps: int

    @property
    def shared(self) -> tuple[int, int]:
        """How many steps of each guide are in a pair."""
        return (
            len({p.first.pointer for p in self.pairs}),
            len({p.second.pointer for p in self.pairs}),
        )

    @property
    def shares(self) -> tuple[float, float]:
        """The share of each guide's steps that are in a pair."""
        first, second = self.shared
        return first / self.first_steps, second / self.second_steps


def guide_overlaps(library: LibraryContext) -> dict[tuple[str, str], GuideOverlap]:
    """The pairs of guides (earlier file, later file) that D016 reports, by its options; none
    when it is disabled, and then D006 lists their step pairs one by one."""

    def compute() -> dict[tuple[str, str], GuideOverlap]:
        if not library.config.enabled("D016"):
            return {}
        options = library.config.rule_instance(get_rule("D016")).options
        steps = {g.file: _step_count(g.data) for g in library.guides}
        by_guides: dict[tuple[str, str], list[NearPair]] = {}
        for pair in duplicate_analysis(library).near.get("step", ()):
            if pair.first.file != pair.second.file:
                by_guides.setdefault((pair.first.file, pair.second.file), []).append(pair)
        out = {}
        for (first, second), pairs in by_guides.items():
            overlap = GuideOverlap(tuple(pairs), steps[first], steps[second])
            if min(overlap.shared) >= options.min_steps and max(overlap.shares) >= (
                options.min_share
            ):
                out[(first, second)] = overlap
        return out

    return library.shared("duplicates.guide-overlaps", compute)


def _step_count(data: dict) -> int:
    steps = data.get("steps")
    return len(steps) if isinstance(steps, list) else 0


@register
class OverlappingGuides(_DuplicateRule):
    """Two guides that repeat each other's steps.

    **What it finds.** Two guides where at least ``min-steps`` steps of each are
    near-duplicates or copies of steps of the other (the step pairs ``D006`` finds, at its
    threshold), and those steps make up at least ``min-share`` of either guide: a guide
    filled in from another one, or a procedure repeated in full instead of linked. One
    finding lists the step pairs, and ``D006`` does not list them one by one. It goes on
    the guide that holds the other (the smaller share of its steps repeated; on a tie, the
    later file). It is an error when one of the pairs scores at or above ``D006``'s
    ``error-threshold`` (or takes ``D006``'s severity if that is configured), so a run fails
    as it would on those pairs; otherwise a warning.

    Its ``related`` places are the step pairs, in order: each step of this guide, then the
    step of the other guide that it repeats.

    It reads the step pairs at ``D006``'s options (``threshold``, ``scorer``), whether or
    not ``D006`` is reported: with ``D006`` disabled or not selected, the steps are still
    compared for this rule, and the paragraphs, items and sentences inside similar steps
    are still not listed by their own rules; nor is the inside of a guide's crowded steps,
    though no ``D015`` notice says so then. With this rule disabled, ``D006`` lists the
    pairs. Suppressions and baselines of the ``D006`` findings it takes in do not carry
    over to it; a copied step that a third guide also holds is still listed by ``D006``
    through that guide.

    **Why it matters.** A reader who follows both guides does the same work twice, and an
    editor who fixes a step in one guide has to find and fix its copies in the other. A
    library of such guides drowns its real near-duplicates in thousands of step pairs.

    **Example.** A 15-step guide to replacing a laptop's keyboard whose first 12 steps are
    the 12 steps of the guide to opening its case: ``this guide repeats 12 of its 15 steps
    from open-the-case.json (12 of its 12 steps), 10 of them word for word: step 1 ~ step 1,
    ...; link to it as a first step, or merge the guides``.
    """

    code = "D016"
    name = "overlapping-guides"
    severity = Severity.ERROR
    related_in_pairs = True

    @dataclass(frozen=True)
    class Options:
        min_steps: int = option(3, "fewest steps of each guide that repeat the other's", minimum=1)
        min_share: float = option(
            0.5,
            "smallest share (0..1) of either guide's steps that repeat the other's",
            minimum=0,
            maximum=1,
        )

    def check_library(self, library: LibraryContext) -> Iterator[Diagnostic]:
        for (first, second), overlap in guide_overlaps(library).items():
            pairs = overlap.pairs
            steps = {first: overlap.first_steps, second: overlap.second_steps}
            shared = dict(zip((first, second), overlap.shared, strict=True))
            first_share, second_share = overlap.shares
            later_holds = second_share <= first_share  # the later guide holds the earlier one
            home, other = (second, first) if later_holds else (first, second)
            oriented = sorted(
                ((p.second, p.first, p) if later_holds else (p.first, p.second, p) for p in pairs),
                key=lambda o: (_step_index(o[0].pointer), _step_index(o[1].pointer)),
            )
            copied = len({h.pointer for h, _, p in oriented if _identical(p)})
            listed = shown(f"{describe(h.pointer)} ~ {describe(t.pointer)}" for h, t, _ in oriented)
            how = f", {copied} of them word for word" if copied else ""
            yield Diagnostic(
                pointer="/steps",
                file=home,
                message=(
                    f"this guide repeats {shared[home]} of its {steps[home]} steps from {other} "
                    f"({shared[other]} of its {steps[other]} steps){how}: {listed}; link to it "
                    "as a first step, or merge the guides"
                ),
                related=tuple(
                    location
                    for h, t, _ in oriented
                    for location in (Location(home, h.pointer), Location(other, t.pointer))
                ),
                score=max(p.score for p in pairs),
                severity=self._severity(library, pairs),
                key=f"overlap:{other}",
            )

    @staticmethod
    def _severity(library: LibraryContext, pairs: Sequence[NearPair]) -> Severity:
        """As the step pairs it takes in would have been reported by D006."""
        setting = library.config.rules.get("D006")
        if setting and setting.severity:
            return setting.severity
        step_rule = library.config.rule_instance(get_rule("D006"))
        return max((step_rule.pair_severity(p) for p in pairs), key=lambda s: s.rank)


def _step_index(pointer: str) -> int:
    return int(pointer.rsplit("/", 1)[1])


@register
class NearDuplicateStrategy(_NearRule):
    """Two strategies that say nearly the same thing.

    **What it finds.** Pairs of strategies whose titles and bodies (boilerplate masked) are
    similar: title 0.3, body 0.7 of the score.

    **Why it matters.** A list of six strategies that holds five ideas overstates the guide.

    **Example.** "Reality-check the story: Ask yourself what you know for sure versus what
    you are assuming." and "Use reality checks: Write down the facts, the story you are
    telling yourself, and a more balanced interpretation."
    """

    code = "D007"
    name = "near-duplicate-strategy"
    level = "strategy"

    @dataclass(frozen=True)
    class Options(_NearOptions):
        threshold: float = option(0.62, "lowest similarity (0..1) reported", minimum=0, maximum=1)
        scorer: str = option("ratio", _SCORER_HELP, choices=tuple(SCORERS))


@register
class NearDuplicateFaq(_NearRule):
    """Two FAQ entries that ask and answer nearly the same thing.

    **What it finds.** Pairs of FAQ entries whose questions and answers are similar (half
    each of the score), within a guide or across guides.

    **Why it matters.** Readers scan FAQs for their question; two versions of it suggest the
    answers differ and make them read both.

    **Example.** "How often should I water?" / "How often do I need to water it?" with
    answers that say the same.
    """

    code = "D008"
    name = "near-duplicate-faq"
    level = "faq"

    @dataclass(frozen=True)
    class Options(_NearOptions):
        threshold: float = option(0.62, "lowest similarity (0..1) reported", minimum=0, maximum=1)
        scorer: str = option("ratio", _SCORER_HELP, choices=tuple(SCORERS))


@register
class NearDuplicateParagraph(_NearRule):
    """Two paragraphs that are nearly identical (light rewording of one text).

    **What it finds.** Paragraph pairs whose normalized words, with boilerplate masked, score
    at least ``threshold``; exact copies and contained paragraphs are left to D001 and D004.

    **Why it matters.** A paragraph pasted and lightly edited is still a duplicate to the
    reader, and the small edits often leave the two versions contradicting each other.

    **Example.** "Water the plant well the day before you repot it." and "Water the plant
    well a day before repotting it."
    """

    code = "D009"
    name = "near-duplicate-paragraph"
    level = "paragraph"

    @dataclass(frozen=True)
    class Options(_NearOptions):
        threshold: float = option(0.78, "lowest similarity (0..1) reported", minimum=0, maximum=1)
        min_words: int = option(6, "shortest paragraph, in words, that is compared", minimum=0)
        scorer: str = option("ratio", _SCORER_HELP, choices=tuple(SCORERS))


@register
class NearDuplicateItem(_NearRule):
    """Two list items, titles or questions that are nearly identical.

    **What it finds.** Action items, takeaways, section items, titles and FAQ questions whose
    normalized words score at least ``threshold``.

    **Why it matters.** Two action items that ask for the same thing in different words make
    a checklist longer without making it more useful.

    **Example.** Seed steps 2 and 7: "Try a 90-second breath reset" / "Try a 90-second
    breathing practice".
    """

    code = "D010"
    name = "near-duplicate-item"
    level = "item"

    @dataclass(frozen=True)
    class Options(_NearOptions):
        threshold: float = option(0.8, "lowest similarity (0..1) reported", minimum=0, maximum=1)
        min_words: int = option(4, "shortest item, in words, that is compared", minimum=0)
        scorer: str = option("ratio", _SCORER_HELP, choices=tuple(SCORERS))


@register
class NearDuplicateSentence(_NearRule):
    """Two sentences in different paragraphs that are nearly identical.

    **What it finds.** Sentence pairs (boilerplate masked, exact copies excluded) in
    different paragraphs that score at least ``threshold``, unless their paragraphs are
    already reported as near-duplicates.

    **Why it matters.** The same point made twice in slightly different words is padding.

    **Example.** "Make clear, specific requests instead of testing or hinting." and "Make
    direct, specific requests instead of hinting or testing."
    """

    code = "D011"
    name = "near-duplicate-sentence"
    level = "sentence"

    @dataclass(frozen=True)
    class Options(_NearOptions):
        threshold: float = option(0.78, "lowest similarity (0..1) reported", minimum=0, maximum=1)
        min_words: int = option(6, "shortest sentence, in words, that is compared", minimum=0)
        scorer: str = option("ratio", _SCORER_HELP, choices=tuple(SCORERS))


@register
class ReusedPassage(_DuplicateRule):
    """A paragraph that reuses much of another paragraph's wording, even when reworded or
    set inside a longer text.

    **What it finds.** Paragraph pairs (boilerplate masked) where at least ``threshold`` of
    the shorter one's 3-word runs also occur in the other, and at least ``min-shared`` runs
    are shared. Runs found in 5 or more paragraphs of the run are stock phrases ("to remove
    the") and do not count as shared. This catches what whole-text similarity misses: a
    passage copied into a longer paragraph, or copied and lightly revised (words swapped,
    sentences reordered).
    Pairs already reported as exact, contained or near-duplicate are not repeated here. With
    ``within-guide`` set to false, only pairs of paragraphs of two different guides are
    reported.

    **Why it matters.** Lightly revised copies are how text spreads between guides unnoticed;
    on the Clough & Stevenson corpus of plagiarised answers, every lightly revised answer
    shares at least 15% of its 3-word runs with its source, unrelated answers on the same
    topics at most 9%.

    **Example.** A 40-word tip pasted into the middle of a 150-word step body, with two
    words changed.
    """

    code = "D014"
    name = "reused-passage"
    severity = Severity.WARNING
    level = "passage"

    @dataclass(frozen=True)
    class Options(_NearOptions):
        threshold: float = option(
            0.15, "lowest share (0..1) of the shorter text's 3-word runs", minimum=0, maximum=1
        )
        min_shared: int = option(10, "fewest distinct 3-word runs the two texts share", minimum=0)
        min_words: int = option(12, "shortest paragraph, in words, that is compared", minimum=0)

    def check_library(self, library: LibraryContext) -> Iterator[Diagnostic]:
        pairs = duplicate_analysis(library).near.get(self.level, ())
        for pair, unreported in closest_matches(pairs, self.options.max_matches):
            yield near_diagnostic(pair, unreported=unreported)


NEAR_LEVELS = {
    rule.code: rule.level
    for rule in (
        NearDuplicateStep,
        NearDuplicateStrategy,
        NearDuplicateFaq,
        NearDuplicateParagraph,
        NearDuplicateItem,
        NearDuplicateSentence,
        ReusedPassage,
    )
}
