from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, ROOT, check_to, load_json

SEVERITIES = {"info", "minor", "major", "critical", "blocker"}
MAPPING = {"error": "major", "warning": "minor", "info": "info"}


def _gitlab(out_dir: Path, *paths: str, cwd: Path = ROOT) -> tuple[list, dict]:
    check_to(out_dir, "gitlab,json", *paths, cwd=cwd)
    return load_json(out_dir / "contentqa.gitlab.json"), load_json(out_dir / "contentqa.json")


def test_issues_have_what_gitlab_requires(tmp_path):
    issues, report = _gitlab(tmp_path, "guides", "tests/fixtures/load", "tests/fixtures/hostile")
    assert isinstance(issues, list)
    assert len(issues) == len(report["findings"]) > 0
    for issue, finding in zip(issues, report["findings"], strict=True):
        assert isinstance(issue["description"], str) and finding["message"] in issue["description"]
        assert issue["check_name"] == finding["code"]
        assert issue["severity"] in SEVERITIES
        assert issue["severity"] == MAPPING[finding["severity"]]
        assert issue["location"] == {
            "path": finding["file"],
            "lines": {"begin": finding["line"]},
        }
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["location"]["lines"]["begin"] >= 1
        assert isinstance(issue["fingerprint"], str) and len(issue["fingerprint"]) == 64
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    assert {issue["severity"] for issue in issues} == {"major", "minor", "info"}


def test_fingerprints_survive_edits_elsewhere(tmp_path):
    source = load_json(FIXTURES / "load" / "schema-errors.json")
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "guide.json").write_text(json.dumps(source, indent=2))
    before, _ = _gitlab(tmp_path / "a", "g", cwd=tmp_path)
    source = {"summary": "A new lead sentence.", **source, "title": "Another title altogether"}
    (tmp_path / "g" / "guide.json").write_text(json.dumps(source, indent=4))
    after, _ = _gitlab(tmp_path / "b", "g", cwd=tmp_path)
    assert {i["description"]: i["fingerprint"] for i in before} == {
        i["description"]: i["fingerprint"] for i in after
    }
    # ... while the lines moved, so the match is not by position.
    assert [i["location"]["lines"]["begin"] for i in before] != [
        i["location"]["lines"]["begin"] for i in after
    ]


def test_a_clean_run_is_an_empty_list(tmp_path):
    issues, report = _gitlab(tmp_path, "guides/repot-a-houseplant.json")
    assert report["findings"] == []
    assert issues == []
    assert (tmp_path / "contentqa.gitlab.json").read_text(encoding="utf-8") == "[]\n"
