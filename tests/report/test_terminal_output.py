from __future__ import annotations

import io
import json
import re
from collections import Counter

import pytest
from conftest import FIXTURES, ROOT

from contentqa.cli import PROGRESS_MIN_FILES, main, progress_bar
from contentqa.registry import get_rule
from contentqa.report.terminal import use_color

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TOTALS = re.compile(
    r"^\d+ file\(s\) checked, \d+ finding\(s\): \d+ error\(s\), \d+ warning\(s\), \d+ info; "
    r"(FAILED|passed) \(fail-on: \w+\)$"
)
LIBRARY = FIXTURES / "duplicates" / "guides"


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch):
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(ROOT)


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(capsys, tmp_path, *args: str) -> tuple[str, str]:
    main(["check", *args, "--output-dir", str(tmp_path)])
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_not_a_terminal_gives_plain_text(capsys, tmp_path):
    out, _ = _run(capsys, tmp_path, "guides")
    assert "\x1b" not in out
    assert "guides/heal-anxious-attachment.json:14:5: D001 [error] paragraph" in out


def test_force_color_colours_and_no_color_wins(capsys, tmp_path, monkeypatch):
    plain, _ = _run(capsys, tmp_path, "guides")
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured, _ = _run(capsys, tmp_path, "guides")
    assert "\x1b[1;31m[error]\x1b[0m" in coloured
    assert "\x1b[33m[warning]\x1b[0m" in coloured
    assert "\x1b[1mguides/heal-anxious-attachment.json\x1b[0m" in coloured
    assert "\x1b[1;31mFAILED\x1b[0m" in coloured
    # Colour only decorates: without the escape codes the text is the same.
    assert ANSI.sub("", coloured) == plain
    monkeypatch.setenv("NO_COLOR", "1")
    out, _ = _run(capsys, tmp_path, "guides")
    assert "\x1b" not in out


def test_color_option_overrides_the_environment(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    out, _ = _run(capsys, tmp_path, "guides", "--color", "never")
    assert "\x1b" not in out
    monkeypatch.setenv("NO_COLOR", "1")
    out, _ = _run(capsys, tmp_path, "guides", "--color", "always")
    assert "\x1b[1;31m[error]" in out


def test_use_color_rules():
    tty, pipe = FakeTerminal(), io.StringIO()
    assert use_color(tty, environ={}) is True
    assert use_color(pipe, environ={}) is False
    assert use_color(tty, environ={"NO_COLOR": "1"}) is False
    assert use_color(tty, environ={"NO_COLOR": ""}) is True  # empty means unset
    assert use_color(pipe, environ={"FORCE_COLOR": "1"}) is True
    assert use_color(pipe, environ={"FORCE_COLOR": ""}) is False
    assert use_color(tty, environ={"NO_COLOR": "1", "FORCE_COLOR": "1"}) is False
    assert use_color(tty, environ={"TERM": "dumb"}) is False


def test_hostile_text_is_escaped_even_in_colour(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    out, _ = _run(capsys, tmp_path, str(FIXTURES / "hostile"), "--fail-on", "never")
    assert "\x1b[2J" not in out and "\x1b[31mRED" not in out and "\r" not in out
    assert "\\x1b[2J\\x1b[31mRED" in out
    assert set(ANSI.findall(out)) <= {"\x1b[0m", "\x1b[1m", "\x1b[33m", "\x1b[1;31m", "\x1b[1;32m"}


def test_findings_are_grouped_under_their_file(capsys, tmp_path):
    out, _ = _run(capsys, tmp_path, "tests/fixtures/load")
    report = json.loads((tmp_path / "contentqa.json").read_text(encoding="utf-8"))
    blocks = out.split("\n\n")
    files = sorted({f["file"] for f in report["findings"]})
    assert [block.splitlines()[0] for block in blocks[: len(files)]] == files
    for block, file in zip(blocks, files, strict=False):
        lines = block.splitlines()[1:]
        assert len(lines) == sum(1 for f in report["findings"] if f["file"] == file)
        assert all(line.startswith(f"  {file}:") for line in lines)


def test_quiet_prints_only_the_totals(capsys, tmp_path):
    full, _ = _run(capsys, tmp_path, "guides")
    out, err = _run(capsys, tmp_path, "guides", "-q")
    assert out.splitlines() == [full.splitlines()[-2]]
    assert TOTALS.match(out.splitlines()[0])
    assert out.endswith("; FAILED (fail-on: error)\n")
    assert err == ""
    assert (tmp_path / "contentqa.json").exists()


def test_statistics_count_findings_per_rule(capsys, tmp_path):
    out, _ = _run(capsys, tmp_path, "guides", "tests/fixtures/load", "--statistics")
    report = json.loads((tmp_path / "contentqa.json").read_text(encoding="utf-8"))
    rows = []
    for line in out.splitlines():
        match = re.match(r"^\s*(\d+)  ([A-Z]\d{3})  (\S+)$", line)
        if match:
            rows.append((int(match[1]), match[2], match[3]))
    expected = Counter(f["code"] for f in report["findings"])
    assert {code: n for n, code, _ in rows} == dict(expected)
    assert rows == sorted(rows, key=lambda row: (-row[0], row[1]))
    assert all(name == get_rule(code).name for _, code, name in rows)
    assert len({n for n, _, _ in rows}) > 1  # the order is by count, not by code alone
    assert sum(n for n, _, _ in rows) == report["summary"]["findings"]
    # The statistics replace the list of findings.
    assert ": D001 [error]" not in out
    assert TOTALS.match(out.splitlines()[-2])


def test_progress_bar_only_for_big_runs_on_a_terminal():
    assert progress_bar(PROGRESS_MIN_FILES - 1, FakeTerminal()) is None
    assert progress_bar(PROGRESS_MIN_FILES, io.StringIO()) is None
    assert progress_bar(PROGRESS_MIN_FILES, FakeTerminal(), quiet=True) is None
    bar = progress_bar(PROGRESS_MIN_FILES, FakeTerminal())
    assert bar is not None
    bar.close()


def test_progress_bar_counts_the_files_of_a_run(capsys, tmp_path, monkeypatch):
    files = sorted(LIBRARY.glob("*.json"))
    assert len(files) >= PROGRESS_MIN_FILES
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    main(["check", str(LIBRARY), "--output-dir", str(tmp_path), "--fail-on", "never"])
    shown = terminal.getvalue()
    assert f"{len(files)}/{len(files)}" in shown
    assert "comparing guides" in shown
    assert "file" in capsys.readouterr().out  # the summary still goes to stdout
    # A small run shows none.
    terminal.seek(0)
    terminal.truncate()
    main(["check", "guides", "--output-dir", str(tmp_path), "--fail-on", "never"])
    assert terminal.getvalue() == ""
