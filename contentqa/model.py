"""The small typed objects that cross the pipeline's stages.

load -> Document, validate -> Finding, segment -> TextUnit, analyze -> Finding,
report -> Report. All are frozen so no stage can change what an earlier stage produced.
"""

from __future__ import annotations

import operator
import sys
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


class Category(StrEnum):
    SCHEMA = "schema"
    DUPLICATE = "duplicate"
    READABILITY = "readability"
    STRUCTURE = "structure"
    STYLE = "style"


def _pickled_by_fields(cls: type) -> type:
    """Pickle instances of a slotted dataclass as the call that makes them: a run sends
    hundreds of thousands of spans, locations and findings between processes, and the
    default (a ``__setstate__`` that looks the fields up for every instance) is about 2.5
    times slower to load."""
    values = operator.attrgetter(*cls.__slots__)
    assert len(cls.__slots__) > 1  # attrgetter gives one field's value alone, not in a tuple

    def __reduce__(self: Any) -> tuple:
        return (type(self), values(self))

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls


@_pickled_by_fields
@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` inside one string value."""

    start: int
    end: int

    def to_json(self) -> list[int]:
        return [self.start, self.end]


@_pickled_by_fields
@dataclass(frozen=True, slots=True, order=True)
class Position:
    """1-based line and column in a source file."""

    line: int
    column: int


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Location:
    """Another place a finding refers to (the other copies of a duplicate, say)."""

    file: str
    pointer: str
    span: Span | None = None
    line: int | None = None
    column: int | None = None
    # Where the span ends in the file (a span's escapes, such as \", take more room there
    # than in the text), for the formats that mark a range: SARIF, GitHub annotations.
    end: Position | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "pointer": self.pointer}
        if self.span is not None:
            out["span"] = self.span.to_json()
        if self.line is not None:
            out["line"] = self.line
            out["column"] = self.column
        return out


@dataclass(frozen=True)
class Diagnostic:
    """What a rule reports: where and what, before the analyzer adds identity and position.

    ``key`` is the rule's stable description of the problem (normalised text, say) used for
    the fingerprint; it must not contain list indices so that moving a paragraph keeps it.
    """

    pointer: str
    message: str
    span: Span | None = None
    related: tuple[Location, ...] = ()
    score: float | None = None
    key: str = ""
    severity: Severity | None = None
    file: str | None = None
    position: Position | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    rule: str
    category: Category
    severity: Severity
    message: str
    file: str
    pointer: str
    line: int
    column: int
    span: Span | None = None
    related: tuple[Location, ...] = ()
    score: float | None = None
    fingerprint: str = ""
    end: Position | None = None  # see ``Location.end``

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.code, self.pointer, self.message)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "rule": self.rule,
            "category": self.category.value,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "pointer": self.pointer,
            "line": self.line,
            "column": self.column,
        }
        if self.span is not None:
            out["span"] = self.span.to_json()
        out["related"] = [loc.to_json() for loc in self.related]
        if self.score is not None:
            out["score"] = round(self.score, 4)
        out["fingerprint"] = self.fingerprint
        return out


@dataclass(frozen=True, slots=True)
class TextUnit:
    """One addressable piece of guide text.

    ``kind`` says what it is (``paragraph``, ``item``, ``title``, ``sentence``...), ``part``
    is the pointer of the guide part it belongs to (``/intro``, ``/steps/2``), ``prose`` is
    False for list items and headings, which are not judged as running text. Sentences carry
    the pointer of their string and their ``span`` within it. ``tokens`` are the normalized
    word tokens (:mod:`contentqa.normalize`) used by every comparison; ``words`` the words a
    reader counts (:func:`contentqa.segment.count_words`), set on units, not on sentences.
    """

    file: str
    pointer: str
    kind: str
    text: str
    part: str
    prose: bool
    span: Span | None = None
    tokens: tuple[str, ...] = field(default=(), repr=False)
    words: int = 0

    def __reduce__(self) -> tuple:
        # Units travel from worker processes to the main one, where every guide's copy of
        # "the", "screw"... would otherwise stay a separate string: tokens are interned there.
        return (_restore_unit, tuple(getattr(self, name) for name in self.__slots__))


def _restore_unit(
    file: str,
    pointer: str,
    kind: str,
    text: str,
    part: str,
    prose: bool,
    span: Span | None,
    tokens: tuple[str, ...],
    words: int,
) -> TextUnit:
    # Pointers repeat from guide to guide too ("/steps/3/body/0").
    return TextUnit(
        file,
        sys.intern(pointer),
        kind,
        text,
        sys.intern(part),
        prose,
        span,
        tuple(map(sys.intern, tokens)),
        words,
    )


@dataclass(frozen=True)
class Document:
    """A parsed guide file with what is needed to turn pointers into positions."""

    file: str
    path: str
    data: dict[str, Any]
    source_map: Any = field(repr=False, compare=False, default=None)

    def position(self, pointer: str, span: Span | None = None) -> Position:
        return self.source_map.position(pointer, span) if self.source_map else Position(1, 1)


@dataclass(frozen=True)
class GuideReport:
    """Per-file summary: identity, validity and the metrics computed for it."""

    file: str
    id: str | None
    valid: bool
    metrics: dict[str, Any] = field(default_factory=dict)
    # The parsed guide, for reporters that show the text (HTML); not part of the JSON report.
    data: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    # Its own ``x-contentqa`` suppressions, collected with the rest of the per-file work.
    suppressions: tuple[Any, ...] = field(default=(), compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "id": self.id, "valid": self.valid, "metrics": self.metrics}


@dataclass(frozen=True)
class RuleRun:
    """How much one rule examined in a run, so nothing passes silently."""

    code: str
    name: str
    files: int
    units: int
    findings: int


@dataclass(frozen=True)
class Report:
    tool_version: str
    generated_at: str
    fail_on: str
    guides: tuple[GuideReport, ...]
    findings: tuple[Finding, ...]
    rules: tuple[RuleRun, ...]
    exit_status: int
    library_metrics: dict[str, Any] = field(default_factory=dict)
    suppressed: int = 0
    baselined: int = 0
    baseline_gone: int = 0
    ratchet: dict[str, Any] = field(default_factory=dict)
    # The project's folder (the configuration file's), relative to the working directory
    # reports name files from; "" without a configuration file or when it is that folder.
    project_folder: str = ""
    # The files reported on (``--changed-since``); None: every file checked. The others
    # took part in cross-guide checks only.
    reported: frozenset[str] | None = None

    @property
    def ratchet_failed(self) -> bool:
        """The library's duplication failed its limit or the baseline's figure (whether or
        not that fails the run: not with fail-on = never)."""
        return bool(self.ratchet) and not self.ratchet.get("passed", True)
