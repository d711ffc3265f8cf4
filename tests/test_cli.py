from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys

import pytest
from conftest import CLEAN_GUIDES, FIXTURES, ROOT, SEED_GUIDE

from contentqa.cli import main


def run_cli(*args: str, cwd=ROOT, env_extra=None, stdin=None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "contentqa", *args],
        input=stdin,
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_clean_guides_pass_with_exit_0(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "r.json"
    status = main(["check", *map(str, CLEAN_GUIDES), "--output", str(out)])
    assert status == 0
    report = json.loads(out.read_text())
    assert report["summary"]["exit_status"] == 0
    assert report["summary"]["by_severity"]["error"] == 0
    printed = capsys.readouterr().out
    assert f"{len(CLEAN_GUIDES)} file(s) checked" in printed


def test_bad_files_fail_with_exit_1_and_the_run_goes_on(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "r.json"
    folder = FIXTURES / "load"
    status = main(["check", str(folder), str(CLEAN_GUIDES[0]), "--output", str(out)])
    assert status == 1
    report = json.loads(out.read_text())
    files = [g["file"] for g in report["guides"]]
    assert len(files) == len(list(folder.glob("*.json"))) + 1
    printed = capsys.readouterr().out
    assert "tests/fixtures/load/syntax-error.json:6:40: S002" in printed


def test_fail_on_never_and_warning(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    bad = str(FIXTURES / "load" / "bom.json")
    assert main(["check", bad, "--fail-on", "never", "--output", str(tmp_path / "a")]) == 0
    assert main(["check", bad, "--fail-on", "warning", "--output", str(tmp_path / "b")]) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "no/such/dir"], "no/such/dir: no such file or folder"),
        (["check", "guides", "--select", "Q9"], "no rule code starts with `Q9`"),
        (["check", "guides", "--format", "pdf"], "unknown format `pdf`"),
        (["explain", "Z999"], "no rule `Z999`"),
    ],
)
def test_usage_errors_exit_2_with_a_message(args, message, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_argparse_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["check", "--fail-on", "sometimes"])
    assert info.value.code == 2


def test_bad_configuration_exits_2_naming_the_key(in_tmp_cwd, capsys):
    (in_tmp_cwd / "contentqa.toml").write_text('fail_on = "error"\n')
    assert main(["check", "x"]) == 2
    assert "unknown key `fail_on`" in capsys.readouterr().err


def test_configuration_paths_are_relative_to_the_file(in_tmp_cwd, capsys):
    guides = in_tmp_cwd / "content"
    guides.mkdir()
    (guides / "g.json").write_text(CLEAN_GUIDES[0].read_text())
    (in_tmp_cwd / "contentqa.toml").write_text('paths = ["content"]\noutput-dir = "out"\n')
    sub = in_tmp_cwd / "sub"
    sub.mkdir()
    os.chdir(sub)
    assert main(["check"]) == 0
    assert (in_tmp_cwd / "out" / "contentqa.json").is_file()
    assert not (sub / "out").exists()
    assert "1 file(s) checked" in capsys.readouterr().out


def test_report_to_stdout_keeps_stdout_machine_readable(tmp_path, monkeypatch):
    result = run_cli("check", str(CLEAN_GUIDES[0]), "--output", "-")
    assert result.returncode == 0
    assert json.loads(result.stdout)["summary"]["files"] == 1
    assert "file(s) checked" in result.stderr


def test_console_entry_points_work():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("contentqa ")
    rules = run_cli("rules")
    assert "S006  schema-violation" in rules.stdout
    explained = run_cli("explain", "schema-violation")
    assert "did you mean `steps`" in explained.stdout


