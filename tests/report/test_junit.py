from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import FIXTURES, GUIDES, ROOT, SEED_GUIDE, check_to, load_json

from contentqa.load import discover
from contentqa.report.junit import xml_text

SEED = SEED_GUIDE.relative_to(ROOT).as_posix()

# The structure of Jenkins' junit-10.xsd (xunit-plugin), which GitLab and most CI tools
# read: allowed attributes (required ones in the second set) and child elements.
XSD = {
    "testsuites": ({"name", "time", "tests", "failures", "errors"}, set(), {"testsuite"}),
    "testsuite": (
        {
            "name", "tests", "failures", "errors", "group", "time", "skipped", "timestamp",
            "hostname", "id", "package", "file", "log", "url",
        },
        {"name", "tests", "failures", "errors"},
        {"testsuite", "properties", "testcase", "system-out", "system-err"},
    ),
    "properties": (set(), set(), {"property"}),
    "property": ({"name", "value"}, {"name", "value"}, set()),
    "testcase": (
        {"name", "time", "classname", "group"},
        {"name"},
        {"skipped", "error", "failure", "system-out", "system-err"},
    ),
    "failure": ({"type", "message"}, set(), set()),
    "system-out": (set(), set(), set()),
}  # fmt: skip


def _junit(out_dir: Path, *args: str) -> tuple[ET.Element, dict, str]:
    check_to(out_dir, "junit,json", *args)
    text = (out_dir / "contentqa.junit.xml").read_text(encoding="utf-8")
    return ET.fromstring(text), load_json(out_dir / "contentqa.json"), text


def _conforms(element: ET.Element) -> list[str]:
    problems = []
    allowed, required, children = XSD[element.tag]
    if set(element.attrib) - allowed:
        problems.append(f"{element.tag}: attributes {set(element.attrib) - allowed}")
    if required - set(element.attrib):
        problems.append(f"{element.tag}: missing {required - set(element.attrib)}")
    for child in element:
        if child.tag not in children:
            problems.append(f"{element.tag}: child {child.tag}")
        else:
            problems += _conforms(child)
    return problems


def _cases(root: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name"): case for case in root.iter("testcase")}


def test_one_test_case_per_guide_and_only_the_seed_fails(tmp_path):
    root, report, text = _junit(tmp_path, "guides")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert _conforms(root) == []
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = _cases(root)
    guides = sorted(p.relative_to(ROOT).as_posix() for p in discover([GUIDES]))
    assert sorted(cases) == guides and len(guides) >= 3
    counts = (str(len(guides)), "1", "0")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == counts
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == counts
    assert [name for name, case in cases.items() if case.find("failure") is not None] == [SEED]
    failure = cases[SEED].find("failure")
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    total = len(report["findings"])
    assert failure.get("message") == f"{len(errors)} finding(s) at or above error ({total} in all)"
    assert 0 < len(errors) < total
    line = "{file}:{line}:{column}: {code} [{severity}] {message}"
    assert failure.text.splitlines() == [line.format(**f) for f in errors]
    assert cases[SEED].find("system-out").text.splitlines() == [
        line.format(**f) for f in report["findings"] if f["severity"] != "error"
    ]


def test_fail_on_never_fails_nothing_and_warning_lists_more(tmp_path):
    root, _, _ = _junit(tmp_path / "never", "guides", "--fail-on", "never")
    assert [c for c in root.iter("testcase") if c.find("failure") is not None] == []
    assert root.find("testsuite").get("failures") == "0"
    root, report, _ = _junit(tmp_path / "warning", "guides", "--fail-on", "warning")
    failure = _cases(root)[SEED].find("failure")
    at_least_warning = [f for f in report["findings"] if f["severity"] != "info"]
    assert len(failure.text.splitlines()) == len(at_least_warning)
    assert len(at_least_warning) > len([f for f in at_least_warning if f["severity"] == "error"])
    assert failure.get("type") == "warning"


def test_bad_files_each_fail_and_are_listed(tmp_path):
    root, report, _ = _junit(tmp_path, "tests/fixtures/load")
    assert _conforms(root) == []
    cases = _cases(root)
    assert len(cases) == len(list((FIXTURES / "load").glob("*.json")))
    failed = {name for name, case in cases.items() if case.find("failure") is not None}
    assert failed == {f["file"] for f in report["findings"] if f["severity"] == "error"}
    assert "tests/fixtures/load/empty.json:1:1: S002 [error] the file is empty" in (
        cases["tests/fixtures/load/empty.json"].find("failure").text
    )


def test_hostile_text_stays_well_formed_xml(tmp_path):
    root, _, text = _junit(tmp_path, "tests/fixtures/hostile", "--fail-on", "warning")
    assert "\x1b" not in text and "\r" not in text
    body = _cases(root)["tests/fixtures/hostile/hostile-guide.json"].find("failure").text
    assert "\\x1b[2J" in body and "carriage\\x0dre" in body


def test_xml_text_escapes_what_xml_cannot_hold():
    assert xml_text("a\x00b\x0bc\td\ne\ufffe<&>") == "a\\x00b\\x0bc\td\ne\\ufffe<&>"
    # ElementTree escapes markup; the escaped text round-trips.
    element = ET.Element("failure", {"message": xml_text('<a href="x">&')})
    element.text = xml_text("</failure><x>")
    assert ET.fromstring(ET.tostring(element, encoding="unicode")).text == "</failure><x>"
