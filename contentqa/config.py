"""Configuration: ``[tool.contentqa]`` in ``pyproject.toml`` or a ``contentqa.toml``.

The file is found by walking up from the working directory (``contentqa.toml`` wins over
``pyproject.toml`` in the same folder). Keys are kebab-case, as in ruff. Command-line options
override the file. Any unknown key or bad value is a :class:`ConfigError` naming the key.

Example::

    [tool.contentqa]
    paths = ["guides/"]
    select = ["S", "D"]          # codes or code prefixes; default: every rule
    ignore = ["D013"]
    fail-on = "error"            # error | warning | info | never
    max-file-size = 5_000_000    # bytes

    [tool.contentqa.rules.near-duplicate-step]   # a rule by code or name
    severity = "warning"
    threshold = 0.85
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import json
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contentqa.model import Severity
from contentqa.paths import relative_to
from contentqa.readability.audience import BUILTIN_AUDIENCES, Audience
from contentqa.registry import (
    Rule,
    all_rules,
    allowed_values,
    find_rule,
    option_name,
    value_allowed,
)
from contentqa.report import FORMATS

if TYPE_CHECKING:
    import pathspec

FAIL_ON_CHOICES = ("error", "warning", "info", "never")
DEFAULT_OUTPUT_DIR = "reports"


class ConfigError(Exception):
    """A configuration problem the user must fix; the message names the key."""


@dataclass(frozen=True)
class RuleSetting:
    severity: Severity | None = None
    options: Any = None


@dataclass(frozen=True)
class Config:
    paths: tuple[str, ...] = ("guides/",)
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "error"
    max_file_size: int = 5_000_000
    output_dir: str = DEFAULT_OUTPUT_DIR
    formats: tuple[str, ...] = ("json",)
    formats_configured: bool = False  # `format` given in the file (not the default)
    rules: Mapping[str, RuleSetting] = field(default_factory=dict)
    approved_boilerplate: tuple[Mapping[str, str], ...] = ()
    all_pairs_limit: int = 300
    jobs: int = 0
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    max_duplication: float | None = None
    baseline: str | None = None
    suppress: tuple[Mapping[str, Any], ...] = ()
    audience: str = "general"
    audiences: Mapping[str, Audience] = field(default_factory=lambda: dict(BUILTIN_AUDIENCES))
    audience_by_path: tuple[tuple[str, str], ...] = ()
    source: Path | None = None

    def enabled(self, code: str) -> bool:
        selected = not self.select or any(code.startswith(p) for p in self.select)
        return selected and not any(code.startswith(p) for p in self.ignore)

    def severity(self, rule: type[Rule]) -> Severity:
        setting = self.rules.get(rule.code)
        return setting.severity if setting and setting.severity else rule.severity

    def rule_instance(self, rule: type[Rule]) -> Rule:
        setting = self.rules.get(rule.code)
        return rule(setting.options if setting and setting.options is not None else None)

    def fails(self, severity: Severity) -> bool:
        return self.fail_on != "never" and severity.rank >= Severity(self.fail_on).rank

    def excludes(self, file: str) -> bool:
        """Whether ``file`` (as reports name it) matches an ``exclude`` pattern. The patterns
        are read as a ``.gitignore`` in the configuration file's folder would be: ``drafts/``
        is every folder of that name, ``guides/drafts`` that one folder, ``*README.md`` a
        file name anywhere, ``docs/**/x.md`` at any depth."""
        if not self.exclude:
            return False
        file = config_relative(file, self.source)
        # Outside the configuration's folder, as outside a repository, no pattern applies.
        return not file.startswith("../") and exclude_spec(self.exclude).match_file(file)


_TOP_KEYS = {
    "paths": "paths",
    "exclude": "exclude",
    "select": "select",
    "ignore": "ignore",
    "fail-on": "fail_on",
    "max-file-size": "max_file_size",
    "output-dir": "output_dir",
    "format": "formats",
    "rules": "rules",
    "approved-boilerplate": "approved_boilerplate",
    "all-pairs-limit": "all_pairs_limit",
    "jobs": "jobs",
    "per-file-ignores": "per_file_ignores",
    "max-duplication": "max_duplication",
    "baseline": "baseline",
    "suppress": "suppress",
    "audience": "audience",
    "audiences": "audiences",
    "audience-by-path": "audience_by_path",
}


def find_config_file(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "contentqa.toml"
        _refuse_if_not_a_file(candidate)
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        _refuse_if_not_a_file(pyproject)
        if pyproject.is_file():
            tool = _read_toml(pyproject).get("tool")
            if isinstance(tool, Mapping) and "contentqa" in tool:
                return pyproject
    return None


def load_config(path: Path | None = None, start: Path | None = None) -> Config:
    """Read the configuration file given, or found upwards from ``start`` (default: cwd)."""
    if path is None:
        path = find_config_file((start or Path.cwd()).resolve())
        if path is None:
            return Config()
    elif not os.path.lexists(path):
        raise ConfigError(f"{path}: configuration file not found")
    else:
        _refuse_if_not_a_file(path)
    table = _read_toml(path)
    if path.name == "pyproject.toml":
        for dotted in ("tool", "tool.contentqa"):
            table = table.get(dotted.rsplit(".", 1)[-1], {})
            if not isinstance(table, Mapping):
                lines = path.read_text(encoding="utf-8").split("\n")
                found = key_position(lines, dotted)  # all of the file's tables
                where = f"{path}:{found[0]}:{found[1]}" if found else str(path)
                raise ConfigError(f"{where}: `{dotted}` must be a table, not {_written(table)}")
    try:
        return parse_config(table, path)
    except ConfigError as exc:
        raise ConfigError(_located(str(exc), path)) from None


def _located(message: str, path: Path) -> str:
    """``message`` (``PATH: `key.sub` ...``) with the line and column where the key is
    written: tomllib keeps no positions, so the key is looked for in the file's text."""
    prefix = f"{path}: "
    key = re.search(r"`([^`]+)`", message[len(prefix) :]) if message.startswith(prefix) else None
    if key is None:
        return message
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return message
    found = key_position(lines, key.group(1), pyproject=path.name == "pyproject.toml")
    if found is None:
        return message
    return f"{path}:{found[0]}:{found[1]}: {message[len(prefix) :]}"


