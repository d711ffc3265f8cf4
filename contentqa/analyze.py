"""Analyze stage: run the registered rules over segmented guides -> findings.

Rules only yield :class:`Diagnostic` objects; this module gives them their identity (code,
name, category, configured severity), their line and column, and a stable fingerprint.
A rule that crashes on one guide becomes an ``S007 internal-error`` finding for that file.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from contentqa.config import Config, config_relative
from contentqa.model import Diagnostic, Document, Finding, Location, Position, Span, TextUnit
from contentqa.pointers import wildcard
from contentqa.registry import Rule, all_rules, get_rule
from contentqa.segment import pack_sentences, unpack_sentences

T = TypeVar("T")


@dataclass(frozen=True)
class GuideContext:
    """What a guide-level rule sees: the parsed guide, its text units and sentences."""

    document: Document
    units: tuple[TextUnit, ...]
    sentences: tuple[TextUnit, ...]
    config: Config = field(default_factory=Config, compare=False, repr=False)
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # Results of the registered preparers, made in the per-file stage for library rules.
    prepared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def file(self) -> str:
        return self.document.file

    @property
    def data(self) -> dict[str, Any]:
        return self.document.data

    def shared(self, key: str, compute: Callable[[], T]) -> T:
        """A per-guide result computed once and shared by the rules that need it."""
        return _memoized(self.memo, key, compute)

    def __reduce__(self) -> tuple:
        # Sent from a worker process: sentences travel as slices of their units, and the
        # per-guide memo stays behind.
        packed = pack_sentences(self.units, self.sentences)
        sentences = self.sentences if packed is None else ()
        return (
            _restore_guide,
            (self.document, self.units, sentences, packed, self.config, self.prepared),
        )


def _restore_guide(
    document: Document,
    units: tuple[TextUnit, ...],
    sentences: tuple[TextUnit, ...],
    packed: array[int] | None,
    config: Config,
    prepared: dict[str, Any],
) -> GuideContext:
    if packed is not None:
        sentences = unpack_sentences(units, packed)
    return GuideContext(document, units, sentences, config, {}, prepared)


@dataclass(frozen=True)
class LibraryContext:
    """What a library-level rule sees: every guide of the run."""

    guides: tuple[GuideContext, ...]
    config: Config = field(default_factory=Config)
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # The guides were handed over: rules may take their prepared values out once read.
    take_prepared: bool = False

    def shared(self, key: str, compute: Callable[[], T]) -> T:
        """A run-wide result (the duplicate engine's) computed once for all library rules."""
        return _memoized(self.memo, key, compute)


def _memoized(memo: dict[str, Any], key: str, compute: Callable[[], T]) -> T:
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@dataclass
class RuleStats:
    files: int = 0
    units: int = 0
    findings: int = 0

    def to_json(self) -> dict[str, int]:
        return {"files": self.files, "units": self.units, "findings": self.findings}


def active_rules(config: Config, scope: str) -> list[Rule]:
    return [
        config.rule_instance(rule)
        for rule in all_rules()
        if rule.scope == scope and config.enabled(rule.code)
    ]


def run_guide_rules(
    guide: GuideContext, config: Config, stats: dict[str, RuleStats]
) -> list[tuple[Rule, Diagnostic]]:
    out: list[tuple[Rule, Diagnostic]] = []
    for rule in active_rules(config, "guide"):
        entry = stats.setdefault(rule.code, RuleStats())
        entry.files += 1
        entry.units += len(guide.units)
        try:
            out.extend((rule, d) for d in rule.check(guide))
        except Exception as exc:  # a bug in one rule must not hide the other files' results
            out.append((get_rule("S007")(), _crash(rule, exc)))
    return out


def run_library_rules(
    library: LibraryContext, config: Config, stats: dict[str, RuleStats]
) -> list[tuple[Rule, Diagnostic]]:
    out: list[tuple[Rule, Diagnostic]] = []
    for rule in active_rules(config, "library"):
        entry = stats.setdefault(rule.code, RuleStats())
        entry.files += len(library.guides)
        entry.units += sum(len(g.units) for g in library.guides)
        try:
            out.extend((rule, d) for d in rule.check_library(library))
        except Exception as exc:
            for guide in library.guides:
                out.append((get_rule("S007")(), _crash(rule, exc, guide.file)))
    return out


def internal_error(exc: Exception, where: str = "", file: str | None = None) -> Diagnostic:
    """The S007 diagnostic for a crash inside contentqa (``where``: the rule, if any). The
    exception lets go of its traceback: a failing frame that holds the exception would
    otherwise form a reference cycle with it, and runs leave the cycle collector off."""
    exc.__traceback__ = None
    place = f" in {where}" if where else ""
    return Diagnostic(
        pointer="",
        message=f"internal error{place}: {type(exc).__name__}: {exc}",
        key=f"crash:{where}",
        file=file,
    )


def _crash(rule: Rule, exc: Exception, file: str | None = None) -> Diagnostic:
    return internal_error(exc, f"rule {rule.code} {rule.name}", file)


def to_findings(
    pairs: Iterable[tuple[type[Rule] | Rule, Diagnostic]],
    file: str,
    documents: Mapping[str, Document],
    config: Config,
) -> Iterator[Finding]:
    """Resolve diagnostics into findings; ``file`` is the default file of the diagnostics."""
    for rule, diagnostic in pairs:
        if not config.enabled(rule.code):
            continue
        target = diagnostic.file or file
        document = documents.get(target)
        position = diagnostic.position or _position(document, diagnostic.pointer, diagnostic.span)
        setting = config.rules.get(rule.code)
        severity = (
            setting.severity
            if setting and setting.severity
            else diagnostic.severity or rule.severity
        )
        yield Finding(
            code=rule.code,
            rule=rule.name,
            category=rule.category,
            severity=severity,
            message=diagnostic.message,
            file=target,
            pointer=diagnostic.pointer,
            line=position.line,
            column=position.column,
            span=diagnostic.span,
            related=tuple(_resolve(loc, documents) for loc in diagnostic.related),
            score=diagnostic.score,
            fingerprint=_fingerprint(rule.code, config_relative(target, config.source), diagnostic),
            end=_end(document, diagnostic.pointer, diagnostic.span),
        )


def _position(document: Document | None, pointer: str, span) -> Position:
    return document.position(pointer, span) if document else Position(1, 1)


def _end(document: Document | None, pointer: str, span: Span | None) -> Position | None:
    if document is None or span is None:
        return None
    return document.position(pointer, Span(span.end, span.end))


def _resolve(location: Location, documents: Mapping[str, Document]) -> Location:
    if location.line is not None:
        return location
    document = documents.get(location.file)
    position = _position(document, location.pointer, location.span)
    end = _end(document, location.pointer, location.span)
    return Location(
        location.file, location.pointer, location.span, position.line, position.column, end
    )


def _fingerprint(code: str, file: str, diagnostic: Diagnostic) -> str:
    # List indices are left out so that a finding keeps its fingerprint when its paragraph
    # moves within its list; the rule's key says what the problem is about. The file is
    # named from the configuration file's folder (where it sits, usually the project's
    # root), so that a baseline matches from any working directory.
    material = "\0".join(
        (code, file, wildcard(diagnostic.pointer), diagnostic.key or diagnostic.message)
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:20]


def deduplicate_fingerprints(findings: list[Finding]) -> list[Finding]:
    """Findings sorted, with repeated fingerprints made unique by their order of appearance."""
    from dataclasses import replace

    ordered = sorted(findings, key=Finding.sort_key)
    seen: Counter[str] = Counter()
    out = []
    for finding in ordered:
        seen[finding.fingerprint] += 1
        count = seen[finding.fingerprint]
        out.append(
            finding
            if count == 1
            else replace(finding, fingerprint=f"{finding.fingerprint}-{count}")
        )
    return out
