"""Markdown guides: import mapping, positions at Markdown lines, and clear errors."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, SEED_GUIDE, load_json

from contentqa.config import Config
from contentqa.load import discover, load_file
from contentqa.markdown import MarkdownError, parse, to_markdown
from contentqa.model import Span
from contentqa.pipeline import run

SEED_MD = FIXTURES / "markdown" / "heal-anxious-attachment.md"


def test_seed_markdown_imports_to_the_seed_json():
    data, _ = parse(SEED_MD.read_text(encoding="utf-8"))
    expected = load_json(SEED_GUIDE)
    expected.pop("$schema")
    assert data == expected


def test_export_then_import_is_lossless_for_the_shipped_guides():
    for path in sorted(SEED_GUIDE.parent.glob("*.json")):
        guide = load_json(path)
        guide.pop("$schema", None)
        assert parse(to_markdown(guide))[0] == guide, path.name


def test_markdown_and_json_forms_give_the_same_findings():
    def keys(path):
        report = run(discover([path]), Config())
        return sorted(
            (f.code, f.pointer, f.span.to_json() if f.span else None) for f in report.findings
        )

    assert keys(SEED_MD) == keys(SEED_GUIDE)


def test_findings_point_at_markdown_lines():
    report = run(discover([SEED_MD]), Config())
    lines = SEED_MD.read_text(encoding="utf-8").split("\n")
    [step8] = [f for f in report.findings if f.code == "D006" and f.pointer == "/steps/7"]
    assert lines[step8.line - 1] == "### Ask for reassurance clearly"
    [quote_space] = [f for f in report.findings if f.code == "W002" and f.pointer == "/intro/3"]
    assert lines[quote_space.line - 1][quote_space.column - 1 :].startswith(' "')


@pytest.mark.parametrize(
    "line",
    [
        "Use **the cap** and the the screw.",
        "See [the guide](https://example.org/a/long/path) and the the screw.",
        "Use &amp; or &#38; and the the screw.",
        "Use \\*stars\\* and `a code span` and the the screw.",
        "Use _the_ cap, <https://example.org/p> and the the screw.",
        "Use the **cap**, the cap and the the screw.",
        "Use *x*&mdash;and the the screw.",
        "Use [a](u)&mdash;and the the screw.",
        "&copy; 2024 and the the screw.",
    ],
)
def test_columns_count_the_markup_before_them(tmp_path, line):
    path = tmp_path / "g.md"
    path.write_text(f"# Guide\n\n## Steps\n\n### One\n\nFirst line,\n{line}\n", encoding="utf-8")
    report = run([path], Config())
    [doubled] = [f for f in report.findings if f.code == "W005"]
    assert (doubled.line, doubled.column) == (8, line.rindex("the the") + 1)


@pytest.mark.parametrize(
    ("markdown", "line", "message"),
    [
        ("---\nid: x\ntitle: [unclosed\n---\n", 3, "front matter is not valid YAML"),
        ("# T\n\n## Takeaways\n\n### Oops\n", 5, "level-3 heading “Oops” is only allowed"),
        ("# T\n\n- a list in the intro\n", 3, "a list is not expected in the intro"),
        ("# T\n\n## Steps\n\n1. a\n", 5, "a list under ## Steps before its first ### heading"),
        ("# T\n\n## FAQ\n\n- a\n", 5, "a list is not expected in ## FAQ"),
        ("# T\n\n## Takeaways\n\n- a\n  - b\n- c\n", 6, "a list inside a list item"),
        ("# T\n\n## Takeaways\n\n- a\n\n  b\n- c\n", 7, "a list item of several paragraphs"),
        ("# T\n\n## Takeaways\n\n1. a\n\n   ```\n   x\n   ```\n", 7, "a code block inside a list"),
        ("# T\n\n## Takeaways\n\n- a\n\n  > said\n", 7, "a block quote inside a list item"),
        ("# T\n\n## Steps\n\n```\ncode\n```\n", 5, "a code block has no place in a guide"),
        ("# T\n\n<div>x</div>\n", 3, "raw HTML has no place in a guide"),
        ("# T\n\n> quoted\n", 3, "block quotes belong under ## Quotes"),
        ("---\nid: x\nsteps: 5\n---\n## Steps\n### S\nBody.\n", 3, "`steps` must be a list"),
        ("---\nid: x\nintro: hello\n---\nA paragraph.\n", 3, "`intro` must be a list"),
        ("---\nid: x\nupdated: 2024-02-30\n---\n", 3, "day is out of range"),
        ("---\nid: x\ntitle: T\n\n## Steps\n", 1, "front matter opened with `---` is never"),
        ("# T\n\nA kettle:\n\n![A kettle](k.jpg)\n", 5, "an image has no place in a guide"),
        ("# T\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n", 4, "a table has no place in a guide"),
    ],
)
def test_structure_errors_name_the_markdown_line(markdown, line, message):
    with pytest.raises(MarkdownError) as info:
        parse(markdown)
    assert info.value.line == line and message in info.value.message


@pytest.mark.parametrize(
    "quote",
    [
        "> The **quote** goes\n> on.\n> — Its author\n",  # as the README shows it
        "> The **quote** goes\n> on.\n>\n> — Its author\n",  # a paragraph of its own
    ],
)
def test_a_quote_attribution_is_its_last_line_after_a_dash(quote):
    guide, source_map = parse(f"## Quotes\n\n{quote}")
    assert guide["quotes"] == [{"text": "The quote goes on.", "attribution": "Its author"}]
    line = quote.count("\n") + 2
    assert source_map.position("/quotes/0/attribution").line == line


def test_a_link_keeps_its_address_after_its_words():
    markdown = (
        'See [the chart](https://example.org/tea "Chart") or <https://example.org/x> '
        "and and more.\n"
    )
    guide, source_map = parse(markdown)
    text = guide["intro"][0]
    assert text == (
        "See the chart (https://example.org/tea) or https://example.org/x and and more."
    )
    start = text.index("and and")
    assert (
        source_map.position("/intro/0", Span(start, start + 7)).column
        == markdown.index("and and") + 1
    )


def test_a_link_keeps_its_web_address_as_written_and_no_place_on_the_site():
    guide, _ = parse(
        "See [p](https://x.org/café), [q](<https://x.org/a b>), [the steps](#steps) "
        "and [r](other.md).\n"
    )
    assert guide["intro"] == ["See p (https://x.org/café), q (https://x.org/a b), the steps and r."]


def test_unquoted_dates_in_front_matter_are_read_as_the_text_written():
    guide, _ = parse("---\nid: x\nupdated: 2024-03-18\nsources: [{accessed: 2024-01-02}]\n---\n")
    assert guide["updated"] == "2024-03-18"
    assert guide["sources"] == [{"accessed": "2024-01-02"}]


def test_check_reports_a_markdown_error_as_a_finding(tmp_path):
    bad = tmp_path / "draft.md"
    bad.write_text("# Draft\n\n## Steps\n\n#### Too deep\n", encoding="utf-8")
    [finding] = run(discover([bad]), Config()).findings
    assert (finding.code, finding.line) == ("S010", 5)


def test_front_matter_with_windows_line_endings_is_read():
    crlf = SEED_MD.read_text(encoding="utf-8").replace("\n", "\r\n")
    data, _ = parse(crlf)
    assert data["id"] == parse(SEED_MD.read_text(encoding="utf-8"))[0]["id"]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_old_line_endings_give_the_same_guide_and_lines(tmp_path, newline):
    source = SEED_MD.read_text(encoding="utf-8")
    converted = tmp_path / "seed.md"
    converted.write_bytes(source.replace("\n", newline).encode("utf-8"))
    plain = load_file(SEED_MD, 10**7).document
    loaded = load_file(converted, 10**7).document
    assert loaded.data == plain.data
    pointer = "/steps/2/body/0"
    assert loaded.position(pointer) == plain.position(pointer)


def test_an_editors_note_in_an_html_comment_is_left_out():
    source = "# T\n\n<!-- check the photo -->\n\nIntro.\n\n<!--\nsecond note\n-->\n"
    data, _ = parse(source)
    assert data["intro"] == ["Intro."]
    with pytest.raises(MarkdownError, match="starts with an HTML comment"):
        parse("# T\n\n<!-- a --> Visible text. <!-- b -->\n\nIntro.\n")


def test_front_matter_findings_point_at_the_value(tmp_path):
    path = tmp_path / "fm.md"
    path.write_text(
        '---\nid: fm\ntitle: "Make the the tea"\nreading_time_minutes: ten\n'
        "summary: Let it steep for three minutes, then pour and wait for\n"
        "  the the leaves to sink.\n---\n\nIntro.\n",
        encoding="utf-8",
    )
    report = run([path], Config())
    places = {(f.code, f.pointer): (f.line, f.column) for f in report.findings}
    assert places[("W005", "/title")] == (3, len('title: "Make ') + 1)
    assert places[("S006", "/reading_time_minutes")] == (4, len("reading_time_minutes: ") + 1)
    assert places[("W005", "/summary")] == (6, 3)  # on the line the value continues on


def test_a_front_matter_value_not_written_as_it_reads_points_at_its_key(tmp_path):
    path = tmp_path / "fm.md"
    path.write_text(
        "---\nid: fm\ntitle: T\nsummary: >\n  Let it steep, then wait for\n  the the leaves.\n"
        "---\n\nIntro.\n",
        encoding="utf-8",
    )
    [doubled] = [f for f in run([path], Config()).findings if f.code == "W005"]
    assert (doubled.line, doubled.column) == (4, 1)


def test_a_comment_in_a_list_is_left_out_and_a_code_block_in_a_quote_is_an_error():
    data, _ = parse("# T\n\n## Takeaways\n\n- a\n  <!-- check this -->\n- b\n")
    assert data["takeaways"] == ["a", "b"]
    with pytest.raises(MarkdownError, match="code block inside a quote"):
        parse("# T\n\n## Quotes\n\n> said\n>\n>     code\n")


def test_every_block_that_cannot_be_read_is_reported_at_once(tmp_path):
    # A writer fixes them in one pass instead of one run per problem.
    draft = FIXTURES / "markdown" / "several-problems.md"
    with pytest.raises(MarkdownError) as info:
        parse(draft.read_text(encoding="utf-8"))
    found = [(error.line, error.message.split(" has no place")[0]) for error in info.value.errors]
    assert found == [
        (8, "a level-4 heading “Too deep” is only allowed under ## Steps, ## Strategies or ## FAQ"),
        (14, "an image"),
        (16, "a code block"),
        (22, "raw HTML"),
    ]
    findings = run(discover([draft]), Config()).findings
    assert [(f.code, f.line) for f in findings] == [("S010", line) for line, _ in found]
    assert findings[1].column == len("Do it. ") + 1  # at the image


@pytest.mark.parametrize(
    ("name", "line", "column", "message"),
    [
        ("key-not-text", 4, 1, "front matter key “1” must be text"),
        ("key-twice", 3, 1, "front matter key “id” is written twice (lines 2 and 3)"),
        ("yaml-set", 3, 8, "front matter holds a YAML set"),
        ("alias-bomb", 8, 1, "front matter aliases (*name) expand to more than 10,000 values"),
        ("refers-to-itself", 3, 1, "front matter refers to itself"),
        ("merge-key", 6, 3, "front matter merge keys (<<) are not read"),
        ("blank-line-then-key-twice", 5, 1, "key “title” is written twice (lines 4 and 5)"),
        ("key-a-list", 3, 3, "a front matter key must be text, not a list"),
    ],
)
def test_front_matter_a_guide_cannot_hold_is_one_finding_at_its_line(name, line, column, message):
    # Each stopped the run with a traceback, lost a value silently, gave a different report
    # on each run (a set's order), or took gigabytes (aliases expanding a billion times).
    [finding] = run(
        discover([FIXTURES / "markdown" / "front-matter" / f"{name}.md"]), Config()
    ).findings
    assert (finding.code, finding.line, finding.column) == ("S010", line, column)
    assert message in finding.message


def test_a_json_guide_under_a_markdown_name_is_read_as_json(tmp_path):
    named_md = tmp_path / "seed.md"
    named_md.write_bytes(SEED_GUIDE.read_bytes())
    as_md = {(f.code, f.line, f.column) for f in run([named_md], Config()).findings}
    as_json = {(f.code, f.line, f.column) for f in run([SEED_GUIDE], Config()).findings}
    assert as_md == as_json and len(as_json) > 40  # at their lines, not all at 1:1


def test_inline_html_and_every_image_of_a_paragraph_are_reported_and_notes_left_out():
    errors = _errors_of(
        "Intro <span>html</span> here.\n\nSee ![a](a.png) and ![b](b.png).\n\n"
        "## Steps\n\n### One\n\nDo it <!-- a note --> now.\n"
    )
    found = [(e.line, e.column, e.message.split(" has no place")[0]) for e in errors]
    assert found == [
        (1, 7, "raw HTML “<span>”"),
        (1, 17, "raw HTML “</span>”"),
        (3, 5, "an image"),
        (3, 21, "an image"),
    ]
    guide, _ = parse("## Steps\n\n### One\n\nDo it <!-- a note --> now.\n")
    assert guide["steps"][0]["body"] == ["Do it now."]


def test_front_matter_of_too_many_values_is_not_blamed_on_aliases():
    items = "".join(f"  - t{i}\n" for i in range(10_001))
    [error] = _errors_of(f"---\nid: big\ntags:\n{items}---\nText.\n")
    assert error.message.startswith("front matter holds more than 10,000 values")


def test_the_blocks_under_a_heading_that_cannot_be_read_are_not_reported_again():
    errors = _errors_of(
        "Intro.\n\n## Steps <span>new</span>\n\n### Open the lid\n\nDo it.\n\n"
        "## FAQ\n\n### Why?\n\n#### Too deep\n"
    )
    # The heading's two tags, and the next section's own error; not "### Open the lid".
    assert [(e.line, e.column) for e in errors] == [(3, 10), (3, 19), (13, 1)]


def _errors_of(markdown: str) -> tuple[MarkdownError, ...]:
    with pytest.raises(MarkdownError) as info:
        parse(markdown)
    return info.value.errors


def test_every_item_of_a_list_is_read_and_its_problems_reported():
    errors = _errors_of("## Takeaways\n\n- ![a](z.png)\n- second ![b](q.png)\n- <b>bold</b>\n")
    assert [(e.line, e.column) for e in errors] == [(3, 3), (4, 10), (5, 3), (5, 10)]


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("Five <!-- z -->\nsix.\n", "Five six."),
        ("Trail <!-- e -->\n", "Trail"),
        ("One <!-- c --> two.\n", "One two."),
    ],
)
def test_a_comment_within_a_line_leaves_no_double_space(markdown, text):
    guide, _ = parse(markdown)
    assert guide["intro"] == [text]


def test_a_line_that_starts_with_a_comment_says_how_to_write_it():
    [error] = _errors_of("<!-- lead --> words here.\n")
    assert error.message.startswith("a line that starts with an HTML comment is read as HTML")