def test_rules_as_json_lists_every_registered_rule(capsys):
    from contentqa.registry import all_rules

    assert main(["rules", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in listed] == [r.code for r in all_rules()]


def test_report_bytes_do_not_depend_on_hash_seed(tmp_path):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"r{seed}.json"
        run_cli("check", "guides", "--output", str(out), env_extra={"PYTHONHASHSEED": seed})
        report = json.loads(out.read_text())
        report.pop("generated_at")
        outputs.append(json.dumps(report, indent=2))
    assert outputs[0] == outputs[1]


def test_seed_guide_is_in_guides():
    assert SEED_GUIDE.is_file()


def test_a_command_gives_the_collector_back_as_it_found_it(capsys):
    import gc

    from contentqa.cli import main

    assert gc.isenabled()
    assert main(["check", str(SEED_GUIDE), "--no-report", "-q", "--fail-on", "never"]) == 0
    assert gc.isenabled()


def test_reports_are_written_with_the_collector_on(tmp_path, monkeypatch):
    """The HTML report's views refer to one another: written with the collector off, they
    would stay in memory until the process ends."""
    import gc

    from contentqa import cli

    seen = []
    original = cli._publish
    monkeypatch.setattr(cli, "_publish", lambda *a: seen.append(gc.isenabled()) or original(*a))
    argv = ["check", str(SEED_GUIDE), "--format", "html", "--output-dir", str(tmp_path)]
    assert cli.main([*argv, "-q", "--fail-on", "never"]) == 0
    assert seen == [True] and gc.isenabled()
    gc.disable()
    try:
        assert cli.main([*argv, "-q", "--fail-on", "never"]) == 0
        assert seen == [True, True] and not gc.isenabled()
    finally:
        gc.enable()


def test_a_changed_since_ref_that_reads_as_an_option_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    written = tmp_path / "injected"
    status = main(["check", f"--changed-since=--output={written}", "--no-report"])
    assert status == 2
    assert "is not a git ref" in capsys.readouterr().err
    assert not written.exists()


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--output", "."], "it is a folder; name a file"),
        (["--output-dir", "afile"], "afile is a file, not a folder"),
        (["--output", "afile/r.json"], "afile is a file, not a folder"),
        (["--output", "-", "--no-report"], "--no-report writes no report"),
    ],
)
def test_a_report_that_cannot_be_written_exits_2_saying_why(in_tmp_cwd, capsys, option, message):
    (in_tmp_cwd / "afile").write_text("not a folder")
    assert main(["check", str(CLEAN_GUIDES[0]), *option]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_report_goes_into_a_pipe_and_through_a_link_never_over_them(in_tmp_cwd):
    import threading

    pipe = in_tmp_cwd / "report.fifo"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    assert main(["check", str(CLEAN_GUIDES[0]), "--output", str(pipe), "-q"]) == 0
    reader.join(timeout=10)
    assert json.loads(received[0])["summary"]["files"] == 1
    assert stat.S_ISFIFO(pipe.lstat().st_mode)  # written into, not renamed over
    # A link to the report stays a link, and its target is the new report
    (in_tmp_cwd / "reports").mkdir()
    target = in_tmp_cwd / "reports" / "latest.json"
    assert main(["check", str(CLEAN_GUIDES[0]), "--output", str(target), "-q"]) == 0
    link = in_tmp_cwd / "report.json"
    link.symlink_to(target)
    assert main(["check", str(SEED_GUIDE), "--output", str(link), "-q", "--fail-on", "never"]) == 0
    assert link.is_symlink()
    assert json.loads(target.read_text())["summary"]["findings"] > 0
    assert sorted(p.name for p in target.parent.iterdir()) == ["latest.json"]  # no leftovers
    # A loop of links has no target: refused, and the links stay
    (in_tmp_cwd / "loop-a.json").symlink_to("loop-b.json")
    (in_tmp_cwd / "loop-b.json").symlink_to("loop-a.json")
    assert main(["check", str(CLEAN_GUIDES[0]), "--output", "loop-a.json", "-q"]) == 2
    assert (in_tmp_cwd / "loop-a.json").is_symlink()


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux only")
def test_a_file_name_that_is_not_utf8_is_checked_and_shown_escaped(in_tmp_cwd, capsys):
    folder = bytes(in_tmp_cwd)
    for name, source in (
        (b"bad\xff.json", CLEAN_GUIDES[0]),
        (b"caf\xe9.json", FIXTURES / "load" / "schema-errors.json"),
    ):
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(source.read_bytes())
    formats = "json,html,sarif,junit,gitlab,github"
    assert main(["check", ".", "--format", formats, "--output-dir", "out", "-q"]) == 1
    report = json.loads((in_tmp_cwd / "out" / "contentqa.json").read_text(encoding="utf-8"))
    assert [g["file"] for g in report["guides"]] == ["bad\\xff.json", "caf\\xe9.json"]
    assert {f["file"] for f in report["findings"]} == {"caf\\xe9.json"}
    sarif = json.loads((in_tmp_cwd / "out" / "contentqa.sarif").read_text(encoding="utf-8"))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert uris == {"caf%E9.json"}  # the file's own byte
    assert main(["hash", os.fsdecode(b"caf\xe9")]) == 2
    assert "`caf\\xe9` is not UTF-8 text" in capsys.readouterr().err


def test_a_reader_that_stops_early_gets_no_traceback():
    # The pipe's reading end is closed before the command starts: its first write fails.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "contentqa", "rules"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_standard_input_over_the_size_limit_is_not_checked(tmp_path):
    text = CLEAN_GUIDES[0].read_text(encoding="utf-8")
    out = tmp_path / "r.json"
    result = run_cli("check", "-", "--max-file-size", "1000", "--output", str(out), stdin=text)
    assert result.returncode == 1
    findings = json.loads(out.read_text())["findings"]
    assert [f["code"] for f in findings] == ["S004"]


@pytest.mark.parametrize("value", ["-5", "nan", "101"])
def test_max_duplication_out_of_range_is_a_usage_error(capsys, value, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["check", str(CLEAN_GUIDES[0]), "--no-report", "--max-duplication", value]) == 2
    assert "must be a percentage" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("tool = 5\n", "`tool` must be a table"),
        ("[tool]\ncontentqa = 5\n", "pyproject.toml:2:1: `tool.contentqa` must be a table"),
        ("[tool.contentqa]\nmax-file-size = 100000000000000000000\n", "must be at most"),
    ],
)
def test_malformed_pyproject_tables_exit_2(in_tmp_cwd, capsys, toml, message):
    (in_tmp_cwd / "pyproject.toml").write_text(toml)
    assert main(["check", str(CLEAN_GUIDES[0]), "--no-report", "--config", "pyproject.toml"]) == 2
    assert message in capsys.readouterr().err


