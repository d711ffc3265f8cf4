"""Command line: ``contentqa check``, ``contentqa rules``, ``contentqa explain``.

Exit status: 0 when no finding reaches ``fail-on``, 1 when one does, 2 on usage errors
(bad option, missing path, bad configuration).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from contentqa import __version__
from contentqa.config import FAIL_ON_CHOICES, Config, ConfigError, check_values, load_config

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
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
    check.add_argument("paths", nargs="*", help="guide files or folders (default: guides/)")
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
    check.add_argument("--select", help="only these rule codes or prefixes, comma-separated")
    check.add_argument("--ignore", help="skip these rule codes or prefixes, comma-separated")
    check.add_argument("--fail-on", choices=FAIL_ON_CHOICES, help="lowest severity that fails")
    check.add_argument("--max-file-size", type=int, help="largest guide file in bytes")
    check.add_argument(
        "--audience",
        help="readability target for guides that name none (general, children, expert)",
    )
    check.add_argument(
        "-j", "--jobs", type=int, help="worker processes (default: one per core for big runs)"
    )
    check.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only the totals (GitHub Actions annotations are still printed)",
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

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")

    explain = sub.add_parser("explain", help="print one rule's documentation")
    explain.add_argument("rule", help="rule code (D001) or name (exact-duplicate-paragraph)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return command_check(args)
        if args.command == "rules":
            return command_rules(args.format)
        if args.command == "explain":
            return command_explain(args.rule)
        parser.print_help()
        return EXIT_USAGE
    except (UsageError, ConfigError) as exc:
        print(f"contentqa: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


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
    }
    config = dataclasses.replace(config, **{k: v for k, v in overrides.items() if v is not None})
    if config.max_file_size <= 0:
        raise UsageError("--max-file-size must be a positive number of bytes")
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
    from contentqa.load import PathError, discover
    from contentqa.pipeline import run
    from contentqa.report import FORMATS, default_path, write_atomic
    from contentqa.report.terminal import render as render_terminal
    from contentqa.report.terminal import use_color

    config = resolve_config(args)
    paths = [Path(p) for p in args.paths] if args.paths else config_paths(config)
    if args.output and len(config.formats) > 1:
        raise UsageError("--output names one file; use --output-dir with several formats")
    try:
        files = discover(paths)
    except PathError as exc:
        raise UsageError(str(exc)) from exc

    bar = progress_bar(len(files), sys.stderr, quiet=args.quiet)
    try:
        report = run(files, config, on_file=bar.on_file if bar else None)
    finally:
        if bar:
            bar.close()

    to_stdout = args.output == "-"
    human = sys.stderr if to_stdout else sys.stdout
    if github_auto_selected(args, config):
        # In GitHub Actions with no format asked for: annotations, as well as the JSON report.
        human.write(FORMATS["github"].renderer()(report))
    color = use_color(human, args.color)
    human.write(render_terminal(report, color, show_statistics=args.statistics, quiet=args.quiet))
    for fmt in config.formats:
        text = FORMATS[fmt].renderer()(report)
        if to_stdout:
            sys.stdout.write(text)
            continue
        target = Path(args.output) if args.output else default_path(fmt, config.output_dir)
        write_atomic(target, text)
        if not args.quiet:
            human.write(f"{fmt} report written to {target}\n")
    return EXIT_FINDINGS if report.exit_status else EXIT_OK


def github_auto_selected(args: argparse.Namespace, config: Config) -> bool:
    """GitHub annotations are printed by themselves in GitHub Actions, when neither the
    command line nor the configuration file names a format."""
    from contentqa.report.github import in_github_actions

    return in_github_actions() and args.format is None and not config.formats_configured


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


def command_explain(ident: str) -> int:
    from contentqa.registry import explain, find_rule

    rule = find_rule(ident)
    if rule is None:
        raise UsageError(f"no rule `{ident}`; `contentqa rules` lists them")
    sys.stdout.write(explain(rule))
    return EXIT_OK
