"""The duplicate engine: one pass over every guide of a run, shared by the duplicate rules.

Layers, in order, each feeding the next:

1. exact paragraph clusters (hash of normalized tokens);
2. containment: a paragraph wholly inside another one;
3. one pool of sentences and items, clustered exactly; a sentence cluster spread over at least
   ``boilerplate_min_units`` paragraphs is boilerplate, and boilerplate sentences that always
   travel together are reported as one passage;
4. masking: boilerplate, approved passages and filler items are removed from the text that
   the near-duplicate layers compare, so two steps are never "similar" because of filler;
5. near-duplicates (rapidfuzz scores on normalized tokens) of paragraphs, items and sentences,
   and of composite parts: steps (title, body, action items), strategies and FAQ entries.
   Candidate pairs come from every pair when a pool is small, else from MinHash LSH.

Everything is computed over the whole library at once, so a paragraph copied from one guide
into another is found by the same code as a paragraph pasted twice in one guide.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np

from contentqa.duplicates import minhash
from contentqa.duplicates.similarity import (
    best_match_means,
    get_scorer,
    joined,
    score_matrix,
    score_pairs,
    score_rows,
)
from contentqa.memory import give_back_freed_memory
from contentqa.model import Span, TextUnit
from contentqa.normalize import text_hash, tokens_key
from contentqa.numbering import own_number
from contentqa.parallel import run_tasks
from contentqa.segment import count_words

UnitId = tuple[str, str]  # (file, pointer)
GuideTexts = tuple[str, Sequence[TextUnit], Sequence[TextUnit]]  # (file, units, sentences)


@dataclass(frozen=True)
class ApprovedPassage:
    key: str
    reason: str
    text: str = ""
    # A passage of several sentences is approved wherever its sentences stand, whole or
    # not: boilerplate is found sentence by sentence.
    sentence_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class NearLevel:
    """Settings of one near-duplicate level, taken from its rule's options."""

    threshold: float
    scorer: str
    min_words: int = 1
    error_threshold: float | None = None
    # Passage reuse only: fewest distinct shared 3-word runs.
    min_shared: int = 0
    # False: the level's pairs of two texts of one guide are not in its results, nor the
    # guides crowded at it; they still stand for the finer pairs inside them.
    within_guide: bool = True


@dataclass(frozen=True)
class Settings:
    paragraph_min_words: int = 3
    sentence_min_words: int = 4
    item_min_words: int = 3
    containment_min_words: int = 4
    boilerplate_min_units: int = 3
    approved: tuple[ApprovedPassage, ...] = ()
    near: dict[str, NearLevel] = field(default_factory=dict)
    all_pairs_limit: int = 300
    lsh: minhash.LshParams = minhash.ENGINE_LSH
    jobs: int = 1
    sentence_lsh: minhash.LshParams = minhash.SENTENCE_LSH
    # Most similar pairs kept among one guide's texts of one level (0: no limit).
    max_pairs_per_guide: int = 0


@dataclass(frozen=True)
class Cluster:
    """Identical texts (after normalization): the first occurrence, then the copies."""

    key: str
    occurrences: tuple[TextUnit, ...]

    @property
    def first(self) -> TextUnit:
        return self.occurrences[0]

    @property
    def copies(self) -> tuple[TextUnit, ...]:
        return self.occurrences[1:]


@dataclass(frozen=True)
class Passage:
    """Boilerplate: sentences that recur, together, across many distinct units."""

    keys: tuple[str, ...]
    sentences: tuple[str, ...]
    occurrences: tuple[TextUnit, ...]
    units: tuple[UnitId, ...]
    # How often each sentence occurs, in the passage's order: they may differ, as a part
    # may hold the passage once whole and once cut short.
    repeats: tuple[int, ...]


@dataclass(frozen=True)
class Containment:
    short: TextUnit
    long: TextUnit
    span: Span | None


@dataclass(frozen=True)
class Anchor:
    """One side of a near-duplicate pair: a unit, a sentence or a composite part."""

    file: str
    pointer: str
    label: str
    span: Span | None = None
    order: tuple = ()


@dataclass(frozen=True)
class NearPair:
    level: str
    first: Anchor
    second: Anchor
    score: float
    parts: tuple[tuple[str, float], ...] = ()
    # Matching action items, best first, as (first's text, second's text).
    examples: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Crowded:
    """A guide whose texts of one level were not compared with one another: they hold more
    similar pairs than ``Settings.max_pairs_per_guide``. ``texts``: how many it had to
    compare (distinct, and long enough); ``level`` is ``question`` for FAQ questions, which
    the item level compares apart."""

    level: str
    file: str
    texts: int


class SimilarPairs(NamedTuple):
    """What ``_Context._similar_pairs`` finds."""

    left: np.ndarray
    right: np.ndarray
    scores: np.ndarray
    crowded: list[tuple[str, int]]
    sketched: np.ndarray  # bool: the pair came scored with its guide's sketches


@dataclass(frozen=True)
class LevelResult:
    pairs: tuple[NearPair, ...]
    crowded: tuple[Crowded, ...] = ()


@dataclass(frozen=True)
class Approval:
    passage: ApprovedPassage
    occurrences: tuple[TextUnit, ...]


@dataclass(frozen=True)
class Analysis:
    paragraph_clusters: tuple[Cluster, ...]
    sentence_clusters: tuple[Cluster, ...]
    item_clusters: tuple[Cluster, ...]
    containments: tuple[Containment, ...]
    passages: tuple[Passage, ...]
    approvals: tuple[Approval, ...]
    near: dict[str, tuple[NearPair, ...]]
    crowded: tuple[Crowded, ...]
    repeated_words: dict[str, int]
    total_words: dict[str, int]
    # Units whose comparable words masking reduced: how many are left (others keep all).
    masked_words: dict[UnitId, int]

    def duplication_ratio(self, file: str) -> float:
        total = self.total_words.get(file, 0)
        return round(self.repeated_words.get(file, 0) / total, 4) if total else 0.0

    def library_ratio(self) -> float:
        total = sum(self.total_words.values())
        return round(sum(self.repeated_words.values()) / total, 4) if total else 0.0


PARAGRAPH_KINDS = frozenset({"paragraph", "quote"})
ITEM_KINDS = frozenset({"item", "title", "question"})


def analyze(
    guides: Sequence[GuideTexts],
    settings: Settings,
    sketches: Iterable[Sequence[Sketches]] = (),
) -> Analysis:
    """``guides`` is ``(file, units, sentences)`` per guide, in run order; ``sketches``, when
    given, hold each guide's band keys computed beforehand (other texts are sketched here).
    They are read once, and their keys released as soon as no level needs them."""
    units = [unit for _, guide_units, _ in guides for unit in guide_units]
    ctx = _Context(settings, guides)
    for index, ((_, guide_units, guide_sentences), guide_sketches) in enumerate(
        zip(guides, sketches, strict=False)
    ):
        for sketch in guide_sketches:
            ctx.add_sketch(sketch, index, guide_units, guide_sentences)

    approved_keys = {key: a for a in settings.approved for key in (*a.sentence_keys, a.key)}
    paragraphs = [u for u in units if u.kind in PARAGRAPH_KINDS]
    paragraph_clusters, approvals = ctx.clusters(
        (u for u in paragraphs if len(u.tokens) >= settings.paragraph_min_words), approved_keys
    )
    copies = {ctx.uid(c) for cluster in paragraph_clusters for c in cluster.copies}
    containments = ctx.containments(
        [u for u in paragraphs if ctx.uid(u) not in copies and ctx.uid(u) not in ctx.approved_units]
    )
    contained = {ctx.uid(c.short) for c in containments}

    # Sentences and items in one pool (clusters come out in document order either way). The
    # paragraphs left out are units of their own: no item is among them.
    left_out = copies | contained
    pool = [
        s for s in ctx.paragraph_sentences(left_out) if len(s.tokens) >= settings.sentence_min_words
    ]
    pool += (u for u in units if u.kind in ITEM_KINDS and len(u.tokens) >= settings.item_min_words)
    pooled, pool_approvals = ctx.clusters(pool, approved_keys)
    approvals = ctx.by_passage([*approvals, *pool_approvals])

    sentence_clusters: list[Cluster] = []
    item_clusters: list[Cluster] = []
    boilerplate: list[Cluster] = []
    for cluster in pooled:
        members = cluster.occurrences
        if all(m.kind == "sentence" for m in members):
            distinct = {ctx.uid(m) for m in members}
            if len(distinct) >= settings.boilerplate_min_units:
                boilerplate.append(cluster)
                continue
        if all(m.kind in ITEM_KINDS for m in members):
            item_clusters.append(cluster)
        else:
            sentence_clusters.append(cluster)
    passages = ctx.passages(boilerplate)

    masked = ctx.masked_tokens(units, boilerplate, item_clusters, approvals)
    near, crowded = ctx.near_duplicates(
        units, masked, left_out, boilerplate, sentence_clusters, approvals
    )

    total_words: dict[str, int] = defaultdict(int)
    for unit in units:
        total_words[unit.file] += unit.words
    repeated = ctx.repeated_words(
        units, paragraph_clusters, containments, sentence_clusters, item_clusters, boilerplate
    )
    return Analysis(
        paragraph_clusters=tuple(paragraph_clusters),
        sentence_clusters=tuple(sentence_clusters),
        item_clusters=tuple(item_clusters),
        containments=tuple(containments),
        passages=tuple(passages),
        approvals=tuple(sorted(approvals, key=lambda a: ctx.position(a.occurrences[0]))),
        near=near,
        crowded=crowded,
        repeated_words=dict(repeated),
        total_words=dict(total_words),
        masked_words={
            ctx.uid(unit): len(tokens)
            for unit, tokens in zip(units, masked, strict=True)
            if tokens is not unit.tokens
        },
    )


