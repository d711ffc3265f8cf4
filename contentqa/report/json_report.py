"""The machine-readable JSON report, described by ``schemas/report.schema.json``."""

from __future__ import annotations

from collections import Counter
from typing import Any

from contentqa.model import Category, Report, Severity
from contentqa.report import json_text

SCHEMA_ID = "https://contentqa.dev/schemas/report.schema.json"
REPORT_VERSION = 1


def summary(report: Report) -> dict[str, Any]:
    by_severity = Counter(f.severity.value for f in report.findings)
    by_category = Counter(f.category.value for f in report.findings)
    return {
        "files": len(report.guides),
        "valid_guides": sum(1 for g in report.guides if g.valid),
        "findings": len(report.findings),
        "by_severity": {s.value: by_severity.get(s.value, 0) for s in Severity},
        "by_category": {c.value: by_category.get(c.value, 0) for c in Category},
        "suppressed": report.suppressed,
        "baselined": report.baselined,
        "baseline_gone": report.baseline_gone,
        **({"ratchet": report.ratchet} if report.ratchet else {}),
        "fail_on": report.fail_on,
        "exit_status": report.exit_status,
        **({"metrics": report.library_metrics} if report.library_metrics else {}),
    }


def to_json(report: Report) -> dict[str, Any]:
    return {
        "$schema": SCHEMA_ID,
        "report_version": REPORT_VERSION,
        "tool": {"name": "contentqa", "version": report.tool_version},
        "generated_at": report.generated_at,
        "summary": summary(report),
        "rules": [
            {
                "code": r.code,
                "name": r.name,
                "files": r.files,
                "units": r.units,
                "findings": r.findings,
            }
            for r in report.rules
        ],
        "guides": [g.to_json() for g in report.guides],
        "findings": [f.to_json() for f in report.findings],
    }


def render(report: Report) -> str:
    return json_text(to_json(report))
