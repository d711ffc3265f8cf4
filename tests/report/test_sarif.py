from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, SEED_GUIDE, check_to, load_json, text_between
from jsonpointer import resolve_pointer
from jsonschema import Draft4Validator

from contentqa.registry import all_rules, explain

SARIF_SCHEMA = load_json(Path(__file__).with_name("sarif-schema-2.1.0.json"))
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _check(out_dir: Path, *paths: str, cwd: Path = ROOT) -> tuple[dict, dict]:
    """The SARIF log and the JSON report of one run of ``contentqa check``."""
    check_to(out_dir, "sarif,json", *paths, cwd=cwd)
    return load_json(out_dir / "contentqa.sarif"), load_json(out_dir / "contentqa.json")


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> tuple[dict, dict, str]:
    out = tmp_path_factory.mktemp("sarif-seed")
    sarif, report = _check(out, str(SEED_GUIDE.relative_to(ROOT)))
    return sarif, report, (out / "contentqa.sarif").read_text(encoding="utf-8")


def _errors(log: dict) -> list[str]:
    validator = Draft4Validator(SARIF_SCHEMA)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


def test_vendored_schema_is_the_official_draft4_schema():
    Draft4Validator.check_schema(SARIF_SCHEMA)
    assert SARIF_SCHEMA["id"].endswith("/sarif-schema-2.1.0.json")
    assert SARIF_SCHEMA["$schema"] == "http://json-schema.org/draft-04/schema#"


def test_seed_sarif_validates_against_the_schema(seed):
    sarif, report, _ = seed
    assert _errors(sarif) == []
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"]) == 1
    assert len(sarif["runs"][0]["results"]) == len(report["findings"]) > 0


def test_schema_rejects_a_broken_log(seed):
    """The validation above has teeth: a result without a message is caught."""
    broken = json.loads(json.dumps(seed[0]))
    del broken["runs"][0]["results"][0]["message"]
    broken["runs"][0]["results"][1]["level"] = "info"
    assert len(_errors(broken)) >= 2


def test_driver_and_rules(seed):
    driver = seed[0]["runs"][0]["tool"]["driver"]
    assert driver["name"] == "contentqa"
    assert driver["version"] == seed[1]["tool"]["version"]
    assert driver["informationUri"].startswith("https://")
    rules = all_rules()
    assert [r["id"] for r in driver["rules"]] == [rule.code for rule in rules]
    for descriptor, rule in zip(driver["rules"], rules, strict=True):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary()
        assert descriptor["fullDescription"]["text"] == rule.documentation()
        assert descriptor["help"]["text"] == explain(rule)
        assert rule.summary() in " ".join(descriptor["help"]["markdown"].split())
        assert descriptor["help"]["markdown"].startswith(f"**{rule.code} {rule.name}**")
        assert descriptor["defaultConfiguration"]["level"] == LEVELS[rule.severity.value]
        assert descriptor["properties"]["tags"] == [rule.category.value]
    by_id = {r["id"]: r for r in driver["rules"]}
    assert by_id["D001"]["defaultConfiguration"]["level"] == "error"
    assert by_id["D007"]["defaultConfiguration"]["level"] == "warning"
    assert by_id["R002"]["defaultConfiguration"]["level"] == "note"


