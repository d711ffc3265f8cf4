from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from conftest import CLEAN_GUIDES, FIXTURES, load_json

from contentqa.config import Config
from contentqa.load import (
    MAX_DEPTH,
    PathError,
    discover,
    display_name,
    load_bytes,
    load_file,
)
from contentqa.pipeline import check_file, run

LOAD_FIXTURES = FIXTURES / "load"
EXPECTED = load_json(LOAD_FIXTURES / "expected.json")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_gives_one_located_finding_per_problem(name):
    result = check_file(LOAD_FIXTURES / name, Config())
    got = [[f.code, f.line, f.column] for f in result.findings if f.category == "schema"]
    assert got == EXPECTED[name]
    assert all(f.file.endswith(name) for f in result.findings)
    assert result.report.valid is False


def test_a_missing_comma_is_placed_where_it_goes():
    # The parser stops at the next field, on the line after: the comma goes at the end of
    # the line before, which the message quotes.
    [finding] = check_file(LOAD_FIXTURES / "missing-comma.json", Config()).findings
    assert finding.message == (
        'invalid JSON: expected a comma after “…bigger pot without hurting its roots."” '
        "(is one missing?)"
    )


def test_a_file_cut_short_after_a_whole_line_is_cut_short(tmp_path):
    path = tmp_path / "g.json"
    path.write_text('{\n  "schema_version": 1,\n  "title": "Repot a houseplant"\n', "utf-8")
    [finding] = check_file(path, Config()).findings
    assert "cut short" in finding.message


def test_every_fixture_has_expectations():
    files = {p.name for p in LOAD_FIXTURES.glob("*.json") if p.name != "expected.json"}
    assert files == set(EXPECTED)


def test_input_files_are_never_modified(tmp_path):
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in LOAD_FIXTURES.iterdir()}
    for path in sorted(before):
        check_file(path, Config())
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in LOAD_FIXTURES.iterdir()}
    assert before == after


def test_file_over_the_size_limit_is_not_read(tmp_path):
    big = tmp_path / "big.json"
    big.write_text('{"title": "' + "x" * 2000 + '"}', encoding="utf-8")
    loaded = load_file(big, max_bytes=1000)
    assert loaded.document is None
    [(code, diagnostic)] = loaded.problems
    assert code == "S004"
    assert "over the 0.0 MB limit" in diagnostic.message or "limit" in diagnostic.message


def test_duplicate_keys_at_every_depth_are_reported():
    source = '{"a": 1, "a": 2, "steps": [{"title": "x", "body": [], "body": []}]}'
    loaded = load_bytes("t.json", "t.json", source.encode())
    pointers = sorted(d.pointer for code, d in loaded.problems if code == "S005")
    assert pointers == ["/a", "/steps/0/body"]
    columns = sorted(d.position.column for _, d in loaded.problems)
    assert columns == [source.index('"a": 2') + 1, source.rindex('"body"') + 1]


def test_invalid_utf8_points_at_the_bad_byte():
    loaded = load_bytes("t.json", "t.json", b'{\n  "t": "ab\xff"}')
    [(code, diagnostic)] = loaded.problems
    assert code == "S001"
    assert (diagnostic.position.line, diagnostic.position.column) == (2, 11)


def test_discover_is_recursive_sorted_and_rejects_unknown_paths(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.json").write_text("{}")
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("x")
    assert [p.name for p in discover([tmp_path])] == ["a.json", "z.json"]
    with pytest.raises(PathError, match="no such file"):
        discover([tmp_path / "missing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(PathError, match="no guide files"):
        discover([tmp_path / "empty"])
    (tmp_path / "loop.json").symlink_to(tmp_path / "loop.json")
    assert discover([tmp_path / "loop.json"]) == [tmp_path / "loop.json"]  # reported when read


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_entries_that_are_not_files_are_one_finding_each_and_the_run_goes_on(tmp_path):
    guides = tmp_path / "guides"
    guides.mkdir()
    shutil.copy(CLEAN_GUIDES[0], guides / "good.json")
    os.mkfifo(guides / "pipe.json")
    (guides / "gone.json").symlink_to("moved.json")
    (guides / "loop.json").symlink_to(guides / "loop.json")
    (tmp_path / "named.json").symlink_to("elsewhere.json")
    report = run(discover([guides, tmp_path / "named.json"]), Config())
    found = {(Path(f.file).name, f.code, f.message) for f in report.findings}
    assert found == {
        ("gone.json", "S002", "cannot read file: it is a link to moved.json, which does not exist"),
        (
            "loop.json",
            "S002",
            "cannot read file: it is a link in a loop of links that never reaches a file",
        ),
        (
            "named.json",
            "S002",
            "cannot read file: it is a link to elsewhere.json, which does not exist",
        ),
        ("pipe.json", "S002", "cannot read file: it is a pipe or a device, not a file"),
    }
    assert len(report.guides) == 5  # good.json checked too


def test_a_file_reached_by_several_paths_is_checked_once(tmp_path, monkeypatch):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "g.json").write_text("{}")
    monkeypatch.chdir(tmp_path)
    given = ["b/g.json", str(tmp_path / "b" / "g.json"), "b/../b/g.json", "b", str(tmp_path)]
    [found] = discover(given)
    assert display_name(found) == "b/g.json"


@pytest.mark.parametrize(
    "text", ["a whole pair \\ud83d\\ude00", "an escaped backslash, then letters: \\\\ud800"]
)
def test_escapes_that_read_as_characters_are_not_flagged(text):
    loaded = load_bytes("t.json", "t.json", ('{"title": "' + text + '"}').encode())
    assert loaded.problems == ()
    assert loaded.document is not None


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1])
def test_nesting_is_read_up_to_the_limit_and_no_deeper(depth):
    # The guide object is level 1; enough other brackets that the depth walk runs.
    deep = "[" * (depth - 1) + "]" * (depth - 1)
    many = "[" + ", ".join(["{}"] * MAX_DEPTH) + "]"
    source = '{"x-data": ' + deep + ', "x-more": ' + many + "}"
    loaded = load_bytes("t.json", "t.json", source.encode())
    codes = [code for code, _ in loaded.problems]
    assert codes == ([] if depth == MAX_DEPTH else ["S002"])


