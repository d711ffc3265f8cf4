"""The one straight flow: load -> validate -> segment -> analyze, then a Report for reporters.

Per-file work (:func:`check_file`) depends only on the file and the configuration, so files
can be checked in any order or process; library rules then run over all guides at once.
"""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

import jsonpointer

from contentqa import __version__, suppress
from contentqa import baseline as baselines
from contentqa.analyze import (
    GuideContext,
    LibraryContext,
    RuleStats,
    deduplicate_fingerprints,
    internal_error,
    run_guide_rules,
    run_library_rules,
    to_findings,
)
from contentqa.baseline import Baseline
from contentqa.config import Config
from contentqa.load import Loaded, display_name, load_file
from contentqa.memory import cycle_collector
from contentqa.model import (
    Diagnostic,
    Document,
    Finding,
    GuideReport,
    Position,
    Report,
    RuleRun,
)
from contentqa.parallel import effective_jobs
from contentqa.paths import relative_to
from contentqa.readability.profile import reading_minutes
from contentqa.registry import GUIDE_METRICS, LIBRARY_PREPARERS, METRICS, all_rules, get_rule
from contentqa.segment import segment
from contentqa.validate import validate, validate_settings

# Below this many files, pools are usually small enough to compare every pair of texts, so
# per-guide sketches would go unused (any missing one is made in the library stage).
PREPARE_MIN_FILES = 8


@dataclass(frozen=True)
class FileResult:
    file: str
    guide: GuideContext | None
    report: GuideReport
    findings: tuple[Finding, ...]
    stats: dict[str, RuleStats] = field(default_factory=dict)


@dataclass(frozen=True)
class StowedResult:
    """A file's result while the run goes on: its guide stays as objects, for the library
    rules, and what only the report needs (the findings and the guide's metrics) waits as
    one pickle, a fifth of its size as objects, made where the file was checked."""

    file: str
    guide: GuideContext | None
    packed: bytes
    stats: dict[str, RuleStats] = field(default_factory=dict)

    def restore(self, with_guide: bool = True) -> FileResult:
        """The file's result, with its guide unless ``with_guide`` is False (the report
        needs only its parsed data)."""
        report, findings = pickle.loads(self.packed)
        if report.data is None and self.guide is not None:
            report = replace(report, data=self.guide.data)
        guide = self.guide if with_guide else None
        return FileResult(self.file, guide, report, findings, self.stats)


def stow(result: FileResult) -> StowedResult:
    report = result.report
    if result.guide is not None and report.data is result.guide.data:
        report = replace(report, data=None)  # library rules read the parsed guide: it stays
    packed = pickle.dumps((report, result.findings), protocol=pickle.HIGHEST_PROTOCOL)
    return StowedResult(result.file, result.guide, packed, result.stats)


def check_file(path: Path, config: Config, prepare: bool = True) -> FileResult:
    loaded = load_file(path, config.max_file_size)
    return check_loaded(loaded, config, prepare)


def _check_and_stow(path: Path, config: Config, prepare: bool) -> StowedResult:
    return stow(check_file(path, config, prepare))


def check_loaded(loaded: Loaded, config: Config, prepare: bool = True) -> FileResult:
    """``prepare``: also do the library rules' per-guide share of the work (worth it when the
    run has many files; the report is the same either way)."""
    stats: dict[str, RuleStats] = {}
    pairs = [(get_rule(code), diagnostic) for code, diagnostic in loaded.problems]
    document = loaded.document
    if document is None:
        findings = tuple(to_findings(pairs, loaded.file, {}, config))
        return FileResult(loaded.file, None, GuideReport(loaded.file, None, False), findings, stats)
    guide = None
    metrics: dict = {}
    try:
        schema_problems = validate(document)
        pairs += [(get_rule("S006"), d) for d in schema_problems]
        settings = validate_settings(document.data, config.audiences)
        pairs += [(get_rule("S011"), d) for d in settings]
        segmented = segment(document.file, document.data)
        guide = GuideContext(document, segmented.units, segmented.sentences, config)
        pairs += run_guide_rules(guide, config, stats)
        metrics = guide_metrics(guide)
        if prepare:
            for name, preparer in LIBRARY_PREPARERS.items():
                guide.prepared[name] = preparer(guide)
        # Per-guide intermediate results stay in this process: they are not needed by the
        # library stage and would be sent back from a worker for nothing.
        guide.memo.clear()
    except Exception as exc:
        pairs.append((get_rule("S007"), internal_error(exc)))
    valid = not any(rule.code in ("S005", "S006") for rule, _ in pairs)
    guide_id = document.data.get("id") if isinstance(document.data.get("id"), str) else None
    findings = tuple(to_findings(pairs, document.file, {document.file: document}, config))
    return FileResult(
        document.file,
        guide,
        GuideReport(
            document.file,
            guide_id,
            valid,
            metrics,
            document.data,
            tuple(suppress.from_guide(document.file, document.data)),
        ),
        findings,
        stats,
    )


