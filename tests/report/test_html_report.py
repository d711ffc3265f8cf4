"""The HTML report, read back with the standard library's HTML parser: marks at the findings'
spans, escaping of hostile guides, the Content-Security-Policy, determinism and the split into
pages for large libraries. The browser tests (tests/browser) check the same page in Chromium."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import itertools
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import CLEAN_GUIDES, FIXTURES, GUIDES, SEED_GUIDE, load_json

from contentqa.config import Config
from contentqa.load import discover
from contentqa.model import Finding, Report
from contentqa.pipeline import run
from contentqa.registry import explain, find_rule
from contentqa.report import FORMATS
from contentqa.report import html_report as html

HOSTILE = FIXTURES / "hostile" / "hostile-guide.json"
CLUSTERS = {"D001", "D002", "D003", "D004", "D005"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


# ---------------------------------------------------------------------------------------------
# A tiny DOM from html.parser


@dataclasses.dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None
    children: list[Node | str] = dataclasses.field(default_factory=list)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def text(self, skip=lambda node: False) -> str:
        out = []
        for child in self.children:
            if isinstance(child, str):
                out.append(child)
            elif not skip(child):
                out.append(child.text(skip))
        return "".join(out)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes)
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None and node.parent is not None, f"stray </{tag}>"
        self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def as_shown(message: str) -> str:
    """A message as the page's text shows it: its `names` set as code, without backticks."""
    return message.replace("`", "")


def parse(text: str) -> Node:
    builder = _Builder()
    builder.feed(text)
    builder.close()
    assert builder.current is builder.root, f"unclosed <{builder.current.tag}>"
    return builder.root


def by_id(doc: Node) -> dict[str, Node]:
    out: dict[str, Node] = {}
    for node in doc.iter():
        if "id" in node.attrs:
            assert node.attrs["id"] not in out, f"duplicate id {node.attrs['id']}"
            out[node.attrs["id"]] = node
    return out


def is_nav(node: Node) -> bool:
    return "dn" in node.classes


# ---------------------------------------------------------------------------------------------
# Reports


def _check(*paths: Path) -> Report:
    return run(discover(list(paths)), Config())


@pytest.fixture(scope="module")
def seed() -> Report:
    return _check(SEED_GUIDE)


@pytest.fixture(scope="module")
def seed_html(seed) -> str:
    return html.render(seed)


@pytest.fixture(scope="module")
def seed_doc(seed_html) -> Node:
    return parse(seed_html)


@pytest.fixture(scope="module")
def hostile() -> Report:
    return _check(HOSTILE)


def _visible(text: str) -> str:
    return html._visible(text)


def _text_element(doc: Node, pointer: str) -> Node:
    found = [n for n in doc.find_all("span", cls="tx") if n.attrs["data-pointer"] == pointer]
    assert len(found) == 1, pointer
    return found[0]


def _marks(element: Node) -> list[Node]:
    return [n for n in element.find_all("mark") if not any(is_nav(a) for a in _ancestors(n))]


def _ancestors(node: Node):
    while node.parent is not None:
        node = node.parent
        yield node


def _value(report: Report, pointer: str) -> str:
    import jsonpointer

    return jsonpointer.resolve_pointer(report.guides[0].data, pointer)


def _covered(element: Node, fi: int) -> list[tuple[int, int]]:
    """The [start, end) ranges of the marks that carry finding ``fi``, merged."""
    ranges = sorted(
        (int(m.attrs["data-start"]), int(m.attrs["data-end"]))
        for m in _marks(element)
        if str(fi) in m.attrs["data-f"].split()
    )
    return _merge(ranges)


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _occurrences(finding: Finding):
    yield finding.pointer, finding.span
    for loc in finding.related:
        yield loc.pointer, loc.span


# ---------------------------------------------------------------------------------------------
# Marks


def test_html_is_a_registered_format():
    assert FORMATS["html"].renderer() is html.render
    assert FORMATS["html"].extension == "html"