def key_position(
    lines: Sequence[str], dotted: str, pyproject: bool = False
) -> tuple[int, int] | None:
    """Where a key of the configuration is written in its file's ``lines``: ``fail-on``,
    ``rules.D006.threshold`` (in ``[rules.D006]``, inline in ``[rules]``, or dotted),
    ``suppress[1].pointer`` (in the second ``[[suppress]]``), ``audiences.kids`` (a table),
    ``per-file-ignores "guides/*.json"`` (a glob). In ``pyproject.toml`` only the
    ``[tool.contentqa]`` tables are read. None where it is not found."""
    glob = re.fullmatch(r'per-file-ignores "(.*)"', dotted)
    parts = ["per-file-ignores", glob.group(1)] if glob else dotted.split(".")
    parts = [re.sub(r"\[(\d+)\]$", r"#\1", part) for part in parts]  # suppress[1]: suppress#1
    target, key = ".".join(parts[:-1]), parts[-1]
    table: str | None = ""  # the table the lines are in; None: not the tool's
    arrays: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        header = _TABLE_HEADER.match(line)
        if header:
            name = re.sub(r"""\s|["']""", "", header.group(2))
            if pyproject:
                if not (name == "tool.contentqa" or name.startswith("tool.contentqa.")):
                    table = None
                    continue
                name = "" if name == "tool.contentqa" else name[len("tool.contentqa.") :]
            if header.group(1) == "[[":  # an array of tables: the n-th one
                arrays[name] = arrays.get(name, -1) + 1
                name = f"{name}#{arrays[name]}"
            table = name
            if name == ".".join(parts):  # the key is this table
                return number, len(line) - len(line.lstrip()) + 1
            continue
        if table is None or not (target == table or target.startswith(f"{table}.") or not table):
            continue
        # The rest of the path from this table: "D006" in [rules], "rules.D006" at the top.
        rest = target[len(table) :].lstrip(".") if table else target
        found = _key_in_line(line, rest.split(".") if rest else [], key)
        if found is not None:
            return number, found
    return None


_TABLE_HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]")


