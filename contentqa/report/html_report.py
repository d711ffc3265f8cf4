"""The HTML report for writers and editors: one self-contained page (or an index plus one page
per guide for large libraries) built from the :class:`~contentqa.model.Report` alone.

Nothing here analyzes. Every figure, span and message comes from the report; the only
computation is presentation: cutting a string into non-overlapping segments where findings'
spans overlap, and a word-level :mod:`difflib` comparison of the two texts of a near-duplicate.

Safety: guide text is untrusted. It only ever reaches the page through Jinja2's autoescaping
(templates under ``templates/``), never inside ``<script>`` or ``<style>``; links are made only
for ``http(s)`` source addresses; control characters are shown as visible symbols. The page's
Content-Security-Policy allows no load at all and runs only the inline script and style whose
SHA-256 hashes it names, so the page stays byte-for-byte deterministic (apart from the
timestamp) and nothing injected could run even if escaping failed.

Size budget: a report with more than :data:`MAX_SINGLE_PAGE_GUIDES` guides, or whose single
page would exceed :data:`MAX_SINGLE_PAGE_BYTES`, is split into an index page and one page per
guide (:func:`render_pages`).
"""

from __future__ import annotations

import base64
import difflib
import gc
import hashlib
import itertools
import re
import weakref
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import jsonpointer
from markupsafe import Markup, escape

from contentqa import pointers
from contentqa.memory import cycle_collector
from contentqa.model import Finding, GuideReport, Location, Report, Severity, Span
from contentqa.parallel import map_forked
from contentqa.registry import explain, find_rule, related_in_pairs
from contentqa.report.json_report import summary

# A single page stays below both figures; beyond either, one page per guide plus an index.
MAX_SINGLE_PAGE_GUIDES = 200
MAX_SINGLE_PAGE_BYTES = 5_000_000
# Guides' pages drawn by a process at a time, when several draw them.
GUIDE_PAGES_PER_TASK = 16
# Guides' views kept for the pages drawn next (see _Context.view).
MAX_KEPT_VIEWS = 128

# Exact and near copies whose every place is marked in the text, as one colour-coded cluster.
CLUSTER_CODES = frozenset({"D001", "D002", "D003", "D004", "D005", "D009", "D010", "D011"})
# Near-duplicates (pointer = the later text, related = the earlier) shown side by side.
NEAR_CODES = frozenset({"D006", "D007", "D008", "D009", "D010", "D011"})
# Findings drawn as underlines (the rest with a span get the generic "other" mark).
MARK_KINDS = {"R003": "long", "R004": "hard", "R007": "passive", "D012": "ok"}
KIND_LABELS = {
    "dup": "duplicate",
    "long": "long sentence",
    "hard": "very hard sentence",
    "passive": "passive voice",
    "ok": "approved boilerplate",
    "other": "other finding",
}
PALETTE_SIZE = 8  # cluster colours c0..c7 in report.css
BORDER_STYLES = 3  # cluster underline styles bs0..bs2 in report.css
# A cluster with up to this many places lists a link to each one after every copy.
INLINE_COPY_LINKS = 6