class _PairTables:
    """The pairs that one banding's sketches hold (see ``Sketches``), their rows placed among
    the sketches of the banding, added in guide order: an entry per sketch in columns, and
    once read, every entry's pairs in one array."""

    def __init__(self) -> None:
        self.guides, self.first_rows, self.rows, self.levels = (array("q") for _ in range(4))
        self._pieces: list[tuple[int, np.ndarray, np.ndarray]] = []
        self._columns: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def add(self, guide: int, first_row: int, sketch: Sketches) -> None:
        if sketch.pairs is not None and sketch.pair_scores is not None:
            self._pieces.append((len(self.guides), sketch.pairs, sketch.pair_scores))
        self.guides.append(guide)
        self.first_rows.append(first_row)
        self.rows.append(len(sketch.keys))
        self.levels.append(sketch.paired_levels)

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every pair held: the entry holding it, its ``(level, row, row)`` and its score."""
        if self._columns is None:
            pieces, self._pieces = self._pieces, []
            sizes = [len(pairs) for _, pairs, _ in pieces]
            self._columns = (
                np.repeat(np.array([entry for entry, _, _ in pieces], dtype=np.int64), sizes),
                np.concatenate([np.zeros((0, 3), np.int32), *(p for _, p, _ in pieces)]),
                np.concatenate([np.zeros(0), *(s for _, _, s in pieces)]),
            )
        return self._columns


class _Context:
    def __init__(self, settings: Settings, guides: Sequence[GuideTexts]) -> None:
        self.settings = settings
        # Per guide, not per unit: a library holds a million units and sentences, and keys
        # made of their file and pointer would cost more than the units' own tables.
        self.file_index = {file: index for index, (file, _, _) in enumerate(guides)}
        self.guide_units = [units for _, units, _ in guides]
        self.unit_indices = [
            {unit.pointer: index for index, unit in enumerate(units)} for units in self.guide_units
        ]
        # Per guide, its sentences in the order of their units, and where each unit's begin
        # (and, last, where they end): a dict of tuples per guide took 5 KB a guide.
        self.guide_sentences: list[Sequence[TextUnit]] = []
        self.sentence_starts: list[array[int]] = []
        for (_, units, sentences), indices in zip(guides, self.unit_indices, strict=True):
            owners = [indices.get(s.pointer, -1) for s in sentences]
            if any(a > b for a, b in itertools.pairwise(owners)) or -1 in owners:
                kept = sorted((o, k) for k, o in enumerate(owners) if o >= 0)
                sentences = tuple(sentences[k] for _, k in kept)
                owners = [o for o, _ in kept]
            counts = [0] * len(units)
            for owner in owners:
                counts[owner] += 1
            self.guide_sentences.append(sentences)
            self.sentence_starts.append(array("i", itertools.accumulate(counts, initial=0)))
        self.approved_units: set[UnitId] = set()
        # Per banding: each sketched text's row among the guides' key matrices, stacked.
        self.sketch_keys: dict[minhash.LshParams, list[np.ndarray]] = defaultdict(list)
        self.sketch_count: dict[minhash.LshParams, int] = {}
        # Units' and sentences' rows by the identity of their token tuple, which the levels
        # compare as they are: a million dict keys would cost more than the keys themselves.
        # Part texts are made afresh by each level, so their rows are kept by guide and level.
        self.sketch_ids: dict[minhash.LshParams, list[tuple[np.ndarray, int]]] = defaultdict(list)
        self.sketch_id_index: dict[minhash.LshParams, tuple[np.ndarray, np.ndarray]] = {}
        self.part_rows: dict[tuple[str, str], tuple[int, tuple[int, ...]]] = {}
        # Per banding: the pairs the guides' sketches hold.
        self.sketch_pairs: dict[minhash.LshParams, _PairTables] = defaultdict(_PairTables)

    def add_sketch(
        self,
        sketch: Sketches,
        guide: int,
        units: Sequence[TextUnit],
        sentences: Sequence[TextUnit],
    ) -> None:
        params = sketch.params
        offset = self.sketch_count.get(params, 0)
        self.sketch_keys[params].append(sketch.keys)
        self.sketch_count[params] = offset + len(sketch.keys)
        if sketch.paired_levels:
            self.sketch_pairs[params].add(guide, offset, sketch)
        if sketch.part_rows:
            file = units[0].file if units else ""
            for level, rows in sketch.part_rows:
                self.part_rows[(file, level)] = (offset, rows)
        else:
            texts = sketch.texts_in(units, sentences)
            ids = np.fromiter(map(id, texts), np.uint64, len(sketch.keys))
            self.sketch_ids[params].append((ids, offset))

    def release_sketches(self, params: minhash.LshParams | None = None) -> None:
        """Forget the band key tables of one banding, or of all (texts sketched later are
        sketched afresh)."""
        if params is None or params == self.settings.lsh:
            self.part_rows.clear()
        for table in (
            self.sketch_keys,
            self.sketch_count,
            self.sketch_ids,
            self.sketch_id_index,
            self.sketch_pairs,
        ):
            if params is None:
                table.clear()
            else:
                table.pop(params, None)

    @staticmethod
    def uid(unit: TextUnit) -> UnitId:
        return (unit.file, unit.pointer)

    def _place(self, uid: UnitId) -> tuple[int, int] | None:
        """The unit's guide and its index there, or None for no unit of the run."""
        file_index = self.file_index.get(uid[0])
        index = None if file_index is None else self.unit_indices[file_index].get(uid[1])
        return None if index is None else (file_index, index)

    def sentences_of(self, uid: UnitId) -> Sequence[TextUnit]:
        place = self._place(uid)
        if place is None:
            return ()
        file_index, index = place
        starts = self.sentence_starts[file_index]
        return self.guide_sentences[file_index][starts[index] : starts[index + 1]]

    def paragraph_sentences(self, left_out: set[UnitId]) -> Iterator[TextUnit]:
        """The sentences of every paragraph but those ``left_out``, in run order: guide by
        guide, without looking each of a library's paragraphs up by file and pointer."""
        skipped: dict[int, set[int]] = defaultdict(set)
        for place in filter(None, map(self._place, left_out)):
            skipped[place[0]].add(place[1])
        for file_index, units in enumerate(self.guide_units):
            sentences = self.guide_sentences[file_index]
            starts = self.sentence_starts[file_index]
            skip = skipped.get(file_index, ())
            for index, unit in enumerate(units):
                if unit.kind in PARAGRAPH_KINDS and index not in skip:
                    yield from sentences[starts[index] : starts[index + 1]]

    def order_of(self, uid: UnitId) -> tuple[int, int]:
        """The unit's guide, in run order, and its place among the guide's units."""
        file_index = self.file_index[uid[0]]
        return file_index, self.unit_indices[file_index][uid[1]]

    def position(self, unit: TextUnit) -> tuple:
        return (*self.order_of(self.uid(unit)), unit.span.start if unit.span else -1)

    # -- exact layers -----------------------------------------------------------------

    def clusters(
        self, units: Iterable[TextUnit], approved: dict[str, ApprovedPassage]
    ) -> tuple[list[Cluster], list[Approval]]:
        # Nearly every text is held once. Only the others can form a cluster (an approved
        # passage is reported even once); and a list for each would double the tables' size.
        if not approved:
            listed = list(units)
            units = itertools.compress(listed, _repeated_tokens(listed))
        first: dict[tuple[str, ...], TextUnit] = {}
        more: dict[tuple[str, ...], list[TextUnit]] = {}
        for unit in units:
            holder = first.setdefault(unit.tokens, unit)
            if holder is not unit:
                more.setdefault(unit.tokens, [holder]).append(unit)
        clusters: list[Cluster] = []
        approvals: list[Approval] = []
        for tokens, holder in first.items():
            members = more.get(tokens)
            if members is None:
                if not approved:
                    continue
                members = [holder]
            key = text_hash(tokens)
            members.sort(key=self.position)
            if key in approved:
                approvals.append(Approval(approved[key], tuple(members)))
                self.approved_units.update(self.uid(m) for m in members if m.span is None)
            elif len(members) > 1:
                clusters.append(Cluster(key, tuple(members)))
        clusters.sort(key=lambda c: self.position(c.first))
        return clusters, approvals

    def by_passage(self, approvals: Iterable[Approval]) -> list[Approval]:
        """One approval per approved passage, whichever of its texts were met."""
        met: dict[ApprovedPassage, list[TextUnit]] = defaultdict(list)
        for approval in approvals:
            met[approval.passage] += approval.occurrences
        merged = []
        for passage, found in met.items():
            # An approved paragraph's own sentences are approved too: it is listed once.
            whole = {self.uid(u) for u in found if u.span is None}
            listed = (u for u in found if u.span is None or self.uid(u) not in whole)
            merged.append(Approval(passage, tuple(sorted(listed, key=self.position))))
        return sorted(merged, key=lambda a: self.position(a.occurrences[0]))

    def containments(self, paragraphs: list[TextUnit]) -> list[Containment]:
        """Paragraphs (given in run order) whose whole text stands inside a longer one.

        Candidates share the short paragraph's first sentence; the check is on normalized
        tokens, so whitespace, case and punctuation differences do not matter. The first
        longer paragraph in run order holding it is reported.
        """
        own = [self.sentences_of(self.uid(p)) for p in paragraphs]
        sentences = list(itertools.chain.from_iterable(own))
        owners = np.repeat(np.arange(len(paragraphs)), [len(o) for o in own])
        # Only a sentence that another paragraph holds too can link two paragraphs.
        repeated = _repeated_tokens(sentences)
        by_sentence: dict[tuple[str, ...], list[TextUnit]] = defaultdict(list)
        for k in np.flatnonzero(repeated).tolist():
            by_sentence[sentences[k].tokens].append(paragraphs[owners[k]])
        found: list[Containment] = []
        for short, first in zip(paragraphs, own, strict=True):
            if len(short.tokens) < self.settings.containment_min_words or not first:
                continue
            longer = [
                long
                for long in by_sentence.get(first[0].tokens, ())
                if len(long.tokens) > len(short.tokens)
            ]
            if not longer:
                continue
            needle = f" {tokens_key(short.tokens)} "
            for long in longer:
                if needle in f" {tokens_key(long.tokens)} ":
                    found.append(Containment(short, long, self._span_in(short, long)))
                    break
        return found

    def _span_in(self, short: TextUnit, long: TextUnit) -> Span | None:
        short_sentences = self.sentences_of(self.uid(short))
        long_sentences = self.sentences_of(self.uid(long))
        keys = [s.tokens for s in short_sentences]
        for i in range(len(long_sentences) - len(keys) + 1):
            window = long_sentences[i : i + len(keys)]
            if [s.tokens for s in window[:-1]] == keys[:-1] and _starts_with(
                window[-1].tokens, keys[-1]
            ):
                return Span(window[0].span.start, window[-1].span.end)
        return None

    def passages(self, boilerplate: list[Cluster]) -> list[Passage]:
        """Group boilerplate sentences found in exactly the same units into one passage."""
        by_units: dict[tuple[UnitId, ...], list[Cluster]] = defaultdict(list)
        for cluster in boilerplate:
            units = tuple(sorted({self.uid(m) for m in cluster.occurrences}, key=self.order_of))
            by_units[units].append(cluster)
        passages = []
        for units, clusters in by_units.items():
            clusters.sort(key=lambda c: self.position(c.first))
            occurrences = sorted((m for c in clusters for m in c.occurrences), key=self.position)
            passages.append(
                Passage(
                    keys=tuple(c.key for c in clusters),
                    sentences=tuple(c.first.text for c in clusters),
                    occurrences=tuple(occurrences),
                    units=units,
                    repeats=tuple(len(c.occurrences) for c in clusters),
                )
            )
        passages.sort(key=lambda p: self.position(p.occurrences[0]))
        return passages

    # -- masking ----------------------------------------------------------------------

    def masked_tokens(
        self,
        units: list[TextUnit],
        boilerplate: list[Cluster],
        item_clusters: list[Cluster],
        approvals: list[Approval],
    ) -> list[tuple[str, ...]]:
        """Each unit's tokens without boilerplate, approved passages and filler items, in the
        order of ``units``: the unit's own tuple when nothing is masked."""
        masked_sentences = _identities((*boilerplate, *approvals))
        masked_files = _files_of((*boilerplate, *approvals))
        # An action item pasted into many steps is filler; a repeated title is not (it names
        # the part, and a step copied whole must still be recognised as the same step).
        filler_items = {
            self.uid(m)
            for cluster in item_clusters
            if len({self.uid(m) for m in cluster.occurrences})
            >= self.settings.boilerplate_min_units
            for m in cluster.occurrences
            if m.kind == "item"
        }
        emptied = filler_items | self.approved_units
        out: list[tuple[str, ...]] = []
        for unit in units:
            if emptied and (unit.file, unit.pointer) in emptied:
                out.append(())
            elif unit.kind in PARAGRAPH_KINDS:
                out.append(self._tokens_without(unit, masked_sentences, masked_files))
            else:
                out.append(unit.tokens)
        return out

    def _tokens_without(
        self, paragraph: TextUnit, sentences: set[int], files: set[str]
    ) -> tuple[str, ...]:
        """The paragraph's tokens without those of ``sentences`` (identities), which are in
        ``files``: its own tuple when none of them is in it, as in most of a library's
        hundreds of thousands (a paragraph's tokens may hold more than its sentences':
        "™" is no sentence, but reads "tm")."""
        if paragraph.file not in files:
            return paragraph.tokens
        own = self.sentences_of(self.uid(paragraph))
        if not any(id(s) in sentences for s in own):
            return paragraph.tokens
        kept = [s.tokens for s in own if id(s) not in sentences]
        tokens = tuple(itertools.chain.from_iterable(kept))
        return paragraph.tokens if tokens == paragraph.tokens else tokens

    # -- near-duplicates --------------------------------------------------------------

    def near_duplicates(
        self,
        units: list[TextUnit],
        masked: list[tuple[str, ...]],
        copies: set[UnitId],
        boilerplate: list[Cluster],
        sentence_clusters: Sequence[Cluster] = (),
        approvals: Sequence[Approval] = (),
    ) -> tuple[dict[str, tuple[NearPair, ...]], tuple[Crowded, ...]]:
        """Near-duplicate pairs by level, and the guides whose texts of a level were not
        compared with one another. ``copies``: the paragraphs already reported as copies
        or as contained in another, which are not compared again."""
        levels = self.settings.near

        tasks: dict[str, Callable[[], LevelResult]] = {}
        # The units of each collection, by index: a library's steps hold hundreds of
        # thousands, and testing every unit against each collection's prefix made 6.7 million
        # calls at 10,000 guides.
        in_collection: dict[str, array[int]] = defaultdict(lambda: array("i"))
        if COMPOSITE_LEVELS & levels.keys():
            for k, unit in enumerate(units):
                collection = _collection_of(unit.pointer)
                if collection:
                    in_collection[collection].append(k)
        for level, collection, parts in COMPOSITES:
            if level in levels:
                indices = in_collection[collection]
                tasks[level] = functools.partial(
                    self._near_composites,
                    level,
                    parts,
                    lambda indices=indices: ((units[k], masked[k]) for k in indices),
                )
        # Each level gathers its own texts: in a forked process when there are two jobs.
        if "paragraph" in levels:

            def near_paragraphs() -> LevelResult:
                entries = (
                    (u, tokens)
                    for u, tokens in zip(units, masked, strict=True)
                    if u.kind in PARAGRAPH_KINDS and self.uid(u) not in copies
                )
                return self._near_level("paragraph", entries, "paragraph")

            tasks["paragraph"] = near_paragraphs
        if "passage" in levels:

            def reused_passages() -> LevelResult:
                # Sentences already reported word for word (and boilerplate) are left out:
                # what remains shared is reworded reuse.
                reported_groups = (*boilerplate, *sentence_clusters, *approvals)
                reported = _identities(reported_groups)
                reported_files = _files_of(reported_groups)
                left_out = copies | self.approved_units
                entries = (
                    (u, self._tokens_without(u, reported, reported_files))
                    for u in units
                    if u.kind in PARAGRAPH_KINDS and (u.file, u.pointer) not in left_out
                )
                return LevelResult(tuple(self._reused_passages(entries)))

            tasks["passage"] = reused_passages
        if "item" in levels:

            def near_items() -> LevelResult:
                # Questions are compared with questions only: "How to repot a plant" (a
                # title) and "How often should I repot a plant?" share words but not
                # meaning. Titles are compared as part of their steps: short headings of one
                # template ("Clean the oven", "Clean the sink") look alike without saying the
                # same thing.
                items = [u for u in units if u.kind in ("item", "question")]
                questions = ((u, u.tokens) for u in items if u.kind == "question")
                others = ((u, u.tokens) for u in items if u.kind != "question")
                others_result = self._near_level("item", others, "item")
                questions_result = self._near_level("item", questions, "question")
                pairs = sorted(
                    (
                        p
                        for r in (others_result, questions_result)
                        for p in r.pairs
                        if not _restates_own_title(p)
                    ),
                    key=lambda p: (p.second.order, p.first.order),
                )
                crowded = (
                    *others_result.crowded,
                    *(replace(c, level="question") for c in questions_result.crowded),
                )
                return LevelResult(tuple(pairs), crowded)

            tasks["item"] = near_items
        if "sentence" in levels:

            def near_sentences() -> LevelResult:
                boiler = _identities(boilerplate)
                entries = (
                    (s, s.tokens) for s in self.paragraph_sentences(copies) if id(s) not in boiler
                )
                return self._near_level("sentence", entries, "sentence")

            tasks["sentence"] = near_sentences
        if PARALLEL_MIN_UNITS <= len(units) <= PARALLEL_MAX_UNITS and self.settings.jobs > 1:
            # Longest first, so two processes finish at about the same time.
            tasks = {name: tasks[name] for name in sorted(tasks, key=_LEVEL_COST.index)}
            raw = run_tasks(tasks, self.settings.jobs)
        else:
            # Each banding's key tables are dropped once the levels using them are done, so
            # that they and a later level's large arrays are never held together: sentences
            # first (they have their own banding), passages last (they look up no keys).
            # Each level's freed memory is given back before the next one runs: the process
            # would otherwise hold every level's peak to the end (see contentqa.memory).
            raw = {}
            sentences = tasks.pop("sentence", None)
            passages = tasks.pop("passage", None)
            give_back_freed_memory()
            if sentences is not None:
                raw["sentence"] = sentences()
                if self.settings.sentence_lsh != self.settings.lsh:
                    self.release_sketches(self.settings.sentence_lsh)
                give_back_freed_memory()
            for name, task in tasks.items():
                raw[name] = task()
                give_back_freed_memory()
            self.release_sketches()
            give_back_freed_memory()
            if passages is not None:
                raw["passage"] = passages()

        # Coarse levels first: a paragraph, item or sentence pair inside a pair of steps
        # says nothing new (the step finding names its similar items). A level's pairs within
        # one guide stand for the pairs inside them even where its rule leaves them out
        # (``within_guide``): they are the same repeats, and options of one rule should not
        # bring out findings of another.
        out: dict[str, tuple[NearPair, ...]] = {}
        crowded = sorted(
            (c for result in raw.values() for c in result.crowded),
            key=lambda c: (self.file_index[c.file], CROWDED_LEVELS.index(c.level)),
        )
        # A crowded guide's steps (say) were not compared with one another: pairs of their
        # items, paragraphs and sentences would list the template's repeats one by one.
        templated = {(c.file, COLLECTIONS[c.level]) for c in crowded if c.level in COLLECTIONS}
        explained: set[frozenset[UnitId]] = set()
        # Passage reuse last: a near-duplicate sentence names the reused text more precisely.
        for level in (*(c[0] for c in COMPOSITES), "paragraph", "item", "sentence", "passage"):
            if level not in raw:
                continue
            kept = tuple(
                p
                for p in raw[level].pairs
                if level in COMPOSITE_LEVELS
                or (
                    not _within_templated(p, templated)
                    and _pair_key(p, part_of) not in explained
                    and _pair_key(p) not in explained
                    and (
                        level != "sentence"
                        or (p.first.file, p.first.pointer) != (p.second.file, p.second.pointer)
                    )
                )
            )
            if level != "item":
                explained.update(_pair_key(p) for p in kept)
            out[level] = (
                kept
                if levels[level].within_guide
                else tuple(p for p in kept if p.first.file != p.second.file)
            )
        # Guides crowded at a level reported across guides only are no news to its rule.
        crowded = [c for c in crowded if levels[_LEVEL_OF_CROWDED[c.level]].within_guide]
        return out, tuple(crowded)

    def _similar_pairs(
        self,
        seqs: Sequence[Sequence[str]],
        by_file: Iterable[tuple[str, Sequence[int]]],
        scorer: str,
        cutoff: float,
        params: minhash.LshParams,
        sketch_rows: np.ndarray | None = None,
        paired_level: str = "",
    ) -> SimilarPairs:
        """Index pairs ``i < j`` scoring at least ``cutoff``, sorted, as arrays (``i``, ``j``
        and the score): a large level finds hundreds of thousands; the files whose texts were
        not compared with one another, with their number of texts; and which pairs came
        scored with the guides' sketches (for composite parts, their final scores).

        Every pair is scored when the pool is small. Otherwise every pair within one guide (so
        within-guide results never depend on the library's size), one guide at a time in rapidfuzz's
        ``cdist``, and across guides the pairs that MinHash LSH proposes (``minhash.ENGINE_LSH``,
        ``minhash.SENTENCE_LSH``); its recall is measured by ``benchmarks/run.py``. ``by_file``
        holds, per file, the indices of the texts it holds, in increasing order; ``sketch_rows``,
        the row of each text's band keys among the sketches, if known (-1 where not).
        ``paired_level``: the level of ``SKETCHED_LEVELS`` these texts are, whose pairs within a
        guide come scored with its sketches where the guide's texts are all sketched ones.

        A guide whose texts hold more than ``max_pairs_per_guide`` similar pairs among them
        (a template filled in a thousand times) is crowded: their number, and the time and
        memory they take, grow with the square of the guide's length. Pairs of texts only
        that guide holds are not kept (see ``_kept_apart``).
        """
        n = len(seqs)
        limit = self.settings.max_pairs_per_guide
        groups = _FileGroups(by_file)
        small = n <= self.settings.all_pairs_limit
        rows_known = None if small else self._sketch_rows(seqs, params, sketch_rows)
        # Candidates before strings: a level's band keys and its strings are each about a
        # tenth of the library stage's memory, and need not be held together.
        across = (
            None if small else minhash.pairs_from_keys(self._band_keys(seqs, params, rows_known))
        )
        # Joined where scored: most of a large level's texts are in no candidate pair, and
        # guides' pairs among their own texts mostly come scored with their sketches.
        strings = _JoinedTexts(seqs)
        found: list[tuple[np.ndarray, np.ndarray]] = []  # (pairs, scores), later ones win
        from_sketches: list[bool] = []  # which of ``found`` came with the sketches
        crowded: list[int] = []
        if small:
            everything = _pairs_within(scorer, strings.of(range(n)), cutoff, 0)
            assert everything is not None  # no limit
            rows, cols, scores = everything
            found.append((np.stack([rows, cols], axis=1), scores))
            from_sketches.append(False)
            for group in range(len(groups.files)):
                members = groups.members(group)
                inside = np.isin(rows, members) & np.isin(cols, members)
                if limit and np.count_nonzero(inside) > limit:
                    crowded.append(group)
        else:
            taken, sketched, crowded = self._sketched_within(
                paired_level, params, rows_known, groups, limit
            )
            found.append(sketched)
            from_sketches.append(True)
            for group in np.flatnonzero(~taken & (groups.sizes >= 2)).tolist():
                members = groups.members(group)
                within = _pairs_within(scorer, strings.of(members.tolist()), cutoff, limit)
                if within is None:
                    crowded.append(group)
                    continue
                rows, cols, scores = within
                # Members increase, so each pair comes out as (lower, higher) index.
                found.append((np.stack([members[rows], members[cols]], axis=1), scores))
                from_sketches.append(False)
            crowded.sort()
        if crowded:
            kept = _kept_apart(n, groups, crowded)
            found = [(pairs[k], scores[k]) for pairs, scores in found for k in [kept(pairs)]]
            if across is not None:
                across = across[kept(across)]
        if across is not None:
            strings.of(minhash.sorted_unique(across.ravel()).tolist())
            scored = list(_score_candidates(scorer, strings.texts, across, cutoff))
            found[:0] = scored  # first, so that a guide's own scores win
            from_sketches[:0] = [False] * len(scored)
        left, right, scores, source = _sorted_pairs(found, n)
        return SimilarPairs(
            left,
            right,
            scores,
            [(groups.files[group], int(groups.sizes[group])) for group in crowded],
            np.array(from_sketches, dtype=bool)[source],
        )

    def _sketch_rows(
        self, seqs: Sequence[Sequence[str]], params: minhash.LshParams, rows: np.ndarray | None
    ) -> np.ndarray | None:
        """Each text's row among the sketches of ``params`` (-1 where not sketched): ``rows``
        if given, else looked up by identity; None without sketches."""
        if not self.sketch_count.get(params):
            return None
        if rows is not None:
            return rows
        rows = np.full(len(seqs), -1, dtype=np.int64)
        ids, id_rows = self._id_index(params)
        if len(ids):
            wanted = np.fromiter(map(id, seqs), np.uint64, len(seqs))
            at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
            # The empty tuple is one object, whoever holds it (an item of no words, a
            # paragraph masked to nothing): its identity names no text of its own.
            found = (ids[at] == wanted) & (wanted != id(()))
            rows[found] = id_rows[at[found]]
        return rows

    def _sketched_within(
        self,
        level: str,
        params: minhash.LshParams,
        rows: np.ndarray | None,
        groups: _FileGroups,
        limit: int,
    ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], list[int]]:
        """The similar pairs within each guide of ``groups`` whose texts of ``level`` are all
        among its own sketched ones, as its sketches scored them (text index pairs and
        scores); which groups those are; and which of them hold more than ``limit`` (their
        pairs left out). The others' texts (changed by masking, or first held by another
        guide) are compared by the caller. All guides at once: a library has ten thousand."""
        count = len(groups.files)
        taken = np.zeros(count, dtype=bool)
        none = (np.zeros((0, 2), dtype=np.int64), np.zeros(0))
        tables = self.sketch_pairs.get(params) if level and rows is not None else None
        if tables is None or not count:
            return taken, none, []
        assert rows is not None
        code = SKETCHED_LEVELS.index(level)
        guides, first_rows, sizes, levels = (
            np.array(column, dtype=np.int64)
            for column in (tables.guides, tables.first_rows, tables.rows, tables.levels)
        )
        # Each guide's first sketch that scored the level, as they were added.
        entries = np.flatnonzero((levels >> code) & 1)
        if not len(entries):
            return taken, none, []
        entry_guides, first = np.unique(guides[entries], return_index=True)
        entries = entries[first]
        group_guides = np.fromiter(map(self.file_index.__getitem__, groups.files), np.int64, count)
        at = np.minimum(np.searchsorted(entry_guides, group_guides), len(entries) - 1)
        entry_of_group = np.where(entry_guides[at] == group_guides, entries[at], -1)
        low = np.where(entry_of_group >= 0, first_rows[entry_of_group], 0)
        high = np.where(entry_of_group >= 0, low + sizes[entry_of_group], 0)
        owner = np.repeat(np.arange(count), groups.sizes)
        member_rows = rows[groups.flat]
        inside = (member_rows >= low[owner]) & (member_rows < high[owner])
        taken = np.logical_and.reduceat(inside, groups.bounds[:-1]) & (groups.sizes >= 2)
        group_of_entry = np.full(len(guides), -1, dtype=np.int64)
        group_of_entry[entry_of_group[taken]] = np.flatnonzero(taken)
        # Each sketched row's text, for the taken groups' members (a million rows at most
        # at the sentence level, the library stage's peak of memory: 4 bytes each).
        text_of_row = np.full(self.sketch_count[params], -1, dtype=np.int32)
        chosen = taken[owner]
        text_of_row[member_rows[chosen]] = groups.flat[chosen]
        entries, pairs, scores = tables.columns()
        owners = group_of_entry[entries]
        wanted = (pairs[:, 0] == code) & (owners >= 0)
        starts, pairs = first_rows[entries[wanted]], pairs[wanted]
        left = text_of_row[starts + pairs[:, 1]]
        right = text_of_row[starts + pairs[:, 2]]
        kept = (left >= 0) & (right >= 0)
        owners, left, right = owners[wanted][kept], left[kept], right[kept]
        scores = scores[wanted][kept]
        crowded: list[int] = []
        if limit:
            over = np.bincount(owners, minlength=count) > limit
            crowded = np.flatnonzero(over).tolist()
            if crowded:
                kept = ~over[owners]
                left, right, scores = left[kept], right[kept], scores[kept]
        pairs = np.stack([np.minimum(left, right), np.maximum(left, right)], axis=1)
        return taken, (pairs, scores), crowded

    def _band_keys(
        self, seqs: Sequence[Sequence[str]], params: minhash.LshParams, rows: np.ndarray | None
    ) -> np.ndarray:
        """LSH band keys of ``seqs``: their sketches' ``rows`` (-1 where not sketched, None
        without sketches); computed where not found."""
        if rows is None:
            return minhash.band_keys(seqs, params)
        known = rows >= 0
        out = np.empty((len(seqs), params.width), dtype=np.uint32)
        _gather_rows(self.sketch_keys[params], rows, np.flatnonzero(known), out)
        missing = np.flatnonzero(~known).tolist()
        if missing:
            fresh = [seqs[k] for k in missing]
            out[missing] = minhash.band_keys(fresh, params)
        return out

    def _id_index(self, params: minhash.LshParams) -> tuple[np.ndarray, np.ndarray]:
        """The sketched token tuples' identities, sorted, and each one's row."""
        if params not in self.sketch_id_index:
            pieces = self.sketch_ids.get(params, [])
            ids = np.concatenate([i for i, _ in pieces]) if pieces else np.zeros(0, np.uint64)
            rows = np.concatenate(
                [np.arange(o, o + len(i), dtype=np.int64) for i, o in pieces] or [ids[:0]]
            ).astype(np.int64)
            order = np.argsort(ids, kind="stable")
            self.sketch_id_index[params] = (ids[order], rows[order])
        return self.sketch_id_index[params]

    def _near_level(
        self, level: str, entries: Iterable[tuple[TextUnit, Sequence[str]]], paired_level: str
    ) -> LevelResult:
        """Near-duplicate pairs among ``entries`` (holder, tokens), read once: a generator
        spares the level a list of a million pairs. ``paired_level``: which of the pairs
        scored with the guides' sketches these are (questions are compared with the item
        level's settings)."""
        setting = self.settings.near[level]
        distinct = _Distinct(entries, setting.min_words)
        texts = distinct.texts
        pairs: list[NearPair] = []
        left, right, scores, crowded, _ = self._similar_pairs(
            texts,
            distinct.by_file(),
            setting.scorer,
            setting.threshold,
            self.settings.sentence_lsh if level == "sentence" else self.settings.lsh,
            paired_level=paired_level,
        )
        apart = frozenset(file for file, _ in crowded)
        sides = functools.cache(
            lambda i: _sides(texts[i]) if len(texts[i]) <= _SIDED else frozenset()
        )
        numbers = functools.cache(lambda i: _numbers(texts[i]))  # a text is in many pairs
        for i, j, score in zip(left.tolist(), right.tolist(), scores.tolist(), strict=True):
            if numbers(i).disagree(numbers(j)) or _opposed(sides(i), sides(j)):
                continue
            pairs += self._pairs_between(
                level, distinct.members(i), distinct.members(j), score, apart
            )
        return LevelResult(
            tuple(sorted(pairs, key=lambda p: (p.second.order, p.first.order))),
            tuple(Crowded(level, file, texts) for file, texts in crowded),
        )

    def _pairs_between(
        self,
        level: str,
        left: list[TextUnit],
        right: list[TextUnit],
        score: float,
        apart: frozenset[str] = frozenset(),
    ) -> Iterator[NearPair]:
        """A pair for every holder of one text and every holder of the other, first in
        document order first, except two holders in one of the files ``apart`` (crowded
        guides). Anchors are made here, for the few texts that pair up."""
        for a in map(self.anchor, left):
            for b in map(self.anchor, right):
                if a.file == b.file and a.file in apart:
                    continue
                first, second = sorted((a, b), key=lambda x: x.order)
                yield NearPair(level, first, second, score)

    def anchor(self, unit: TextUnit) -> Anchor:
        return Anchor(unit.file, unit.pointer, unit.text, unit.span, self.position(unit))

    def _reused_passages(self, entries: Iterable[tuple[TextUnit, Sequence[str]]]) -> list[NearPair]:
        """Paragraph pairs where one reuses a large share of the other's 3-word runs: a
        passage copied into a longer text, or copied and lightly revised, which whole-text
        scores miss when the lengths differ. Score: shared runs over the shorter text's.

        Every pair is found, with no blocking: a run held by fewer than ``PHRASE_MIN_TEXTS``
        texts (more make it a stock phrase) links only a handful of pairs, so shared runs
        are counted per pair from the runs' owners.
        """
        setting = self.settings.near["passage"]
        distinct = _Distinct(entries, setting.min_words)
        texts = distinct.texts
        sizes, left, right, shared = _shared_rare_runs(texts)
        scores = shared / np.minimum(sizes[left], sizes[right])
        keep = (shared >= max(1, setting.min_shared)) & (scores >= setting.threshold)
        pairs: list[NearPair] = []
        for i, j, score in zip(
            left[keep].tolist(), right[keep].tolist(), scores[keep].tolist(), strict=True
        ):
            pairs += self._pairs_between("passage", distinct.members(i), distinct.members(j), score)
        return sorted(pairs, key=lambda p: (p.second.order, p.first.order))

    def _near_composites(
        self,
        level: str,
        parts: tuple[tuple[str, str, float], ...],
        mine: Callable[[], Iterator[tuple[TextUnit, tuple[str, ...]]]],
    ) -> LevelResult:
        """Near-duplicate parts of one collection, whose units ``mine()`` gives with the
        tokens to compare."""
        setting = self.settings.near[level]
        scorer = get_scorer(setting.scorer)
        labels: dict[UnitId, str] = {}
        item_texts: dict[UnitId, list[str]] = defaultdict(list)
        first_units: dict[UnitId, UnitId] = {}
        masked_parts: set[UnitId] = set()

        def noted() -> Iterator[tuple[TextUnit, tuple[str, ...]]]:
            # What the findings name, gathered as the units pass: one pass over them.
            for unit, tokens in mine():
                part, field_name = _part_and_field(unit.pointer)
                part_id = (unit.file, part)
                if part_id not in first_units:
                    first_units[part_id] = (unit.file, unit.pointer)
                if tokens is not unit.tokens:
                    masked_parts.add(part_id)
                if field_name == "action_items" and tokens:
                    item_texts[part_id].append(unit.text)
                if field_name in LABEL_FIELDS:
                    labels[part_id] = unit.text
                yield unit, tokens

        composites = composite_fields(noted())
        # In run order, as ``mine`` is: the parts as first met, those of one file together.
        ids = list(composites)
        by_file = {
            file: [k for k, _ in group]
            for file, group in itertools.groupby(enumerate(ids), key=lambda e: e[1][0])
        }
        pairs: list[NearPair] = []
        # A cheap first pass on the whole text of each part: pairs far below the threshold
        # there are not scored part by part. Pairs within a guide whose parts masking left
        # as they were come with their final scores, from where the guide was checked.
        found = self._similar_pairs(
            _WholeTexts(composites, ids),
            by_file.items(),
            setting.scorer,
            setting.threshold - COMPOSITE_PREFILTER_MARGIN,
            self.settings.lsh,
            self._part_sketch_rows(level, ids, by_file, masked_parts),
            paired_level=level,
        )
        crowded_parts = tuple(Crowded(level, file, texts) for file, texts in found.crowded)
        fields = [composites[i] for i in ids]
        # Part scores of every pair: those scored here now, the others' (taken with their
        # final score) only for the pairs kept, whose findings name the parts that match.
        by_part = [np.full(len(found.left), np.nan) for _ in parts]
        total = found.scores.copy()

        def score_parts(at: np.ndarray) -> None:
            scored = _part_scores(fields, parts, setting.scorer, found.left[at], found.right[at])
            for scores, part in zip(by_part, scored, strict=True):
                scores[at] = part

        rough = np.flatnonzero(~found.sketched)
        score_parts(rough)
        total[rough] = composite_scores([scores[rough] for scores in by_part], parts)
        keep = np.flatnonzero(total >= setting.threshold)
        score_parts(keep[found.sketched[keep]])
        left, right, total = found.left[keep], found.right[keep], total[keep]
        part_scores = [scores[keep] for scores in by_part]
        # A templated guide's steps can pair up by the hundred thousand.
        numbers = functools.cache(
            lambda i: _composite_numbers(composites[ids[i]], labels.get(ids[i], ""))
        )
        sides = functools.cache(
            lambda i: _sides(
                t
                for field, texts in composites[ids[i]].items()
                if field in ("title", "question", "action_items")
                for x in texts
                if len(x) <= _SIDED
                for t in x
            )
        )
        for k in range(len(left)):
            i, j = int(left[k]), int(right[k])
            if numbers(i).disagree(numbers(j)) or _opposed(sides(i), sides(j)):
                continue
            a, b = composites[ids[i]], composites[ids[j]]
            first, second = (
                Anchor(uid[0], uid[1], labels.get(uid, ""), None, self.order_of(first_units[uid]))
                for uid in (ids[i], ids[j])
            )
            scored = tuple(
                (label, float(scores[k]))
                for (label, _, _), scores in zip(parts, part_scores, strict=True)
                if not np.isnan(scores[k])
            )
            if not _matches_beyond_label(scored, parts):
                continue
            examples = _closest_items(a, b, item_texts[ids[i]], item_texts[ids[j]], scorer)
            pairs.append(NearPair(level, first, second, float(total[k]), scored, examples))
        pairs.sort(key=lambda p: (p.second.order, p.first.order))
        return LevelResult(tuple(pairs), crowded_parts)

    def _part_sketch_rows(
        self,
        level: str,
        ids: Sequence[UnitId],
        by_file: dict[str, list[int]],
        masked_parts: set[UnitId],
    ) -> np.ndarray | None:
        """The sketch row of each part of ``ids`` whose text masking left as it was, else -1:
        a guide's parts of one level come in the order they were sketched in."""
        if not self.part_rows:
            return None
        rows = np.full(len(ids), -1, dtype=np.int64)
        for file, members in by_file.items():
            offset, part_rows = self.part_rows.get((file, level), (0, ()))
            if len(part_rows) != len(members):
                continue
            for k, row in zip(members, part_rows, strict=True):
                if row >= 0 and ids[k] not in masked_parts:
                    rows[k] = offset + row
        return rows

    # -- duplication ratio ------------------------------------------------------------

    def repeated_words(
        self,
        units: list[TextUnit],
        paragraph_clusters: list[Cluster],
        containments: list[Containment],
        sentence_clusters: list[Cluster],
        item_clusters: list[Cluster],
        boilerplate: list[Cluster],
    ) -> dict[str, int]:
        """Words of every repeated copy (first occurrences excluded), counted once each."""
        spans: dict[UnitId, list[tuple[int, int]]] = defaultdict(list)

        def whole(unit: TextUnit) -> None:
            spans[self.uid(unit)].append((0, len(unit.text)))

        for cluster in paragraph_clusters:
            for copy in cluster.copies:
                whole(copy)
        for containment in containments:
            whole(containment.short)
        for cluster in (*sentence_clusters, *item_clusters, *boilerplate):
            for copy in cluster.copies:
                if copy.span is None:
                    whole(copy)
                else:
                    spans[self.uid(copy)].append((copy.span.start, copy.span.end))
        repeated: dict[str, int] = defaultdict(int)
        for uid, ranges in spans.items():
            file_index, index = self.order_of(uid)
            text = self.guide_units[file_index][index].text
            repeated[uid[0]] += sum(count_words(text[s:e]) for s, e in _merge(ranges))
        return repeated