def _key_in_line(line: str, path: list[str], key: str) -> int | None:
    """The column of ``key`` in ``line``, written after ``path`` dotted (``a.b.key =``) or
    in an inline table (``a = { key = ...}``, ``a.b = { key = ...}``)."""
    if "#" in key:
        return None
    quoted = r"""["']?"""
    prefix = "".join(rf"{quoted}{re.escape(p)}{quoted}\s*\.\s*" for p in path)
    dotted = re.compile(rf"""\s*{prefix}({quoted}){re.escape(key)}\1\s*=""")
    match = dotted.match(line)
    if match:
        return match.start(1) + 1
    if path:
        head = "".join(rf"{quoted}{re.escape(p)}{quoted}\s*\.\s*" for p in path[:-1])
        inline = re.compile(
            rf"""\s*{head}{quoted}{re.escape(path[-1])}{quoted}\s*=\s*\{{(?:[^}}]*?,)?\s*"""
            rf"""({quoted}){re.escape(key)}\1\s*="""
        )
        match = inline.match(line)
        if match:
            return match.start(1) + 1
    return None


# The largest `max-file-size` (1 TB): a guide is read into memory whole.
MAX_FILE_SIZE_LIMIT = 10**12


def _beside(source: Path, value: str) -> str:
    """A path written in the configuration file, which is relative to the file's folder, as
    seen from the working directory."""
    if not value or Path(value).is_absolute():
        return value
    cwd = os.getcwd()
    return relative_to((source.absolute().parent / value).as_posix(), cwd, cwd)


def config_relative(file: str, source: Path | None) -> str:
    """``file`` as reports name it (relative to the working directory) as the configuration
    file's globs see it: relative to that file's folder (``per-file-ignores``,
    ``suppress``, ``audience-by-path``). The folder of the file as named, not of a link's
    target, as for ``paths``."""
    if source is None:
        return file
    return relative_to(file, *config_folder(source))


def config_folder(source: Path) -> tuple[str, str]:
    """The configuration file's folder and the working directory, as ``relative_to`` takes
    them."""
    return str(source.absolute().parent), os.getcwd()


@functools.lru_cache(maxsize=16)
def exclude_spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    """``exclude``'s patterns, compiled. ``./`` before a pattern, which ``.gitignore`` does
    not know, means the folder of the configuration file, as ``/`` does there."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(
        f"/{p.removeprefix('./')}" if p.startswith("./") else p for p in patterns
    )


def _check_exclude(patterns: tuple[str, ...], where: str) -> None:
    for pattern in patterns:
        try:
            exclude_spec((pattern,))
        except ValueError as exc:
            raise ConfigError(
                f"{where}`exclude`: {_written(pattern)} is not a valid pattern: {exc}"
            ) from None
        if pattern.strip(" /") in (".", "", "*", "**"):
            raise ConfigError(
                f"{where}`exclude`: {_written(pattern)} would leave out every file; name the "
                "files or folders to leave out"
            )
        if pattern.startswith("#"):
            raise ConfigError(
                f"{where}`exclude`: {_written(pattern)} is a comment in .gitignore syntax and "
                "leaves out nothing; write \\# for a name that starts with #"
            )


def rule_patterns(patterns: tuple[str, ...]) -> tuple[str, ...]:
    """Rule codes or code prefixes as written by people: a rule's name stands for its code
    (``duplicate-paragraph`` for ``D001``), and case does not matter (``s001``, ``w``)."""
    out = []
    for pattern in patterns:
        rule = find_rule(pattern)
        if rule is not None:
            out.append(rule.code)
        else:  # a prefix ("w", "D01"), or a misspelt name, kept as written for the message
            out.append(pattern.upper() if _CODE_PREFIX.fullmatch(pattern) else pattern)
    return tuple(out)


_CODE_PREFIX = re.compile(r"[A-Za-z]\d{0,3}")


def unknown_rule(pattern: str) -> str:
    """Why ``pattern`` (as :func:`rule_patterns` gives it) names no rule, with the closest
    name; empty when some rule's code starts with it."""
    rules = all_rules()
    if any(rule.code.startswith(pattern) for rule in rules):
        return ""
    names = [rule.name for rule in rules]
    return (
        f"no rule code starts with `{pattern}`, and no rule has that name"
        f"{_did_you_mean(pattern, names)}"
    )


def format_list(formats: tuple[str, ...], named_by: str) -> tuple[str, ...]:
    """The report formats asked for, each once (``json,json`` writes one report)."""
    if not formats:
        raise ConfigError(f"{named_by} names no format")
    return tuple(dict.fromkeys(f.lower() for f in formats))