def test_every_copy_of_every_duplicate_cluster_is_marked_at_its_span(seed, seed_doc):
    checked = 0
    for fi, finding in enumerate(seed.findings):
        if finding.code not in CLUSTERS:
            continue
        expected: dict[str, list[tuple[int, int]]] = {}
        for pointer, span in _occurrences(finding):
            value = _value(seed, pointer)
            expected.setdefault(pointer, []).append(
                (span.start, span.end) if span else (0, len(value))
            )
            checked += 1
        for pointer, ranges in expected.items():
            element = _text_element(seed_doc, pointer)
            assert _covered(element, fi) == _merge(sorted(ranges)), (finding.code, pointer)
            value = _value(seed, pointer)
            marks = [m for m in _marks(element) if str(fi) in m.attrs["data-f"].split()]
            assert all("k-dup" in m.classes for m in marks)
            for start, end in ranges:
                inside = [m for m in marks if start <= int(m.attrs["data-start"]) < end]
                assert "".join(m.text() for m in inside) == value[start:end]
                # the copy's first segment is its anchor
                assert inside[0].attrs["id"] == f"g0-p{html._pointer_slug(pointer)}-{start}"
    # 3 D001 x 3 copies, 3 D002 x 2, D003 x 5, D004 x 2, D005 x 84
    assert checked == 9 + 6 + 5 + 2 + 84


def test_each_cluster_has_its_own_label_and_colour(seed, seed_doc):
    labels = {}
    for fi, finding in enumerate(seed.findings):
        if finding.code in CLUSTERS:
            row = by_id(seed_doc)[f"g0-f{fi}"]
            label = row.find_all("span", cls="cl")[0]
            labels[label.text()] = next(c for c in label.classes if re.fullmatch(r"c\d", c))
    assert sorted(labels, key=lambda s: int(s[1:])) == [f"C{n}" for n in range(1, 10)]
    # the first eight clusters get eight different colours
    assert len({labels[f"C{n}"] for n in range(1, 9)}) == 8


def test_every_finding_with_a_span_covers_exactly_its_span(seed, seed_doc):
    for fi, finding in enumerate(seed.findings):
        if finding.span is None:
            continue
        spans = [s for p, s in _occurrences(finding) if p == finding.pointer and s is not None]
        element = _text_element(seed_doc, finding.pointer)
        expected = _merge(sorted((s.start, s.end) for s in spans))
        assert _covered(element, fi) == expected, finding.code


def test_overlapping_spans_become_segments_that_carry_every_finding(seed, seed_doc):
    codes = {fi: f.code for fi, f in enumerate(seed.findings)}
    element = _text_element(seed_doc, "/intro/3")
    segments = [
        (
            int(m.attrs["data-start"]),
            int(m.attrs["data-end"]),
            sorted(codes[int(x)] for x in m.attrs["data-f"].split()),
        )
        for m in _marks(element)
    ]
    value = _value(seed, "/intro/3")
    # the paragraph is the first copy of a D001 cluster; inside it a D002 sentence copy and
    # a W002 space before a quote
    assert segments == [
        (0, 136, ["D001"]),
        (136, 138, ["D001", "W002"]),
        (138, 139, ["D001"]),
        (139, 209, ["D001", "D002"]),
    ]
    assert len(value) == 209


def test_marks_never_nest_and_the_text_is_unchanged(seed, seed_doc):
    for element in seed_doc.find_all("span", cls="tx"):
        value = _value(seed, element.attrs["data-pointer"])
        assert element.text(skip=is_nav) == _visible(value)
        edges = [(int(m.attrs["data-start"]), int(m.attrs["data-end"])) for m in _marks(element)]
        assert edges == sorted(edges)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(edges))
        for mark in _marks(element):
            assert not mark.find_all("mark")[1:], "nested mark"
            start, end = int(mark.attrs["data-start"]), int(mark.attrs["data-end"])
            assert mark.text() == _visible(value[start:end])


def test_marks_are_focusable_and_described(seed, seed_doc):
    ids = by_id(seed_doc)
    marks = seed_doc.find_all("mark", cls="m")
    assert len(marks) > 100
    for mark in marks:
        if "data-f" not in mark.attrs:
            continue  # the legend's samples
        assert mark.attrs["tabindex"] == "0"
        described = mark.attrs["aria-describedby"].split()
        assert described
        for fi, desc in zip(mark.attrs["data-f"].split(), described, strict=True):
            finding = seed.findings[int(fi)]
            assert as_shown(finding.message) in ids[desc].text()
            assert finding.code in mark.attrs["data-tip"]
            assert finding.message in mark.attrs["data-tip"]