def test_a_pyproject_whose_tool_is_not_a_table_is_not_taken_for_ours(in_tmp_cwd, capsys):
    (in_tmp_cwd / "pyproject.toml").write_text("tool = 5\n")
    assert main(["check", str(CLEAN_GUIDES[0]), "--no-report"]) == 0


def test_globs_and_paths_in_the_file_are_relative_to_it(in_tmp_cwd, capsys):
    guides = in_tmp_cwd / "guides"
    guides.mkdir()
    (guides / "seed.json").write_text(SEED_GUIDE.read_text(encoding="utf-8"), encoding="utf-8")
    (in_tmp_cwd / "contentqa.toml").write_text(
        'per-file-ignores = { "guides/*" = ["D", "R", "S", "T", "W"] }\nbaseline = "base.json"\n'
    )
    (in_tmp_cwd / "base.json").write_text('{"version": 1, "findings": []}')
    os.chdir(guides)
    assert main(["check", ".", "--no-report"]) == 0
    out = capsys.readouterr().out
    assert "0 finding(s)" in out and "suppressed" in out


def test_a_folder_check_leaves_out_its_own_reports(in_tmp_cwd, capsys):
    (in_tmp_cwd / "g.json").write_text(CLEAN_GUIDES[0].read_text(encoding="utf-8"))
    for _ in range(2):
        assert main(["check", ".", "--format", "json,sarif,gitlab"]) == 0
        assert "1 file(s) checked" in capsys.readouterr().out
    assert (in_tmp_cwd / "reports" / "contentqa.sarif").is_file()
    # Nor the reports of an earlier run in other formats.
    for formats in (["--format", "json"], ["--output", "reports/mine.json"]):
        assert main(["check", ".", *formats]) == 0
        assert "1 file(s) checked" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("option", "message"), [("--format=,", "names no format"), ("--output=", "names no file")]
)
def test_empty_format_or_output_is_a_usage_error(capsys, monkeypatch, option, message):
    monkeypatch.chdir(ROOT)
    assert main(["check", str(CLEAN_GUIDES[0]), option]) == 2
    assert message in capsys.readouterr().err


