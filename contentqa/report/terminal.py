"""The human summary printed after a run: findings grouped by file, then totals.

Colour is added only when asked (:func:`use_color` decides from the stream and the
environment): file names bold, the severity tag coloured, the verdict red or green. Locations,
codes and messages stay plain, so ``file:line:col: CODE`` reads the same coloured or not.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping
from typing import TextIO

from contentqa.model import Finding, Report, Severity
from contentqa.report.json_report import summary

# Guide text is untrusted: control characters (an ANSI escape that clears the screen, a
# carriage return that hides the line) are shown escaped, never sent to the terminal.
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F) if c != 0x09}
_CONTROL.update({c: f"\\u{c:04x}" for c in range(0x80, 0xA0)})
# Characters that reorder or hide what follows them (a right-to-left override makes
# "a\u202egnp.json" show as "anosj.png"): overrides, isolates, line separators, and the
# zero-width space and zero-width no-break space (U+FEFF) that hide a difference between names.
# Joiners and direction marks stay: Persian, Indic scripts and emoji sequences need them.
_INVISIBLE = (0x200B, *range(0x2028, 0x202F), *range(0x2066, 0x206A), 0xFEFF)
_CONTROL.update({c: f"\\u{c:04x}" for c in _INVISIBLE})

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
RED = "\x1b[1;31m"
YELLOW = "\x1b[33m"
CYAN = "\x1b[36m"
GREEN = "\x1b[1;32m"
SEVERITY_STYLE = {Severity.ERROR: RED, Severity.WARNING: YELLOW, Severity.INFO: CYAN}

COLOR_CHOICES = ("auto", "always", "never")


def safe(text: str) -> str:
    return text.translate(_CONTROL)


def use_color(
    stream: TextIO, choice: str = "auto", environ: Mapping[str, str] | None = None
) -> bool:
    """Whether to colour output to ``stream``.

    ``--color always/never`` decides; otherwise a non-empty ``NO_COLOR`` turns colour off
    (no-color.org), then a non-empty ``FORCE_COLOR`` turns it on (force-color.org), and
    otherwise colour is used only on a terminal that is not ``TERM=dumb``.
    """
    if choice != "auto":
        return choice == "always"
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and env.get("TERM") != "dumb"


def _style(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{RESET}" if color else text


def _grouped(report: Report) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = {}
    for finding in sorted(report.findings, key=Finding.sort_key):
        groups.setdefault(finding.file, []).append(finding)
    return groups


def render_findings(report: Report, color: bool = False) -> list[str]:
    lines: list[str] = []
    for file, group in _grouped(report).items():
        lines.append(_style(safe(file), BOLD, color))
        for f in group:
            tag = _style(f"[{f.severity.value}]", SEVERITY_STYLE[f.severity], color)
            lines.append(f"  {finding_line(f, tag, safe)}")
        lines.append("")
    return lines


def finding_line(f: Finding, tag: str | None = None, text: Callable[[str], str] = str) -> str:
    """``file:line:column: CODE [severity] message``, a finding as the terminal and JUnit
    write it; ``text`` makes the guide's parts safe to show, ``tag`` is the severity's."""
    tag = tag if tag is not None else f"[{f.severity.value}]"
    return f"{text(f'{f.file}:{f.line}:{f.column}')}: {text(f.code)} {tag} {text(f.message)}"


def statistics(report: Report) -> list[tuple[int, str, str, Severity]]:
    """(count, code, rule name, severity) per rule, most frequent first, then by code."""
    counts = Counter(f.code for f in report.findings)
    first = {}
    for f in report.findings:
        first.setdefault(f.code, f)
    return sorted(
        ((n, code, first[code].rule, first[code].severity) for code, n in counts.items()),
        key=lambda row: (-row[0], row[1]),
    )


def render_statistics(report: Report, color: bool = False) -> list[str]:
    rows = statistics(report)
    if not rows:
        return []
    width = len(str(rows[0][0]))
    lines = [
        f"{n:>{width}}  {_style(code, SEVERITY_STYLE[severity], color)}  {name}"
        for n, code, name, severity in rows
    ]
    return [*lines, ""]


def render_totals(report: Report, color: bool = False) -> str:
    totals = summary(report)
    counts = totals["by_severity"]
    verdict = _style("FAILED", RED, color) if report.exit_status else _style("passed", GREEN, color)
    errors = f"{counts['error']} error(s)"
    warnings = f"{counts['warning']} warning(s)"
    if color and counts["error"]:
        errors = _style(errors, RED, color)
    if color and counts["warning"]:
        warnings = _style(warnings, YELLOW, color)
    return (
        f"{totals['files']} file(s) checked, {totals['findings']} finding(s): "
        f"{errors}, {warnings}, {counts['info']} info; "
        f"{verdict} (fail-on: {report.fail_on})"
    )


def render(
    report: Report, color: bool = False, *, show_statistics: bool = False, quiet: bool = False
) -> str:
    """The summary: findings grouped by file (or, with ``show_statistics``, counts per rule)
    then the totals line; ``quiet`` keeps only the statistics, if asked, and the totals."""
    lines: list[str] = []
    if show_statistics:
        lines += render_statistics(report, color)
    elif not quiet:
        lines += render_findings(report, color)
    lines.append(render_totals(report, color))
    return "\n".join(lines) + "\n"