_CONTROL = {c: 0x2400 + c for c in range(0x20) if c not in (0x09, 0x0A)}
_CONTROL.update({0x7F: 0x2421, **{c: 0xFFFD for c in range(0x80, 0xA0)}})
# Explicit bidirectional overrides and isolates reorder what follows them on the page (a
# file named "a\u202egnp.json" would show as "anosj.png"); right-to-left text needs none.
_CONTROL.update({c: 0xFFFD for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
_HAS_CONTROL = re.compile("[" + re.escape("".join(map(chr, _CONTROL))) + "]")
_WORD = re.compile(r"\S+")
_NOT_WORD = re.compile(r"\W+")
_UNSAFE_NAME = re.compile(r"[^a-z0-9]+")
_HTTP = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# Public API


def render(report: Report) -> str:
    """The report as one HTML page; for a library over the size budget, the index page that
    links to the per-guide pages of :func:`render_pages`."""
    ctx = _Context(report, split=_needs_split_by_count(report))
    if not ctx.split:
        page = ctx.single_page(MAX_SINGLE_PAGE_BYTES)
        if page is not None:
            return page
        ctx = _Context(report, split=True)
    return ctx.index_page()


def render_pages(
    report: Report, index_name: str = "contentqa.html", jobs: int = 1
) -> Iterator[tuple[str, str]]:
    """Every page of the report with its path relative to the report's folder, in order,
    made one after another as they are taken (``jobs`` processes draw the guides' pages).

    Within the budget that is ``(index_name, single page)``; beyond it,
    ``<stem>-guides/<safe-name>.html`` for each guide (for the default name,
    ``contentqa-guides/...``), then the index under ``index_name``, each a self-contained
    page. The index comes last: written in this order, it is never newer than its pages.
    """
    stem = PurePosixPath(index_name).stem
    ctx = _Context(report, split=_needs_split_by_count(report), stem=stem)
    if not ctx.split:
        page = ctx.single_page(MAX_SINGLE_PAGE_BYTES)
        if page is not None:
            yield index_name, page
            return
        ctx = _Context(report, split=True, stem=stem)

    def draw(gi: int) -> str:
        page = ctx.guide_page(gi)
        if gi % GUIDE_PAGES_PER_TASK == GUIDE_PAGES_PER_TASK - 1:
            gc.collect(1)
        return page

    # A guide's page took 17-20 ms to draw and write here: minutes for a large library.
    # Drawing a page leaves reference cycles behind (the templates' macros), all of them
    # young: the young generations are collected once every task's worth of pages, here and
    # in the processes forked meanwhile, instead of the collector's own runs, which walk
    # every kept view again and again (13.3 against 11.7 s for 1,000 pages).
    with cycle_collector(enabled=False):
        pages = map_forked(draw, len(report.guides), jobs, chunk=GUIDE_PAGES_PER_TASK)
        for name, page in zip(ctx.page_names, pages, strict=True):
            yield f"{ctx.guides_dir}/{name}", page
    yield index_name, ctx.index_page()


# How a page of this tool begins (base.html): only such pages are ever removed.
_OWN_PAGE_MARK = b'<meta name="generator" content="contentqa '


def leftover_pages(target: Path, written: Iterable[Path]) -> list[Path]:
    """Guides' pages of an earlier report to ``target`` that this one did not write: the
    pages of guides no longer checked, or all of them when the report now fits one page.
    Only files of the pages' folder that this tool made (their head says so) are named."""
    folder = target.parent / f"{target.stem}-guides"
    if not folder.is_dir():
        return []
    kept = {path.resolve() for path in written}
    leftovers = []
    for path in sorted(folder.glob("*.html")):
        if path.resolve() in kept or not path.is_file():
            continue
        try:
            with path.open("rb") as handle:
                head = handle.read(1024)
        except OSError:
            continue
        if _OWN_PAGE_MARK in head:
            leftovers.append(path)
    return leftovers


def content_security_policy() -> str:
    """The page's policy: no loads at all, only the report's own inline script and style."""
    return (
        "default-src 'none'; "
        f"style-src '{_sha256(_static('report.css'))}'; "
        f"script-src '{_sha256(_static('report.js'))}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def _needs_split_by_count(report: Report) -> bool:
    return len(report.guides) > MAX_SINGLE_PAGE_GUIDES


# ---------------------------------------------------------------------------------------------
# Templates


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("contentqa.report", "templates"),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_visible,
        keep_trailing_newline=True,
    )
    env.globals.update(
        css=Markup(_static("report.css")),
        js=Markup(_static("report.js")),
        kind_labels=KIND_LABELS,
    )
    env.filters.update(num=_num, pct=_pct, short=_short, code=_code_spans, worst=_sort_value)
    return env


_WORST_FIRST = [severity.value for severity in sorted(Severity, key=lambda s: -s.rank)]


def _worst(counts: Counter) -> tuple[int, ...]:
    """Findings per severity, the most severe first: rows sort by it, worst first."""
    return tuple(counts.get(severity, 0) for severity in _WORST_FIRST)


def _sort_value(counts: Counter) -> int:
    """``_worst`` as one number that sorts the same way (below a million per severity)."""
    value = 0
    for count in _worst(counts):
        value = value * 1_000_000 + min(count, 999_999)
    return value


@cache
def _static(name: str) -> str:
    """A static template file (CSS or JS) inlined verbatim, so its hash is fixed."""
    loader = jinja2.PackageLoader("contentqa.report", "templates")
    source = loader.get_source(jinja2.Environment(), name)[0]
    if "</" in source:
        raise ValueError(f"{name} must not contain '</' (it is inlined into the page)")
    return source


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _visible(value: Any) -> Any:
    """Show control characters (ANSI escapes, carriage returns...) as visible symbols, one code
    point for one, so nothing in a guide can act on the page or on a terminal it is copied to."""
    # Checked first: nearly every value holds none, and translating is ten times slower.
    if isinstance(value, str) and not isinstance(value, Markup) and _HAS_CONTROL.search(value):
        return value.translate(_CONTROL)
    return value


# A name, key or glob in backticks; never across a quotation mark, so a backtick quoted
# from guide text (in “…”) does not pair with one of a name.
_CODE_SPAN = re.compile(r"`([^`“”\s][^`“”\n]{0,79})`")


def _code_spans(value: Any) -> Markup:
    """A message or place with the names it writes in backticks (`summary`, `steps`) set
    as code, as the terminal shows them; the rest escaped."""
    escaped = str(escape(_visible(str(value))))
    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", escaped))


def _num(value: Any, digits: int = 1) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{value:.{digits}f}"


def _short(value: Any) -> str:
    """A figure with at most one decimal and no trailing ``.0`` (12 min, 7.6 min, 60)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{value:.1f}".removesuffix(".0")


def _pct(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{value * 100:.1f} %"


# ---------------------------------------------------------------------------------------------
# What the templates draw


@dataclass
class MarkSpec:
    """One finding's place inside one string: ``[start, end)`` in code points."""

    start: int
    end: int
    fi: int
    occ: int
    kind: str
    cluster: int | None = None


@dataclass
class Segment:
    text: str
    start: int
    end: int
    marks: list[MarkSpec]
    id: str | None = None
    classes: str = ""
    tip: str = ""
    describedby: str = ""
    fis: str = ""
    navs: list[Nav] = field(default_factory=list)


@dataclass
class Nav:
    """After a copy of a duplicate: the cluster's label and links to its other copies."""

    label: str
    href: str
    title: str
    links: list[tuple[str, str | None, str]]  # (text, href or None for this copy, aria-label)
    classes: str


@dataclass
class Flag:
    """A finding about a whole part (a step, a list, the guide): a labelled link before it."""

    id: str
    fi: int
    code: str
    severity: str
    href: str
    tip: str
    describedby: str
    label: str


@dataclass
class Node:
    """A rendered piece of the guide: a string (``value`` set) or a container."""

    view: GuideView  # a weak proxy: a view its cache lets go is freed at once, not by the collector
    pointer: str
    value: str | None = None
    flags: list[Flag] = field(default_factory=list)
    specs: list[MarkSpec] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.view.element_id(self.pointer)

    @property
    def is_text(self) -> bool:
        return self.value is not None

    @cached_property
    def segments(self) -> list[Segment]:
        return self.view.segments(self)


@dataclass
class Side:
    title: str
    href: str
    fields: list[tuple[str, list[str]]]  # (field label, its paragraphs or items)


Run = tuple[str, bool]  # words (or "\n" for a paragraph break), whether they differ


@dataclass
class Comparison:
    id: str
    fi: int
    finding: Finding
    row_id: str
    left: Side
    right: Side
    rows: list[tuple[str, list[Run], list[Run]]]  # (field label, left runs, right runs)
    left_label: str = "Earlier"
    right_label: str = "Later"


class _Context:
    """Everything shared by the pages of one report: indices, clusters, page names."""

    def __init__(self, report: Report, split: bool, stem: str = "contentqa") -> None:
        self.report = report
        self.split = split
        self.stem = stem
        self.guides_dir = f"{stem}-guides"
        self.env = _environment()
        self.gi_of: dict[str, int] = {}
        for gi, guide in enumerate(report.guides):
            self.gi_of.setdefault(guide.file, gi)
        self.by_file: dict[str, list[int]] = defaultdict(list)
        self.related_by_file: dict[str, list[tuple[int, int, Location]]] = defaultdict(list)
        self.cluster: dict[int, int] = {}
        for fi, finding in enumerate(report.findings):
            self.by_file[finding.file].append(fi)
            for k, loc in enumerate(finding.related, start=1):
                self.related_by_file[loc.file].append((fi, k, loc))
            if finding.code in CLUSTER_CODES:
                self.cluster[fi] = len(self.cluster) + 1
        self.page_names = _page_names(report.guides)
        self._views: OrderedDict[int, GuideView] = OrderedDict()  # the latest used last
        self._anchors: dict[int, dict[tuple[int, int], str]] = {}
        self._rows: dict[int, dict[str, Any]] = {}
        self._titles = Counter(map(_guide_title, report.guides))
        self.looks: dict[int, tuple[int, int]] = {}  # of a one-page report's clusters
        self._same_text: dict[tuple[int, int], bool] = {}  # asked by flags, rows and views
        self.counts: dict[str, Counter] = defaultdict(Counter)
        for finding in report.findings:
            self.counts[finding.file][finding.severity.value] += 1
        self.summary = summary(report)
        self.failing = _failing(report)
        self.current_page: int | None = None  # guide index of the page being drawn

    # -- pages --------------------------------------------------------------------------------

    def _common(self, with_overview: bool) -> dict[str, Any]:
        return {
            "report": self.report,
            "summary": self.summary,
            "csp": content_security_policy(),
            "failing": self.failing,
            "overview": self.overview_rows() if with_overview else [],
            "ctx": self,
        }

    def single_page(self, budget: int) -> str | None:
        """The whole report as one page, or None as soon as it grows past ``budget`` bytes
        (rendering it whole first took as long as rendering every guide's page)."""
        self.current_page = None
        views = [self.view(gi) for gi in range(len(self.report.guides))]
        # Held here, not all in the cache: their place ids must not send it to make them again.
        self._anchors.update((gi, view.anchors) for gi, view in enumerate(views))
        used = sorted({f.code for f in self.report.findings})
        chunks = []
        length = 0
        for chunk in self.env.get_template("report.html").generate(
            **self._common(True), views=views, rules=_rule_docs(used), mode="single"
        ):
            length += len(chunk)  # characters: never more than the bytes of UTF-8
            if length > budget:
                return None
            chunks.append(chunk)
        page = "".join(chunks)
        return page if len(page.encode("utf-8")) <= budget else None

    def index_page(self) -> str:
        self.current_page = None
        used = sorted({f.code for f in self.report.findings})
        return self.env.get_template("index.html").render(
            **self._common(True), rules=_rule_docs(used), mode="index"
        )

    def guide_page(self, gi: int) -> str:
        self.current_page = gi
        view = self.view(gi)
        try:
            return self.env.get_template("guide_page.html").render(
                **self._common(False),
                view=view,
                mode="guide",
                index_href=f"../{self.stem}.html",
            )
        finally:
            self.current_page = None

    # -- links ------------------------------------------------------------------------------

    def href(self, file: str, anchor: str) -> str:
        """A link to ``anchor`` on the page that shows ``file``, from the page being drawn."""
        if not self.split:
            return f"#{anchor}"
        gi = self.gi_of.get(file)
        if gi is None:
            return f"#{anchor}"
        if self.current_page == gi:
            return f"#{anchor}"
        page = self.page_names[gi]
        prefix = "" if self.current_page is not None else f"{self.guides_dir}/"
        return f"{prefix}{page}#{anchor}"

    def guide_href(self, gi: int) -> str:
        if not self.split:
            return f"#g{gi}"
        return f"{self.guides_dir}/{self.page_names[gi]}"

    def rule_href(self, code: str) -> str:
        """A rule's documentation: on this page, or on the index for a per-guide page."""
        if self.split and self.current_page is not None:
            return f"../{self.stem}.html#rule-{code}"
        return f"#rule-{code}"

    def row_href(self, fi: int) -> str:
        """The finding's row in the findings table of its guide."""
        file = self.report.findings[fi].file
        return self.href(file, f"g{self.gi_of.get(file, 0)}-f{fi}")

    def same_text(self, fi: int, pair: int) -> bool:
        """Whether the two places of pair ``pair`` of a finding's related places hold the
        same text: nothing to show side by side. Most pairs of two overlapping iFixit guides
        do, and with their views one MyFixit page grew from 0.66 to 3.07 MB."""
        if (fi, pair) not in self._same_text:
            first, second = (
                self.value_at(loc.file, loc.pointer)
                for loc in self.report.findings[fi].related[2 * pair : 2 * pair + 2]
            )
            self._same_text[fi, pair] = first is not None and first == second
        return self._same_text[fi, pair]

    def value_at(self, file: str, pointer: str) -> Any:
        """The guide data at ``pointer`` of ``file``, if the report holds it."""
        gi = self.gi_of.get(file)
        data = self.report.guides[gi].data if gi is not None else None
        return jsonpointer.resolve_pointer(data, pointer, None) if data is not None else None

    def compare_href(self, fi: int, pair: int | None = None) -> str:
        """The side-by-side view of a near-duplicate, or of pair ``pair`` of the related
        places of a finding that lists them in pairs."""
        file = self.report.findings[fi].file
        return self.href(file, f"g{self.gi_of.get(file, 0)}-{_compare_slug(fi, pair)}")

    # -- views ------------------------------------------------------------------------------

    def view(self, gi: int) -> GuideView:
        """Guide ``gi``'s text with its marks and flags. Only the latest used are kept: a
        view takes about 0.14 MB, and a process drawing a library's pages asks for every
        one."""
        if gi in self._views:
            self._views.move_to_end(gi)
        else:
            # Its links are drawn on its own page, whichever page first asks for the view:
            # otherwise they would depend on the order the pages are drawn in.
            drawing = self.current_page
            if self.split:
                self.current_page = gi
            try:
                self._views[gi] = GuideView(self, gi)
            finally:
                self.current_page = drawing
            if len(self._views) > MAX_KEPT_VIEWS:
                self._views.popitem(last=False)
        return self._views[gi]

    def _anchors_of(self, gi: int) -> dict[tuple[int, int], str]:
        """The ids of the places on guide ``gi``'s page, kept for every guide: pages link to
        many other guides' places, and the views those come from are not all kept."""
        if gi not in self._anchors:
            self._anchors[gi] = self.view(gi).anchors
        return self._anchors[gi]

    def anchor(self, fi: int, occ: int) -> str | None:
        """The link to the place of occurrence ``occ`` (0 = the finding's own place) of a
        finding, from the page being drawn."""
        finding = self.report.findings[fi]
        if occ == 0:
            file = finding.file
        elif occ - 1 < len(finding.related):
            file = finding.related[occ - 1].file
        else:
            return None
        gi = self.gi_of.get(file)
        if gi is None:
            return None
        target = self._anchors_of(gi).get((fi, occ))
        return self.href(file, target) if target else None

    def occurrence(self, fi: int, occ: int) -> tuple[str, str, Span | None]:
        """Place ``occ`` of a finding: 0 is its own, then its related places in order."""
        finding = self.report.findings[fi]
        if occ == 0:
            return finding.file, finding.pointer, finding.span
        loc = finding.related[occ - 1]
        return loc.file, loc.pointer, loc.span

    def where(self, fi: int, occ: int) -> str:
        file, pointer, span = self.occurrence(fi, occ)
        finding = self.report.findings[fi]
        text = pointers.describe(pointer)
        if file != finding.file:
            text = f"{file}: {text}"
        if span is not None:
            text += f", characters {span.start + 1}–{span.end}"
        return text

    def overview_rows(self) -> list[dict[str, Any]]:
        return [self.overview_rows_for(gi) for gi in range(len(self.report.guides))]

    def overview_rows_for(self, gi: int) -> dict[str, Any]:
        """What the overview and a guide's figures show: its title, counts, figures, charts."""
        if gi not in self._rows:
            guide = self.report.guides[gi]
            self._rows[gi] = {
                "gi": gi,
                "guide": guide,
                "href": self.guide_href(gi),
                "title": _guide_title(guide),
                # Guides of one title (copies, drafts) are told apart in lists by file.
                "listed_as": _guide_title(guide)
                + (f" ({guide.file})" if self._titles[_guide_title(guide)] > 1 else ""),
                "counts": self.counts.get(guide.file, Counter()),
                "figures": _figures(guide),
                "chart": _chart(guide, f"g{gi}", small=True),
            }
        return self._rows[gi]

    @cached_property
    def rule_rows(self) -> list[dict[str, Any]]:
        """The overview's findings per rule, worst first: most errors, then warnings, then
        notes."""
        counts: dict[str, Counter] = defaultdict(Counter)
        files: dict[str, set[str]] = defaultdict(set)
        for finding in self.report.findings:
            counts[finding.code][finding.severity.value] += 1
            files[finding.code].add(finding.file)
        rows = []
        for code, by_severity in counts.items():
            rule = find_rule(code)
            rows.append(
                {
                    "code": code,
                    "name": rule.name if rule else "",
                    "category": rule.category.value if rule else "",
                    "counts": by_severity,
                    "files": len(files[code]),
                }
            )
        return sorted(rows, key=lambda row: ([-n for n in _worst(row["counts"])], row["code"]))

    def big_chart(self, gi: int) -> dict[str, Any] | None:
        """The labelled chart of a guide's own section."""
        return _chart(self.report.guides[gi], f"g{gi}", small=False)


def _failing(report: Report) -> int:
    if report.fail_on not in {s.value for s in Severity}:
        return 0
    rank = Severity(report.fail_on).rank
    return sum(1 for f in report.findings if f.severity.rank >= rank)


def _page_names(guides: Iterable[GuideReport]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for guide in guides:
        stem = PurePosixPath(guide.file.replace("\\", "/")).stem.lower()
        base = _UNSAFE_NAME.sub("-", stem).strip("-")[:80] or "guide"
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base}-{n}"
        seen.add(name)
        names.append(f"{name}.html")
    return names


def _guide_title(guide: GuideReport) -> str:
    data = guide.data if isinstance(guide.data, dict) else {}
    title = data.get("title")
    return title if isinstance(title, str) and title.strip() else guide.file


def _rule_docs(codes: Iterable[str]) -> list[dict[str, str]]:
    docs = []
    for code in codes:
        rule = find_rule(code)
        if rule is not None:
            docs.append({"code": rule.code, "name": rule.name, "text": explain(rule)})
    return docs


# ---------------------------------------------------------------------------------------------
# Figures and charts (values from the report's metrics; nothing is computed)


def _figures(guide: GuideReport) -> dict[str, Any]:
    metrics = guide.metrics or {}
    readability = metrics.get("readability") or {}
    audience = readability.get("audience") or {}
    overall = readability.get("guide") or {}
    data = guide.data if isinstance(guide.data, dict) else {}
    declared = data.get("reading_time_minutes")
    if isinstance(declared, bool) or not isinstance(declared, int | float):
        declared = None
    ease = overall.get("flesch_reading_ease")
    grade = overall.get("flesch_kincaid_grade")
    min_ease = audience.get("min_reading_ease")
    max_grade = audience.get("max_grade")
    return {
        "words": metrics.get("words"),
        "sentences": metrics.get("sentences"),
        "prose_words": overall.get("words"),
        "prose_sentences": overall.get("sentences"),
        "duplication_ratio": metrics.get("duplication_ratio"),
        "passive_voice_ratio": readability.get("passive_voice_ratio"),
        "reading_time": metrics.get("reading_time_minutes"),
        "reading_time_without_repeats": metrics.get("reading_time_minutes_without_repeats"),
        "declared": declared,
        "audience": audience.get("name"),
        "ease": ease,
        "grade": grade,
        "min_ease": min_ease,
        "max_grade": max_grade,
        "ease_ok": _meets(ease, min_ease, above=True),
        "grade_ok": _meets(grade, max_grade, above=False),
        "overall": overall,
        "insufficient": bool(overall.get("insufficient_text")),
    }


def _meets(value: Any, target: Any, above: bool) -> bool | None:
    if not isinstance(value, int | float) or not isinstance(target, int | float):
        return None
    return value >= target if above else value <= target


def _part_label(pointer: str) -> tuple[str, str]:
    """(short axis label, long name) of a readability part."""
    tokens = pointers.split(pointer)
    short = {"intro": "In", "steps": "S", "strategies": "St", "sections": "Se", "faq": "FAQ"}
    if not tokens:
        return "All", "the guide"
    head = short.get(tokens[0], tokens[0][:3])
    if len(tokens) > 1 and tokens[1].isdigit():
        head += str(int(tokens[1]) + 1)
    return head, pointers.describe(pointer)


def _bar(x: float, y: float, h: float, cls: str, short: str, title: str) -> dict[str, Any]:
    return {"x": x, "y": y, "h": h, "cls": cls, "short": short, "title": title}


def _chart(guide: GuideReport, prefix: str, small: bool) -> dict[str, Any] | None:
    """Geometry of the readability-per-part bar chart (Flesch Reading Ease, 0..100 drawn)."""
    readability = (guide.metrics or {}).get("readability") or {}
    parts = readability.get("parts") or {}
    target = (readability.get("audience") or {}).get("min_reading_ease")
    if not parts:
        return None
    bar, gap = (5, 2) if small else (22, 8)
    top, height = (2, 24) if small else (12, 120)
    left = 0 if small else 34
    bars = []
    below = 0
    for i, (pointer, figures) in enumerate(parts.items()):
        short, name = _part_label(pointer)
        x = left + gap + i * (bar + gap)
        ease = figures.get("flesch_reading_ease") if isinstance(figures, dict) else None
        if not isinstance(ease, int | float) or isinstance(ease, bool):
            title = f"{name}: not enough text for a figure"
            bars.append(_bar(x, top + height - 2, 2, "na", short, title))
            continue
        clipped = max(0.0, min(100.0, float(ease)))
        h = round(height * clipped / 100, 1)
        ok = target is None or ease >= target
        below += 0 if ok else 1
        grade = figures.get("flesch_kincaid_grade")
        title = f"{name}: Flesch Reading Ease {ease:.1f}"
        if isinstance(target, int | float):
            title += f" (target ≥ {target:g})"
        if isinstance(grade, int | float):
            title += f", grade {grade:.1f}"
        y = round(top + height - h, 1)
        bars.append(_bar(x, y, max(h, 0.5), "ok" if ok else "low", short, title))
    width = left + gap + len(bars) * (bar + gap) + (0 if small else 8)
    target_y = None
    if isinstance(target, int | float):
        target_y = round(top + height - height * max(0.0, min(100.0, float(target))) / 100, 1)
    label = f"Flesch Reading Ease per part: {len(bars)} parts, {below} below the target" + (
        f" of {target:g}" if isinstance(target, int | float) else ""
    )
    # The small chart draws its bars as one path per kind: a few nodes per guide in the index.
    paths = {
        cls: "".join(f"M{b['x']} {b['y']}h{bar}v{b['h']}h-{bar}z" for b in bars if b["cls"] == cls)
        for cls in ("ok", "low", "na")
    }
    return {
        "id": f"{prefix}-chart{'-s' if small else ''}",
        "bars": bars,
        "paths": [(cls, d) for cls, d in paths.items() if d],
        "bar": bar,
        "width": width,
        "height": top + height + (2 if small else 26),
        "top": top,
        "plot": height,
        "left": left,
        "target": target,
        "target_y": target_y,
        "label": label,
        "ticks": []
        if small
        else [(v, round(top + height - height * v / 100, 1)) for v in (0, 50, 100)],
        "parts": [(pointer, _part_label(pointer)[1], f) for pointer, f in parts.items()],
    }


# ---------------------------------------------------------------------------------------------
# One guide: its text with marks, flags, comparisons and findings


class GuideView:
    def __init__(self, ctx: _Context, gi: int) -> None:
        self.ctx = ctx
        self.gi = gi
        self.guide = ctx.report.guides[gi]
        self.prefix = f"g{gi}"
        self.nodes: dict[str, Node] = {}
        self.anchors: dict[tuple[int, int], str] = {}
        self.used: set[int] = set()  # findings described on this page
        data = self.guide.data
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        self.root = self._node("")
        self.doc = self._build(self.data)
        self.own = list(ctx.by_file.get(self.guide.file, ()))
        # Each cluster's look (colour, underline style), in the order this page first shows
        # them: clusters are numbered across the library, and numbers 24 apart looked the same.
        # A one-page report's guides share the page's looks.
        self._looks: dict[int, tuple[int, int]] = {} if ctx.split else ctx.looks
        self._place()

    def look(self, cluster: int) -> tuple[int, int]:
        """A cluster's colour (``c``, ``bc``) and underline style (``bs``) on this page: the
        first 24 clusters a page shows all look different."""
        if cluster not in self._looks:
            n = len(self._looks)
            self._looks[cluster] = (n % PALETTE_SIZE, n // PALETTE_SIZE % BORDER_STYLES)
        return self._looks[cluster]

    def look_classes(self, cluster: int) -> str:
        colour, style = self.look(cluster)
        return f"c{colour} bc{colour} bs{style}"

    # -- ids ----------------------------------------------------------------------------------

    def element_id(self, pointer: str) -> str:
        return f"{self.prefix}-p{_pointer_slug(pointer)}"

    def segment_id(self, pointer: str, start: int) -> str:
        return f"{self.prefix}-p{_pointer_slug(pointer)}-{start}"

    def row_id(self, fi: int) -> str:
        return f"{self.prefix}-f{fi}"

    def desc_id(self, fi: int) -> str:
        return f"{self.prefix}-d{fi}"

    def compare_id(self, fi: int, pair: int | None = None) -> str:
        return f"{self.prefix}-{_compare_slug(fi, pair)}"

    # -- the guide as a reader sees it ----------------------------------------------------------

    def _node(self, pointer: str, value: str | None = None) -> Node:
        node = Node(weakref.proxy(self), pointer, value)
        self.nodes[pointer] = node
        return node

    def _text(self, pointer: str, value: Any) -> Node | None:
        return self._node(pointer, value) if isinstance(value, str) else None

    def _texts(self, pointer: str, value: Any) -> tuple[Node, list[Node]] | None:
        if not isinstance(value, list):
            return None
        block = self._node(pointer)
        items = [self._text(f"{pointer}/{i}", v) for i, v in enumerate(value)]
        return block, [n for n in items if n is not None]

    def _objects(
        self, pointer: str, value: Any
    ) -> tuple[Node, list[tuple[int, Node, dict]]] | None:
        """A list of objects (steps, FAQ entries...); items that are not objects are skipped, so
        a finding about one lands on the list."""
        if not isinstance(value, list):
            return None
        block = self._node(pointer)
        items = [
            (i, self._node(f"{pointer}/{i}"), item)
            for i, item in enumerate(value)
            if isinstance(item, dict)
        ]
        return block, items

    def _build(self, data: dict[str, Any]) -> dict[str, Any]:
        doc: dict[str, Any] = {}
        for key in ("category", "title", "summary", "author", "reviewed_by", "updated", "id"):
            doc[key] = self._text(f"/{key}", data.get(key))
        declared = data.get("reading_time_minutes")
        doc["reading_time"] = (
            (self._node("/reading_time_minutes"), declared)
            if "reading_time_minutes" in data
            else None
        )
        for key in ("badges", "intro", "takeaways", "related_guides"):
            doc[key] = self._texts(f"/{key}", data.get(key))

        def entry(base: str, i: int, node: Node, item: dict, fields: dict[str, str]) -> dict:
            out: dict[str, Any] = {"node": node, "n": i + 1}
            for name, kind in fields.items():
                pointer = f"{base}/{i}/{name}"
                out[name] = (
                    self._text(pointer, item.get(name))
                    if kind == "text"
                    else self._texts(pointer, item.get(name))
                )
            return out

        layouts = {
            "steps": {"title": "text", "body": "list", "action_items": "list"},
            "strategies": {"title": "text", "body": "list"},
            "sections": {"heading": "text", "body": "list", "items": "list"},
            "callouts": {"label": "text", "title": "text", "body": "list"},
            "quotes": {"text": "text", "attribution": "text"},
            "faq": {"question": "text", "answer": "text"},
            "sources": {"title": "text", "url": "text"},
        }
        for key, fields in layouts.items():
            found = self._objects(f"/{key}", data.get(key))
            if found is None:
                doc[key] = None
                continue
            block, items = found
            doc[key] = (block, [entry(f"/{key}", i, node, item, fields) for i, node, item in items])
        if doc["sources"]:
            for source in doc["sources"][1]:
                url = source["url"].value if source["url"] else ""
                source["href"] = url.strip() if _HTTP.match(url.strip()) else None
        return doc

    # -- where each finding goes ----------------------------------------------------------------

    def _resolve(self, pointer: str) -> Node:
        """The rendered node at ``pointer``, or its nearest rendered ancestor."""
        while pointer not in self.nodes:
            pointer = pointers.parent(pointer)
        return self.nodes[pointer]

    def _place(self) -> None:
        file = self.guide.file
        places: list[tuple[int, int, str, Span | None]] = [
            (fi, 0, self.ctx.report.findings[fi].pointer, self.ctx.report.findings[fi].span)
            for fi in self.own
        ]
        places += [
            (fi, k, loc.pointer, loc.span) for fi, k, loc in self.ctx.related_by_file.get(file, ())
        ]
        places.sort(key=lambda p: (p[0], p[1]))
        for fi, occ, pointer, span in places:
            finding = self.ctx.report.findings[fi]
            code = finding.code
            pair = _pair_of(finding, occ)
            shown_apart = code in CLUSTER_CODES or code in NEAR_CODES or pair is not None
            if occ > 0 and not shown_apart and code != "D012":
                continue  # "see also" places of other findings are not marks
            node = self._resolve(pointer)
            exact = node.pointer == pointer and node.is_text
            if exact and (span is not None or code in CLUSTER_CODES or code == "D012"):
                assert node.value is not None
                start, end = _clip(span, len(node.value))
                if start < end:
                    kind = "dup" if code in CLUSTER_CODES else MARK_KINDS.get(code, "other")
                    node.specs.append(MarkSpec(start, end, fi, occ, kind, self.ctx.cluster.get(fi)))
                    self.anchors[(fi, occ)] = self.segment_id(pointer, start)
                    self.used.add(fi)
                    continue
            flag_id = f"{self.prefix}-x{fi}-{occ}"
            if code in NEAR_CODES and finding.related:
                target = self.ctx.compare_href(fi)
            elif pair is not None and not self.ctx.same_text(fi, pair):
                target = self.ctx.compare_href(fi, pair)
            else:
                target = self.ctx.row_href(fi)
            node.flags.append(
                Flag(
                    id=flag_id,
                    fi=fi,
                    code=code,
                    severity=finding.severity.value,
                    href=target,
                    tip=_tip(finding),
                    describedby=self.desc_id(fi),
                    label=self._flag_label(fi, occ),
                )
            )
            self.anchors[(fi, occ)] = flag_id
            self.used.add(fi)

    def _flag_label(self, fi: int, occ: int) -> str:
        finding = self.ctx.report.findings[fi]
        other: Finding | Location | None = None
        if finding.code in NEAR_CODES and finding.related:
            other = finding.related[0] if occ == 0 else finding
        elif (pair := _pair_of(finding, occ)) is not None:
            # The label names the other side of the pair.
            other = finding.related[2 * pair + 1 if occ % 2 else 2 * pair]
        if other is not None:
            where = pointers.describe(other.pointer)
            if other.file != self.guide.file:
                where = f"{other.file}: {where}"
            return f"{finding.code} ≈ {where}"
        if occ > 0:
            return f"{finding.code} (copy {occ + 1})"
        return finding.code

    # -- segments -----------------------------------------------------------------------------

    def segments(self, node: Node) -> list[Segment]:
        """Cut a string into non-overlapping segments at every span edge; each segment carries
        every finding that covers it."""
        text = node.value or ""
        specs = node.specs
        if not specs:
            return [Segment(text, 0, len(text), [])] if text else []
        edges = sorted({0, len(text), *(s.start for s in specs), *(s.end for s in specs)})
        # Marks by the edge where they start and end, as indices into ``specs``: swept edge by
        # edge, a text with thousands of marks (a sentence pasted thousands of times) does not
        # test every mark at every edge.
        starts: dict[int, list[int]] = defaultdict(list)
        ends: dict[int, list[int]] = defaultdict(list)
        for k, spec in enumerate(specs):
            starts[spec.start].append(k)
            ends[spec.end].append(k)
        covering: set[int] = set()
        out: list[Segment] = []
        for a, b in itertools.pairwise(edges):
            covering.difference_update(ends.get(a, ()))
            covering.update(k for k in starts.get(a, ()) if specs[k].end > a)
            active = [specs[k] for k in sorted(covering)]
            seg = Segment(text[a:b], a, b, active)
            if active:
                self._dress(
                    node,
                    seg,
                    [specs[k] for k in starts.get(a, ())],
                    [specs[k] for k in ends.get(b, ())],
                )
            out.append(seg)
        return out

    def _dress(self, node: Node, seg: Segment, starting: list, ending: list) -> None:
        findings = self.ctx.report.findings
        fis = sorted({s.fi for s in seg.marks})
        kinds = {s.kind for s in seg.marks}
        classes = ["m"] + [f"k-{k}" for k in sorted(kinds)]
        clusters = sorted(
            (s for s in seg.marks if s.cluster is not None), key=lambda s: (s.end - s.start, s.fi)
        )
        if clusters:
            inner, outer = clusters[0].cluster, clusters[-1].cluster
            assert inner is not None and outer is not None
            (colour, _), (border, style) = self.look(inner), self.look(outer)
            classes.append(f"c{colour} bc{border} bs{style}")
        seg.classes = " ".join(classes)
        seg.fis = " ".join(str(fi) for fi in fis)
        seg.tip = "\n".join(_tip(findings[fi], self.ctx.cluster.get(fi)) for fi in fis)
        seg.describedby = " ".join(self.desc_id(fi) for fi in fis)
        if starting:
            seg.id = self.segment_id(node.pointer, seg.start)
        for spec in sorted(ending, key=lambda s: (s.fi, s.occ)):
            if spec.cluster is not None:
                seg.navs.append(self._nav(spec))

    def _nav(self, spec: MarkSpec) -> Nav:
        fi = spec.fi
        finding = self.ctx.report.findings[fi]
        assert spec.cluster is not None
        count = 1 + len(finding.related)
        links: list[tuple[str, str | None, str]] = []
        if count <= INLINE_COPY_LINKS:
            for occ in range(count):
                href = None if occ == spec.occ else self.ctx.anchor(fi, occ)
                label = f"copy {occ + 1} of {count}" + (" (this one)" if occ == spec.occ else "")
                links.append((str(occ + 1), href or None, label))
        else:
            prev_occ, next_occ = (spec.occ - 1) % count, (spec.occ + 1) % count
            links.append(("‹", self.ctx.anchor(fi, prev_occ), f"previous copy, {prev_occ + 1}"))
            links.append((f"{spec.occ + 1}/{count}", None, f"copy {spec.occ + 1} of {count}"))
            links.append(("›", self.ctx.anchor(fi, next_occ), f"next copy, {next_occ + 1}"))
        n = spec.cluster
        return Nav(
            label=f"C{n}",
            href=self.ctx.row_href(fi),
            title=f"duplicate cluster C{n} ({finding.code} {finding.rule}): every copy",
            links=links,
            classes=self.look_classes(n),
        )

    # -- lists for the templates ----------------------------------------------------------------

    @cached_property
    def rows(self) -> list[dict[str, Any]]:
        findings = self.ctx.report.findings
        out = []
        for fi in self.own:
            finding = findings[fi]
            count = 1 + len(finding.related)
            places = []
            if finding.code in CLUSTER_CODES or finding.code == "D012":
                places = [
                    (self.ctx.where(fi, occ), self.ctx.anchor(fi, occ)) for occ in range(count)
                ]
            pairs = []
            if related_in_pairs(finding.code):
                pairs = [
                    (
                        *(
                            (self.ctx.where(fi, occ), self.ctx.anchor(fi, occ))
                            for occ in (2 * k + 1, 2 * k + 2)
                        ),
                        None if self.ctx.same_text(fi, k) else f"#{self.compare_id(fi, k)}",
                    )
                    for k in range(len(finding.related) // 2)
                ]
            out.append(
                {
                    "fi": fi,
                    "f": finding,
                    "id": self.row_id(fi),
                    "where": self.ctx.where(fi, 0),
                    "href": self.ctx.anchor(fi, 0),
                    "places": places,
                    "pairs": pairs,
                    "cluster": self.ctx.cluster.get(fi),
                    "looks": self.look_classes(self.ctx.cluster[fi])
                    if fi in self.ctx.cluster
                    else "",
                    "compare": self.compare_id(fi) if finding.code in NEAR_CODES else None,
                }
            )
        return out

    @cached_property
    def filters(self) -> dict[str, list[str]]:
        findings = [self.ctx.report.findings[fi] for fi in self.own]
        order = [s.value for s in Severity]
        return {
            "severity": sorted({f.severity.value for f in findings}, key=order.index),
            "category": sorted({f.category.value for f in findings}),
            "rule": sorted({f.code for f in findings}),
        }

    @cached_property
    def descriptions(self) -> list[tuple[str, str]]:
        findings = self.ctx.report.findings
        return [
            (self.desc_id(fi), _tip(findings[fi], self.ctx.cluster.get(fi)))
            for fi in sorted(self.used)
        ]

    @cached_property
    def comparisons(self) -> list[Comparison]:
        out = []
        for fi in self.own:
            finding = self.ctx.report.findings[fi]
            if related_in_pairs(finding.code):
                out += self._pair_comparisons(fi)
                continue
            if finding.code not in NEAR_CODES or not finding.related:
                continue
            earlier = finding.related[0]
            left = self._side(fi, 1, earlier.file, earlier.pointer, earlier.span)
            right = self._side(fi, 0, finding.file, finding.pointer, finding.span)
            rows = _diff(left.fields, right.fields)
            out.append(
                Comparison(self.compare_id(fi), fi, finding, self.row_id(fi), left, right, rows)
            )
        return out

    def _pair_comparisons(self, fi: int) -> list[Comparison]:
        """One comparison per pair of related places of a finding (see
        ``Rule.related_in_pairs``): the other guide's on the left, this guide's on the
        right."""
        finding = self.ctx.report.findings[fi]
        out = []
        for k in range(len(finding.related) // 2):
            if self.ctx.same_text(fi, k):
                continue
            mine, theirs = finding.related[2 * k], finding.related[2 * k + 1]
            left = self._side(fi, 2 * k + 2, theirs.file, theirs.pointer, theirs.span)
            right = self._side(fi, 2 * k + 1, mine.file, mine.pointer, mine.span)
            out.append(
                Comparison(
                    self.compare_id(fi, k),
                    fi,
                    finding,
                    self.row_id(fi),
                    left,
                    right,
                    _diff(left.fields, right.fields),
                    left_label="Other guide",
                    right_label="This guide",
                )
            )
        return out

    def _side(self, fi: int, occ: int, file: str, pointer: str, span: Span | None) -> Side:
        value = self.ctx.value_at(file, pointer)
        title = pointers.describe(pointer)
        if file != self.guide.file:
            title = f"{file}: {title}"
        rows: list[tuple[str, list[str]]] = []
        if isinstance(value, str):
            start, end = _clip(span, len(value))
            rows.append(("Text", [value[start:end]]))
        elif isinstance(value, dict):
            for key, label in (
                ("title", "Title"),
                ("heading", "Heading"),
                ("question", "Question"),
                ("body", "Text"),
                ("answer", "Answer"),
                ("action_items", "Action items"),
                ("items", "Items"),
            ):
                part = value.get(key)
                if isinstance(part, str):
                    rows.append((label, [part]))
                elif isinstance(part, list):
                    rows.append((label, [p for p in part if isinstance(p, str)]))
        return Side(title, self.ctx.anchor(fi, occ) or "", rows)


def _tip(finding: Finding, cluster: int | None = None) -> str:
    label = f" C{cluster}" if cluster is not None else ""
    return f"{finding.code}{label} {finding.rule} ({finding.severity.value}): {finding.message}"


def _clip(span: Span | None, length: int) -> tuple[int, int]:
    """A span inside a string of ``length`` code points; no span means the whole string, and an
    empty span covers the character at its place so it can be seen."""
    if span is None:
        return 0, length
    start = max(0, min(span.start, length))
    end = max(start, min(span.end, length))
    if start == end and length:
        start, end = (start, start + 1) if start < length else (length - 1, length)
    return start, end


def _pair_of(finding: Finding, occ: int) -> int | None:
    """Which pair of its related places place ``occ`` of the finding belongs to (places 1
    and 2 are pair 0), if the finding lists them in pairs and the place has its partner."""
    if occ < 1 or not related_in_pairs(finding.code) or occ > len(finding.related) // 2 * 2:
        return None
    return (occ - 1) // 2


def _compare_slug(fi: int, pair: int | None) -> str:
    return f"cmp{fi}" if pair is None else f"cmp{fi}-{pair + 1}"


def _pointer_slug(pointer: str) -> str:
    tokens = pointers.split(pointer)
    return "".join("-" + (_UNSAFE_NAME.sub("_", t.lower()) or "_") for t in tokens)


# ---------------------------------------------------------------------------------------------
# Word-level comparison of a near-duplicate (presentation: which words differ)


def _tokens(paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for i, paragraph in enumerate(paragraphs):
        if i:
            out.append("\n")
        out.extend(_WORD.findall(paragraph))
    return out


def _key(token: str) -> str:
    return _NOT_WORD.sub("", token.casefold()) or token


def _diff(
    left: list[tuple[str, list[str]]], right: list[tuple[str, list[str]]]
) -> list[tuple[str, list[Run], list[Run]]]:
    """Compare the fields of two texts word by word, field with field of the same label; a
    field only one side has is all different."""
    right_fields = dict(right)
    left_fields = dict(left)
    labels = [label for label, _ in left] + [
        label for label, _ in right if label not in left_fields
    ]
    rows = []
    for label in labels:
        runs_a, runs_b = _field_diff(
            tuple(left_fields.get(label, ())), tuple(right_fields.get(label, ()))
        )
        rows.append((label, runs_a, runs_b))
    return rows


# A library of edited copies shows the same pair of texts on many pages (each guide's page,
# and the single page that was too large to keep): 100 such guides took 111 s for the HTML
# report, against 8 s for JSON, most of it in difflib diffing the same texts again.
@lru_cache(maxsize=1 << 14)
def _field_diff(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[list[Run], list[Run]]:
    return _word_diff(_tokens(list(a)), _tokens(list(b)))


def _word_diff(a: list[str], b: list[str]) -> tuple[list[Run], list[Run]]:
    matcher = difflib.SequenceMatcher(None, [_key(t) for t in a], [_key(t) for t in b], False)
    left: list[Run] = []
    right: list[Run] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = tag != "equal"
        left.extend((t, changed and t != "\n") for t in a[i1:i2])
        right.extend((t, changed and t != "\n") for t in b[j1:j2])
    return _runs(left), _runs(right)


def _runs(tokens: list[Run]) -> list[Run]:
    """Merge neighbouring words of the same state; a paragraph break stays its own run."""
    runs: list[Run] = []
    for token, changed in tokens:
        if token == "\n":
            runs.append(("\n", False))
        elif runs and runs[-1][1] == changed and runs[-1][0] != "\n":
            runs[-1] = (f"{runs[-1][0]} {token}", changed)
        else:
            runs.append((token, changed))
    return runs
