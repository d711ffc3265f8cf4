"""The human summary printed after a run: findings grouped by file, then totals."""

from __future__ import annotations

from itertools import groupby

from contentqa.model import Report
from contentqa.report.json_report import summary

# Guide text is untrusted: control characters (an ANSI escape that clears the screen, a
# carriage return that hides the line) are shown escaped, never sent to the terminal.
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F) if c != 0x09}
_CONTROL.update({c: f"\\u{c:04x}" for c in range(0x80, 0xA0)})


def safe(text: str) -> str:
    return text.translate(_CONTROL)


def render(report: Report) -> str:
    lines: list[str] = []
    for file, group in groupby(report.findings, key=lambda f: f.file):
        lines.append(safe(file))
        for f in group:
            where = f"{f.file}:{f.line}:{f.column}"
            lines.append(safe(f"  {where}: {f.code} [{f.severity.value}] {f.message}"))
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