def composite_fields(
    entries: Iterable[tuple[TextUnit, Sequence[str]]],
) -> dict[UnitId, dict[str, list[tuple[str, ...]]]]:
    """The parts the units of one collection (``steps``...) belong to, given with the tokens
    to compare: per part, its fields' token sequences (empty ones left out) in document
    order."""
    out: dict[UnitId, dict[str, list[tuple[str, ...]]]] = {}
    for unit, tokens in entries:
        part, field_name = _part_and_field(unit.pointer)
        part_id = (unit.file, part)
        composite = out.get(part_id)
        if composite is None:
            composite = out[part_id] = defaultdict(list)
        if tokens:
            composite[field_name].append(tuple(tokens))
    return out


@functools.cache  # a library repeats the same few thousand pointers in every guide
def _collection_of(pointer: str) -> str:
    """``/steps/3/body/0`` -> ``steps``; "" outside the composite collections."""
    for collection in COLLECTIONS.values():
        if pointer.startswith(f"/{collection}/"):
            return collection
    return ""


@functools.cache
def _part_and_field(pointer: str) -> tuple[str, str]:
    """``/steps/3/body/0`` -> (``/steps/3``, ``body``), ``/steps/3`` -> (``/steps/3``, "")."""
    pieces = pointer.split("/", 4)
    return "/".join(pieces[:3]), pieces[3] if len(pieces) > 3 else ""