def parse_config(table: Mapping[str, Any], source: Path | None = None) -> Config:
    where = f"{source}: " if source else ""
    values: dict[str, Any] = {"source": source}
    for key, value in table.items():
        if key not in _TOP_KEYS:
            raise ConfigError(f"{where}unknown key `{key}`{_did_you_mean(key, _TOP_KEYS)}")
        attr = _TOP_KEYS[key]
        if attr == "rules":
            values["rules"] = _parse_rules(value, where)
        elif attr in ("paths", "exclude", "select", "ignore", "formats"):
            values[attr] = _string_list(key, value, where)
            if attr == "exclude":
                _check_exclude(values[attr], where)
            if attr in ("select", "ignore"):
                values[attr] = rule_patterns(values[attr])
            if attr == "formats":
                values[attr] = format_list(values[attr], f"{where}`{key}`")
            values["formats_configured"] = values.get("formats_configured") or attr == "formats"
        elif attr == "approved_boilerplate":
            values[attr] = _approved(value, where)
        elif attr == "max_duplication":
            if (
                not isinstance(value, int | float)
                or isinstance(value, bool)
                or not 0 <= value <= 100
            ):
                raise ConfigError(f"{where}`max-duplication` must be a percentage, 0 to 100")
            values[attr] = float(value)
        elif attr == "per_file_ignores":
            if not isinstance(value, Mapping):
                raise ConfigError(f"{where}`per-file-ignores` must map file globs to codes")
            values[attr] = {
                g: rule_patterns(_string_list(f"per-file-ignores.{g}", v, where))
                for g, v in value.items()
            }
        elif attr == "suppress":
            values[attr] = _suppressions(value, where)
        elif attr == "audiences":
            values[attr] = {**BUILTIN_AUDIENCES, **_audiences(value, where)}
        elif attr == "audience_by_path":
            if not isinstance(value, Mapping) or not all(
                isinstance(v, str) for v in value.values()
            ):
                raise ConfigError(
                    f"{where}`audience-by-path` must map path globs to audience names"
                )
            values[attr] = tuple(value.items())
        elif attr == "jobs":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(
                    f"{where}`jobs` must be 0 (one per core) or more, not {_written(value)}"
                )
            values[attr] = value
        elif attr in ("max_file_size", "all_pairs_limit"):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigError(
                    f"{where}`{key}` must be a positive whole number, not {_written(value)}"
                )
            if attr == "max_file_size" and value > MAX_FILE_SIZE_LIMIT:
                raise ConfigError(f"{where}`{key}` must be at most {MAX_FILE_SIZE_LIMIT:,}")
            values[attr] = value
        else:
            if not isinstance(value, str):
                raise ConfigError(f"{where}`{key}` must be text, not {_written(value)}")
            values[attr] = (
                _beside(source, value) if source and attr in ("output_dir", "baseline") else value
            )
    config = Config(**values)
    check_values(config, where)
    return config


def check_values(config: Config, where: str = "") -> None:
    if config.fail_on not in FAIL_ON_CHOICES:
        raise ConfigError(
            f"{where}`fail-on` must be one of {', '.join(FAIL_ON_CHOICES)}, "
            f"not {_written(config.fail_on)}"
        )
    for fmt in config.formats:
        if fmt not in FORMATS:
            choices = ", ".join(FORMATS)
            raise ConfigError(f"{where}unknown format `{fmt}` (choose from {choices})")
    if config.audience not in config.audiences:
        raise ConfigError(
            f"{where}unknown audience `{config.audience}` "
            f"(known: {', '.join(sorted(config.audiences))})"
        )
    for pattern, name in config.audience_by_path:
        if name not in config.audiences:
            raise ConfigError(f"{where}`audience-by-path` `{pattern}`: unknown audience `{name}`")
    named = [("select", config.select), ("ignore", config.ignore)]
    named += [(f'per-file-ignores "{g}"', c) for g, c in config.per_file_ignores.items()]
    named += [(f"suppress[{i}]", entry["codes"]) for i, entry in enumerate(config.suppress)]
    for key, patterns in named:
        for pattern in patterns:
            problem = unknown_rule(pattern)
            if problem:
                raise ConfigError(f"{where}`{key}`: {problem}")