def test_other_copies_are_one_click_away(seed, seed_doc):
    ids = by_id(seed_doc)
    fi = next(i for i, f in enumerate(seed.findings) if f.code == "D003")
    targets = []
    for pointer, _ in _occurrences(seed.findings[fi]):
        element = _text_element(seed_doc, pointer)
        nav = element.find_all("sup", cls="dn")
        assert len(nav) == 1
        links = [a.attrs["href"] for a in nav[0].find_all("a")]
        # the cluster label (to the finding) and a link to each of the 4 other copies
        assert links[0] == f"#g0-f{fi}"
        assert len(links) == 5
        for href in links:
            assert href[1:] in ids
        targets.append(_marks(element)[0].attrs["id"])
    assert len(set(targets)) == 5


def test_every_finding_has_a_row_linking_to_its_place_and_its_rule(seed, seed_doc):
    ids = by_id(seed_doc)
    for fi, finding in enumerate(seed.findings):
        row = ids[f"g0-f{fi}"]
        assert row.tag == "tr"
        assert row.attrs["data-severity"] == finding.severity.value
        assert row.attrs["data-category"] == finding.category.value
        assert row.attrs["data-rule"] == finding.code
        hrefs = [a.attrs["href"] for a in row.find_all("a")]
        assert f"#rule-{finding.code}" in hrefs
        goto = row.find_all("a", cls="goto")[0].attrs["href"]
        target = ids[goto[1:]]
        assert str(fi) in target.attrs.get("data-f", "").split(), finding.code
        assert as_shown(finding.message) in row.text()


def test_findings_without_a_span_are_flags_on_their_part(seed, seed_doc):
    ids = by_id(seed_doc)
    for code, pointer in (("R005", "/steps/0/body/0"), ("T004", "/related_guides")):
        fi = next(i for i, f in enumerate(seed.findings) if f.code == code and f.pointer == pointer)
        flags = [n for n in seed_doc.find_all("a", cls="flag") if n.attrs["data-f"] == str(fi)]
        assert len(flags) == 1
        assert flags[0].attrs["href"] == f"#g0-f{fi}"
        assert code in flags[0].text()
        assert flags[0].attrs["aria-describedby"] in ids
    # the guide-wide R001 stands at the guide's head
    (r001,) = [i for i, f in enumerate(seed.findings) if f.code == "R001"]
    assert any(flag.attrs["data-f"] == str(r001) for flag in seed_doc.find_all("a", cls="flag"))


def test_rule_documentation_is_the_explain_text(seed, seed_doc):
    ids = by_id(seed_doc)
    for code in {f.code for f in seed.findings}:
        section = ids[f"rule-{code}"]
        assert section.find_all("pre")[0].text() == explain(find_rule(code))


def test_near_duplicate_steps_side_by_side_with_the_changed_words(seed, seed_doc):
    ids = by_id(seed_doc)
    fi = next(
        i for i, f in enumerate(seed.findings) if f.code == "D006" and f.pointer == "/steps/7"
    )
    view = ids[f"g0-cmp{fi}"]
    title_row = next(r for r in view.find_all("tr") if r.find_all("th")[0].text() == "Title")
    earlier, later = title_row.find_all("td")
    assert [d.text() for d in earlier.find_all("del")] == ["directly"]
    assert [i.text() for i in later.find_all("ins")] == ["clearly"]
    assert earlier.text() == "Ask for reassurance directly"
    assert "score 0.68" in view.find_all("h4")[0].text()