def guide_metrics(guide: GuideContext) -> dict:
    words = sum(unit.words for unit in guide.units)
    metrics = {
        "words": words,
        "sentences": len(guide.sentences),
        "reading_time_minutes": reading_minutes(words),
    }
    for provider in GUIDE_METRICS:
        metrics.update(provider(guide))
    return metrics


def run(
    paths: Sequence[Path],
    config: Config,
    on_file: Callable[[StowedResult], None] | None = None,
    baseline: Baseline | None = None,
    only: set[str] | None = None,
) -> Report:
    """Check ``paths`` and build the report; per-file work is spread over ``config.jobs``
    processes. Results come back in path order, so the report never depends on the count."""
    jobs = effective_jobs(config.jobs, len(paths))
    results: list[StowedResult] = []
    stats: dict[str, RuleStats] = {}
    prepare = len(paths) >= PREPARE_MIN_FILES

    def keep(result: StowedResult) -> None:
        # Counted now rather than kept per file until the report: 4 KB a guide.
        _add_stats(stats, result.stats)
        results.append(replace(result, stats={}))
        if on_file:
            on_file(result)

    # The cycle collector is off for the whole run, here and in the workers (see
    # check_files). Checking a guide leaves no reference cycles behind: none over 200
    # guides of the synthetic library, nor over rounds of broken, mis-encoded, hostile and
    # Markdown files or crashing rules (tests/test_pipeline.py keeps it so). The collector
    # would only walk the guides' objects again and again: the results, kept until the
    # report, and the library stage's millions of short-lived objects (17% of that stage on
    # 1,000 guides).
    with cycle_collector(enabled=False):
        check_files(paths, config, prepare, jobs, keep)
        return build_report(
            results, config, baseline=baseline, only=only, stats=stats, hand_over=True
        )