def test_a_format_named_twice_is_written_once(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    command = [
        "check",
        str(CLEAN_GUIDES[0]),
        "--format",
        "json,json",
        "--output-dir",
        str(tmp_path),
    ]
    assert main(command) == 0
    assert capsys.readouterr().out.count("json report written") == 1


def test_reports_written_into_the_checked_folder_are_not_read_back(in_tmp_cwd, capsys):
    guides = in_tmp_cwd / "guides"
    guides.mkdir()
    (guides / "g.json").write_text(CLEAN_GUIDES[0].read_text(encoding="utf-8"))
    for _ in range(2):
        assert main(["check", "guides", "--output-dir", "guides"]) == 0
        assert "1 file(s) checked" in capsys.readouterr().out
    assert (guides / "contentqa.json").is_file()


def test_a_baseline_used_from_another_folder_is_flagged(in_tmp_cwd, capsys):
    project = in_tmp_cwd / "project"
    (project / "guides").mkdir(parents=True)
    (project / "guides" / "seed.json").write_text(SEED_GUIDE.read_text(encoding="utf-8"))
    os.chdir(project)
    assert main(["baseline", "guides", "--output", "base.json"]) == 0
    assert main(["check", "guides", "--baseline", "base.json", "--no-report"]) == 0
    assert "names none of the files" not in capsys.readouterr().err
    os.chdir(in_tmp_cwd)
    main(["check", "project/guides", "--baseline", "project/base.json", "--no-report"])
    assert "names none of the files checked here" in capsys.readouterr().err


def test_a_linked_configuration_file_is_read_from_where_the_link_is(in_tmp_cwd, capsys):
    (in_tmp_cwd / "shared").mkdir()
    (in_tmp_cwd / "shared" / "contentqa.toml").write_text(
        'paths = ["guides"]\noutput-dir = "qa-reports"\n'
        'per-file-ignores = { "guides/*" = ["D", "R", "S", "T", "W"] }\n'
    )
    project = in_tmp_cwd / "project"
    (project / "guides").mkdir(parents=True)
    (project / "guides" / "seed.json").write_text(SEED_GUIDE.read_text(encoding="utf-8"))
    (project / "contentqa.toml").symlink_to(in_tmp_cwd / "shared" / "contentqa.toml")
    os.chdir(project)
    assert main(["check"]) == 0
    assert "suppressed" in capsys.readouterr().out
    assert (project / "qa-reports" / "contentqa.json").is_file()


def test_a_report_of_many_pages_that_fails_midway_leaves_the_last_one_whole(tmp_path, monkeypatch):
    from contentqa.report import html_report

    monkeypatch.setattr(html_report, "MAX_SINGLE_PAGE_GUIDES", 1)
    args = ["check", *map(str, CLEAN_GUIDES), "--format", "html", "--output-dir", str(tmp_path)]
    assert main([*args, "--jobs", "1", "-q"]) in (0, 1)
    written = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert len(written) == len(CLEAN_GUIDES) + 1

    drawn = []

    def failing_page(self, gi):
        drawn.append(gi)
        if len(drawn) == 2:
            raise RuntimeError("drawing failed")
        return "new page"

    monkeypatch.setattr(html_report._Context, "guide_page", failing_page)
    with pytest.raises(RuntimeError, match="drawing failed"):
        main([*args, "--jobs", "1", "-q"])
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == written


def test_reports_of_several_formats_are_all_new_or_none_replaced(tmp_path, monkeypatch, capsys):
    from contentqa.report import html_report

    args = ["check", str(SEED_GUIDE), "--format", "json,html,sarif", "--output-dir", str(tmp_path)]
    assert main([*args, "-q"]) == 1
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}

    def failing(self, budget):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(html_report._Context, "single_page", failing)
    assert main([*args, "-q", "--fail-on", "never"]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before  # the JSON report too


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize(
    "command",
    [
        ["check", str(CLEAN_GUIDES[0]), "--output", "-"],
        ["check", str(CLEAN_GUIDES[0]), "--no-report"],
        ["rules"],
        ["explain", "S006"],
        ["hash", "a text"],
        ["import", str(FIXTURES / "markdown" / "heal-anxious-attachment.md"), "-o", "-"],
    ],
)
def test_output_that_cannot_go_to_standard_output_exits_2_saying_why(command):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "contentqa", *command],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "contentqa: error: cannot write to standard output: No space left on device"
    )
    assert "Traceback" not in result.stderr


