"""CLI workflows around an existing library: baseline, ratchet, changed files, stdin, import,
watch, and the pre-commit hook definition."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest
import yaml
from conftest import CLEAN_GUIDES, FIXTURES, ROOT, SEED_GUIDE, load_json

from contentqa.cli import main

MARKDOWN_SEED = FIXTURES / "markdown" / "heal-anxious-attachment.md"


@pytest.fixture
def library(tmp_path, monkeypatch):
    for path in [SEED_GUIDE, *CLEAN_GUIDES]:
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_baseline_then_check_fails_only_on_new_findings(library, capsys):
    assert main(["baseline", "."]) == 0
    assert (library / ".contentqa-baseline.json").is_file()
    assert main(["check", ".", "--baseline", ".contentqa-baseline.json", "--no-report"]) == 0
    guide = load_json(library / CLEAN_GUIDES[0].name)
    guide["steps"][0]["body"].append("TODO: photo of the roots.")
    (library / CLEAN_GUIDES[0].name).write_text(json.dumps(guide, indent=2), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", ".", "--baseline", ".contentqa-baseline.json", "--no-report"]) == 1
    out = capsys.readouterr().out
    assert "W001" in out and "accepted by the baseline not shown" in out
    assert not (library / "reports").exists()  # --no-report wrote nothing


def test_a_baseline_made_at_the_project_root_holds_in_its_subfolders(in_tmp_cwd, capsys):
    shutil.copytree(ROOT / "guides", "guides")
    (in_tmp_cwd / "contentqa.toml").write_text('baseline = ".contentqa-baseline.json"\n')
    assert main(["baseline"]) == 0  # paths default to guides/; written where the key says
    assert "use it with `contentqa check`" in capsys.readouterr().out
    os.chdir("guides")
    assert main(["check", ".", "--no-report"]) == 0
    out, err = capsys.readouterr()
    assert "47 finding(s) accepted by the baseline not shown" in out
    assert "warning" not in err
    os.chdir(in_tmp_cwd)
    (in_tmp_cwd / "contentqa.toml").unlink()
    assert main(["check", "guides", "--baseline", ".contentqa-baseline.json", "--no-report"]) == 0


def test_max_duplication_fails_the_run(library, capsys):
    clean = [p.name for p in CLEAN_GUIDES]
    assert main(["check", *clean, "--max-duplication", "5", "--no-report"]) == 0
    assert main(["check", ".", "--max-duplication", "30", "--no-report"]) == 1
    out = capsys.readouterr().out
    assert "D013" in out and "duplication ratchet FAILED" in out


def test_a_failed_ratchet_is_named_by_every_report_and_fail_on_never_passes(library, capsys):
    args = ["check", ".", "--max-duplication", "30", "--select", "W", "-q"]
    assert main([*args, "--format", "junit,html", "--output-dir", "out"]) == 1
    junit = (library / "out" / "contentqa.junit.xml").read_text(encoding="utf-8")
    assert 'failures="1"' in junit and 'name="library duplication ratchet"' in junit
    html = (library / "out" / "contentqa.html").read_text(encoding="utf-8")
    assert "duplication ratchet failed: the library&#39;s duplication" in html
    assert main([*args, "--format", "github", "--output", "-"]) == 1
    assert "::error title=duplication ratchet::the library's duplication" in capsys.readouterr().out
    assert main([*args, "--fail-on", "never", "--no-report"]) == 0  # report-only
    assert "duplication ratchet FAILED" in capsys.readouterr().out


def test_changed_since_reports_changed_files_against_the_whole_library(library, capsys):
    def git(*args):
        subprocess.run(["git", *args], cwd=library, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=t@example.org", "-c", "user.name=t", "add", ".")
    git("-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "library")
    clean = load_json(library / CLEAN_GUIDES[0].name)
    seed = load_json(library / SEED_GUIDE.name)
    clean["intro"].append(seed["intro"][2])  # a paragraph copied from an unchanged guide
    (library / CLEAN_GUIDES[0].name).write_text(json.dumps(clean, indent=2), encoding="utf-8")
    out = library / "r.json"
    status = main(["check", ".", "--changed-since", "HEAD", "--output", str(out)])
    report = json.loads(out.read_text(encoding="utf-8"))
    files = {f["file"] for f in report["findings"]}
    related = {r["file"] for f in report["findings"] for r in f["related"]}
    assert status == 1
    assert CLEAN_GUIDES[0].name in files | related
    # The seed's own findings are not reported: it did not change.
    assert not [f for f in report["findings"] if f["code"] == "T006"]
    # In JUnit the changed guide is a test case, and the unchanged guides whose findings
    # were not looked at are none, but the seed, which holds a copy it shares.
    main(["check", ".", "--changed-since", "HEAD", "--format", "junit", "--output-dir", "j"])
    cases = ET.parse(library / "j" / "contentqa.junit.xml").getroot().iter("testcase")
    assert {c.get("name") for c in cases} == {CLEAN_GUIDES[0].name, SEED_GUIDE.name}
    assert main(["check", ".", "--changed-since", "no-such-ref"]) == 2
    assert "git" in capsys.readouterr().err


def test_guide_from_standard_input():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "contentqa",
            "check",
            "-",
            "--stdin-filename",
            "draft.md",
            "--output",
            "-",
        ],
        input=MARKDOWN_SEED.read_bytes(),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert report["guides"][0]["file"] == "draft.md"
    assert {f["code"] for f in report["findings"]} >= {"D001", "D005", "D006"}


def test_markdown_on_standard_input_without_its_name_gets_a_hint():
    result = subprocess.run(
        [sys.executable, "-m", "contentqa", "check", "-", "--no-report"],
        input=MARKDOWN_SEED.read_bytes(),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert b"S002" in result.stdout
    assert b"for a Markdown guide, name it: --stdin-filename draft.md" in result.stderr


def test_import_writes_valid_guide_json(tmp_path, capsys):
    target = tmp_path / "seed.json"
    assert main(["import", str(MARKDOWN_SEED), "-o", str(target)]) == 0
    data = load_json(target)
    assert "$schema" not in data  # outside this project: no path into the tool's install
    expected = load_json(SEED_GUIDE)
    expected.pop("$schema")
    assert data == expected
    assert main(["import", str(MARKDOWN_SEED), "-o", str(target)]) == 2  # no overwrite
    assert "use --force" in capsys.readouterr().err


def test_a_guide_imported_beside_the_shipped_guides_names_the_schema():
    from contentqa.cli import _schema_reference
    from contentqa.validate import schema_path

    if schema_path("guide.schema.json").resolve() != ROOT / "schemas" / "guide.schema.json":
        pytest.skip("contentqa is installed from a wheel: its schema is not the project's")

    reference = _schema_reference(MARKDOWN_SEED, str(ROOT / "guides" / "new.json"))
    assert reference == {"$schema": "../schemas/guide.schema.json"}


def test_import_errors_point_at_markdown_lines(tmp_path, capsys):
    draft = tmp_path / "draft.md"
    draft.write_text(
        "---\ntitle: Draft\n---\n\n# Draft\n\n## Steps\n\n### Only\n\nDo it.\n", encoding="utf-8"
    )
    assert main(["import", str(draft)]) == 1
    err = capsys.readouterr().err
    assert "draft.md:2:8: S006 [error] missing required field `id`" in err  # front matter
    assert not draft.with_suffix(".json").exists()


class Watching:
    """``contentqa check --watch`` running in ``folder``, its JSON report read as it changes."""

    def __init__(self, folder, *paths):
        self.report = folder / "reports" / "contentqa.json"
        self.deadline = time.time() + 90
        self.process = subprocess.Popen(
            [sys.executable, "-m", "contentqa", "check", *paths, "--watch", "-q"],
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def codes_when(self, ready) -> set[str]:
        """The report's codes once ``ready(codes)`` holds (or the time is up)."""
        codes: set[str] = set()
        while time.time() < self.deadline:
            if self.report.exists():
                with contextlib.suppress(ValueError):  # written as we read: read again
                    report = json.loads(self.report.read_text())
                    codes = {f["code"] for f in report["findings"]}
                    if ready(codes):
                        break
            time.sleep(0.2)
        return codes

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _save_atomically(path, text: str) -> None:
    """As editors save: a new file renamed over the old one (a new inode)."""
    time.sleep(1.0)  # one change at a time, past the watch's grouping of changes
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def test_watch_rewrites_the_report_on_change(tmp_path):
    guide = tmp_path / "g.json"
    shutil.copy(CLEAN_GUIDES[0], guide)
    settings = tmp_path / "contentqa.toml"
    settings.write_text('output-dir = "reports"\n', encoding="utf-8")
    watching = Watching(tmp_path, "g.json")
    try:
        assert watching.codes_when(lambda codes: True) == set()
        data = load_json(guide)
        data["steps"][0]["body"].append("Lorem ipsum dolor sit amet.")
        time.sleep(1.0)
        guide.write_text(json.dumps(data), encoding="utf-8")
        assert "W001" in watching.codes_when(lambda codes: "W001" in codes)
        # An edit of the configuration file is a change too, and it is read again, after
        # every save of an editor that renames a new file over the old one.
        _save_atomically(settings, 'output-dir = "reports"\nignore = ["W001"]\n')
        assert watching.codes_when(lambda codes: not codes) == set()
        _save_atomically(settings, 'output-dir = "reports"\n')
        assert "W001" in watching.codes_when(lambda codes: "W001" in codes)
        # A guide named on the command line, saved the same way
        _save_atomically(guide, CLEAN_GUIDES[0].read_text(encoding="utf-8"))
        assert watching.codes_when(lambda codes: not codes) == set()
    finally:
        watching.stop()