def test_overlapping_guides_list_their_step_pairs_each_side_by_side(tmp_path):
    """D016: `copy` holds the first four steps of `guide`, the last one reworded. Pairs of
    the same text are listed as such; the reworded pair is shown side by side."""
    guide = load_json(CLEAN_GUIDES[0])
    copy = json.loads(json.dumps(guide))
    copy["steps"] = copy["steps"][:4]
    copy["steps"][3]["title"] += " again"
    (tmp_path / "a-guide.json").write_text(json.dumps(guide, indent=1), encoding="utf-8")
    (tmp_path / "b-copy.json").write_text(json.dumps(copy, indent=1), encoding="utf-8")
    report = _check(tmp_path)
    [(fi, overlap)] = [(i, f) for i, f in enumerate(report.findings) if f.code == "D016"]
    assert overlap.file.endswith("a-guide.json")  # the guide that holds the other
    doc = parse(html.render(report))
    ids = by_id(doc)
    pairs = ids[f"g0-f{fi}"].find_all("details", cls="places")[0].find_all("li")
    assert len(pairs) == 4
    compare = f"#g0-cmp{fi}-4"
    for k, pair in enumerate(pairs):
        links = [a.attrs["href"] for a in pair.find_all("a")]
        reworded = k == 3
        assert links[2:] == ([compare] if reworded else [])
        assert pair.text().endswith("(side by side)" if reworded else "(same text)")
        # Both steps carry a flag that names the other side, leading to the comparison or,
        # for the same text, to the finding.
        for href, other in zip(links[:2], ("b-copy.json: step", "step"), strict=True):
            flag = ids[href[1:]]
            assert flag.attrs["href"] == (compare if reworded else f"#g0-f{fi}")
            assert flag.text().endswith(f"{other} {k + 1}")
    assert not [i for i in ids if i.startswith(f"g0-cmp{fi}-") and not i.startswith(compare[1:])]
    view = ids[compare[1:]]
    left, right = (th.text() for th in view.find_all("thead")[0].find_all("th"))
    assert left.startswith("Other guide:") and left.endswith("b-copy.json: step 4")
    assert right == "This guide: step 4"
    title_row = next(r for r in view.find_all("tr") if r.find_all("th")[0].text() == "Title")
    assert [i.text() for i in title_row.find_all("ins")] == []
    assert [d.text() for d in title_row.find_all("del")] == ["again"]


def test_figures_come_from_the_report(seed, seed_doc):
    metrics = seed.guides[0].metrics
    guide = by_id(seed_doc)["g0"]
    text = guide.text()
    assert f"{metrics['duplication_ratio'] * 100:.1f} %" in text
    ease = metrics["readability"]["guide"]["flesch_reading_ease"]
    assert f"{ease:.1f} (target ≥ 60)" in text
    assert "declared 12 min, computed 7.6 min, 2.8 min without repeats" in text
    chart = guide.find_all("svg", cls="chart")[0]
    bars = chart.find_all("rect")[1:]  # the first is the hatch pattern's
    assert len(bars) == len(metrics["readability"]["parts"])
    assert chart.find_all("line", cls="target")


def test_heading_levels_never_skip(seed_doc):
    levels = [int(n.tag[1]) for n in seed_doc.iter() if re.fullmatch(r"h[1-6]", n.tag)]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


# ---------------------------------------------------------------------------------------------
# Safety


def test_content_security_policy_allows_no_load_and_only_our_code(seed_html, seed_doc):
    head = seed_doc.find_all("head")[0]
    meta = [n for n in head.children if isinstance(n, Node)]
    assert meta[0].attrs == {"charset": "utf-8"}
    assert meta[1].attrs["http-equiv"] == "Content-Security-Policy"
    policy = meta[1].attrs["content"]
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy and "http" not in policy
    (style,) = seed_doc.find_all("style")
    (script,) = seed_doc.find_all("script")

    def sha(node):
        digest = hashlib.sha256(node.text().encode()).digest()
        return "'sha256-" + base64.b64encode(digest).decode() + "'"

    assert f"style-src {sha(style)}" in policy
    assert f"script-src {sha(script)}" in policy
    for node in seed_doc.iter():
        assert "style" not in node.attrs, node.tag
        assert "src" not in node.attrs, node.tag
        assert not any(a.startswith("on") for a in node.attrs), node.tag
        href = node.attrs.get("href")
        if href is not None:
            assert href.startswith("#") or href == "data:,", href


def test_hostile_guide_is_shown_as_text(hostile):
    page = html.render(hostile)
    doc = parse(page)
    assert len(doc.find_all("script")) == 1 and len(doc.find_all("style")) == 1
    for tag in ("img", "iframe", "b", "svg"):
        if tag == "svg":
            assert all("chart" in n.classes for n in doc.find_all("svg"))
        else:
            assert not doc.find_all(tag), tag
    for node in doc.iter():
        assert not any(a.startswith("on") for a in node.attrs)
        assert not node.attrs.get("href", "").lower().startswith("javascript:")
    title = doc.find_all("h4", cls="gtitle")[0].text()
    assert title == "<script>alert('title')</script> Clean a <b>grill</b>"
    text = doc.text()
    assert "</style><style>body{display:none}</style>" in text
    assert "<svg onload=alert('svg')>" in text
    assert "javascript:alert('url')" in text and "not linked" in text
    # control characters are shown, not sent: ESC and CR become visible symbols
    assert "\x1b" not in page and "\r" not in page
    assert "␛[2J␛[31mRED␛[0m and a carriage␍return." in text


