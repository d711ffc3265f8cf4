from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, SEED_GUIDE, load_json, text_between
from jsonpointer import resolve_pointer

from contentqa.cli import main
from contentqa.config import Config
from contentqa.load import discover
from contentqa.pipeline import run
from contentqa.report.github import escape_data, escape_property

COMMAND = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")
LEVELS = {"error": "error", "warning": "warning", "info": "notice"}
ODD_NAME = "100%, really: a guide.json"


def _unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.match(line)
    assert match, line
    props = dict(item.split("=", 1) for item in match["props"].split(","))
    return match[1], {k: _unescape(v) for k, v in props.items()}, _unescape(match["message"])


def test_property_and_data_escaping():
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext%3A a%2C b"
    # "%" first, so an existing "%0A" in the text is not read back as a newline.
    assert escape_data("%0A") == "%250A"
    assert escape_data("a\x1b[2Jb") == "a\\x1b[2Jb"


@pytest.fixture
def odd_copy(tmp_path, monkeypatch) -> Path:
    """The seed guide under a file name with ``%``, ``,``, ``:`` and a space."""
    (tmp_path / "guides").mkdir()
    shutil.copy(SEED_GUIDE, tmp_path / "guides" / ODD_NAME)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_one_command_per_finding_with_escaped_file_names(odd_copy, capsys):
    status = main(["check", "guides", "--format", "github,json", "--output-dir", "out", "-q"])
    assert status == 1
    lines = (odd_copy / "out" / "contentqa.github.txt").read_text(encoding="utf-8").splitlines()
    findings = load_json(odd_copy / "out" / "contentqa.json")["findings"]
    source = odd_copy / "guides" / ODD_NAME
    guide = load_json(source)
    assert len(lines) == len(findings) > 0
    assert all("file=guides/100%25%2C really%3A a guide.json,line=" in line for line in lines)
    for line, finding in zip(lines, findings, strict=True):
        level, props, message = _parse(line)
        assert level == LEVELS[finding["severity"]]
        assert props["file"] == f"guides/{ODD_NAME}"
        assert (int(props["line"]), int(props["col"])) == (finding["line"], finding["column"])
        assert props["title"] == f"{finding['code']} {finding['rule']}"
        assert message == finding["message"]
        if "span" in finding:
            start, end = finding["span"]
            text = resolve_pointer(guide, finding["pointer"])[start:end]
            column, end_column = finding["column"], int(props["endColumn"])
            assert text_between(source, finding["line"], column, end_column) == text
        else:
            assert "endColumn" not in props
    assert {line.split(" ", 1)[0] for line in lines} == {"::error", "::warning", "::notice"}


def test_messages_with_commas_and_colons_keep_them(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    main(["check", "tests/fixtures/load", "--format", "github", "--output", "-"])
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "empty.json" in x)
    assert line == (
        "::error file=tests/fixtures/load/empty.json,line=1,col=1,title=S002 invalid-json"
        "::the file is empty; a guide file holds one JSON object"
    )
    stpes = next(x for x in out.splitlines() if "`stpes`" in x)
    assert stpes.endswith("::unknown field `stpes` in the guide — did you mean `steps`?")


def test_newlines_and_escapes_in_guide_text_cannot_break_out(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    main(["check", str(FIXTURES / "hostile"), "--format", "github", "--output", "-"])
    out = capsys.readouterr().out
    assert "\r" not in out and "\x1b" not in out
    findings = run(discover([FIXTURES / "hostile"]), Config()).findings
    lines = out.splitlines()
    assert len(lines) == len(findings) > 3 and all(COMMAND.match(line) for line in lines)
    assert "carriage%0Dre" in out and "\\x1b[2J" in out


def test_selected_automatically_in_github_actions(odd_copy, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check", "guides"]) == 1
    out = capsys.readouterr().out
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    findings = load_json(odd_copy / "reports" / "contentqa.json")["findings"]
    assert len(annotations) == len(findings) > 0
    # The default JSON report is written as well, and no github file.
    assert sorted(p.name for p in (odd_copy / "reports").iterdir()) == ["contentqa.json"]
    assert "json report written to reports/contentqa.json" in out


def test_quiet_run_in_github_actions_still_annotates(odd_copy, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    main(["check", "guides", "-q"])
    lines = capsys.readouterr().out.splitlines()
    findings = load_json(odd_copy / "reports" / "contentqa.json")["findings"]
    assert len(lines) == len(findings) + 1
    assert all(line.startswith("::") for line in lines[:-1])
    assert lines[-1].startswith(f"1 file(s) checked, {len(findings)} finding(s)")


@pytest.mark.parametrize(
    ("env", "args", "config"),
    [
        ("true", ["--format", "json"], None),
        ("true", [], 'format = ["json"]\n'),
        ("false", [], None),
        (None, [], None),
    ],
)
def test_not_selected_when_a_format_is_named_or_outside_actions(
    odd_copy, capsys, monkeypatch, env, args, config
):
    if env is not None:
        monkeypatch.setenv("GITHUB_ACTIONS", env)
    if config is not None:
        (odd_copy / "contentqa.toml").write_text(config)
    main(["check", "guides", *args])
    out = capsys.readouterr().out
    assert not [line for line in out.splitlines() if line.startswith("::")]
    assert (odd_copy / "reports" / "contentqa.json").exists()


def test_config_in_pyproject_counts_too(odd_copy, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    (odd_copy / "pyproject.toml").write_text('[tool.contentqa]\nformat = ["json", "sarif"]\n')
    main(["check", "guides"])
    assert "::error" not in capsys.readouterr().out
    assert (odd_copy / "reports" / "contentqa.sarif").exists()


def test_with_the_report_on_stdout_annotations_go_to_stderr(odd_copy, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    main(["check", "guides", "--output", "-"])
    captured = capsys.readouterr()
    count = json.loads(captured.out)["summary"]["findings"]
    assert count > 0
    assert sum(line.startswith("::") for line in captured.err.splitlines()) == count
    assert "::" not in captured.out


@pytest.mark.parametrize(
    ("args", "config"),
    [
        (["--format", "json,sarif,github"], None),
        ([], 'format = ["github"]\n'),
        (["--format", "github", "--no-report"], None),
    ],
)
def test_printed_in_github_actions_when_named(odd_copy, capsys, monkeypatch, args, config):
    # The runner reads annotations from the job's output only, never from a file.
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    if config is not None:
        (odd_copy / "contentqa.toml").write_text(config)
    assert main(["check", "guides", *args]) == 1
    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("::")]
    written = odd_copy / "reports" / "contentqa.github.txt"
    assert printed
    if "--no-report" in args:
        assert not written.exists()
    else:
        assert printed == written.read_text(encoding="utf-8").splitlines()