def test_watch_follows_the_paths_of_the_configuration(tmp_path):
    for folder in ("drafts", "published"):
        (tmp_path / folder).mkdir()
    shutil.copy(CLEAN_GUIDES[0], tmp_path / "published" / "g.json")
    data = load_json(CLEAN_GUIDES[0])
    data["steps"][0]["body"].append("Lorem ipsum dolor sit amet.")
    (tmp_path / "drafts" / "d.json").write_text(json.dumps(data), encoding="utf-8")
    settings = tmp_path / "contentqa.toml"
    settings.write_text('paths = ["published"]\noutput-dir = "reports"\n', encoding="utf-8")
    watching = Watching(tmp_path)
    try:
        assert watching.codes_when(lambda codes: True) == set()
        _save_atomically(settings, 'paths = ["drafts"]\noutput-dir = "reports"\n')
        assert "W001" in watching.codes_when(lambda codes: "W001" in codes)
        # The new folder is watched now
        (tmp_path / "drafts" / "d.json").write_text(CLEAN_GUIDES[0].read_text(encoding="utf-8"))
        assert watching.codes_when(lambda codes: not codes) == set()
    finally:
        watching.stop()


def test_pre_commit_hook_definition_runs_the_cli():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "contentqa" and hook["language"] == "python"
    entry = hook["entry"].split()
    assert entry[0] == "contentqa"
    result = subprocess.run(
        [sys.executable, "-m", "contentqa", *entry[1:], str(CLEAN_GUIDES[0])],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    files = re.compile(hook["files"])
    assert files.search("guides/repot.md") and files.search("guides/a/b.json")
    assert not files.search("README.md") and not files.search("package.json")


def test_excluded_files_are_not_checked_even_when_named(in_tmp_cwd, capsys):
    (in_tmp_cwd / "guides").mkdir()
    (in_tmp_cwd / "guides" / "g.json").write_text(CLEAN_GUIDES[0].read_text(encoding="utf-8"))
    (in_tmp_cwd / "guides" / "README.md").write_text("# Notes\n\nNot a guide.\n")
    (in_tmp_cwd / "guides" / "drafts").mkdir()
    (in_tmp_cwd / "guides" / "drafts" / "d.json").write_text("{ not json")
    (in_tmp_cwd / "contentqa.toml").write_text('exclude = ["**/README.md", "./guides/drafts"]\n')
    os.chdir(in_tmp_cwd / "guides")  # globs are relative to the configuration file
    assert main(["check", ".", "--no-report"]) == 0
    assert "1 file(s) checked, 0 finding(s)" in capsys.readouterr().out
    assert main(["check", "README.md", "drafts/d.json", "--no-report"]) == 0
    assert "0 file(s) checked" in capsys.readouterr().out


def test_a_folder_with_nothing_to_check_is_a_usage_error(in_tmp_cwd, capsys):
    (in_tmp_cwd / "g").mkdir()
    (in_tmp_cwd / "g" / "a.json").write_text(CLEAN_GUIDES[0].read_text(encoding="utf-8"))
    (in_tmp_cwd / "contentqa.toml").write_text('exclude = ["g/"]\n')
    assert main(["check", "g", "--no-report"]) == 2
    assert "`exclude` leaves out every guide file found" in capsys.readouterr().err
    assert main(["check", "g/a.json", "--no-report"]) == 0  # named: a hook's changed files
    (in_tmp_cwd / "contentqa.toml").unlink()
    assert main(["check", "g", "-q", "--output", "r/report.json"]) == 0
    shutil.move("r/report.json", "g/a.json")
    assert main(["check", "g", "--no-report"]) == 2
    assert "the only JSON files found are contentqa reports" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [
        "check g/a.json --output g/a.json",
        "check g --output g/a.json",
        "check g/a.json --format sarif,json --output-dir g",  # g/contentqa.json: a guide
        "baseline g --output g/a.json",
        "import g/b.md --output g/b.md --force",
    ],
)
def test_a_report_never_replaces_a_guide(in_tmp_cwd, capsys, command):
    (in_tmp_cwd / "g").mkdir()
    guide = CLEAN_GUIDES[0].read_bytes()
    (in_tmp_cwd / "g" / "a.json").write_bytes(guide)
    (in_tmp_cwd / "g" / "contentqa.json").write_bytes(guide)
    (in_tmp_cwd / "g" / "b.md").write_bytes(MARKDOWN_SEED.read_bytes())
    assert main(command.split()) == 2
    err = capsys.readouterr().err
    assert "cannot write g/" in err
    assert "holds something other than a contentqa report" in err or "imported" in err
    assert (in_tmp_cwd / "g" / "a.json").read_bytes() == guide
    assert (in_tmp_cwd / "g" / "contentqa.json").read_bytes() == guide
    assert not (in_tmp_cwd / "g" / "contentqa.sarif").exists()  # nothing written
    assert (in_tmp_cwd / "g" / "b.md").read_bytes() == MARKDOWN_SEED.read_bytes()


