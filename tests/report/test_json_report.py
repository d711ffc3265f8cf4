from __future__ import annotations

import json
import os

from conftest import GUIDES, ROOT, SEED_GUIDE, UPDATE_GOLDEN, load_json
from jsonschema import Draft202012Validator

from contentqa.cli import main

GOLDEN = ROOT / "tests" / "golden" / "heal-anxious-attachment.report.json"
REPORT_SCHEMA = load_json(ROOT / "schemas" / "report.schema.json")


def _report(tmp_path, *paths: str) -> dict:
    out = tmp_path / "report.json"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        main(["check", *paths, "--output", str(out), "-q"])
    finally:
        os.chdir(cwd)
    return json.loads(out.read_text(encoding="utf-8"))


def _errors(report: dict) -> list[str]:
    validator = Draft202012Validator(
        REPORT_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(report)]


def test_report_schema_is_a_valid_schema():
    Draft202012Validator.check_schema(REPORT_SCHEMA)


def test_seed_report_matches_golden_and_schema(tmp_path):
    report = _report(tmp_path, str(SEED_GUIDE.relative_to(ROOT)))
    assert _errors(report) == []
    report.pop("generated_at")
    if UPDATE_GOLDEN:
        GOLDEN.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert report == load_json(GOLDEN)


def test_library_report_validates_and_is_sorted(tmp_path):
    report = _report(tmp_path, "guides", "tests/fixtures/load")
    assert _errors(report) == []
    keys = [(f["file"], f["line"], f["column"], f["code"]) for f in report["findings"]]
    assert keys == sorted(keys)
    assert len({f["fingerprint"] for f in report["findings"]}) == len(report["findings"])
    assert report["summary"]["files"] == len(report["guides"])
    assert {r["code"] for r in report["rules"]} >= {"S001", "S006"}


def test_every_rule_that_ran_says_what_it_examined(tmp_path):
    report = _report(tmp_path, "guides")
    assert report["rules"]
    for entry in report["rules"]:
        assert entry["files"] == len(list(GUIDES.glob("*.json"))), entry


def test_fingerprints_survive_edits_elsewhere(tmp_path):
    source = load_json(ROOT / "tests" / "fixtures" / "load" / "schema-errors.json")
    first = tmp_path / "a"
    first.mkdir()
    (first / "g.json").write_text(json.dumps(source, indent=2))
    before = {f["message"]: f["fingerprint"] for f in _report(tmp_path, str(first))["findings"]}
    source["title"] = "A different title, with more words in it"
    source = {"summary": "New lead sentence.", **source}
    (first / "g.json").write_text(json.dumps(source, indent=4))
    after = {f["message"]: f["fingerprint"] for f in _report(tmp_path, str(first))["findings"]}
    assert before == after


def test_report_written_in_pieces_is_the_whole_document(tmp_path):
    """The file is written a batch of guides and findings at a time: its bytes are still
    those of the whole document, with non-ASCII text and with no guides or findings."""
    from dataclasses import replace

    from contentqa.config import Config
    from contentqa.load import discover
    from contentqa.pipeline import run
    from contentqa.report import json_text
    from contentqa.report.json_report import render_chunks, to_json

    report = run(discover([GUIDES, ROOT / "tests" / "fixtures" / "load"]), Config())
    assert len(report.guides) > 7 and any("“" in f.message for f in report.findings)
    for batch in (1, 3, 7, len(report.findings)):
        assert b"".join(render_chunks(report, batch)) == json_text(to_json(report)).encode()
    for empty in (replace(report, findings=()), replace(report, guides=(), findings=())):
        assert b"".join(render_chunks(empty)) == json_text(to_json(empty)).encode()
        assert json.loads(b"".join(render_chunks(empty)))["findings"] == []