def _suppressions(value: Any, where: str) -> tuple[Mapping[str, Any], ...]:
    if not isinstance(value, list):
        raise ConfigError(
            f"{where}`suppress` must be a list of tables ([[tool.contentqa.suppress]])"
        )
    out = []
    for i, entry in enumerate(value):
        name = f"{where}`suppress[{i}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{name}` must be a table")
        unknown = set(entry) - {"files", "codes", "pointer", "reason", "expires"}
        if unknown:
            raise ConfigError(
                f"{name}`: unknown key `{sorted(unknown)[0]}` "
                "(files, codes, pointer, reason, expires)"
            )
        if "codes" not in entry:
            raise ConfigError(f"{name}` needs `codes`")
        pointer = entry.get("pointer", "")
        if not isinstance(pointer, str) or (pointer and not pointer.startswith("/")):
            raise ConfigError(
                f'{name}.pointer` must be a JSON pointer starting with / ("/steps", '
                f'"/steps/2"), not {_written(pointer)}'
            )
        parsed = dict(entry)
        parsed["codes"] = rule_patterns(_string_list(f"suppress[{i}].codes", entry["codes"], where))
        expires = entry.get("expires")
        if isinstance(expires, str):
            try:
                expires = dt.date.fromisoformat(expires)
            except ValueError as exc:
                raise ConfigError(f"{name}.expires` must be a date YYYY-MM-DD") from exc
        if expires is not None and not isinstance(expires, dt.date):
            raise ConfigError(f"{name}.expires` must be a date YYYY-MM-DD")
        parsed["expires"] = expires
        out.append(parsed)
    return tuple(out)


def _audiences(value: Any, where: str) -> dict[str, Audience]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}`audiences` must be a table of audience tables")
    out = {}
    for name, table in value.items():
        key = f"{where}`audiences.{name}`"
        if not isinstance(table, Mapping):
            raise ConfigError(f"{key} must be a table")
        unknown = set(table) - {"min-reading-ease", "max-grade", "description"}
        if unknown:
            raise ConfigError(
                f"{key}: unknown key `{sorted(unknown)[0]}` "
                "(min-reading-ease, max-grade, description)"
            )
        base = BUILTIN_AUDIENCES.get(name, BUILTIN_AUDIENCES["general"])
        ease = table.get("min-reading-ease", base.min_reading_ease)
        grade = table.get("max-grade", base.max_grade)
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (ease, grade)):
            raise ConfigError(f"{key}: min-reading-ease and max-grade must be numbers")
        if not (0 <= ease <= 100 and 0 <= grade <= 30):
            raise ConfigError(
                f"{key}: min-reading-ease must be from 0 to 100 (Flesch Reading Ease) and "
                f"max-grade from 0 to 30 (a school grade), not {_written(ease)} and "
                f"{_written(grade)}"
            )
        out[name] = Audience(name, float(ease), float(grade), str(table.get("description", "")))
    return out


_TEXT_HASH = re.compile(r"[0-9a-f]{16}")


def _approved(value: Any, where: str) -> tuple[Mapping[str, str], ...]:
    if not isinstance(value, list):
        raise ConfigError(f"{where}`approved-boilerplate` must be a list of tables")
    out = []
    for i, entry in enumerate(value):
        name = f"{where}`approved-boilerplate[{i}]`"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{name} must be a table with `text` or `hash`, and `reason`")
        unknown = set(entry) - {"text", "hash", "reason"}
        if unknown:
            raise ConfigError(f"{name}: unknown key `{sorted(unknown)[0]}` (text, hash, reason)")
        if ("text" in entry) == ("hash" in entry):
            raise ConfigError(f"{name} needs exactly one of `text` or `hash`")
        if not all(isinstance(v, str) and v.strip() for v in entry.values()):
            raise ConfigError(f"{name}: values must be non-empty text")
        entry = dict(entry)
        if "hash" in entry:
            entry["hash"] = entry["hash"].strip().lower()
            if not _TEXT_HASH.fullmatch(entry["hash"]):
                raise ConfigError(
                    f"{name}: `hash` must be the 16 hexadecimal digits that "
                    f"`contentqa hash TEXT` prints, not {_written(entry['hash'])}"
                )
        out.append(entry)
    return tuple(out)