def test_pages_of_guides_no_longer_checked_are_removed(tmp_path, monkeypatch):
    from contentqa.report import html_report

    monkeypatch.setattr(html_report, "MAX_SINGLE_PAGE_GUIDES", 0)
    args = ["--format", "html", "--output-dir", str(tmp_path), "--jobs", "1", "-q"]
    pages = tmp_path / "contentqa-guides"
    mine = pages / "notes.html"  # a file the tool did not make stays
    pages.mkdir()
    mine.write_text("<!DOCTYPE html><title>my notes</title>")
    assert main(["check", *map(str, CLEAN_GUIDES), *args]) in (0, 1)
    assert len(list(pages.glob("*.html"))) == len(CLEAN_GUIDES) + 1

    assert main(["check", str(CLEAN_GUIDES[0]), *args]) in (0, 1)
    names = {path.name for path in pages.glob("*.html")}
    assert names == {f"{CLEAN_GUIDES[0].stem}.html", "notes.html"}

    monkeypatch.setattr(html_report, "MAX_SINGLE_PAGE_GUIDES", 200)
    mine.unlink()
    assert main(["check", str(CLEAN_GUIDES[0]), *args]) in (0, 1)
    assert not pages.exists()  # one page now: the guides' folder went with its last page
    assert (tmp_path / "contentqa.html").is_file()


@pytest.mark.parametrize(
    ("option", "codes"),
    [
        ("--select=duplicate-paragraph", {"D001"}),
        ("--select=d001,W", {"D001", "W002"}),
        ("--ignore=d,r,t,w,s", set()),
    ],
)
def test_rules_are_named_by_code_or_name_in_any_case(tmp_path, monkeypatch, option, codes):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "r.json"
    assert main(["check", str(SEED_GUIDE), option, "--format", "JSON", "--output", str(out)]) in (
        0,
        1,
    )
    assert {f["code"] for f in json.loads(out.read_text())["findings"]} == codes


def test_a_misspelt_rule_name_is_named_back_with_a_suggestion(capsys):
    assert main(["check", str(SEED_GUIDE), "--select", "duplicate-paragrah", "--no-report"]) == 2
    assert "did you mean `duplicate-paragraph`?" in capsys.readouterr().err


@pytest.mark.skipif(sys.platform == "win32", reason="closes a file descriptor before start")
def test_standard_input_closed_is_a_usage_error():
    result = subprocess.run(
        [sys.executable, "-m", "contentqa", "check", "-", "--no-report"],
        preexec_fn=lambda: os.close(0),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr == "contentqa: error: standard input is closed: nothing to read for -\n"


def test_an_html_report_of_many_pages_is_refused_on_standard_output(monkeypatch, capsys):
    from contentqa.report import html_report

    monkeypatch.setattr(html_report, "MAX_SINGLE_PAGE_GUIDES", 1)
    paths = [str(p) for p in CLEAN_GUIDES]
    assert main(["check", *paths, "--format", "html", "--output", "-", "-q"]) == 2
    captured = capsys.readouterr()
    assert "an index with a page per guide, which standard output cannot hold" in captured.err
    assert "contentqa-guides/" not in captured.out  # no index linking to pages never written
    monkeypatch.setattr(html_report, "MAX_SINGLE_PAGE_GUIDES", 200)
    assert main(["check", *paths, "--format", "html", "--output", "-", "-q"]) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")


def test_a_report_of_many_pages_named_through_a_link_has_its_pages_beside_the_target(
    in_tmp_cwd, monkeypatch
):
    from contentqa.report import html_report

    monkeypatch.setattr(html_report, "MAX_SINGLE_PAGE_GUIDES", 1)
    (in_tmp_cwd / "real").mkdir()
    (in_tmp_cwd / "out").mkdir()
    (in_tmp_cwd / "out" / "contentqa.html").symlink_to("../real/r.html")
    paths = [str(p) for p in CLEAN_GUIDES]
    assert main(["check", *paths, "--format", "html", "--output-dir", "out", "-q"]) == 0
    index = (in_tmp_cwd / "real" / "r.html").read_text(encoding="utf-8")
    links = re.findall(r'href="(r-guides/[^"#]+)', index)
    assert links and all((in_tmp_cwd / "real" / link).is_file() for link in links)
    assert (in_tmp_cwd / "out" / "contentqa.html").is_symlink()