def test_results_follow_the_findings(seed):
    sarif, report, _ = seed
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["columnKind"] == "unicodeCodePoints"
    guide = load_json(SEED_GUIDE)
    for result, finding in zip(run["results"], report["findings"], strict=True):
        assert result["ruleId"] == finding["code"]
        assert rules[result["ruleIndex"]]["id"] == finding["code"]
        assert result["level"] == LEVELS[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {
            "uri": "guides/heal-anxious-attachment.json",
            "uriBaseId": "%SRCROOT%",
        }
        region = physical["region"]
        assert (region["startLine"], region["startColumn"]) == (
            finding["line"],
            finding["column"],
        )
        if "span" in finding:
            start, end = finding["span"]
            text = resolve_pointer(guide, finding["pointer"])[start:end]
            between = text_between(
                SEED_GUIDE, region["startLine"], finding["column"], region["endColumn"]
            )
            assert between == text
        else:
            assert "endColumn" not in region
        assert location["logicalLocations"][0]["fullyQualifiedName"] == finding["pointer"]
        if "score" in finding:
            assert result["properties"]["score"] == finding["score"]
        else:
            assert "properties" not in result
    levels = {r["level"] for r in run["results"]}
    assert levels == {"error", "warning", "note"}


def test_a_sentence_span_gives_an_end_column(seed):
    results = seed[0]["runs"][0]["results"]
    sentence = next(
        r
        for r in results
        if r["ruleId"] == "D002"
        and r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "/intro/0"
    )
    # The JSON report has span [51, 121) at 13:57 for this sentence.
    assert sentence["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 13,
        "startColumn": 57,
        "endColumn": 57 + 70,
    }


def test_duplicates_carry_their_other_copies(seed):
    sarif, report, _ = seed
    results = sarif["runs"][0]["results"]
    for result, finding in zip(results, report["findings"], strict=True):
        related = result.get("relatedLocations", [])
        assert len(related) == len(finding["related"])
        assert [r["id"] for r in related] == list(range(1, len(related) + 1))
        for entry, other in zip(related, finding["related"], strict=True):
            physical = entry["physicalLocation"]
            assert physical["artifactLocation"]["uri"] == other["file"]
            assert physical["region"]["startLine"] == other["line"]
            assert physical["region"]["startColumn"] == other["column"]
            assert entry["logicalLocations"][0]["fullyQualifiedName"] == other["pointer"]
            assert other["pointer"] in entry["message"]["text"]
    paragraph = next(
        r
        for r in results
        if r["ruleId"] == "D001"
        and r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "/intro/1"
    )
    assert [
        (r["logicalLocations"][0]["fullyQualifiedName"], r["physicalLocation"]["region"])
        for r in paragraph["relatedLocations"]
    ] == [
        ("/intro/4", {"startLine": 17, "startColumn": 5}),
        ("/intro/7", {"startLine": 20, "startColumn": 5}),
    ]
    assert paragraph["relatedLocations"][0]["message"]["text"] == "other occurrence: /intro/4"
    assert sum(1 for r in results if r.get("relatedLocations")) == sum(
        1 for f in report["findings"] if f["related"]
    )


def test_partial_fingerprints_are_the_findings_and_unique(seed):
    sarif, report, _ = seed
    prints = [r["partialFingerprints"]["contentqa/v1"] for r in sarif["runs"][0]["results"]]
    assert prints == [f["fingerprint"] for f in report["findings"]]
    assert len(set(prints)) == len(prints)


def test_output_is_deterministic(seed, tmp_path):
    _check(tmp_path, str(SEED_GUIDE.relative_to(ROOT)))
    assert (tmp_path / "contentqa.sarif").read_text(encoding="utf-8") == seed[2]
    assert "generated_at" not in seed[2] and "invocations" not in seed[2]


def test_bad_inputs_validate_with_whole_file_locations(tmp_path):
    sarif, report = _check(tmp_path, "tests/fixtures/load")
    assert _errors(sarif) == []
    results = sarif["runs"][0]["results"]
    assert len(results) == len(report["findings"]) > 0
    empty = next(
        r
        for r in results
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "tests/fixtures/load/empty.json"
    )
    assert empty["ruleId"] == "S002"
    assert empty["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 1,
    }
    # The empty JSON pointer is the whole document (RFC 6901).
    assert empty["locations"][0]["logicalLocations"] == [{"fullyQualifiedName": ""}]
    files = {f["file"] for f in report["findings"]}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == files


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("my guide: 100%.json", "guides/my%20guide%3A%20100%25.json"),
        pytest.param(
            "a\\b.json",
            "guides/a%5Cb.json",  # a character of the name, not a folder
            marks=pytest.mark.skipif(os.name == "nt", reason="a separator on Windows"),
        ),
    ],
)
def test_file_names_become_uri_references(tmp_path, name, expected):
    (tmp_path / "guides").mkdir()
    shutil.copy(FIXTURES / "load" / "schema-errors.json", tmp_path / "guides" / name)
    sarif, _ = _check(tmp_path / "out", "guides", cwd=tmp_path)
    assert _errors(sarif) == []
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert uris == {expected}


def test_places_listed_in_pairs_say_which_guide_each_is_in():
    """D016 lists its step pairs: this guide's step, then the other guide's."""
    from contentqa.model import Category, Finding, Location, Severity
    from contentqa.report.sarif import _related_message

    overlap = Finding(
        "D016",
        "overlapping-guides",
        Category.DUPLICATE,
        Severity.ERROR,
        "",
        "a.json",
        "/steps",
        1,
        1,
    )
    assert _related_message(overlap, Location("a.json", "/steps/0")) == "pair, this guide: /steps/0"
    assert (
        _related_message(overlap, Location("c.json", "/steps/2"))
        == "pair, the other guide: /steps/2 in c.json"
    )
    copy = Finding(
        "D001",
        "duplicate-paragraph",
        Category.DUPLICATE,
        Severity.ERROR,
        "",
        "a.json",
        "/intro/0",
        1,
        1,
    )
    assert _related_message(copy, Location("a.json", "/intro/2")) == "other occurrence: /intro/2"


def test_ci_formats_name_files_from_the_project_folder(tmp_path):
    # Run from a subfolder of a project whose configuration file is at its root (a CI job
    # with a working-directory): CI systems name files from the repository's root.
    (tmp_path / "guides").mkdir()
    shutil.copy(SEED_GUIDE, tmp_path / "guides" / "seed.json")
    (tmp_path / "contentqa.toml").write_text('paths = ["guides/"]\n', encoding="utf-8")
    out = tmp_path / "out"
    check_to(out, "sarif,gitlab,github,json", ".", cwd=tmp_path / "guides")
    sarif = load_json(out / "contentqa.sarif")
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
        for location in r["locations"] + r.get("relatedLocations", [])
    }
    assert uris == {"guides/seed.json"}
    assert {i["location"]["path"] for i in load_json(out / "contentqa.gitlab.json")} == uris
    annotations = (out / "contentqa.github.txt").read_text(encoding="utf-8").splitlines()
    assert all(line.split(",")[0].endswith("file=guides/seed.json") for line in annotations)
    # The JSON report and the terminal name files as the user typed them.
    assert {f["file"] for f in load_json(out / "contentqa.json")["findings"]} == {"seed.json"}
