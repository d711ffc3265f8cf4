"""The human summary printed after a run: findings grouped by file, then totals."""

from __future__ import annotations

from itertools import groupby

from contentqa.model import Report
from contentqa.report.json_report import summary


def render(report: Report) -> str:
    lines: list[str] = []
    for file, group in groupby(report.findings, key=lambda f: f.file):
        lines.append(file)
        for f in group:
            lines.append(
                f"  {f.file}:{f.line}:{f.column}: {f.code} [{f.severity.value}] {f.message}"
            )
        lines.append("")
    totals = summary(report)
    counts = totals["by_severity"]
    verdict = "FAILED" if report.exit_status else "passed"
    lines.append(
        f"{totals['files']} file(s) checked, {totals['findings']} finding(s): "
        f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info; "
        f"{verdict} (fail-on: {report.fail_on})"
    )
    return "\n".join(lines) + "\n"