def _part_scores(
    composites: Sequence[dict[str, list[tuple[str, ...]]]],
    parts: tuple[tuple[str, str, float], ...],
    scorer: str,
    left: np.ndarray,
    right: np.ndarray,
) -> list[np.ndarray]:
    """Per part of ``parts``, the score of composite ``left[k]`` against ``right[k]`` for
    every k (NaN where a side lacks the part): action items by their best matches, other
    fields as one text."""
    # Only the composites the pairs name are joined: a library level holds 80,000 steps.
    used = minhash.sorted_unique(np.concatenate([left, right]))
    composites = [composites[k] for k in used.tolist()]
    left, right = np.searchsorted(used, left), np.searchsorted(used, right)
    out = []
    for _, field_name, _ in parts:
        if field_name == "action_items":
            groups = [[joined(t) for t in c.get(field_name, ())] for c in composites]
            out.append(best_match_means(scorer, groups, left, right))
            continue
        texts = [joined(itertools.chain.from_iterable(c.get(field_name, ()))) for c in composites]
        # Lists, not object arrays: for a guide's few pairs, in the per-file stage, the
        # arrays and their comparison with "" took twice as long as the scoring.
        has = np.fromiter(map(bool, texts), bool, len(texts))
        both = np.flatnonzero(has[left] & has[right])
        scores = np.full(len(left), np.nan)
        scores[both] = score_pairs(
            scorer,
            [texts[i] for i in left[both].tolist()],
            [texts[j] for j in right[both].tolist()],
            exact=True,
        )
        out.append(scores)
    return out


