"""Baseline round trip: create, edit elsewhere (still matched), fix a finding (reported gone)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from conftest import GUIDES, SEED_GUIDE, load_json

from contentqa import baseline
from contentqa.config import Config, parse_config
from contentqa.load import discover
from contentqa.pipeline import build_report, check_file


def report_of(folder, config: Config | None = None, base=None):
    config = config or Config()
    return build_report([check_file(p, config) for p in discover([folder])], config, None, base)


def write(folder, guide):
    (folder / "seed.json").write_text(json.dumps(guide, indent=2), encoding="utf-8")


@pytest.fixture
def library(tmp_path):
    guide = load_json(SEED_GUIDE)
    write(tmp_path, guide)
    path = tmp_path / ".contentqa-baseline.json"
    path.write_text(baseline.render(report_of(tmp_path), Config()), encoding="utf-8")
    return tmp_path, guide, baseline.load(path)


def test_unchanged_library_has_no_new_findings(library):
    folder, _, base = library
    report = report_of(folder, base=base)
    assert report.findings == () and report.exit_status == 0
    assert report.baselined == len(base.fingerprints) and report.baseline_gone == 0


def test_edits_elsewhere_and_moves_within_a_list_keep_fingerprints(library):
    folder, guide, base = library
    guide["title"] = "How to Heal Anxious Attachment"  # an edit elsewhere in the file
    guide["strategies"][3], guide["strategies"][4] = guide["strategies"][4], guide["strategies"][3]
    guide["faq"].append(
        {
            "question": "How long does it take?",
            "answer": "It differs for everyone, and progress is rarely a straight line.",
        }
    )
    write(folder, guide)
    report = report_of(folder, base=base)
    assert [(f.code, f.pointer) for f in report.findings] == []


def test_fixed_findings_are_reported_as_gone(library):
    folder, guide, base = library
    guide["quotes"][0]["attribution"] = "A client, shared with permission"
    guide["related_guides"] = ["repot-a-houseplant"]
    write(folder, guide)
    report = report_of(folder, base=base)
    assert report.baseline_gone == 2
    assert report.findings == ()


def test_a_new_problem_is_reported_and_fails(library):
    folder, guide, base = library
    guide["steps"][0]["body"].append("TODO: a photo of the triggers.")
    write(folder, guide)
    report = report_of(folder, base=base)
    assert {f.code for f in report.findings} >= {"W001"}
    assert report.exit_status == 1


def test_duplication_must_not_increase_past_the_baseline(library):
    folder, guide, base = library
    guide["intro"].append(guide["intro"][1])
    write(folder, guide)
    report = report_of(folder, base=base)
    assert report.ratchet["passed"] is False
    assert "rose from" in report.ratchet["message"] and report.exit_status == 1


def test_max_duplication_limit_per_guide_and_library(tmp_path):
    config = parse_config({"max-duplication": 20})
    report = report_of(SEED_GUIDE.parent, dataclasses.replace(config))
    [limit] = [f for f in report.findings if f.code == "D013"]
    assert limit.file.endswith("heal-anxious-attachment.json")
    assert "over the limit of 20%" in limit.message
    assert report.ratchet["passed"] is False


def test_unreadable_baseline_is_a_clear_error(tmp_path):
    path = tmp_path / "b.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(baseline.BaselineError, match="not a contentqa baseline"):
        baseline.load(path)
    with pytest.raises(baseline.BaselineError, match="not found"):
        baseline.load(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"b.json:1:1: not a contentqa baseline: it is not valid JSON$"),
        (b"\xff", r"b.json: not a contentqa baseline: it is not UTF-8 text$"),
        (b"[" * 100_000 + b"]" * 100_000, "not a contentqa baseline: it is nested too deeply"),
        (b'{"version": 1' + b"0" * 5000 + b"}", "it holds a number thousands of digits long"),
        (
            b'{"version": %d, "findings": [], "library_duplication_ratio": "high"}'
            % baseline.FORMAT_VERSION,
            r"`library_duplication_ratio` must be a share from 0 to 1, not \"high\"",
        ),
        (
            b'{"version": %d, "findings": [], "library_duplication_ratio": -1}'
            % baseline.FORMAT_VERSION,
            r"`library_duplication_ratio` must be a share from 0 to 1, not -1",
        ),
        (
            b'{"version": %d, "findings": [], "guides": [1, 2]}' % baseline.FORMAT_VERSION,
            r"`guides` must be a list of file names",
        ),
        (
            b'{"version": %d, "findings": [{"fingerprint": "f", "code": 5}]}'
            % baseline.FORMAT_VERSION,
            r"`findings` entries' `code` must be text",
        ),
    ],
)
def test_a_baseline_that_cannot_be_used_says_why_in_words(tmp_path, content, message):
    # Not Python's own error text ("Expecting value: line 1 column 1 (char 0)"), and no
    # ratchet passed against a nonsense ratio.
    path = tmp_path / "b.json"
    path.write_bytes(content)
    with pytest.raises(baseline.BaselineError, match=message):
        baseline.load(path)
    with pytest.raises(baseline.BaselineError, match="is a folder"):
        baseline.load(tmp_path)


def test_findings_a_run_does_not_look_for_are_not_gone(library):
    # Checking some rules, or reporting on the changed files only, fixes nothing.
    folder, guide, base = library
    (folder / "other.json").write_text((GUIDES / "repot-a-houseplant.json").read_text("utf-8"))
    config = Config()
    results = [check_file(p, config) for p in discover([folder])]
    [seed] = [r.file for r in results if r.file.endswith("seed.json")]
    no_duplicates = parse_config({"ignore": ["D"]})
    assert any(code.startswith("D") for _, code, _ in base.entries)
    assert build_report(results, no_duplicates, None, base).baseline_gone == 0
    others = {r.file for r in results} - {seed}
    assert build_report(results, config, None, base, only=others).baseline_gone == 0
    assert build_report(results, config, None, base, only={seed}).baseline_gone == 0
    # A finding fixed in a file reported on is gone still.
    guide["related_guides"] = ["repot-a-houseplant"]
    write(folder, guide)
    results = [check_file(p, config) for p in discover([folder])]
    assert build_report(results, no_duplicates, None, base, only={seed}).baseline_gone == 1


@pytest.fixture
def two_guides(library):
    """The seed and a clean guide, and the baseline of both."""
    folder, _, _ = library
    (folder / "other.json").write_text((GUIDES / "repot-a-houseplant.json").read_text("utf-8"))
    path = folder / ".contentqa-baseline.json"
    path.write_text(baseline.render(report_of(folder), Config()), encoding="utf-8")
    return folder, baseline.load(path)


def test_ratchet_compares_only_over_the_guides_of_the_baseline(two_guides):
    # One guide of a library repeats more of its words than the library does: checked
    # alone, it would look like duplication that rose.
    folder, base = two_guides
    assert base.guides is not None and len(base.guides) == 2
    config = Config()
    [seed] = [check_file(p, config) for p in discover([folder / "seed.json"])]
    alone = build_report([seed], config, None, base)
    assert alone.library_metrics["duplication_ratio"] > base.duplication_ratio
    assert alone.ratchet["passed"] is True and alone.exit_status == 0
    assert "leaves out 1 of the 2 guides" in alone.ratchet["note"]
    assert "note" not in report_of(folder, base=base).ratchet


def test_a_deleted_guide_is_not_left_out_but_gone(two_guides):
    folder, base = two_guides
    seeds = sum(1 for _, _, file in base.entries if file.endswith("seed.json"))
    (folder / "seed.json").unlink()
    report = report_of(folder, base=base)
    assert seeds > 0 and report.baseline_gone >= seeds
    assert "note" not in report.ratchet
