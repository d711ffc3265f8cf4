"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per
finding, which GitHub shows as annotations on the pull request's files.

``contentqa check`` prints these lines by itself when it runs in GitHub Actions
(``GITHUB_ACTIONS=true``) and no format was asked for.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from contentqa.model import Finding, Report, Severity
from contentqa.report import findings_from_project, range_end

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}

# Guide text is untrusted: other control characters (an ANSI escape that the log viewer would
# interpret) are shown escaped, as in the terminal. CR and LF are encoded by GitHub's rules.
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F) if c not in (0x09, 0x0A, 0x0D)}
_CONTROL.update({c: f"\\u{c:04x}" for c in range(0x80, 0xA0)})


def escape_data(text: str) -> str:
    """A command's message: ``%``, CR and LF percent-encoded (``%`` first)."""
    text = text.translate(_CONTROL)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: like data, plus ``:`` and ``,``, which separate properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding) -> str:
    props = [
        ("file", finding.file),
        ("line", str(finding.line)),
        ("col", str(finding.column)),
    ]
    end = range_end(finding.line, finding.column, finding.span, finding.end)
    if end is not None:
        if end.line != finding.line:
            props.append(("endLine", str(end.line)))
        props.append(("endColumn", str(end.column)))
    props.append(("title", f"{finding.code} {finding.rule}"))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{COMMANDS[finding.severity]} {joined}::{escape_data(finding.message)}"


def render(report: Report) -> str:
    lines = [command(f) + "\n" for f in findings_from_project(report)]
    if report.ratchet_failed:
        # The library's, not a file's: an annotation of the run, which can fail it alone.
        title = escape_property("duplication ratchet")
        lines.append(f"::error title={title}::{escape_data(report.ratchet['message'])}\n")
    return "".join(lines)


def in_github_actions(environ: Mapping[str, str] | None = None) -> bool:
    """True inside a GitHub Actions job, which sets ``GITHUB_ACTIONS=true``."""
    return (os.environ if environ is None else environ).get("GITHUB_ACTIONS") == "true"