def _matches_beyond_label(
    scored: Sequence[tuple[str, float]], parts: tuple[tuple[str, str, float], ...]
) -> bool:
    """Whether a part other than the title or question matches: two steps titled "Finish"
    or "Other", their bodies unlike, are not near-duplicates however much the title weighs
    in their score."""
    labels = {label for label, field_name, _ in parts if field_name in LABEL_FIELDS}
    return any(score >= MATCHING_PART for label, score in scored if label not in labels)


def composite_scores(
    part_scores: Sequence[np.ndarray], parts: tuple[tuple[str, str, float], ...]
) -> np.ndarray:
    """The score of each pair from its part scores (``_part_scores``): the weighted mean over
    the parts both sides have, summed in the order of ``parts``; -1, which no threshold lets
    through, where the sides share fewer than two parts (for a level of one part, none)."""
    count = len(part_scores[0]) if part_scores else 0
    weighted = np.zeros(count)
    weights = np.zeros(count)
    present = np.zeros(count, dtype=np.int64)
    for (_, _, weight), scores in zip(parts, part_scores, strict=True):
        has = ~np.isnan(scores)
        weighted[has] += weight * scores[has]
        weights[has] += weight
        present += has
    total = np.divide(weighted, weights, out=np.zeros(count), where=weights > 0)
    total[(weights <= 0) | (present < min(2, len(parts)))] = -1.0
    return total


def flatten(fields: dict[str, list[tuple[str, ...]]]) -> tuple[str, ...]:
    """A composite part's whole text, for the rough first comparison."""
    return tuple(itertools.chain.from_iterable(itertools.chain.from_iterable(fields.values())))


class _WholeTexts(Sequence[tuple[str, ...]]):
    """The whole text of each part of ``ids``, made each time it is read: listed, a level's
    texts would hold every token of its parts once more."""

    def __init__(
        self, composites: dict[UnitId, dict[str, list[tuple[str, ...]]]], ids: list[UnitId]
    ):
        self._composites = composites
        self._ids = ids

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, index: int) -> tuple[str, ...]:  # type: ignore[override]
        return flatten(self._composites[self._ids[index]])


