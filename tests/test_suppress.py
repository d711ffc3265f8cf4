"""Suppressions from configuration and from guides, and the findings about stale ones."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import SEED_GUIDE, load_json

from contentqa.config import parse_config
from contentqa.load import discover
from contentqa.pipeline import build_report, check_file

TODAY = dt.date(2026, 11, 29)


def run_at(paths, config, today=TODAY):
    return build_report([check_file(p, config) for p in discover(paths)], config, today)


def seed_copy(tmp_path, change) -> object:
    guide = load_json(SEED_GUIDE)
    change(guide)
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(guide, indent=2), encoding="utf-8")
    return path


def test_guide_ignore_covers_the_object_and_everything_below(tmp_path):
    def ignore_step_boilerplate(guide):
        guide["x-contentqa"] = {"ignore": ["T005"], "reason": "quote is the author's own"}
        # A rule's name, or its code in lower case, as in the configuration.
        guide["steps"][7]["x-contentqa"] = {"ignore": ["near-duplicate-step", "r009"]}

    config = parse_config({})
    before = run_at([SEED_GUIDE], config)
    after = run_at([seed_copy(tmp_path, ignore_step_boilerplate)], config)
    gone = {(f.code, f.pointer) for f in before.findings} - {
        (f.code, f.pointer) for f in after.findings
    }
    assert gone == {("T005", "/quotes/0"), ("D006", "/steps/7"), ("R009", "/steps/7")}
    assert after.suppressed == 3
    assert not [f for f in after.findings if f.code in ("S008", "S009")]


def test_unused_and_expired_suppressions_are_reported(tmp_path):
    def stale(guide):
        guide["steps"][0]["x-contentqa"] = {"ignore": ["W001"]}  # nothing to suppress
        guide["quotes"][0]["x-contentqa"] = {"ignore": ["T005"], "expires": "2026-01-31"}

    report = run_at([seed_copy(tmp_path, stale)], parse_config({}))
    stale_findings = {(f.code, f.pointer) for f in report.findings if f.code in ("S008", "S009")}
    assert stale_findings == {
        ("S008", "/steps/0/x-contentqa"),
        ("S009", "/quotes/0/x-contentqa"),
    }
    # An expired suppression no longer suppresses.
    assert ("T005", "/quotes/0") in {(f.code, f.pointer) for f in report.findings}
    [expired] = [f for f in report.findings if f.code == "S009"]
    assert "expired 2026-01-31" in expired.message and expired.line > 1


def test_per_file_ignores_and_pointer_suppression_from_configuration():
    config = parse_config(
        {
            "per-file-ignores": {"*heal-anxious-attachment.json": ["W"]},
            "suppress": [
                {
                    "files": "*heal-anxious*",
                    "codes": ["D001"],
                    "pointer": "/intro",
                    "reason": "legacy intro",
                    "expires": "2030-01-01",
                },
                {"files": "*nothing-matches*", "codes": ["D"]},
            ],
        }
    )
    report = run_at([SEED_GUIDE], config)
    codes = {f.code for f in report.findings}
    assert "W002" not in codes and "D001" not in codes
    [unused] = [f for f in report.findings if f.code == "S008"]
    assert "suppress[1]" in unused.message


@pytest.mark.parametrize(
    ("name", "prefix"), [("contentqa.toml", ""), ("pyproject.toml", "tool.contentqa.")]
)
def test_stale_suppressions_point_at_their_place_in_the_configuration(
    in_tmp_cwd, capsys, name, prefix
):
    from contentqa.cli import main

    (in_tmp_cwd / "g.json").write_text(SEED_GUIDE.read_text(encoding="utf-8"))
    header = "[tool.contentqa]\n" if prefix else ""
    (in_tmp_cwd / name).write_text(
        f'{header}fail-on = "never"\n\n'
        f'[{prefix}audience-by-path]\n"nothing-*.json" = "general"\n\n'  # the same key
        f'[{prefix}per-file-ignores]\n"nothing-*.json" = ["W"]\n\n'
        f'[[{prefix}suppress]]\ncodes = ["W001"]\nfiles = "nothing.json"\n\n'
        f'[[ {prefix}suppress ]]\ncodes = ["R"]\nexpires = 2020-01-01\n',
        encoding="utf-8",
    )
    assert main(["check", "g.json", "--no-report", "--select", "S008,S009"]) == 0
    out = capsys.readouterr().out
    first = 6 + bool(prefix)
    for line, code in ((first + 1, "S008"), (first + 3, "S008"), (first + 7, "S009")):
        assert f"{name}:{line}:1: {code}" in out


@pytest.mark.parametrize(
    ("written", "position"),
    [
        ('per-file-ignores = { "other.json" = ["R"], "nothing-*.json" = ["W"] }\n', "2:44"),
        ('per-file-ignores."nothing-*.json" = ["W"]\n', "2:18"),
    ],
)
def test_unused_per_file_ignores_in_inline_tables_are_located(
    in_tmp_cwd, capsys, written, position
):
    from contentqa.cli import main

    (in_tmp_cwd / "g.json").write_text(SEED_GUIDE.read_text(encoding="utf-8"))
    (in_tmp_cwd / "contentqa.toml").write_text(f'fail-on = "never"\n{written}', encoding="utf-8")
    assert main(["check", "g.json", "--no-report", "--select", "S008"]) == 0
    out = capsys.readouterr().out
    assert f"contentqa.toml:{position}: S008" in out, out


def test_a_misspelt_rule_in_a_guide_ignore_is_named_with_a_suggestion(tmp_path):
    def misspelt(guide):
        guide["steps"][0]["x-contentqa"] = {"ignore": ["leftover-placeholdr"]}

    report = run_at([seed_copy(tmp_path, misspelt)], parse_config({}))
    assert [f.pointer for f in report.findings if f.code == "S008"] == ["/steps/0/x-contentqa"]
    [misspelt_rule] = [f for f in report.findings if f.code == "S011"]
    assert misspelt_rule.pointer == "/steps/0/x-contentqa/ignore"
    assert "did you mean `leftover-placeholder`?" in misspelt_rule.message
