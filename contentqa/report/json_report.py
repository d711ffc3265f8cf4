"""The machine-readable JSON report, described by ``schemas/report.schema.json``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from contentqa.model import Category, Finding, GuideReport, Report, Severity
from contentqa.report import json_bytes

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
        **_head(report),
        "guides": [g.to_json() for g in report.guides],
        "findings": [f.to_json() for f in report.findings],
    }


def _head(report: Report) -> dict[str, Any]:
    """The report's document but for its two long lists, guides and findings, which end it."""
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
    }


def render(report: Report) -> str:
    return b"".join(render_chunks(report)).decode()


def render_chunks(report: Report, batch: int = 2000) -> Iterator[bytes]:
    """The report as UTF-8 JSON text in pieces, its guides and findings a batch at a time:
    the text of ``to_json(report)``, which is never held whole. At 10,000 guides (55 MB of
    guides and 97 MB of findings as JSON) holding it, as dicts, bytes and text, was the
    run's peak of memory."""
    opening, between, closing = json_bytes({**_head(report), "guides": [], "findings": []}).rsplit(
        b"[]", 2
    )
    yield opening
    yield from _list_chunks(report.guides, batch)
    yield between
    yield from _list_chunks(report.findings, batch)
    yield closing


def _list_chunks(entries: Sequence[GuideReport | Finding], batch: int) -> Iterator[bytes]:
    """A list that is the value of a top-level key, as ``json_bytes`` lays it out there."""
    if not entries:
        yield b"[]"
        return
    yield b"["
    for start in range(0, len(entries), batch):
        chunk = [entry.to_json() for entry in entries[start : start + batch]]
        # A top-level list's items sit one level deeper here, under their key.
        items = json_bytes(chunk)[1:].rstrip(b"\n")[:-1].rstrip(b"\n")
        yield (b"," if start else b"") + items.replace(b"\n", b"\n  ")
    yield b"\n  ]"
