"""Command line: ``contentqa check``, ``contentqa rules``, ``contentqa explain``.

Exit status: 0 when no finding reaches ``fail-on``, 1 when one does, 2 on usage errors
(bad option, missing path, bad configuration).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import difflib
import gc
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from contentqa import __version__
from contentqa.config import (
    FAIL_ON_CHOICES,
    MAX_FILE_SIZE_LIMIT,
    Config,
    ConfigError,
    check_values,
    config_relative,
    format_list,
    load_config,
    rule_patterns,
    unknown_rule,
)
from contentqa.memory import cycle_collector

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
STDIN_NAME = "<stdin>"
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C
# A progress bar (on standard error, when it is a terminal) from this many files.
PROGRESS_MIN_FILES = 20


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="contentqa",
        description="Lint structured how-to guides: schema, duplicates, readability, style.",
    )
    parser.add_argument("--version", action="version", version=f"contentqa {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="check guide files and write reports")
    check.add_argument(
        "paths", nargs="*", help="guide files or folders (default: guides/); - reads standard input"
    )
    check.add_argument("--config", type=Path, help="configuration file (default: found upwards)")
    check.add_argument(
        "--format",
        help="report format(s), comma-separated (default: json)",
    )
    check.add_argument(
        "--output",
        help="report file for a single format, or - for standard output "
        "(default: reports/contentqa.<format>)",
    )
    check.add_argument("--output-dir", help="folder for reports (default: reports)")
    check.add_argument(
        "--select", help="only these rules: codes, code prefixes or names, comma-separated"
    )
    check.add_argument(
        "--ignore",
        help="skip these rules too (added to the configuration's ignore): codes, code "
        "prefixes or names, comma-separated",
    )
    check.add_argument("--fail-on", choices=FAIL_ON_CHOICES, help="lowest severity that fails")
    check.add_argument("--max-file-size", type=int, help="largest guide file in bytes")
    check.add_argument(
        "--audience",
        help="readability target for guides that name none (general, children, expert)",
    )
    check.add_argument(
        "-j",
        "--jobs",
        type=int,
        help="processes to use (default: one per core for big runs)",
    )
    check.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only the totals (GitHub Actions annotations are still printed)",
    )
    check.add_argument("--baseline", help="report only findings not in this baseline file")
    check.add_argument(
        "--max-duplication",
        type=float,
        metavar="PERCENT",
        help="fail when a guide or the library repeats more than this share of its words",
    )
    check.add_argument(
        "--changed-since",
        metavar="REF",
        help="report only on files changed since this git ref (duplicates still checked "
        "against the whole library)",
    )
    check.add_argument(
        "--stdin-filename", default=STDIN_NAME, help="file name for a guide read from -"
    )
    check.add_argument("--watch", action="store_true", help="check again whenever a file changes")
    check.add_argument(
        "--no-report", action="store_true", help="write no report files (terminal output only)"
    )
    check.add_argument(
        "--statistics",
        action="store_true",
        help="print the number of findings per rule instead of the findings",
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the summary: auto (default) on a terminal, unless NO_COLOR is set "
        "or FORCE_COLOR asks for it",
    )

    baseline = sub.add_parser("baseline", help="accept the current findings: write a baseline")
    baseline.add_argument("paths", nargs="*", help="guide files or folders (default: guides/)")
    baseline.add_argument("--config", type=Path, help="configuration file")
    baseline.add_argument(
        "--output",
        help="baseline file to write (default: the configuration's `baseline`, or "
        ".contentqa-baseline.json)",
    )

    importer = sub.add_parser("import", help="convert a Markdown guide to guide JSON")
    importer.add_argument("markdown", type=Path, help="the Markdown guide")
    importer.add_argument(
        "-o", "--output", help="JSON file to write (default: beside the Markdown), - for stdout"
    )
    importer.add_argument("--force", action="store_true", help="overwrite an existing file")

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")

    explain = sub.add_parser("explain", help="print one rule's documentation")
    explain.add_argument("rule", help="rule code (D001) or name (duplicate-paragraph)")

    hasher = sub.add_parser(
        "hash", help="print the hash of a text, to approve it as boilerplate by `hash`"
    )
    hasher.add_argument("texts", nargs="+", metavar="TEXT", help="a sentence or paragraph")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # A command's imports (spaCy's among them) and checks leave no reference cycles worth
    # collecting (see pipeline.run), and the collector walking the modules as they load
    # cost about 0.1 s of a one-guide run's 1.2 s. Reports are written, and watching goes
    # on, with it back on.
    try:
        with cycle_collector(enabled=False):
            status = _main(argv)
            sys.stdout.flush()  # what is left to write fails here, not at the exit
            return status
    except KeyboardInterrupt:
        # Ctrl-C: no report was replaced (they are written whole or not at all).
        print("\ncontentqa: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`contentqa rules | head -1`): nothing more to say to it.
        # Standard output is pointed at devnull so that Python's exit does not fail again.
        _stdout_to_devnull()
        return EXIT_FINDINGS
    except OSError as exc:
        if exc.filename is not None:  # a file's error that escaped its own message: a bug
            raise
        # Writing to standard output failed (a full disk behind `> file`), or to standard
        # error, where the message below is lost too.
        _stdout_to_devnull()
        with contextlib.suppress(OSError):
            print(
                f"contentqa: error: cannot write to standard output: {exc.strerror or exc}",
                file=sys.stderr,
            )
        return EXIT_USAGE


def _stdout_to_devnull() -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):  # no standard output at all
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return command_check(args)
        if args.command == "baseline":
            return command_baseline(args)
        if args.command == "import":
            return command_import(args)
        if args.command == "rules":
            return command_rules(args.format)
        if args.command == "explain":
            return command_explain(args.rule)
        if args.command == "hash":
            return command_hash(args.texts)
        parser.print_help()
        return EXIT_USAGE
    except (UsageError, ConfigError) as exc:
        print(f"contentqa: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def write_file(path: Path, content) -> None:
    """Write a report, baseline or guide atomically, or stop with a clear message."""
    write_files([(path, content)])


def write_files(files: Iterable[tuple[Path, Any]]) -> list[Path]:
    """Write the files of one report (or one file) so that none replaces its old version
    unless all are written, and name them; or stop with a clear message."""
    from contentqa.report import write_together

    current = Path()
    written: list[Path] = []

    def checked() -> Iterator[tuple[Path, Any]]:
        nonlocal current
        for path, content in files:
            current = path
            for folder in (path.parent, *path.parent.parents):
                if folder.exists():
                    if not folder.is_dir():
                        raise UsageError(f"cannot write {path}: {folder} is a file, not a folder")
                    break
            if path.is_dir():
                raise UsageError(f"cannot write {path}: it is a folder; name a file")
            written.append(path)
            yield path, content

    try:
        write_together(checked())
        return written
    except OSError as exc:
        failed = exc.filename2 or current  # a rename names its target second
        raise UsageError(f"cannot write {failed}: {exc.strerror or exc}") from exc
    finally:
        # A report's pages may come from a generator holding the collector off: it resumes
        # now, not whenever the error's traceback lets the generator go.
        close = getattr(files, "close", None)
        if close is not None:
            close()


def _split(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def resolve_config(args: argparse.Namespace) -> Config:
    config = load_config(args.config)
    overrides = {
        "select": _split(args.select),
        "ignore": _split(args.ignore),
        "fail_on": args.fail_on,
        "max_file_size": args.max_file_size,
        "formats": _split(args.format),
        "output_dir": args.output_dir,
        "jobs": args.jobs,
        "audience": args.audience,
        "max_duplication": getattr(args, "max_duplication", None),
        "baseline": getattr(args, "baseline", None),
    }
    if overrides["formats"] is not None:
        overrides["formats"] = format_list(overrides["formats"], "--format")
    for key in ("select", "ignore"):
        if overrides[key] is not None:
            overrides[key] = rule_patterns(overrides[key])
            for problem in filter(None, map(unknown_rule, overrides[key])):
                raise UsageError(f"--{key}: {problem}")
    if overrides["ignore"] is not None:
        # Added to the configuration's (a file that leaves out R and T still does with
        # --ignore W); --select replaces the configuration's selection.
        overrides["ignore"] = tuple(dict.fromkeys(config.ignore + overrides["ignore"]))
    if getattr(args, "output", None) == "":
        raise UsageError("--output names no file (use - for standard output)")
    config = dataclasses.replace(config, **{k: v for k, v in overrides.items() if v is not None})
    if not 0 < config.max_file_size <= MAX_FILE_SIZE_LIMIT:
        raise UsageError(
            f"--max-file-size must be a number of bytes from 1 to {MAX_FILE_SIZE_LIMIT:,}"
        )
    if config.max_duplication is not None and not 0 <= config.max_duplication <= 100:
        raise UsageError("--max-duplication must be a percentage, 0 to 100")
    if config.jobs < 0:
        raise UsageError("--jobs must be 0 (one per core) or more")
    check_values(config, "")
    return config


def config_paths(config: Config) -> list[Path]:
    base = config.source.parent if config.source else Path.cwd()
    return [Path(p) if Path(p).is_absolute() else _relative(base / p) for p in config.paths]


def _relative(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def command_check(args: argparse.Namespace) -> int:
    config = resolve_config(args)
    if args.output and len(config.formats) > 1:
        raise UsageError("--output names one file; use --output-dir with several formats")
    if args.output and args.no_report:
        raise UsageError("--no-report writes no report, so --output cannot name one")
    if args.stdin_filename != STDIN_NAME and args.paths != ["-"]:
        raise UsageError("--stdin-filename names the guide read from -; give - as the path")
    refuse_replacing_guides(_targets(args, config))
    if args.paths == ["-"]:
        if args.watch:
            raise UsageError("--watch checks files again as they change; not standard input")
        if config.excludes(args.stdin_filename):
            # As a file of that name would be (editors pipe the buffer of an excluded file):
            # an empty report, which a reader of standard output can still parse.
            print(
                f"contentqa: note: {args.stdin_filename} is excluded: not checked", file=sys.stderr
            )
            from contentqa.pipeline import build_report

            return publish(args, config, build_report([], config))
        return publish(args, config, check_stdin(args, config))
    if "-" in args.paths:
        raise UsageError("- (standard input) cannot be combined with other paths")
    paths = _check_paths_of(args, config)
    status = publish(args, config, check_paths(args, config, paths))
    if not args.watch:
        return status

    def check_again(watched: Watched) -> Watched:
        # The configuration is read again: editing it is part of a writing session, and
        # so are its `paths`.
        try:
            fresh = resolve_config(args)
            refuse_replacing_guides(_targets(args, fresh))
            paths = _check_paths_of(args, fresh)
            publish(args, fresh, check_paths(args, fresh, paths))
        except (UsageError, ConfigError) as exc:
            print(f"contentqa: error: {exc}; still watching", file=sys.stderr)
            return watched
        return Watched.of(paths, fresh, _targets(args, fresh))

    return watch(Watched.of(paths, config, _targets(args, config)), check_again)


def _check_paths_of(args: argparse.Namespace, config: Config) -> list[Path]:
    return [Path(p) for p in args.paths] if args.paths else config_paths(config)


def check_paths(args: argparse.Namespace, config: Config, paths: list[Path]):
    from contentqa.baseline import BaselineError, load
    from contentqa.changes import GitError, changed_files
    from contentqa.load import display_name
    from contentqa.pipeline import run

    files = guide_files(paths, config, _report_files(args, config), quiet=args.quiet)
    only = None
    if args.changed_since:
        try:
            changed = changed_files(args.changed_since)
        except GitError as exc:
            raise UsageError(str(exc)) from exc
        only = {display_name(path) for path in files if path.resolve() in changed}
    try:
        base = load(Path(config.baseline)) if config.baseline else None
    except BaselineError as exc:
        raise UsageError(str(exc)) from exc
    checked = {config_relative(display_name(f), config.source) for f in files}
    if base is not None and base.files and not base.files & checked:
        # Without a configuration file, fingerprints name files from the working directory:
        # from another folder, every finding looks new and every baselined one gone.
        print(
            f"contentqa: warning: the baseline {config.baseline} names none of the files "
            "checked here; it names them as seen from the folder it was made in (the "
            "configuration file's folder, if there is one): check from there",
            file=sys.stderr,
        )
    bar = progress_bar(len(files), sys.stderr, quiet=args.quiet)
    try:
        return run(files, config, on_file=bar.on_file if bar else None, baseline=base, only=only)
    finally:
        if bar:
            bar.close()


def refuse_replacing_guides(targets: Iterable[Path]) -> None:
    """Stop before a report, baseline or imported guide would replace a guide: input files
    are only ever read. A file this tool wrote, or an empty JSON list (a GitLab report
    without findings), may be replaced."""
    from contentqa.load import GUIDE_SUFFIXES, is_own_output

    for target in targets:
        if target.suffix.lower() not in GUIDE_SUFFIXES or not target.is_file():
            continue
        if is_own_output(target) or _empty_list(target):
            continue
        raise UsageError(
            f"cannot write {target}: it holds something other than a contentqa report (a "
            "guide, perhaps), which is never replaced; name another file"
        )


def _empty_list(path: Path) -> bool:
    try:
        return path.stat().st_size < 64 and path.read_bytes().strip() == b"[]"
    except OSError:
        return False


def _targets(args: argparse.Namespace, config: Config) -> list[Path]:
    """The report files this check writes."""
    from contentqa.report import default_path

    if args.no_report or args.output == "-":
        return []
    if args.output:
        return [Path(args.output)]
    return [default_path(fmt, config.output_dir) for fmt in config.formats]


def _report_files(args: argparse.Namespace | None, config: Config) -> list[Path]:
    """The reports a check writes, in any format (an earlier run may have asked for
    another): `contentqa check .` would otherwise read its JSON reports as guides."""
    from contentqa.report import FORMATS, default_path

    reports = [default_path(fmt, config.output_dir) for fmt in FORMATS]
    if args is not None and args.output and args.output != "-":
        reports.append(Path(args.output))
    return reports


def guide_files(
    paths: list[Path], config: Config, reports: list[Path], quiet: bool = False
) -> list[Path]:
    """The guide files under ``paths`` that the configuration does not exclude. The tool's
    own reports found among them (not those the run writes, ``reports``) are left out with
    a note each, unless excluded anyway."""
    from contentqa.load import PathError, discover, display_name

    found_reports: list[Path] = []
    try:
        files = discover(paths, skip=reports, on_report=found_reports.append)
    except PathError as exc:
        raise UsageError(str(exc)) from exc
    left_out = sorted({display_name(p) for p in found_reports})
    for name in left_out if not quiet else ():
        if not config.excludes(name):
            print(
                f"contentqa: note: {name} left out: a contentqa report or baseline, not a guide",
                file=sys.stderr,
            )
    kept = [path for path in files if not config.excludes(display_name(path))]
    if not kept and all(path.is_dir() for path in paths):
        # A run of folders that checks nothing must not pass: a CI job whose exclude is too
        # broad would go green without reading a guide. Files named one by one (a
        # pre-commit hook's changed files) may all be excluded.
        why = (
            "the configuration's `exclude` leaves out every guide file found"
            if files
            else "the only JSON files found are contentqa reports or baselines"
        )
        raise UsageError(f"no guide to check in {', '.join(map(str, paths))}: {why}")
    return kept


def check_stdin(args: argparse.Namespace, config: Config):
    from contentqa.load import load_bytes, printable_name, read_stream, too_large
    from contentqa.pipeline import build_report, check_loaded

    name = printable_name(args.stdin_filename)
    if sys.stdin is None:  # started with standard input closed (`<&-`)
        raise UsageError("standard input is closed: nothing to read for -")
    raw = read_stream(sys.stdin.buffer, config.max_file_size)
    if not name.lower().endswith(".md") and raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"-", b"#"):
        print(
            "contentqa: note: standard input is read as JSON; for a Markdown guide, name it: "
            "--stdin-filename draft.md",
            file=sys.stderr,
        )
    if len(raw) > config.max_file_size:
        loaded = too_large(name, config.max_file_size)
    else:
        loaded = load_bytes(name, name, raw)
    return build_report([check_loaded(loaded, config)], config)


@dataclasses.dataclass(frozen=True)
class Watched:
    """What a watch follows: the guides' files and folders, the configuration file, and the
    reports the checks write (a change there is the watch's own doing, never a reason to
    check again)."""

    paths: tuple[Path, ...]
    reports: frozenset[Path]

    @classmethod
    def of(cls, paths: list[Path], config: Config, reports: list[Path]) -> Watched:
        named = [*paths, *([config.source] if config.source else [])]
        return cls(tuple(named), frozenset(path.resolve() for path in reports))


def watch(watched: Watched, check_again: Callable[[Watched], Watched]) -> int:
    """Check again after every change of a guide or of the configuration file, until
    interrupted. ``check_again`` returns what to watch next: the configuration may name
    other paths now."""
    from watchfiles import Change
    from watchfiles import watch as watch_changes

    from contentqa.load import GUIDE_SUFFIXES

    print("watching for changes (Ctrl-C to stop)", file=sys.stderr)
    gc.enable()  # a session may last hours; each run turns it off while it checks
    try:
        while True:
            # A file is watched by its inode: once an editor's save has renamed a new file
            # over it, the watch must start again to see the next save. A file not there
            # (deleted, or not yet saved) is looked for every second.
            existing = [path for path in watched.paths if path.exists()]
            missing = [path for path in watched.paths if path not in existing]
            named = {path.resolve() for path in existing if not path.is_dir()}
            if not existing:
                time.sleep(1.0)
                if any(path.exists() for path in missing):
                    watched = check_again(watched)
                continue
            for changes in watch_changes(
                *existing, step=200, rust_timeout=1000, yield_on_timeout=True
            ):
                changed = {Path(name).resolve() for _, name in changes}
                deleted = {Path(name).resolve() for c, name in changes if c == Change.deleted}
                wanted = [
                    path
                    for path in changed
                    if path not in watched.reports
                    and (path.suffix.lower() in GUIDE_SUFFIXES or path in named)
                ]
                returned = [path for path in missing if path.exists()]
                if wanted or returned:
                    before = watched
                    watched = check_again(watched)
                    if watched != before or returned:
                        break
                if deleted & named:
                    break
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def publish(args: argparse.Namespace, config: Config, report) -> int:
    """Print the summary and write the reports of one run; the exit status."""
    # All the run made stays alive until its reports are written: kept out of the cycle
    # collector's view meanwhile, it is not walked again and again as rendering allocates
    # (the JSON report of 3,000 guides took 0.34 s instead of 0.76 s). The collector itself
    # is on: a one-page HTML report's views refer to one another, and without it they would
    # stay until the process ends (49 MB more for 90 guides).
    gc.freeze()
    try:
        with cycle_collector(enabled=True):
            return _publish(args, config, report)
    finally:
        gc.unfreeze()


def _publish(args: argparse.Namespace, config: Config, report) -> int:
    from contentqa.parallel import effective_jobs
    from contentqa.report import FORMATS, default_path
    from contentqa.report.terminal import render as render_terminal
    from contentqa.report.terminal import use_color

    to_stdout = args.output == "-"
    human = sys.stderr if to_stdout else sys.stdout
    if github_printed(args, config):
        human.write(FORMATS["github"].renderer()(report))
    color = use_color(human, args.color)
    human.write(render_terminal(report, color, show_statistics=args.statistics, quiet=args.quiet))
    for note in _notes(report):
        human.write(note + "\n")
    jobs = effective_jobs(config.jobs, len(report.guides))  # for the HTML report's pages
    formats = () if args.no_report else config.formats
    if to_stdout:
        for fmt in formats:
            _write_to_stdout(_one_file(fmt, report, jobs))
        return EXIT_FINDINGS if report.exit_status else EXIT_OK
    targets = {
        fmt: Path(args.output) if args.output else default_path(fmt, config.output_dir)
        for fmt in formats
    }

    # A report named through a link is written where the link points, its pages beside it.
    real = {
        fmt: Path(os.path.realpath(target)) if target.is_symlink() else target
        for fmt, target in targets.items()
    }

    def pages() -> Iterator[tuple[Path, Any]]:
        for fmt, target in real.items():
            yield from FORMATS[fmt].pages(report, target, jobs)

    # Every format's files at once: all of them new, or none replaced.
    written = write_files(pages())
    for fmt, target in targets.items():
        _remove_leftovers(FORMATS[fmt].leftovers(real[fmt], written))
        if not args.quiet:
            human.write(f"{fmt} report written to {target}\n")
    return EXIT_FINDINGS if report.exit_status else EXIT_OK


def _one_file(fmt: str, report, jobs: int) -> str | Iterable[bytes]:
    """The report in ``fmt`` as one file, for standard output; a usage error where it is an
    index with a page per guide (the HTML report of a large library)."""
    from contentqa.report import FORMATS

    target = Path(f"contentqa.{FORMATS[fmt].extension}")
    files = FORMATS[fmt].pages(report, target, jobs)
    try:
        path, content = next(files)
        if path != target:
            raise UsageError(
                f"the {fmt} report of these {len(report.guides):,} files is an index with a "
                "page per guide, which standard output cannot hold; write it with --output-dir"
            )
        return content
    finally:
        files.close()


def _write_to_stdout(content: str | Iterable[bytes]) -> None:
    if isinstance(content, str):
        sys.stdout.write(content)
        return
    sys.stdout.flush()
    for piece in content:
        sys.stdout.buffer.write(piece)
    sys.stdout.buffer.flush()


def _remove_leftovers(paths: list[Path]) -> None:
    """Remove an earlier report's pages that the new one replaced, and their folder once
    empty; a page that cannot be removed is only warned about: the report is written."""
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            sys.stderr.write(
                f"contentqa: warning: could not remove the earlier report's page {path}: "
                f"{exc.strerror or exc}\n"
            )
    for folder in sorted({path.parent for path in paths}):
        with contextlib.suppress(OSError):  # not empty: something else lives there
            folder.rmdir()


def _notes(report) -> list[str]:
    """What the totals line does not say: baseline, ratchet, suppressions."""
    notes = []
    if report.baselined or report.baseline_gone:
        notes.append(f"{report.baselined} finding(s) accepted by the baseline not shown")
    if report.baseline_gone:
        notes.append(
            f"{report.baseline_gone} baselined finding(s) are gone: shrink the baseline with "
            "`contentqa baseline`"
        )
    if report.ratchet_failed:
        notes.append(f"duplication ratchet FAILED: {report.ratchet['message']}")
    if report.ratchet.get("note"):
        notes.append(f"duplication ratchet: {report.ratchet['note']}")
    if report.suppressed:
        notes.append(f"{report.suppressed} finding(s) suppressed")
    return notes


def command_baseline(args: argparse.Namespace) -> int:
    from contentqa.baseline import DEFAULT_PATH as DEFAULT_BASELINE
    from contentqa.baseline import render
    from contentqa.pipeline import run

    config = load_config(args.config)
    paths = [Path(p) for p in args.paths] if args.paths else config_paths(config)
    report = run(guide_files(paths, config, _report_files(None, config)), config)
    output = args.output or config.baseline or DEFAULT_BASELINE
    refuse_replacing_guides([Path(output)])
    write_file(Path(output), render(report, config))
    use = (
        "`contentqa check`"
        if output == config.baseline
        else f"`contentqa check --baseline {output}`"
    )
    print(
        f"baseline of {len(report.findings)} finding(s) in {len(report.guides)} file(s) "
        f"written to {output}; use it with {use}"
    )
    return EXIT_OK


def command_import(args: argparse.Namespace) -> int:
    from contentqa.analyze import to_findings
    from contentqa.load import load_file
    from contentqa.registry import get_rule
    from contentqa.report.terminal import finding_line, safe
    from contentqa.validate import validate

    source: Path = args.markdown
    if source.suffix.lower() != ".md":
        raise UsageError(f"{source}: `import` converts Markdown (.md) guides")
    if not os.path.lexists(source):
        raise UsageError(f"{source}: no such file")
    if source.is_dir():
        raise UsageError(f"{source}: is a folder; name one Markdown guide")
    loaded = load_file(source, Config().max_file_size)  # a pipe or a link to nothing: S002
    pairs = [(get_rule(code), d) for code, d in loaded.problems]
    documents = {}
    if loaded.document is not None:
        pairs += [(get_rule("S006"), d) for d in validate(loaded.document)]
        documents[loaded.document.file] = loaded.document
    if pairs:
        # As `check` writes them: file, line and column, code and severity.
        for finding in to_findings(pairs, loaded.file, documents, Config()):
            print(finding_line(finding, text=safe), file=sys.stderr)
        return EXIT_FINDINGS
    data = {**_schema_reference(source, args.output), **loaded.document.data}
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    target = Path(args.output) if args.output else source.with_suffix(".json")
    if target.exists() and target.resolve() == source.resolve():
        raise UsageError(f"cannot write {target}: it is the Markdown guide imported")
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists; use --force to overwrite it")
    write_file(target, text)
    print(f"{source} imported to {target}")
    return EXIT_OK


def _schema_reference(source: Path, output: str | None) -> dict[str, str]:
    """``$schema``: the guide schema relative to the JSON written, when both are in this
    project (the schema beside the shipped guides); elsewhere none, since a path into
    wherever the tool is installed would be committed with the guide and hold nowhere else."""
    from contentqa.validate import schema_path

    schema = schema_path("guide.schema.json").resolve()
    project = schema.parent.parent
    folder = (Path(output) if output and output != "-" else source).resolve().parent
    if schema.parent.name != "schemas" or not folder.is_relative_to(project):
        return {}
    return {"$schema": Path(os.path.relpath(schema, folder)).as_posix()}


def github_printed(args: argparse.Namespace, config: Config) -> bool:
    """Whether GitHub annotations are printed with the summary: in GitHub Actions, whose
    runner reads them from the job's output only, when neither the command line nor the
    configuration file names a format (the JSON report is written as well), or when
    ``github`` is one of the formats named (its file is written as well, unless
    ``--no-report``), unless the reports go to standard output, where it is printed anyway."""
    from contentqa.report.github import in_github_actions

    if not in_github_actions():
        return False
    if args.format is None and not config.formats_configured:
        return True
    return "github" in config.formats and args.output != "-"


class ProgressBar:
    """A tqdm bar counting checked files; the cross-guide stage follows the last file."""

    def __init__(self, total: int, stream) -> None:
        from tqdm import tqdm

        self.total = total
        self.bar = tqdm(
            total=total, file=stream, unit="file", desc="checking", leave=False, dynamic_ncols=True
        )

    def on_file(self, result) -> None:
        self.bar.update(1)
        if self.bar.n >= self.total:
            self.bar.set_description("comparing guides")

    def close(self) -> None:
        self.bar.close()


def progress_bar(total: int, stream, quiet: bool = False) -> ProgressBar | None:
    """A progress bar on ``stream`` for runs of ``PROGRESS_MIN_FILES`` files or more, when
    ``stream`` is a terminal and the run is not quiet."""
    isatty = getattr(stream, "isatty", None)
    if quiet or total < PROGRESS_MIN_FILES or not (isatty and isatty()):
        return None
    return ProgressBar(total, stream)


def command_rules(fmt: str) -> int:
    from contentqa.registry import all_rules

    rules = all_rules()
    if fmt == "json":
        payload = [
            {
                "code": r.code,
                "name": r.name,
                "category": r.category.value,
                "severity": r.severity.value,
                "summary": r.summary(),
            }
            for r in rules
        ]
        print(json.dumps(payload, indent=2))
    elif fmt == "markdown":
        print("| Code | Name | Category | Default severity | What it finds |")
        print("| --- | --- | --- | --- | --- |")
        for r in rules:
            print(
                f"| `{r.code}` | `{r.name}` | {r.category.value} | {r.severity.value} | "
                f"{r.summary()} |"
            )
    else:
        for r in rules:
            print(
                f"{r.code}  {r.name:<32} {r.category.value:<12} {r.severity.value:<8} {r.summary()}"
            )
    return EXIT_OK


def command_hash(texts: Sequence[str]) -> int:
    """The hash ``approved-boilerplate`` matches a text by: of its normalized words, so case,
    spacing, quotes and punctuation do not change it."""
    from contentqa.load import printable_name
    from contentqa.normalize import normalized_tokens, text_hash

    for text in texts:
        if printable_name(text) != text:
            # Bytes the terminal sent that are not UTF-8 (Latin-1, say): no guide holds them.
            raise UsageError(f"`{printable_name(text)}` is not UTF-8 text")
    words = [normalized_tokens(text) for text in texts]
    for text, tokens in zip(texts, words, strict=True):
        if not tokens:
            raise UsageError(f"{text!r} has no words to hash")
    for text, tokens in zip(texts, words, strict=True):
        sys.stdout.write(f"{text_hash(tokens)}  {text}\n")
    return EXIT_OK


def command_explain(ident: str) -> int:
    from contentqa.registry import all_rules, explain, find_rule

    rule = find_rule(ident)
    if rule is None:
        names = [r.name for r in all_rules()] + [r.code for r in all_rules()]
        close = difflib.get_close_matches(ident, names, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`? " if close else ""
        from contentqa.load import printable_name

        raise UsageError(f"no rule `{printable_name(ident)}`; {hint}`contentqa rules` lists them")
    sys.stdout.write(explain(rule))
    return EXIT_OK