def test_only_http_sources_become_links(tmp_path):
    guide = (GUIDES / "repot-a-houseplant.json").read_text(encoding="utf-8")
    assert '"sources"' in guide
    report = _check(GUIDES / "repot-a-houseplant.json")
    doc = parse(html.render(report))
    links = [a.attrs["href"] for a in doc.find_all("a", cls="ext")]
    urls = [s["url"] for s in report.guides[0].data["sources"]]
    assert links == [u for u in urls if re.match(r"https?://", u)]
    for a in doc.find_all("a", cls="ext"):
        assert a.attrs["rel"] == "noopener noreferrer external"


# ---------------------------------------------------------------------------------------------
# Determinism, odd input, large libraries


def test_same_report_same_bytes_apart_from_the_timestamp(seed, seed_html):
    assert html.render(seed) == seed_html
    later = dataclasses.replace(seed, generated_at="2099-01-02T03:04:05Z")
    again = html.render(later)
    assert again != seed_html
    assert again.replace(later.generated_at, seed.generated_at) == seed_html


def test_files_that_are_not_guides_still_render_with_every_finding(tmp_path):
    report = _check(FIXTURES / "load", GUIDES)
    doc = parse(html.render(report))
    ids = by_id(doc)
    for fi, finding in enumerate(report.findings):
        gi = next(i for i, g in enumerate(report.guides) if g.file == finding.file)
        row = ids[f"g{gi}-f{fi}"]
        goto = row.find_all("a", cls="goto")
        assert goto, finding.code
        assert goto[0].attrs["href"][1:] in ids


def _library(base: Report, copies: int) -> Report:
    """``copies`` renamed copies of every guide of ``base``, with their findings."""
    guides, findings = [], []
    for n in range(copies):

        def rename(file: str, n: int = n) -> str:
            return f"library/{n:04d}/{Path(file).name}"

        for guide in base.guides:
            guides.append(dataclasses.replace(guide, file=rename(guide.file)))
        for f in base.findings:
            related = tuple(dataclasses.replace(r, file=rename(r.file)) for r in f.related)
            findings.append(dataclasses.replace(f, file=rename(f.file), related=related))
    return dataclasses.replace(base, guides=tuple(guides), findings=tuple(findings))


