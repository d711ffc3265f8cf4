"""GitLab Code Quality report: a JSON list of issues in the Code Climate subset GitLab reads
(``artifacts: reports: codequality``), shown in merge requests and the pipeline's tab.

The fingerprint comes from the finding's own fingerprint, which ignores list positions and
other parts of the file, so GitLab sees an issue as the same one from one commit to the next.
"""

from __future__ import annotations

import hashlib
from typing import Any

from contentqa.model import Category, Finding, Report, Severity
from contentqa.report import findings_from_project, json_text

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}

# Code Climate categories, which GitLab keeps with the issue.
CATEGORIES = {
    Category.SCHEMA: "Bug Risk",
    Category.DUPLICATE: "Duplication",
    Category.READABILITY: "Clarity",
    Category.STRUCTURE: "Clarity",
    Category.STYLE: "Style",
}


def fingerprint(finding: Finding) -> str:
    # finding.fingerprint already covers the rule code and the file and is unique within a
    # report; the prefix keeps it apart from other tools' issues in the same merge request.
    material = f"contentqa/v1\0{finding.fingerprint}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def issue(finding: Finding) -> dict[str, Any]:
    return {
        "type": "issue",
        "engine_name": "contentqa",
        "check_name": finding.code,
        "description": f"{finding.code} {finding.rule}: {finding.message}",
        "categories": [CATEGORIES[finding.category]],
        "severity": SEVERITIES[finding.severity],
        "fingerprint": fingerprint(finding),
        "location": {"path": finding.file, "lines": {"begin": finding.line}},
    }


def render(report: Report) -> str:
    issues = [issue(f) for f in findings_from_project(report)]
    return json_text(issues)
