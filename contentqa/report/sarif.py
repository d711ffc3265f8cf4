"""SARIF 2.1.0, the format GitHub code scanning and other CI tools read.

The log is built as plain dictionaries following the OASIS schema (the tests validate it
against ``sarif-schema-2.1.0.json``): the ``sarif-om`` object model adds no serializer and would
write its own defaults (``ruleIndex: -1``, ``rank: -1``) unless every field were filtered.

The output is deterministic: every registered rule in code order, results in report order,
and no timestamps or machine-specific paths. Columns count Unicode code points, as contentqa's
do, which the run declares with ``columnKind``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from contentqa.model import Finding, Location, Position, Report, Severity, Span
from contentqa.registry import Rule, all_rules, explain, option_name, related_in_pairs
from contentqa.report import findings_from_project, json_text, range_end

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://contentqa.dev"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "contentqa/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def uri(file: str) -> str:
    """A relative URI reference for a repository-relative path (spaces, ``%``, ``:``, ``\\``
    and non-ASCII characters percent-encoded; ``/`` kept). Reports name files with ``/``
    on every system, so a backslash is part of a name (``a\\b.json``), not a folder. A byte
    that is not UTF-8, which reports show as ``\\xff``, is that byte again (``%FF``)."""
    return quote(_NOT_UTF8.sub(lambda m: bytes([int(m[1], 16)]), file.encode()), safe="/")


# How load.printable_name writes a byte of a file name that is not UTF-8.
_NOT_UTF8 = re.compile(rb"\\x([89a-f][0-9a-f])")


def region(
    line: int | None, column: int | None, span: Span | None, end: Position | None = None
) -> dict[str, int] | None:
    """``end``: where the span ends in the file; without it, the span's length in characters
    from ``column`` (right for text without escapes)."""
    if line is None:
        return None
    out = {"startLine": line}
    if column is not None:
        out["startColumn"] = column
        stop = range_end(line, column, span, end)
        if stop is not None:
            if stop.line != line:
                out["endLine"] = stop.line
            out["endColumn"] = stop.column
    return out


def physical_location(
    file: str,
    line: int | None,
    column: int | None,
    span: Span | None,
    end: Position | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"artifactLocation": {"uri": uri(file), "uriBaseId": SRCROOT}}
    where = region(line, column, span, end)
    if where is not None:
        out["region"] = where
    return out


def logical_location(pointer: str) -> dict[str, Any]:
    """The JSON pointer (RFC 6901; ``""`` is the whole document) as a logical location."""
    name = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~") if pointer else ""
    out: dict[str, Any] = {"fullyQualifiedName": pointer}
    if name:
        out["name"] = name
    return out


def _markdown(rule: type[Rule]) -> str:
    """The rule's documentation as Markdown. Docstrings use ``code`` spans (valid Markdown)
    and ``::`` before indented examples (a code block in Markdown once the ``::`` goes)."""
    doc = re.sub(r"::$", ":", rule.documentation(), flags=re.MULTILINE)
    lines = [
        f"**{rule.code} {rule.name}** ({rule.category.value}, default severity "
        f"{rule.severity.value})",
        "",
        doc,
    ]
    fields = rule.option_fields()
    if fields:
        lines += ["", "**Options**", ""]
        for f in fields:
            default = f.default_factory() if callable(f.default_factory) else f.default
            text = f.metadata.get("help", "")
            lines.append(f"- `{option_name(f)}` (default: `{default!r}`): {text}")
    return "\n".join(lines).rstrip() + "\n"


def rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": rule.documentation()},
        "help": {"text": explain(rule), "markdown": _markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [rule.category.value]},
    }


def _related_message(finding: Finding, location: Location) -> str:
    where = location.pointer or "the whole document"
    if location.file != finding.file:
        where = f"{where} in {location.file}"
    if related_in_pairs(finding.code):
        side = "this guide" if location.file == finding.file else "the other guide"
        return f"pair, {side}: {where}"
    if finding.category.value == "duplicate":
        return f"other occurrence: {where}"
    return f"related: {where}"


def result(finding: Finding, rule_index: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": physical_location(
                    finding.file, finding.line, finding.column, finding.span, finding.end
                ),
                "logicalLocations": [logical_location(finding.pointer)],
            }
        ],
    }
    if finding.related:
        out["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": physical_location(
                    loc.file, loc.line, loc.column, loc.span, loc.end
                ),
                "logicalLocations": [logical_location(loc.pointer)],
                "message": {"text": _related_message(finding, loc)},
            }
            for number, loc in enumerate(finding.related, start=1)
        ]
    out["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    if finding.score is not None:
        out["properties"] = {"score": round(finding.score, 4)}
    return out


def to_sarif(report: Report) -> dict[str, Any]:
    rules = all_rules()
    index = {rule.code: number for number, rule in enumerate(rules)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "contentqa",
                        "version": report.tool_version,
                        "semanticVersion": report.tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(rule) for rule in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [result(f, index[f.code]) for f in findings_from_project(report)],
            }
        ],
    }


def render(report: Report) -> str:
    return json_text(to_sarif(report))