def test_a_large_library_gets_an_index_and_a_page_per_guide(hostile):
    base = _check(HOSTILE, *sorted(p for p in GUIDES.glob("*.json") if p != SEED_GUIDE))
    library = _library(base, html.MAX_SINGLE_PAGE_GUIDES // 3 + 1)
    assert len(library.guides) > html.MAX_SINGLE_PAGE_GUIDES
    pages = dict(html.render_pages(library))
    assert len(pages) == len(library.guides) + 1
    index = pages.pop("contentqa.html")
    assert html.render(library) == index
    assert all(name.startswith("contentqa-guides/") for name in pages)
    assert len(set(pages)) == len(pages)
    index_links = {a.attrs["href"] for a in parse(index).find_all("a")}
    assert {name for name in pages} <= index_links
    some = next(text for text in pages.values() if "hostile" in text)
    doc = parse(some)
    hrefs = {a.attrs["href"] for a in doc.find_all("a")}
    assert "../contentqa.html" in hrefs
    assert any(h.startswith("../contentqa.html#rule-") for h in hrefs)
    assert len(doc.find_all("section", cls="guide")) == 1


@pytest.mark.parametrize("kept_views", [1, html.MAX_KEPT_VIEWS])
def test_guide_pages_do_not_depend_on_the_order_or_processes_drawing_them(
    tmp_path, monkeypatch, kept_views
):
    # Processes drawing a large library's pages each draw some of them, in their own order,
    # and keep only the views they used last.
    monkeypatch.setattr(html, "MAX_KEPT_VIEWS", kept_views)
    monkeypatch.setattr(html, "MAX_SINGLE_PAGE_GUIDES", 1)
    monkeypatch.setattr(html, "GUIDE_PAGES_PER_TASK", 1)
    twins = [tmp_path / f"twin-{n}.json" for n in (1, 2)]
    for twin in twins:
        twin.write_bytes(SEED_GUIDE.read_bytes())
    report = _check(SEED_GUIDE, *twins)
    assert any(r.file != f.file for f in report.findings for r in f.related)
    forward = html._Context(report, split=True)
    drawn = [forward.guide_page(gi) for gi in range(len(report.guides))]
    backward = html._Context(report, split=True)
    assert [backward.guide_page(gi) for gi in reversed(range(len(report.guides)))] == drawn[::-1]
    pages = list(html.render_pages(report))
    assert [page for _, page in pages[:-1]] == drawn
    assert pages[-1][0] == "contentqa.html"
    assert list(html.render_pages(report, jobs=2)) == pages


def test_a_report_over_the_byte_budget_is_split(seed, monkeypatch):
    monkeypatch.setattr(html, "MAX_SINGLE_PAGE_BYTES", 10_000)
    pages = dict(html.render_pages(seed, index_name="report.html"))
    assert sorted(pages) == ["report-guides/heal-anxious-attachment.html", "report.html"]


def test_a_small_report_is_one_page(seed):
    assert [name for name, _ in html.render_pages(seed)] == ["contentqa.html"]


def test_bidirectional_overrides_cannot_reorder_the_page():
    assert html._visible("a\u202egnp.json") == "a\ufffdgnp.json"
    assert html._visible("x\u2066y\u2069") == "x\ufffdy\ufffd"
    assert html._visible("שלום and مرحبا stay as written") == "שלום and مرحبا stay as written"


def test_names_in_backticks_are_shown_as_code_and_text_stays_escaped():
    shown = html._code_spans("`summary` <b>& `<i>` “a ` b” `nothing-*.json`")
    assert shown == (
        "<code>summary</code> &lt;b&gt;&amp; <code>&lt;i&gt;</code> “a ` b” "
        "<code>nothing-*.json</code>"
    )


def test_unreadable_files_and_guides_of_one_title(tmp_path):
    # A file that is not JSON has no text to mark and no figures; two guides of one title
    # are told apart by file in the contents.
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_bytes(SEED_GUIDE.read_bytes())
    (tmp_path / "broken.json").write_text('{"title": "Broken"', encoding="utf-8")
    page = html.render(_check(tmp_path))
    contents = page[page.index('<nav class="toc"') : page.index("</nav>")]
    title = "How to Heal Anxious Attachment: A Step-by-Step Guide"
    assert contents.count(f"{title} (") == 2
    assert page.count("How problems are marked") == 2  # the two readable guides'
    assert page.count("No figures: the file could not be read as a guide.") == 1
    assert "not scored" in page and "no target" not in page


def test_a_page_gives_each_of_its_first_24_clusters_its_own_look(seed):
    # Clusters are numbered across the library: C17 and C41 on one page once looked alike.
    view = html._Context(seed, split=False).view(0)
    looks = [view.look(n) for n in range(17, 17 + 24 * 2, 24)] + [
        view.look(n) for n in range(1000, 1022)
    ]
    assert len(set(looks)) == len(looks) == 24
    assert view.look(17) == looks[0]  # the same cluster, the same look


def test_the_overview_counts_findings_by_rule_linked_to_the_rule(seed, seed_doc):
    (table,) = seed_doc.find_all("table", cls="by-rule")
    rows = table.find_all("tbody")[0].find_all("tr")
    expected = Counter(f.code for f in seed.findings)
    assert len(rows) == len(expected)
    shown = {}
    for row in rows:
        (link,) = row.find_all("a")
        code = link.find_all("code")[0].text()
        assert link.attrs["href"] == f"#rule-{code}"
        assert find_rule(code).name in link.text()
        cells = row.find_all("td")
        shown[code] = {sev: int(n) for n, sev in re.findall(r"(\d+) (\w+)", cells[1].text())}
        assert cells[2].text() == "1"  # one guide
    assert {code: sum(counts.values()) for code, counts in shown.items()} == dict(expected)
    worst = [[counts.get(s, 0) for s in ("error", "warning", "info")] for counts in shown.values()]
    assert worst == sorted(worst, reverse=True)  # most errors first, then warnings