def test_ctrl_c_is_one_line_and_exit_status_130(monkeypatch, capsys):
    def interrupted(argv):
        raise KeyboardInterrupt

    monkeypatch.setattr("contentqa.cli._main", interrupted)
    assert main(["check"]) == 130
    assert capsys.readouterr().err.strip() == "contentqa: interrupted"


def test_reports_and_baselines_written_among_guides_are_not_read_as_guides(in_tmp_cwd, capsys):
    shutil.copytree(ROOT / "guides", "lib")
    written = {
        "lib/custom.json": "check lib -q --output lib/custom.json",
        "lib/code-quality.json": "check lib -q --format gitlab --output lib/code-quality.json",
        "lib/sarif.json": "check lib -q --format sarif --output lib/sarif.json",
        "lib/base.json": "baseline lib --output lib/base.json",
    }
    for command in written.values():
        main(command.split())
    capsys.readouterr()
    assert main(["check", "lib", "--no-report", "--fail-on", "never"]) == 0
    out, err = capsys.readouterr()
    assert "3 file(s) checked, 47 finding(s)" in out
    for name in written:
        assert f"{name} left out: a contentqa report or baseline, not a guide" in err


def test_a_report_left_out_is_noted_once_and_not_when_excluded_or_quiet(in_tmp_cwd, capsys):
    shutil.copytree(ROOT / "guides", "lib")
    main(["check", "lib", "-q", "--output", "lib/custom.json"])
    main(["check", "lib", "-q", "--output", "lib/out/other.json"])
    capsys.readouterr()
    main(["check", "lib", "lib/", "--no-report"])
    notes = [line for line in capsys.readouterr().err.splitlines() if "left out" in line]
    assert [note.split()[2] for note in notes] == ["lib/custom.json", "lib/out/other.json"]
    (in_tmp_cwd / "contentqa.toml").write_text('exclude = ["out/", "drafts/"]\n')
    (in_tmp_cwd / "lib" / "drafts").mkdir()
    (in_tmp_cwd / "lib" / "drafts" / "d.json").write_text("{ not json")
    main(["check", "lib", "--no-report"])
    assert capsys.readouterr().err.count("left out") == 1
    main(["check", "lib", "--no-report", "-q"])
    assert "left out" not in capsys.readouterr().err
    assert main(["baseline", "lib", "--output", "b.json"]) == 0  # drafts/ excluded here too
    assert "in 3 file(s)" in capsys.readouterr().out