def test_markdown_front_matter_nested_too_deep_is_refused_too():
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    source = f"---\nid: x\nx-deep: {deep}\n---\n# Title\n"
    [(code, diagnostic)] = load_bytes("t.md", "t.md", source.encode()).problems
    assert code == "S002" and "nested more than" in diagnostic.message


def test_a_nul_byte_anywhere_is_an_encoding_problem():
    raw = b'{"title": "' + b"x" * 5000 + b'\x00"}'
    [(code, diagnostic)] = load_bytes("t.json", "t.json", raw).problems
    assert code == "S001" and diagnostic.position.column == 5012


def test_a_huge_size_limit_reads_only_the_file(tmp_path):
    small = tmp_path / "g.json"
    small.write_text('{"title": "x"}')
    assert load_file(small, max_bytes=10**12).document is not None


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending_puts_findings_on_the_editors_line(newline):
    # A lone carriage return (old Mac files) breaks the line in every editor.
    good = newline.join(["{", '  "title": "Repot a plant",', '  "steps": [{"title": 3}]', "}"])
    loaded = load_bytes("t.json", "t.json", good.encode())
    assert loaded.document is not None
    assert loaded.document.data == {"title": "Repot a plant", "steps": [{"title": 3}]}
    at = loaded.document.position("/steps/0/title")
    assert (at.line, at.column) == (3, 23)
    broken = newline.join(["{", '  "title": "Repot a plant",', '  "steps": [}', "}"])
    [(code, diagnostic)] = load_bytes("t.json", "t.json", broken.encode()).problems
    assert code == "S002"
    assert (diagnostic.position.line, diagnostic.position.column) == (3, 13)
    bad_byte = newline.join(["{", '  "t": "ab\xff"}']).encode("latin-1")
    [(code, diagnostic)] = load_bytes("t.json", "t.json", bad_byte).problems
    assert (code, diagnostic.position.line, diagnostic.position.column) == ("S001", 2, 11)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x00", "it holds a NUL byte"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00", "it holds a NUL byte"),
        ('{"a": 1}'.encode("utf-16-le"), "it is UTF-16 or UTF-32 text"),
        ('{"a": 1}'.encode("utf-32-le"), "it is UTF-16 or UTF-32 text"),
        ('{"title": "Пересадка"}'.encode("utf-16"), "it is UTF-16 or UTF-32 text"),  # Notepad
        ('{"title": "Пересадка"}'.encode("utf-16-be"), "it is UTF-16 or UTF-32 text"),
        (
            '{"title": "Пересадка растения", "steps": [{"title": "Шаг"}]}'.encode("utf-16-le"),
            "it is UTF-16 or UTF-32 text",
        ),
        ('{"title": "换盆植物的步骤说明"}'.encode("utf-16-le"), "it is UTF-16 or UTF-32 text"),
    ],
)
def test_nul_bytes_are_named_for_what_they_are(raw, message):
    [(code, diagnostic)] = load_bytes("g.json", "g.json", raw).problems
    assert code == "S001" and diagnostic.message.startswith(message)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("leading-zero.json", "invalid JSON: 01 is a number that starts with 0"),
        ("hexadecimal-number.json", "invalid JSON: 0x1F is a number written in hexadecimal"),
    ],
)
def test_numbers_json_cannot_read_are_named(name, message):
    [(_, diagnostic)] = load_file(LOAD_FIXTURES / name, 10**6).problems
    assert diagnostic.message.startswith(message)
