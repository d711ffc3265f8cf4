"""JUnit XML: one test case per guide file, for GitLab, Jenkins and other CI test views.

A guide's test case fails when it has a finding at or above ``fail-on`` (never with
``fail-on = "never"``). The failure lists those findings as ``file:line:col CODE message``;
findings below the threshold go to the case's ``system-out``. No timings or timestamps are
written, so the same input gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from contentqa.model import Finding, Report, Severity
from contentqa.report.terminal import finding_line

SUITE_NAME = "contentqa"

# Characters XML 1.0 cannot carry at all, even escaped (C0 controls but tab, newline and
# carriage return; surrogates; U+FFFE and U+FFFF), and the carriage return, which a parser
# turns into a newline and a viewer may use to hide text. Guide text is untrusted.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xml_text(text: str) -> str:
    """``text`` with the characters XML cannot hold (and CR) shown as ``\\xNN``/``\\uNNNN``."""
    return _UNSAFE.sub(_escaped, text)


def fails(report: Report, finding: Finding) -> bool:
    return report.fail_on != "never" and finding.severity.rank >= Severity(report.fail_on).rank


def to_element(report: Report) -> ET.Element:
    # A file checked only for cross-guide copies (``--changed-since``) is no test case: its
    # own findings were not looked at, so it neither passed nor failed.
    files = [g.file for g in report.guides if report.reported is None or g.file in report.reported]
    by_file: dict[str, list[Finding]] = {file: [] for file in files}
    for finding in sorted(report.findings, key=Finding.sort_key):
        # The configuration file's, or an unchanged file's with a copy in a changed one.
        if finding.file not in by_file:
            files.append(finding.file)
            by_file[finding.file] = []
        by_file[finding.file].append(finding)

    cases: list[ET.Element] = []
    failures = 0
    for file in files:
        # No ``file`` attribute: Jenkins' junit-10.xsd does not allow it on a test case, and
        # the name already is the file's path.
        case = ET.Element("testcase", {"classname": SUITE_NAME, "name": xml_text(file)})
        failing = [f for f in by_file[file] if fails(report, f)]
        others = [f for f in by_file[file] if not fails(report, f)]
        if failing:
            failures += 1
            threshold = report.fail_on
            failure = ET.SubElement(
                case,
                "failure",
                {
                    "message": f"{len(failing)} finding(s) at or above {threshold} "
                    f"({len(by_file[file])} in all)",
                    "type": threshold,
                },
            )
            failure.text = xml_text("\n".join(finding_line(f) for f in failing)) + "\n"
        if others:
            out = ET.SubElement(case, "system-out")
            out.text = xml_text("\n".join(finding_line(f) for f in others)) + "\n"
        cases.append(case)

    if report.ratchet:
        # The library's duplication limit is a test of its own: it can fail the run alone.
        case = ET.Element(
            "testcase", {"classname": SUITE_NAME, "name": "library duplication ratchet"}
        )
        if report.ratchet_failed and report.fail_on != "never":
            failures += 1
            failure = ET.SubElement(
                case, "failure", {"message": xml_text(report.ratchet["message"]), "type": "ratchet"}
            )
            failure.text = xml_text(report.ratchet["message"]) + "\n"
        cases.append(case)

    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0"}
    root = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE_NAME, **counts, "skipped": "0"})
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(
        properties, "property", {"name": "contentqa.version", "value": report.tool_version}
    )
    ET.SubElement(properties, "property", {"name": "fail-on", "value": report.fail_on})
    suite.extend(cases)
    return root


def render(report: Report) -> str:
    root = to_element(report)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