def check_files(
    paths: Sequence[Path],
    config: Config,
    prepare: bool,
    jobs: int,
    keep: Callable[[StowedResult], None],
) -> None:
    """Check ``paths`` in this process and, with ``jobs`` above 1, ``jobs - 1`` worker
    processes, with the cycle collector off in them (see ``run``; on 1,000 guides it was 9%
    of the workers' time); results reach ``keep`` in path order.

    This process checks a share of the files itself instead of only waiting: a result sent
    back from a worker costs about a tenth of checking its guide to pickle there and
    unpickle here (its units, mostly), and a file checked here is never sent. Files go out
    in chunks, two per worker at a time, so a worker has its next chunk while this process
    checks one of its own."""
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    if jobs < 2:
        for path in paths:
            keep(_check_and_stow(path, config, prepare))
        return
    chunks: list[Sequence[Path]] = []
    start = 0
    while start < len(paths):
        # Smaller toward the end, so that every process finishes at about the same time.
        size = max(1, min(16, (len(paths) - start) // (jobs * 4)))
        chunks.append(paths[start : start + size])
        start += size
    checked: dict[int, list[StowedResult]] = {}
    running: dict[Future, int] = {}
    taken = kept = 0
    with ProcessPoolExecutor(max_workers=jobs - 1, initializer=gc.disable) as pool:
        try:
            while kept < len(chunks):
                # The last chunk left is checked here: a small run keeps this process busy.
                while len(running) < 2 * (jobs - 1) and len(chunks) - taken > 1:
                    future = pool.submit(_check_chunk, chunks[taken], config, prepare)
                    running[future] = taken
                    taken += 1
                if taken < len(chunks):
                    checked[taken] = _check_chunk(chunks[taken], config, prepare)
                    taken += 1
                else:
                    wait(running, return_when=FIRST_COMPLETED)
                for future in [f for f in running if f.done()]:
                    checked[running.pop(future)] = future.result()
                while kept in checked:
                    for result in checked.pop(kept):
                        keep(result)
                    kept += 1
        except BaseException:
            # Chunks not started are dropped; the pool's exit then waits for the running ones.
            for future in running:
                future.cancel()
            raise


def _check_chunk(paths: Sequence[Path], config: Config, prepare: bool) -> list[StowedResult]:
    return [_check_and_stow(path, config, prepare) for path in paths]


def build_report(
    results: Sequence[FileResult | StowedResult],
    config: Config,
    today: date | None = None,
    baseline: Baseline | None = None,
    only: set[str] | None = None,
    stats: dict[str, RuleStats] | None = None,
    hand_over: bool = False,
) -> Report:
    """The report of a run. ``only``: report findings in these files (and findings whose
    other copies are in them) while every file still takes part in cross-guide checks.
    ``stats``: the per-file rule counts already summed (else summed from ``results``).
    ``hand_over``: ``results`` (a list) is emptied as it is read, so that each guide's texts
    are freed before the next file's findings are unpacked into memory."""
    if stats is None:
        stats = {}
        for result in results:
            _add_stats(stats, result.stats)
    else:
        stats = {code: replace(entry) for code, entry in stats.items()}
    guides = tuple(r.guide for r in results if r.guide is not None)
    documents: dict[str, Document] = {g.file: g.document for g in guides}
    library = LibraryContext(guides, config, take_prepared=hand_over)
    library_findings = list(
        to_findings(run_library_rules(library, config, stats), "", documents, config)
    )
    per_file, library_metrics = _library_metrics(library)
    # The library stage's results (the duplicate analysis) and the guides' texts go before
    # the per-file results are unpacked, which then reuse their memory.
    del library, guides
    results = list(_unpacked(results, hand_over))
    findings: list[Finding] = [f for r in results for f in r.findings] + library_findings
    guide_reports = tuple(
        replace(r.report, metrics={**r.report.metrics, **per_file[r.file]})
        if r.file in per_file
        else r.report
        for r in results
    )
    findings, suppressed = _apply_suppressions(findings, guide_reports, documents, config, today)
    findings = _one_per_problem(findings, documents)
    findings += _duplication_limits(guide_reports, config)
    if only is not None:
        findings = [f for f in findings if f.file in only or any(r.file in only for r in f.related)]
    findings = deduplicate_fingerprints(findings)
    ratchet = _ratchet(library_metrics, config, baseline, [r.file for r in results])
    baselined = gone = 0
    if baseline is not None:
        reported = [r.file for r in results if only is None or r.file in only]
        applied = baselines.apply(findings, baseline, config, reported)
        findings, baselined, gone = applied.kept, applied.baselined, applied.gone
    for rule in all_rules():
        if rule.scope == "loader" and config.enabled(rule.code):
            stats.setdefault(rule.code, RuleStats(files=len(results)))
    for finding in findings:
        stats.setdefault(finding.code, RuleStats()).findings += 1
    # fail-on = never is a report-only run: a failed ratchet is reported, not failed on.
    ratchet_failed = config.fail_on != "never" and not ratchet.get("passed", True)
    failed = any(config.fails(f.severity) for f in findings) or ratchet_failed
    exit_status = 1 if failed else 0
    return Report(
        tool_version=__version__,
        generated_at=datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        fail_on=config.fail_on,
        guides=guide_reports,
        findings=tuple(findings),
        rules=tuple(
            RuleRun(code, get_rule(code).name, s.files, s.units, s.findings)
            for code, s in sorted(stats.items())
        ),
        exit_status=exit_status,
        library_metrics=library_metrics,
        suppressed=suppressed,
        baselined=baselined,
        baseline_gone=gone,
        ratchet=ratchet,
        project_folder=_project_folder(config),
        reported=None if only is None else frozenset(only),
    )


def _one_per_problem(findings: list[Finding], documents: dict[str, Document]) -> list[Finding]:
    """Where two rules see one problem, the finding of the rule that says more: a very
    hard sentence that R003 reports as long (with its grade) is not R004's too, a step body
    of one paragraph that R006 reports is not R005's too. Only when the first stands, after
    suppressions, at a severity as high."""
    long = {(f.file, f.pointer, f.span): f.severity.rank for f in findings if f.code == "R003"}
    walls = {(f.file, f.pointer): f.severity.rank for f in findings if f.code == "R006"}
    if not long and not walls:
        return findings

    def repeated(f: Finding) -> bool:
        if f.code == "R004":
            return long.get((f.file, f.pointer, f.span), -1) >= f.severity.rank
        if f.code == "R005" and f.pointer.endswith("/body/0"):
            body = f.pointer[: -len("/0")]
            return (
                walls.get((f.file, body), -1) >= f.severity.rank
                and _items(documents.get(f.file), body) == 1
            )
        return False

    return [f for f in findings if not repeated(f)]


def _items(document: Document | None, pointer: str) -> int:
    try:
        value = jsonpointer.resolve_pointer(document.data, pointer) if document else None
    except jsonpointer.JsonPointerException:
        return 0
    return len(value) if isinstance(value, list) else 0


def _project_folder(config: Config) -> str:
    """The configuration file's folder, relative to the working directory ("" for that
    folder itself, or without a configuration file)."""
    if config.source is None:
        return ""
    cwd = os.getcwd()
    folder = relative_to(str(config.source.absolute().parent), cwd, cwd)
    return "" if folder == "." or os.path.isabs(folder) else folder


def _unpacked(
    results: Sequence[FileResult | StowedResult], hand_over: bool
) -> Iterator[FileResult]:
    """Each result with its findings unpacked; with ``hand_over``, a list of ``results``
    lets go of each one as it is read (and is left empty)."""
    held: list[FileResult | StowedResult | None] | None = (
        results if hand_over and isinstance(results, list) else None
    )
    for index, result in enumerate(results):
        if held is not None:
            held[index] = None
        yield result.restore(with_guide=False) if isinstance(result, StowedResult) else result
    if held is not None:
        held.clear()


def _add_stats(totals: dict[str, RuleStats], stats: dict[str, RuleStats]) -> None:
    for code, entry in stats.items():
        total = totals.setdefault(code, RuleStats())
        total.files += entry.files
        total.units += entry.units


def _duplication_limits(guides: Sequence[GuideReport], config: Config) -> list[Finding]:
    """A ``D013`` finding for each guide above ``max-duplication``."""
    if config.max_duplication is None or not config.enabled("D013"):
        return []
    rule = get_rule("D013")
    out = []
    for guide in guides:
        ratio = guide.metrics.get("duplication_ratio")
        if ratio is not None and ratio * 100 > config.max_duplication:
            diagnostic = Diagnostic(
                "",
                f"{ratio:.1%} of this guide's words are repeated copies, over the limit of "
                f"{config.max_duplication:g}% (max-duplication)",
                key="max-duplication",
                position=Position(1, 1),
            )
            out.extend(to_findings([(rule, diagnostic)], guide.file, {}, config))
    return out


def _ratchet(
    metrics: dict, config: Config, baseline: Baseline | None, checked: Sequence[str]
) -> dict:
    """The library's duplication against ``max-duplication`` and the baseline's figure,
    unless the run (of the files ``checked``) leaves out guides the baseline's run checked."""
    ratio = metrics.get("duplication_ratio")
    if ratio is None or (config.max_duplication is None and baseline is None):
        return {}
    problems = []
    out: dict = {"library_duplication_ratio": ratio}
    if config.max_duplication is not None:
        out["max_duplication_percent"] = config.max_duplication
        if ratio * 100 > config.max_duplication:
            problems.append(
                f"the library's duplication {ratio:.1%} is over the limit of "
                f"{config.max_duplication:g}%"
            )
    if baseline is not None and baseline.duplication_ratio is not None:
        out["baseline_duplication_ratio"] = baseline.duplication_ratio
        missing = baselines.missing_guides(baseline, config, checked)
        if missing:
            out["note"] = (
                f"the library's duplication is not compared with the baseline's: this run "
                f"leaves out {missing} of the {len(baseline.guides or ())} guides it was made from"
            )
        elif ratio > baseline.duplication_ratio + 1e-9:
            problems.append(
                f"the library's duplication rose from {baseline.duplication_ratio:.1%} "
                f"(baseline) to {ratio:.1%}"
            )
    out["passed"] = not problems
    if problems:
        out["message"] = "; ".join(problems)
    return out


def _apply_suppressions(
    findings: list[Finding],
    guides: Sequence[GuideReport],
    documents: dict[str, Document],
    config: Config,
    today: date | None,
) -> tuple[list[Finding], int]:
    """Drop suppressed findings; report suppressions that are unused or expired."""
    origin = display_name(config.source) if config.source else "configuration"
    configured = suppress.from_config(
        config.suppress, config.per_file_ignores, origin, config.source
    )
    outcome = suppress.apply(findings, guides, configured, today or date.today())
    hygiene = []
    for state, entry in outcome.stale:
        code = "S009" if state == "expired" else "S008"
        detail = f" (expired {entry.expires.isoformat()})" if state == "expired" else ""
        reason = f"; reason given: {entry.reason}" if entry.reason else ""
        message = (
            f"{state} suppression of {', '.join(entry.codes)} in {entry.origin}{detail}"
            f"{reason}; remove it" + ("" if state == "unused" else " or renew it")
        )
        diagnostic = Diagnostic(
            entry.origin_pointer,
            message,
            key=f"{state}:{entry.origin}:{entry.codes}",
            file=entry.origin_file,
            position=entry.origin_position,
        )
        hygiene.append((get_rule(code), diagnostic))
    return outcome.kept + list(to_findings(hygiene, "", documents, config)), outcome.suppressed


def _library_metrics(library: LibraryContext) -> tuple[dict[str, dict], dict]:
    """Per-guide and library figures that need the whole run (duplication ratio, say)."""
    per_file: dict[str, dict] = {}
    totals: dict = {}
    if library.guides:
        for provider in METRICS:
            files, overall = provider(library)
            for file, values in files.items():
                per_file.setdefault(file, {}).update(values)
            totals.update(overall)
    return per_file, totals
