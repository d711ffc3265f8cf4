"""Suppressions: the deliberate exceptions, from configuration or from the guide itself.

- ``per-file-ignores``: ``{"guides/legacy/*.json" = ["D005", "R"]}`` (glob -> codes or prefixes);
- ``[[tool.contentqa.suppress]]`` tables: ``files`` (glob), ``codes``, optional ``pointer``
  (the suppression covers that pointer and everything below it), ``reason``, ``expires``;
- in a guide, an ``"x-contentqa": {"ignore": [...], "reason": ..., "expires": ...}`` object on
  any object covers that object and everything below it.

A suppression that matched nothing, or whose ``expires`` date has passed, is itself reported
(``S008 unused-suppression``, ``S009 expired-suppression``) so suppressions do not rot.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contentqa.config import config_folder, key_position, rule_patterns
from contentqa.model import Finding, GuideReport, Position
from contentqa.paths import relative_to
from contentqa.pointers import escape_token
from contentqa.validate import read_date


@dataclass
class Suppression:
    codes: tuple[str, ...]
    files: str  # a glob, or the exact guide file for in-guide suppressions
    pointer: str = ""
    reason: str = ""
    expires: dt.date | None = None
    origin: str = ""  # where it is declared, for messages
    origin_file: str = ""
    origin_pointer: str = ""
    # Where a configuration file declares it (None: not found, or in a guide).
    origin_position: Position | None = None
    # The configuration file's folder, which ``files`` is relative to, and the working
    # directory reports name files from (``config.config_folder``; None: in a guide).
    config_folder: tuple[str, str] | None = None
    used: int = field(default=0, compare=False)

    def covers(self, finding: Finding) -> bool:
        if not any(finding.code.startswith(code) for code in self.codes):
            return False
        file = finding.file
        if self.config_folder:
            file = relative_to(file, *self.config_folder)
        if not fnmatch.fnmatch(file, self.files) and file != self.files:
            return False
        return (
            not self.pointer
            or finding.pointer == self.pointer
            or finding.pointer.startswith(self.pointer + "/")
        )

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today


def from_config(
    entries: Sequence[Mapping[str, Any]],
    per_file: Mapping[str, Sequence[str]],
    origin: str,
    config_file: Path | None = None,
) -> list[Suppression]:
    folder = config_folder(config_file) if config_file else None
    lines = _config_lines(config_file)
    pyproject = config_file is not None and config_file.name == "pyproject.toml"

    def written(key: str) -> Position | None:
        found = key_position(lines, key, pyproject)
        return None if found is None else Position(*found)

    out = [
        Suppression(
            tuple(codes),
            glob,
            origin=f"{origin} per-file-ignores `{glob}`",
            origin_file=origin,
            config_folder=folder,
            origin_position=written(f'per-file-ignores "{glob}"'),
        )
        for glob, codes in per_file.items()
    ]
    for index, entry in enumerate(entries):
        out.append(
            Suppression(
                codes=tuple(entry["codes"]),
                files=entry.get("files", "*"),
                pointer=entry.get("pointer", ""),
                reason=entry.get("reason", ""),
                expires=entry.get("expires"),
                origin=f"{origin} suppress[{index}]",
                origin_file=origin,
                config_folder=folder,
                origin_position=written(f"suppress[{index}]"),
            )
        )
    return out


def _config_lines(config_file: Path | None) -> list[str]:
    """The configuration file's lines, to locate its suppressions (tomllib gives no
    positions); none if it cannot be read again."""
    if config_file is None:
        return []
    try:
        return config_file.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return []


def from_guide(file: str, data: Any, pointer: str = "") -> Iterator[Suppression]:
    """Every ``x-contentqa.ignore`` in a guide, covering its object and what is below it."""
    if isinstance(data, dict):
        own = data.get("x-contentqa")
        if isinstance(own, dict) and isinstance(own.get("ignore"), list):
            expiry = read_date(own.get("expires"))  # else S011 says it cannot be read
            yield Suppression(
                codes=rule_patterns(tuple(str(code) for code in own["ignore"])),
                files=file,
                pointer=pointer,
                reason=str(own.get("reason", "")),
                expires=expiry,
                origin=f"{file} {pointer or '/'} x-contentqa",
                origin_file=file,
                origin_pointer=f"{pointer}/x-contentqa",
            )
        for key, value in data.items():
            yield from from_guide(file, value, f"{pointer}/{escape_token(key)}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from from_guide(file, value, f"{pointer}/{index}")


@dataclass(frozen=True)
class Outcome:
    kept: list[Finding]
    suppressed: int
    stale: list[tuple[str, Suppression]]  # ("unused" | "expired", suppression)


def apply(
    findings: list[Finding],
    guides: Sequence[GuideReport],
    configured: list[Suppression],
    today: dt.date,
) -> Outcome:
    suppressions = list(configured)
    for guide in guides:
        # Copies: a guide's report may serve more than one run (``--watch``), each counting
        # its own uses.
        suppressions.extend(dataclasses.replace(s) for s in guide.suppressions)
    kept: list[Finding] = []
    suppressed = 0
    for finding in findings:
        active = [s for s in suppressions if not s.expired(today) and s.covers(finding)]
        for s in active:
            s.used += 1
        if active:
            suppressed += 1
        else:
            kept.append(finding)
    stale = [("expired", s) for s in suppressions if s.expired(today)]
    stale += [("unused", s) for s in suppressions if not s.expired(today) and not s.used]
    return Outcome(kept, suppressed, stale)