@dataclass(frozen=True)
class Sketches:
    """MinHash LSH band keys of one guide's texts under one banding, computed where the guide
    is checked (in a worker process, or in a share of the main one's files) so the library
    stage only looks them up.

    Row ``k`` of ``keys`` is the text of the guide's unit or sentence number ``refs[k]``
    (units first), or, in the sketch of composite parts, the row of the guide's ``k``-th part
    of a level is ``rows[k]`` for its ``(level, rows)`` in ``part_rows`` (-1 for a part
    without text): the texts are not stored twice.
    """

    params: minhash.LshParams
    keys: np.ndarray
    refs: tuple[int, ...] = ()
    part_rows: tuple[tuple[str, tuple[int, ...]], ...] = ()
    # The similar pairs among the rows' texts in each level of ``SKETCHED_LEVELS`` whose bit
    # ``paired_levels`` sets (see ``_pairs_in_guide``).
    pairs: np.ndarray | None = None
    pair_scores: np.ndarray | None = None
    paired_levels: int = 0

    def texts_in(
        self, units: Sequence[TextUnit], sentences: Sequence[TextUnit]
    ) -> Iterator[tuple[str, ...]]:
        """The token tuples of the units and sentences sketched, in row order."""
        return map(_tokens_of, map((*units, *sentences).__getitem__, self.refs))


def part_fields(units: Sequence[TextUnit], level: str) -> list[dict[str, list[tuple[str, ...]]]]:
    """The fields of each composite part of ``level`` (unmasked), in document order."""
    collection = COLLECTIONS[level]
    mine = [(u, u.tokens) for u in units if _collection_of(u.pointer) == collection]
    return list(composite_fields(mine).values())


def sketch_guide(
    units: Sequence[TextUnit], sentences: Sequence[TextUnit], settings: Settings
) -> tuple[Sketches, ...]:
    """Band keys of every text the near-duplicate layers may compare across guides, as long
    as no masking changes it: units and sentences, and whole composite parts; and the similar
    pairs among the guide's paragraphs, items, questions, sentences and parts."""
    near = settings.near

    def long_enough(level: str, tokens: tuple[str, ...]) -> bool:
        return level in near and len(tokens) >= near[level].min_words

    def row_of(rows: dict[tuple[str, ...], int], refs: list[int], holder: TextUnit, ref: int):
        """The row of the holder's text, a new one (sketched from ``ref``) if first met."""
        row = rows.setdefault(holder.tokens, len(rows))
        if row == len(refs):
            refs.append(ref)
        return row

    levels = tuple(level for level, _, _ in COMPOSITES if level in near)
    unit_rows: dict[tuple[str, ...], int] = {}  # text -> row
    unit_refs: list[int] = []
    level_rows: dict[str, dict[int, None]] = defaultdict(dict)  # level -> its rows, in order
    for ref, unit in enumerate(units):
        if unit.kind in PARAGRAPH_KINDS and long_enough("paragraph", unit.tokens):
            level = "paragraph"
        elif unit.kind in ("item", "question") and long_enough("item", unit.tokens):
            level = unit.kind
        else:
            continue
        level_rows[level][row_of(unit_rows, unit_refs, unit, ref)] = None
    sentence_rows: dict[tuple[str, ...], int] = {}
    sentence_refs: list[int] = []
    # The sentence level compares the sentences of paragraphs only.
    paragraph_pointers = {u.pointer for u in units if u.kind in PARAGRAPH_KINDS}
    in_paragraphs: dict[int, None] = {}
    for ref, sentence in enumerate(sentences, start=len(units)):
        if long_enough("sentence", sentence.tokens):
            row = row_of(sentence_rows, sentence_refs, sentence, ref)
            if sentence.pointer in paragraph_pointers:
                in_paragraphs[row] = None
    fields = {level: part_fields(units, level) for level in levels}
    parts = {level: [flatten(f) for f in level_fields] for level, level_fields in fields.items()}
    # One signature per text, whatever its banding: every banding reads 128 permutations.
    assert settings.lsh.num_perm == settings.sentence_lsh.num_perm
    part_index: dict[tuple[str, ...], int] = {}
    part_rows = tuple(
        (level, tuple(part_index.setdefault(t, len(part_index)) if t else -1 for t in texts))
        for level, texts in parts.items()
    )
    # Parts are compared one by one, not as distinct texts: their pairs are scored here only
    # when each part has a text of its own.
    part_levels = {
        level: dict.fromkeys(rows)
        for level, rows in part_rows
        if -1 not in rows and len(set(rows)) == len(rows)
    }
    texts = [*unit_rows, *sentence_rows, *part_index]
    # A one-sentence paragraph is its own sentence: each distinct text is signed once.
    distinct: dict[tuple[str, ...], int] = {}
    rows = [distinct.setdefault(text, len(distinct)) for text in texts]
    sig = minhash.signatures(list(distinct), settings.lsh.num_perm)[rows]
    units_end, sentences_end = len(unit_rows), len(unit_rows) + len(sentence_rows)
    return (
        Sketches(
            settings.lsh,
            minhash.keys_of(sig[:units_end], settings.lsh, texts[:units_end]),
            refs=tuple(unit_refs),
            **_pairs_in_guide(list(unit_rows), level_rows, settings),
        ),
        Sketches(
            settings.sentence_lsh,
            minhash.keys_of(
                sig[units_end:sentences_end],
                settings.sentence_lsh,
                texts[units_end:sentences_end],
            ),
            refs=tuple(sentence_refs),
            **_pairs_in_guide(list(sentence_rows), {"sentence": in_paragraphs}, settings),
        ),
        Sketches(
            settings.lsh,
            minhash.keys_of(sig[sentences_end:], settings.lsh, texts[sentences_end:]),
            part_rows=part_rows,
            **_pairs_in_guide(list(part_index), part_levels, settings, fields),
        ),
    )


# The levels whose pairs within one guide are scored with the guide's sketches, by code.
SKETCHED_LEVELS = ("paragraph", "item", "question", "sentence", "step", "strategy", "faq")
_LEVEL_SETTING = {"question": "item"}  # questions are compared with the item level's setting


def _pairs_in_guide(
    texts: Sequence[tuple[str, ...]],
    level_rows: dict[str, dict[int, None]],
    settings: Settings,
    fields: dict[str, list[dict[str, list[tuple[str, ...]]]]] | None = None,
) -> dict[str, Any]:
    """Every similar pair of one guide's sketched ``texts`` in each level (given by its rows),
    scored where the guide is checked: the library stage takes them as they are, for the
    texts masking leaves unchanged. Composite parts (their ``fields``, one per row, in
    the order of their rows) are scored as ``_near_composites`` does: a rough first pass on
    their whole texts (whose count is what the guide's limit applies to), then part by
    part. A level whose pairs pass the guide's limit is left to the library stage, which
    decides on what remains after masking.

    As ``Sketches`` fields: ``pairs`` (level code, row, row) and ``pair_scores``, None when
    there are none (most guides: a library holds thousands), and the levels' bits."""
    found: list[tuple[np.ndarray, np.ndarray]] = []
    known = 0
    for level, rows in level_rows.items():
        setting = settings.near.get(_LEVEL_SETTING.get(level, level))
        if setting is None or len(rows) < 2:
            continue
        where = np.fromiter(rows, np.int64, len(rows))
        within = _pairs_within(
            setting.scorer,
            [joined(texts[row]) for row in rows],
            setting.threshold - (COMPOSITE_PREFILTER_MARGIN if level in COMPOSITE_LEVELS else 0),
            settings.max_pairs_per_guide,
        )
        if within is None:
            continue
        code = SKETCHED_LEVELS.index(level)
        known |= 1 << code
        a, b, scores = within
        if level in COMPOSITE_LEVELS and len(a):
            # The library stage takes these scores as final: whole-text ones would not do.
            assert fields is not None, "composite parts are scored part by part"
            parts = COMPOSITE_PARTS[level]
            scores = composite_scores(
                _part_scores(fields[level], parts, setting.scorer, a, b), parts
            )
            final = scores >= setting.threshold
            a, b, scores = a[final], b[final], scores[final]
        if len(a):
            found.append((np.stack([np.full(len(a), code), where[a], where[b]], 1), scores))
    if not found:
        return {"paired_levels": known}
    return {
        "pairs": np.concatenate([p for p, _ in found]).astype(np.int32),
        "pair_scores": np.concatenate([s for _, s in found]),
        "paired_levels": known,
    }


COMPOSITES: tuple[tuple[str, str, tuple[tuple[str, str, float], ...]], ...] = (
    (
        "step",
        "steps",
        (("title", "title", 0.2), ("body", "body", 0.5), ("action items", "action_items", 0.3)),
    ),
    ("strategy", "strategies", (("title", "title", 0.3), ("body", "body", 0.7))),
    ("faq", "faq", (("question", "question", 0.5), ("answer", "answer", 0.5))),
)
COMPOSITE_LEVELS = frozenset(level for level, _, _ in COMPOSITES)
COMPOSITE_PARTS = {level: parts for level, _, parts in COMPOSITES}
LABEL_FIELDS = ("title", "question")  # what names a step, strategy or FAQ entry
# A part of a composite pair "matches" from this score (the findings name such parts).
MATCHING_PART = 0.6
COLLECTIONS = {level: collection for level, collection, _ in COMPOSITES}  # step -> steps
# Outside this range of units, the near-duplicate levels run one after another in this
# process. Below it, starting processes costs more than it saves. Above it, the copies cost
# too much memory: a forked process writes the reference count of every object it reads, so
# the pages holding the guides' units are copied into each of them. Measured on 10,000
# guides (720,000 units): forking saved 5% of the wall time (133 s against 140 s) and added
# 2.6 GB to the peak memory of all processes together (6.2 GB against 3.6 GB); on 1,000
# guides it saved 11% (13.2 s against 14.9 s) for 310 MB.
PARALLEL_MIN_UNITS = 50_000
PARALLEL_MAX_UNITS = 250_000
_LEVEL_COST = ("step", "sentence", "paragraph", "passage", "item", "strategy", "faq")
# The order of a guide's crowded levels in a report: whole parts first, then finer texts.
CROWDED_LEVELS = ("step", "strategy", "faq", "paragraph", "item", "question", "sentence")
_LEVEL_OF_CROWDED = {level: level for level in CROWDED_LEVELS} | {"question": "item"}
# How far under the composite threshold a pair's whole-text score may be and still be scored
# part by part (measured on the labeled set: no labeled pair is lost at this margin).
COMPOSITE_PREFILTER_MARGIN = 0.3
_UNIT_SUFFIX = re.compile(r"(\d+)[^\W\d_]+")  # "10k", "15hg": digits, then letters only


def part_of(pointer: str) -> str:
    """The composite part a pointer lies in (``/steps/3/body/0`` -> ``/steps/3``)."""
    if _collection_of(pointer):
        return _part_and_field(pointer)[0]
    return pointer


def _pair_key(pair: NearPair, lift=lambda pointer: pointer) -> frozenset[UnitId]:
    return frozenset(
        {(pair.first.file, lift(pair.first.pointer)), (pair.second.file, lift(pair.second.pointer))}
    )


def _within_templated(pair: NearPair, templated: set[tuple[str, str]]) -> bool:
    """Both sides in one guide's collection (``steps``...) whose parts were crowded."""
    first, second = pair.first, pair.second
    if first.file != second.file or not templated:
        return False
    collection = _collection_of(first.pointer)
    return _collection_of(second.pointer) == collection and (first.file, collection) in templated


def _restates_own_title(pair: NearPair) -> bool:
    """An action item that restates its own step's title is ordinary checklist style."""
    same_part = (pair.first.file, part_of(pair.first.pointer)) == (
        pair.second.file,
        part_of(pair.second.pointer),
    )
    titles = {pair.first.pointer.rsplit("/", 1)[-1], pair.second.pointer.rsplit("/", 1)[-1]}
    return same_part and bool(titles & {"title", "heading"})