def test_html_report_of_a_large_library_is_split_into_pages(tmp_path, monkeypatch):
    from contentqa.report import html_report

    monkeypatch.setattr(html_report, "MAX_SINGLE_PAGE_GUIDES", 2)
    monkeypatch.chdir(ROOT)
    out = tmp_path / "reports"
    main(["check", "guides", "--format", "html", "--output-dir", str(out), "-q"])
    pages = sorted(p.name for p in (out / "contentqa-guides").glob("*.html"))
    assert len(pages) == 3
    index = (out / "contentqa.html").read_text(encoding="utf-8")
    assert all(f"contentqa-guides/{name}" in index for name in pages)
    assert (out / "contentqa.html").stat().st_mode & 0o777 == 0o644


def test_ignore_on_the_command_line_adds_to_the_configurations(in_tmp_cwd, capsys):
    shutil.copy(SEED_GUIDE, in_tmp_cwd / "g.json")
    (in_tmp_cwd / "contentqa.toml").write_text('ignore = ["R", "T"]\n', encoding="utf-8")
    main(["check", "g.json", "--ignore", "W", "--no-report", "--fail-on", "never"])
    codes = set(re.findall(r" ([A-Z]\d{3}) \[", capsys.readouterr().out))
    assert codes and not any(code[0] in "RTW" for code in codes)
    assert main(["check", "g.json", "--select", "XYZ", "--no-report"]) == 2
    assert capsys.readouterr().err.startswith("contentqa: error: --select: no rule code")


@pytest.mark.parametrize(
    ("args", "status", "said"),
    [
        (["check", "-", "--stdin-filename", "drafts/x.json"], 0, "is excluded: not checked"),
        (["check", "g.json", "--stdin-filename", "x.json"], 2, "give - as the path"),
        (["check", "-", "--watch"], 2, "not standard input"),
        (["check", "-", "--output", "g.json"], 2, "cannot write g.json: it holds something"),
        (["explain", "dupliate-paragraph"], 2, "did you mean `duplicate-paragraph`?"),
    ],
)
def test_standard_input_and_explain_edges(in_tmp_cwd, capsys, monkeypatch, args, status, said):
    shutil.copy(SEED_GUIDE, in_tmp_cwd / "g.json")
    (in_tmp_cwd / "contentqa.toml").write_text('exclude = ["drafts/"]\n', encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(SEED_GUIDE.read_bytes())))
    assert main(args) == status
    assert said in capsys.readouterr().err