def _parse_rules(value: Any, where: str) -> dict[str, RuleSetting]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}`rules` must be a table of rule settings")
    settings: dict[str, RuleSetting] = {}
    named: dict[str, str] = {}
    for ident, table in value.items():
        rule = find_rule(ident)
        if rule is None:
            names = [r.name for r in all_rules()]
            raise ConfigError(f"{where}`rules.{ident}`: no such rule{_did_you_mean(ident, names)}")
        if rule.code in named:
            raise ConfigError(
                f"{where}`rules.{ident}` and `rules.{named[rule.code]}` both set rule "
                f"{rule.code}; keep one"
            )
        named[rule.code] = ident
        if not isinstance(table, Mapping):
            raise ConfigError(f"{where}`rules.{ident}` must be a table")
        settings[rule.code] = _parse_rule_setting(rule, table, f"{where}`rules.{ident}")
    return settings


def _parse_rule_setting(rule: type[Rule], table: Mapping[str, Any], where: str) -> RuleSetting:
    severity = None
    overrides: dict[str, Any] = {}
    fields = {option_name(f): f for f in rule.option_fields()}
    for key, value in table.items():
        if key == "severity":
            if value not in {s.value for s in Severity}:
                raise ConfigError(
                    f"{where}.severity` must be error, warning or info, not {_written(value)}"
                )
            severity = Severity(value)
            continue
        if key not in fields:
            known = ["severity", *fields]
            raise ConfigError(f"{where}.{key}`: unknown option{_did_you_mean(key, known)}")
        f = fields[key]
        default = f.default_factory() if callable(f.default_factory) else f.default
        value = _coerce(value, default, f"{where}.{key}`")
        if not value_allowed(f, value):
            raise ConfigError(f"{where}.{key}` must be {allowed_values(f)}, not {_written(value)}")
        overrides[f.name] = value
    options = dataclasses.replace(rule.Options(), **overrides) if overrides else None
    return RuleSetting(severity, options)


def _coerce(value: Any, default: Any, where: str) -> Any:
    expected = type(default)
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, list | tuple):
        ok = isinstance(value, list)
        value = expected(value) if ok else value
    else:
        ok = isinstance(value, expected)
    if not ok:
        raise ConfigError(f"{where} must be {_type_word(default)}, not {_written(value)}")
    return value


def _type_word(default: Any) -> str:
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int):
        return "a whole number"
    if isinstance(default, float):
        return "a number"
    if isinstance(default, list | tuple):
        return "a list"
    if isinstance(default, dict):
        return "a table"
    return "text"


def _string_list(key: str, value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}`{key}` must be a list of text values, not {_written(value)}")
    return tuple(value)


def _written(value: Any) -> str:
    """A value as the configuration file writes it (``"eror"``, ``true``), not as Python
    does (``'eror'``, ``True``)."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _did_you_mean(key: str, known) -> str:
    hint = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f" — did you mean `{hint[0]}`?" if hint else ""


def _refuse_if_not_a_file(path: Path) -> None:
    """Stop on a configuration file's name that is there but is no file: a run must not go
    on with the defaults while the user's settings sit in a folder of that name."""
    if not os.path.lexists(path) or path.is_file():
        return
    if path.is_dir():
        what = "a folder"
    elif path.is_symlink() and not path.exists():
        what = "a link to nothing, or a loop of links"
    else:
        what = "a pipe or a device"
    raise ConfigError(f"{path}: the configuration file is {what}, not a file")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(
            f"{path}:{line}:{column}: not UTF-8 text (byte 0x{raw[exc.start]:02X}); save it as "
            "UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r" \(at line (\d+), column (\d+)\)$", str(exc))
        if at is not None:
            line, column = at.group(1), at.group(2)
        else:
            at = re.search(r" \(at end of document\)$", str(exc))
            if at is None:
                raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
            lines = text.split("\n")  # where the text stops (a file saved half-way, say)
            while len(lines) > 1 and not lines[-1]:
                lines.pop()
            line, column = str(len(lines)), str(len(lines[-1]) + 1)
        what = str(exc)[: at.start()]
        raise ConfigError(f"{path}:{line}:{column}: not valid TOML: {what}") from exc
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: nested too deeply") from None
    except ValueError:
        # A number past Python's limit of digits for text (4,300).
        raise ConfigError(f"{path}: not valid TOML: a number has too many digits") from None