def _closest_items(
    a, b, texts_a: list[str], texts_b: list[str], scorer, limit: float = 0.6
) -> tuple[tuple[str, str], ...]:
    """Pairs of action items, one from each side, that match best (each item used once)."""
    scored = sorted(
        (
            (scorer(x, y), i, j)
            for i, x in enumerate(a.get("action_items", []))
            for j, y in enumerate(b.get("action_items", []))
        ),
        reverse=True,
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for score, i, j in scored:
        if score < limit:
            break
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((texts_a[i], texts_b[j]))
    return tuple(out)


class _Distinct:
    """Each distinct text of ``entries`` once (identical texts are the exact layers'
    business), with the units (or sentences) holding it and the files it appears in.

    A library's sentence level holds a million texts, nearly all held once: a text's first
    holder is kept in a list, and only the others in a dict.
    """

    def __init__(
        self, entries: Iterable[tuple[TextUnit, Sequence[str]]], min_words: int = 0
    ) -> None:
        """``entries`` of fewer than ``min_words`` tokens are left out."""
        index: dict[tuple[str, ...], int] = {}
        texts: list[tuple[str, ...]] = []
        first: list[TextUnit] = []
        self.texts, self.first = texts, first
        self.more: dict[int, list[TextUnit]] = defaultdict(list)
        self._files: dict[str, list[int]] = defaultdict(list)
        also_in: set[tuple[int, str]] = set()
        for holder, tokens in entries:
            if len(tokens) < min_words:
                continue
            text = tuple(tokens)
            count = len(texts)
            i = index.setdefault(text, count)
            if i == count:
                texts.append(text)
                first.append(holder)
                self._files[holder.file].append(i)
                continue
            self.more[i].append(holder)
            if holder.file != first[i].file and (i, holder.file) not in also_in:
                also_in.add((i, holder.file))
                self._files[holder.file].append(i)

    def members(self, i: int) -> list[TextUnit]:
        return [self.first[i], *self.more.get(i, ())]

    def by_file(self) -> Iterator[tuple[str, list[int]]]:
        """Per file, the indices of the texts it holds, in increasing order."""
        for file, indices in self._files.items():
            yield file, sorted(indices)


def _repeated_tokens(units: Sequence[TextUnit]) -> np.ndarray:
    """Which of ``units`` may share their tokens with another: those whose tokens' hash
    another's shares (a few more than share their tokens, which exact checks weed out).
    Hashes in one array: a library holds a million sentences, nearly all once."""
    hashes = np.fromiter(map(hash, map(_tokens_of, units)), np.int64, len(units))
    # A sort, not ``np.unique`` with counts: two to three times faster in NumPy 2.4.
    order = np.argsort(hashes)
    ordered = hashes[order]
    same = ordered[1:] == ordered[:-1]
    shared = np.zeros(len(units), dtype=bool)
    shared[1:] = same
    shared[:-1] |= same
    repeated = np.empty(len(units), dtype=bool)
    repeated[order] = shared
    return repeated


_tokens_of = operator.attrgetter("tokens")


# Rows of band keys stacked at a time when gathering them: about 8 MB of keys.
_GATHER_ROWS = 1 << 16


def _gather_rows(
    matrices: Sequence[np.ndarray], rows: np.ndarray, targets: np.ndarray, out: np.ndarray
) -> None:
    """``out[t] = stacked[rows[t]]`` for every ``t`` in ``targets``, where ``stacked`` is the
    matrices one after another. Gathered from a few guides' matrices stacked at a time: a
    stacked copy of every guide's keys would be one more copy of them at the library stage's
    peak of memory, and one gather per guide (ten thousand) cost half a second."""
    if not len(targets):
        return
    starts = np.cumsum([0, *map(len, matrices)])
    wanted = rows[targets]
    first_of_batch = (
        np.searchsorted(starts, np.arange(0, int(starts[-1]), _GATHER_ROWS), side="right") - 1
    )
    # A matrix as large as a batch is a batch of its own: it is never copied.
    large = np.flatnonzero(np.diff(starts) >= _GATHER_ROWS)
    edges = sorted({*first_of_batch.tolist(), *large.tolist(), *(large + 1).tolist()})
    edges = [*(e for e in edges if e < len(matrices)), len(matrices)]
    for m, end in itertools.pairwise(edges):
        lo, hi = starts[m], starts[end]
        chosen = (wanted >= lo) & (wanted < hi)
        if chosen.any():
            stacked = np.concatenate(matrices[m:end]) if end - m > 1 else matrices[m]
            out[targets[chosen]] = stacked[wanted[chosen] - lo]


def _identities(groups: Iterable[Cluster | Approval]) -> set[int]:
    """The ``id`` of every occurrence in ``groups``: a sentence is one object from the segment
    stage on, and its identity is far cheaper to hash than its file, pointer and span."""
    return {id(m) for group in groups for m in group.occurrences}


def _files_of(groups: Iterable[Cluster | Approval]) -> set[str]:
    """The files holding an occurrence of ``groups``."""
    return {m.file for group in groups for m in group.occurrences}


# A 3-word run in this many distinct paragraphs is a stock phrase for reused-passage (D014).
PHRASE_MIN_TEXTS = 5


def _shared_rare_runs(
    texts: Sequence[Sequence[str]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The number of distinct 3-word runs of each text, and every pair of texts
    ``left < right`` sharing runs held by fewer than ``PHRASE_MIN_TEXTS`` texts, with how
    many such runs they share."""
    n = len(texts)
    lengths = np.fromiter(map(len, texts), np.int64, n)
    counts = np.maximum(lengths - 2, 0)
    hashes = _run_hashes(texts, lengths, int(counts.sum()))
    owners = np.repeat(np.arange(n, dtype=np.int32 if n < 2**31 else np.int64), counts)
    del counts
    sizes = np.zeros(n, dtype=np.int64)
    codes = [np.zeros(0, dtype=np.int64)]
    # A run's copies share their hash's top bits: sorted an eighth at a time, the sorting
    # copies stay small (this was the library stage's peak of memory).
    part_of = (hashes >> 61).astype(np.int8)
    for part in range(-4, 4):
        chosen = part_of == part
        part_sizes, part_codes = _rare_run_pairs(hashes[chosen], owners[chosen], n)
        sizes += part_sizes
        codes.append(part_codes)
    del hashes, owners, part_of
    pair_codes, shared = np.unique(np.concatenate(codes), return_counts=True)
    return sizes, pair_codes // n, pair_codes % n, shared


# Words whose runs are hashed together (a long text may make its piece longer): the arrays
# over them stay near 4 MB each.
_RUN_HASH_WORDS = 1 << 19
_RUN_HASH_FACTOR = np.uint64(0x100000001B3)


def _run_hashes(texts: Sequence[Sequence[str]], lengths: np.ndarray, total: int) -> np.ndarray:
    """The hash of each of the ``total`` 3-word runs of ``texts`` (of ``lengths`` words),
    text by text, run by run: only equality matters, and a library holds millions. Made
    from the words' own hashes, which strings keep, rather than by hashing a tuple per run
    (a third slower at 10,000 guides)."""
    out = np.empty(total, dtype=np.int64)
    words_before = np.cumsum(lengths)
    word_count = int(words_before[-1]) if len(words_before) else 0
    cuts = np.searchsorted(words_before, np.arange(_RUN_HASH_WORDS, word_count, _RUN_HASH_WORDS))
    at = 0
    for lo, hi in itertools.pairwise([0, *np.unique(cuts + 1).tolist(), len(texts)]):
        if hi <= lo:
            continue
        chunk_lengths = lengths[lo:hi]
        size = int(chunk_lengths.sum())
        words = np.zeros(size + 2, dtype=np.uint64)
        words[:size] = np.fromiter(
            map(hash, itertools.chain.from_iterable(texts[lo:hi])), np.int64, size
        ).view(np.uint64)
        runs = (words[:-2] * _RUN_HASH_FACTOR + words[1:-1]) * _RUN_HASH_FACTOR + words[2:]
        # A run starts at every word but a text's last two.
        ends = np.repeat(np.cumsum(chunk_lengths), chunk_lengths)
        runs = runs[np.arange(size) + 2 < ends]
        out[at : at + len(runs)] = runs.view(np.int64)
        at += len(runs)
    assert at == total
    return out


def _rare_run_pairs(
    hashes: np.ndarray, owners: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """For runs given as hashes and their texts (``owners``, increasing): each text's
    number of distinct runs, and a code ``left * n + right`` for every run two texts share
    that fewer than ``PHRASE_MIN_TEXTS`` texts hold."""
    if not len(hashes):
        return np.zeros(n, dtype=np.int64), np.zeros(0, dtype=np.int64)
    runs, owners = _by_run_then_owner(hashes, owners, n)
    # A text repeating a run holds it once.
    first = np.r_[True, (runs[1:] != runs[:-1]) | (owners[1:] != owners[:-1])]
    runs, owners = runs[first], owners[first]
    sizes = np.bincount(owners, minlength=n)
    starts = np.flatnonzero(np.r_[True, runs[1:] != runs[:-1]])
    held_by = np.diff(np.r_[starts, len(runs)])
    codes = [np.zeros(0, dtype=np.int64)]
    for size in range(2, PHRASE_MIN_TEXTS):
        # One row per run held by ``size`` texts: its owners, in increasing order.
        group = owners[starts[held_by == size][:, None] + np.arange(size)].astype(np.int64)
        for left, right in itertools.combinations(range(size), 2):
            codes.append(group[:, left] * n + group[:, right])
    return sizes, np.concatenate(codes)


def _by_run_then_owner(
    hashes: np.ndarray, owners: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """The runs (as numbers that are equal where the hashes are) and their owners (texts
    below ``n``), sorted by run, then by owner. One unstable sort of the hashes numbers the
    runs; a sort of the numbers with the owners in their low bits orders each run's owners.
    A stable sort of 64-bit hashes (timsort) is three times slower than the unstable one."""
    order = np.argsort(hashes)
    ordered = hashes[order]
    run = np.cumsum(np.r_[False, ordered[1:] != ordered[:-1]], dtype=np.int64)
    del ordered
    shift = max(1, (n - 1).bit_length())
    if int(run[-1]).bit_length() + shift > 62:  # too many to pack: sort the hashes stably
        order = np.argsort(hashes, kind="stable")
        return hashes[order], owners[order]
    keys = (run << shift) | owners[order]
    keys.sort()
    return keys >> shift, keys & ((1 << shift) - 1)


# A score matrix also scores each text against itself, in time quadratic in its length: a
# guide holding a text longer than this (about 3,000 words) has its pairs scored one by one.
MATRIX_MAX_CHARS = 20_000


# Most cells scored in one call when a guide's texts are compared with one another: a guide
# of 20,000 templated steps would need a matrix of 400 million.
_CELLS_PER_BLOCK = 1 << 22


def _pairs_within(
    scorer: str, texts: Sequence[str], cutoff: float, limit: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Every pair ``i < j`` of ``texts`` scoring at least ``cutoff``, as rows, columns and
    scores, or None as soon as more than ``limit`` are found (0: no limit)."""
    n = len(texts)
    if max(map(len, texts), default=0) > MATRIX_MAX_CHARS:
        # One row at a time, against the later texts only: no text is scored against itself.
        block, skip_diagonal = 1, True
    else:
        block, skip_diagonal = max(1, _CELLS_PER_BLOCK // max(n, 1)), False
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    count = 0
    for start in range(0, n - 1, block):
        stop = min(n, start + block)
        first = start + 1 if skip_diagonal else start
        if start == 0 and stop == n:
            matrix = score_matrix(scorer, texts, cutoff)
        else:
            matrix = score_rows(scorer, texts[start:stop], texts[first:], cutoff)
        rows, cols = np.nonzero(matrix >= cutoff)
        scores = matrix[rows, cols]
        rows, cols = rows + start, cols + first
        upper = rows < cols
        found.append((rows[upper], cols[upper], scores[upper]))
        count += int(upper.sum())
        if limit and count > limit:
            return None
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    rows, cols, scores = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return rows, cols, scores


class _JoinedTexts:
    """The strings rapidfuzz scores (tokens joined by spaces) of some of ``seqs``, made when
    first asked for."""

    def __init__(self, seqs: Sequence[Sequence[str]]) -> None:
        self.seqs = seqs
        self.texts: list[str | None] = [None] * len(seqs)

    def of(self, indices: Iterable[int]) -> list[str]:
        out: list[str] = []
        for k in indices:
            text = self.texts[k]
            if text is None:
                text = self.texts[k] = joined(self.seqs[k])
            out.append(text)
        return out


class _FileGroups:
    """Per file, the indices of the texts of a level it holds (increasing), in one array:
    a library's sentence level has ten thousand files and a million members."""

    def __init__(self, by_file: Iterable[tuple[str, Sequence[int]]]) -> None:
        self.files: list[str] = []
        flat: array[int] = array("q")
        sizes: array[int] = array("q")
        for file, members in by_file:
            self.files.append(file)
            flat.extend(members)
            sizes.append(len(members))
        self.flat = np.array(flat, dtype=np.int64)
        self.sizes = np.array(sizes, dtype=np.int64)
        self.bounds = np.concatenate([[0], np.cumsum(self.sizes)])

    def members(self, group: int) -> np.ndarray:
        return self.flat[self.bounds[group] : self.bounds[group + 1]]


def _kept_apart(
    n: int, groups: _FileGroups, crowded: Sequence[int]
) -> Callable[[np.ndarray], np.ndarray]:
    """Which of some index pairs stay once crowded guides' texts are no longer compared with
    one another: a pair goes when both texts are held by one crowded guide and by no other.
    A text another guide holds too is compared as that guide's (the pairs of holders
    within the crowded guide go when they are made)."""
    holders = np.bincount(groups.flat, minlength=n)
    owner = np.full(n, -1, dtype=np.int64)
    for group in crowded:
        owner[groups.members(group)] = group
    owner[holders != 1] = -1

    def kept(pairs: np.ndarray) -> np.ndarray:
        first, second = owner[pairs[:, 0]], owner[pairs[:, 1]]
        return (first < 0) | (first != second)

    return kept


# Candidate pairs scored per batch: a large library proposes tens of millions, and the
# strings of all of them at once would take gigabytes.
_SCORE_BATCH = 1 << 20


def _score_candidates(
    scorer: str, strings: Sequence[str | None], pairs: np.ndarray, cutoff: float
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The candidate ``pairs`` scoring at least ``cutoff``, with their scores, by batch
    (``strings`` holds the string of every text the pairs name)."""
    table = np.empty(len(strings), dtype=object)
    table[:] = strings
    for start in range(0, len(pairs), _SCORE_BATCH):
        batch = pairs[start : start + _SCORE_BATCH]
        scores = score_pairs(scorer, table[batch[:, 0]], table[batch[:, 1]], cutoff)
        keep = scores >= cutoff
        yield batch[keep], scores[keep]


def _sorted_pairs(
    found: Sequence[tuple[np.ndarray, np.ndarray]], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``(i, j)`` of ``n`` texts with their scores, each once, sorted; where a pair
    was found twice, its later score. Last, the index in ``found`` each pair's score came
    from."""
    pairs = np.concatenate([np.zeros((0, 2)), *(p for p, _ in found)]).astype(np.int64)
    scores = np.concatenate([np.zeros(0), *(s for _, s in found)]).astype(np.float64)
    source = np.repeat(np.arange(len(found)), [len(s) for _, s in found])
    if not len(pairs):
        return pairs[:, 0], pairs[:, 1], scores, source
    codes = pairs[:, 0] * n + pairs[:, 1]
    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    last = order[np.r_[codes[1:] != codes[:-1], True]]
    return pairs[last, 0], pairs[last, 1], scores[last], source[last]


@dataclass(frozen=True)
class Counts:
    """The numbers of a text: those written in digits, and counts written as words ("two",
    "both"), as the numbers they stand for."""

    digits: tuple[str, ...]
    words: frozenset[str]

    def disagree(self, other: Counts) -> bool:
        """Whether two texts' numbers differ: then they are different instructions ("Bake
        30 minutes with the lid on" / "Bake 15 minutes with the lid off"; "Remove the two
        6.5 mm screws" / "... 7.5 mm screws"; "Remove the two screws" / "... four screws"),
        however alike. A number in digits that the other text writes as a word is the
        same number. Counts in words differ only where both texts name counts: a rewording
        often adds or drops one ("Pump both tyres" / "Pump the tyre")."""
        if self.digits != other.digits:
            mine, theirs = Counter(self.digits), Counter(other.digits)
            if not (set(mine - theirs) <= other.words and set(theirs - mine) <= self.words):
                return True
        return bool(self.words and other.words and self.words != other.words)


def _numbers(tokens: Iterable[str]) -> Counts:
    digits: list[str] = []
    words: set[str] = set()
    for token in tokens:
        if token[:1].isdigit():
            digits.append(_number(token))
        elif token in _COUNT_WORDS:
            words.add(_COUNT_WORDS[token])
    return Counts(tuple(sorted(digits)), frozenset(words))


# Counts written as words. Repair guides repeat one sentence for the screws of each part, and
# the count is often all that tells them apart. "one" is left out (more often a pronoun: "the
# one on the left"), and so are ordinals ("First, ...").
_COUNT_WORDS = dict(
    both="2", two="2", three="3", four="4", five="5", six="6", seven="7", eight="8", nine="9",
    ten="10", eleven="11", twelve="12",
)  # fmt: skip


# Words of opposite actions, or of opposite places on a thing: texts alike but for taking
# one side and the other are different instructions ("Open the brake release" / "Close the
# brake release", "the top bezel" / "the bottom bezel"), as repair guides pair taking apart
# with putting back. Of the labeled MyFixit pairs (benchmarks/labels: 120 steps, 60
# sentences), 1 "not" pair and no "dup" pair take opposite sides as read here; on the whole
# MyFixit report, 28 step and 23 sentence findings fewer, and the 17 dropped pairs read by
# hand were all a different part or the opposite action.
_OPPOSITES = (
    ("open opens opened opening", "close closes closed closing"),
    (
        "remove removes removed removing unscrew unscrews unscrewed unscrewing",
        "install installs installed installing reinstall reinstalls reinstalled reinstalling "
        "replace replaces replaced replacing reattach reattaches reattached reattaching "
        "reassemble reassembling refit",
    ),
    ("loosen loosens loosened loosening", "tighten tightens tightened tightening"),
    (
        "connect connects connected connecting reconnect reconnects reconnected reconnecting",
        "disconnect disconnects disconnected disconnecting",
    ),
    ("attach attaches attached attaching", "detach detaches detached detaching"),
    ("lock locks locked locking", "unlock unlocks unlocked unlocking"),
    ("plug plugs plugged plugging", "unplug unplugs unplugged unplugging"),
    ("upper top", "lower bottom"),
    ("left", "right"),
    ("front", "rear"),
    ("inner", "outer"),
    ("increase increases increased", "decrease decreases decreased"),
    ("enable enables enabled", "disable disables disabled"),
    (
        "push pushes pushed pushing press presses pressed pressing insert inserts inserted "
        "inserting",
        "pull pulls pulled pulling",
    ),
    ("into onto", "out"),
    ("on", "off"),
    ("clockwise", "counterclockwise anticlockwise"),
)
# "counter-clockwise" and "anti-clockwise" reach the engine as two words.
_JOINED = {("counter", "clockwise"): "counterclockwise", ("anti", "clockwise"): "anticlockwise"}
_SIDE_OF = {
    word: (group, side)
    for group, sides in enumerate(_OPPOSITES)
    for side, words in enumerate(sides)
    for word in words.split()
}


def _sides(tokens: Iterable[str]) -> frozenset[tuple[int, int]]:
    """The opposites a text takes one side of (and not both): (group, side) pairs."""
    used: dict[int, set[int]] = {}
    tokens = list(tokens)
    for index, token in enumerate(tokens):
        if tuple(tokens[index - 1 : index + 1]) in _JOINED:
            continue  # "clockwise" after "counter": read with it
        token = _JOINED.get(tuple(tokens[index : index + 2]), token)
        found = _SIDE_OF.get(token)
        if found is not None:
            used.setdefault(found[0], set()).add(found[1])
    return frozenset((group, *sides) for group, sides in used.items() if len(sides) == 1)


# Texts longer than this (in words) hold opposite words by the way ("... then remove the
# cap and add fluid"), as bodies and answers do: their sides are not read, and a step's are
# its title's and action items'.
_SIDED = 25


def _opposed(a: frozenset[tuple[int, int]], b: frozenset[tuple[int, int]]) -> bool:
    """Whether two texts take opposite sides of one pair of opposites."""
    return any((group, 1 - side) in b for group, side in a)


def _number(token: str) -> str:
    """A number token without the letters run into it: the tokenizer splits "10K," into
    "10" and "k" but keeps "10K." whole. "2x4" stays whole."""
    unit = _UNIT_SUFFIX.fullmatch(token)
    return unit[1] if unit else token


def _composite_numbers(fields: dict[str, list[tuple[str, ...]]], label: str) -> Counts:
    """The numbers of a step, strategy or FAQ entry, but for the numbering of its ``label``
    (its title or question: "Step 3: ...", "3. ...", "Step Two: ..."): two copies of one
    step numbered apart are still copies. Counts in words are read but for those of the
    action items, which set the reader's practice ("Write down two recent trigger moments"
    / "Write down three triggers this week"), not what the step is about."""
    numbered = own_number(label) is not None
    digits: list[str] = []
    words: list[str] = []
    for name, texts in fields.items():
        for text in texts:
            for token in text:
                if (
                    numbered
                    and name in LABEL_FIELDS
                    and (token[:1].isdigit() or token in _COUNT_WORDS)
                ):
                    numbered = False  # the label's own number: the first one in it
                    continue
                if token[:1].isdigit():
                    digits.append(token)
                elif name != "action_items":
                    words.append(token)
    return Counts(_numbers(digits).digits, _numbers(words).words)


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _starts_with(tokens: Sequence[str], prefix: Sequence[str]) -> bool:
    return tuple(tokens[: len(prefix)]) == tuple(prefix)
