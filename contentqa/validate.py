"""Validate stage: a parsed guide against ``schemas/guide.schema.json`` -> diagnostics.

Every schema error is reported (not only the first), located at its line and column, and
worded for an editor rather than a programmer.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Collection, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contentqa.config import rule_patterns, unknown_rule
from contentqa.model import Diagnostic, Document
from contentqa.pointers import describe, escape_token, join

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

_TYPE_NAMES = {
    "string": "text",
    "array": "a list",
    "object": "an object { ... }",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


# Names other publishing tools (Jekyll, Hugo, CMS exports) give the guide's fields; a
# spelling match would suggest another field (`description` -> `sections`).
_FIELD_SYNONYMS = {
    "description": "summary",
    "excerpt": "summary",
    "subtitle": "summary",
    "date": "updated",
    "lastmod": "updated",
    "last_modified": "updated",
    "modified": "updated",
    "categories": "category",
    "authors": "author",
    "references": "sources",
    "questions": "faq",
    "related": "related_guides",
    "instructions": "steps",
    "tips": "strategies",
}


def schema_path(name: str) -> Path:
    """A bundled schema: from the installed package, or the source tree's ``schemas/``."""
    packaged = resources.files("contentqa").joinpath("_schemas", name)
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "schemas" / name


@cache
def load_schema(name: str) -> dict[str, Any]:
    return json.loads(schema_path(name).read_text(encoding="utf-8"))


# The schema's "has a visible character" pattern. Spelled out rather than ``\S`` so that
# every regex dialect reads it the same way: Python's ``\s`` also holds U+001C-U+001F and
# U+0085, ECMA-262's (JSON Schema's) also U+FEFF, and the class excludes all of them.
VISIBLE_TEXT = r"[^\s\u001c-\u001f\u0085\ufeff]"


@cache
def _validator() -> Draft202012Validator:
    # Imported here: a run whose guides are all valid never needs it (0.15 s of start-up).
    from jsonschema import Draft202012Validator

    schema = load_schema("guide.schema.json")
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _fast_validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(load_schema("guide.schema.json"), validate_formats=True)


def is_valid(data: Any) -> bool | None:
    """Whether ``data`` matches the schema, by the compiled validator of jsonschema-rs (a
    guide in microseconds, against about a millisecond for jsonschema); None when it cannot
    tell (a string holding a lone surrogate, which it cannot encode)."""
    try:
        return bool(_fast_validator().is_valid(data))
    except Exception:  # any failure of the fast check only means: ask jsonschema
        return None


def validate(document: Document) -> list[Diagnostic]:
    """Schema problems of a guide, worded for an editor. Most guides are valid: the fast
    check clears those, and jsonschema, whose errors carry what the messages need, reads the
    rest (the tests hold the two to the same verdict)."""
    if is_valid(document.data):
        return []
    diagnostics: dict[tuple, Diagnostic] = {}
    errors = list(_validator().iter_errors(document.data))
    # A value of the wrong type fails its other keywords too ("must be 1, not true"): the
    # type is what to fix, and said alone.
    mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    for error in errors:
        if error.validator != "type" and tuple(error.absolute_path) in mistyped:
            continue
        for diagnostic in _explain(error, document):
            # Two schema keywords can fail for one reason (an empty title is both too short
            # and blank): one finding says it.
            key = (diagnostic.position, diagnostic.pointer, diagnostic.message)
            diagnostics.setdefault(key, diagnostic)
    return [diagnostics[key] for key in sorted(diagnostics)]


def _explain(error: ValidationError, document: Document) -> Iterator[Diagnostic]:
    pointer = join(*error.absolute_path)
    where = describe(pointer)
    keyword = error.validator
    instance = error.instance
    source_map = document.source_map

    def at(message: str, target: str = pointer, key: bool = False) -> Diagnostic:
        position = source_map.key_position(target) if key else source_map.position(target)
        return Diagnostic(
            pointer=target, message=message, key=f"{keyword}:{message}", position=position
        )

    if keyword == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        patterns = list(error.schema.get("patternProperties", {}))
        for name in sorted(instance):
            if name in allowed or any(re.search(p, name) for p in patterns):
                continue
            hint = [
                synonym for synonym in (_FIELD_SYNONYMS.get(name.lower()),) if synonym in allowed
            ] or difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
            suggestion = (
                f" — did you mean `{hint[0]}`?"
                if hint
                else f" (allowed here: {', '.join(f'`{a}`' for a in allowed)};"
                " names starting with `x-` are free for extensions)"
            )
            yield at(
                f"unknown field `{_cut(name)}` in {where}{suggestion}",
                join(*error.absolute_path, name),
                key=True,
            )
        return
    if keyword == "required":
        missing = re.match(r"'(.*)' is a required property", error.message)
        name = missing.group(1) if missing else error.message
        yield at(f"missing required field `{name}` in {where}")
        return
    if keyword == "type":
        expected = error.validator_value
        expected_names = (
            " or ".join(_TYPE_NAMES.get(t, t) for t in expected)
            if isinstance(expected, list)
            else _TYPE_NAMES.get(expected, expected)
        )
        yield at(f"{where} should be {expected_names}, but it is {_kind(instance)}")
        return
    if keyword == "const":
        yield at(f"{where} must be {json.dumps(error.validator_value)}, not {_shown(instance)}")
        return
    if keyword == "enum":
        options = ", ".join(json.dumps(v) for v in error.validator_value)
        yield at(f"{where} must be one of {options}, not {_shown(instance)}")
        return
    if keyword == "minItems":
        least = error.validator_value
        has = f"has {len(instance)}" if isinstance(instance, list) and instance else "is empty"
        yield at(f"{where} needs at least {least} item{'' if least == 1 else 's'}, but it {has}")
        return
    if keyword == "minLength" or (keyword == "pattern" and error.validator_value == VISIBLE_TEXT):
        yield at(f"{where} must not be empty")
        return
    if keyword == "pattern":
        rule = error.schema.get("description") or f"the pattern {error.validator_value}"
        yield at(f"{where} is {_shown(instance)}, which is not allowed here: {rule}")
        return
    if keyword == "format":
        if error.validator_value == "date" and isinstance(instance, str) and _DATE.match(instance):
            yield at(f"{where} is {_shown(instance)}, a day that does not exist")
        elif error.validator_value == "date":
            yield at(f"{where} is {_shown(instance)}; write a date as YYYY-MM-DD")
        else:
            yield at(f"{where} is not a valid {error.validator_value}")
        return
    if keyword in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        relation = {
            "minimum": "at least",
            "exclusiveMinimum": "greater than",
            "maximum": "at most",
            "exclusiveMaximum": "less than",
        }[keyword]
        yield at(f"{where} is {instance}, but it must be {relation} {error.validator_value}")
        return
    yield at(f"{where}: {error.message}")


def _shown(value: Any) -> str:
    """A value as JSON writes it, cut short: a guide's field may hold a whole file."""
    return json.dumps(_cut(value) if isinstance(value, str) else value, ensure_ascii=False)


def _cut(text: str, longest: int = 60) -> str:
    if len(text) <= longest:
        return text
    return f"{text[: longest - 1]}… ({len(text):,} characters)"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"text ({_shown(value)})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a number ({value})"


# The settings a guide may give itself in ``x-contentqa`` objects, at any level of it.
SETTINGS = ("ignore", "reason", "expires", "audience")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def validate_settings(
    data: Any, audiences: Collection[str], pointer: str = ""
) -> Iterator[Diagnostic]:
    """Problems of the guide's own ``x-contentqa`` settings, which the schema leaves open
    (``x-`` fields are the writer's): a setting misspelt or of the wrong kind would
    otherwise be dropped without a word, a suppression never expire."""
    if isinstance(data, dict):
        if "x-contentqa" in data:
            yield from _setting_problems(data["x-contentqa"], audiences, pointer)
        for key, value in data.items():
            if key != "x-contentqa":
                yield from validate_settings(value, audiences, f"{pointer}/{escape_token(key)}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from validate_settings(value, audiences, f"{pointer}/{index}")


def _setting_problems(
    settings: Any, audiences: Collection[str], pointer: str
) -> Iterator[Diagnostic]:
    at = f"{pointer}/x-contentqa"
    if not isinstance(settings, dict):
        yield Diagnostic(at, f"`x-contentqa` must be an object of settings: {', '.join(SETTINGS)}")
        return
    for key, value in settings.items():
        where = f"{at}/{escape_token(str(key))}"
        if key not in SETTINGS:
            close = difflib.get_close_matches(key, SETTINGS, n=1)
            hint = (
                f"; did you mean `{close[0]}`?"
                if close
                else f"; the settings are {', '.join(SETTINGS)}"
            )
            yield Diagnostic(where, f"unknown setting `{key}` in `x-contentqa`{hint}")
        elif key == "ignore" and isinstance(value, list) and all(isinstance(c, str) for c in value):
            for problem in filter(None, map(unknown_rule, rule_patterns(tuple(value)))):
                yield Diagnostic(where, f"`ignore`: {problem}")
        elif key == "ignore":
            yield Diagnostic(
                where, '`ignore` must be a list of rule codes or names, such as ["D005"]'
            )
        elif key == "reason" and not isinstance(value, str):
            yield Diagnostic(where, "`reason` must be text")
        elif key == "expires" and read_date(value) is None:
            yield Diagnostic(
                where,
                '`expires` must be a date written YYYY-MM-DD, such as "2027-01-31"; as '
                "written, the suppression would never expire",
            )
        elif key == "audience":
            if not isinstance(value, str) or value not in audiences:
                yield Diagnostic(
                    where,
                    f"unknown audience {json.dumps(value, ensure_ascii=False)}; the audiences "
                    f"are {', '.join(sorted(audiences))} (others are defined under "
                    "`audiences` in the configuration); the guide was scored for the run's",
                )
            elif pointer:
                yield Diagnostic(
                    where,
                    "`audience` is read from the guide's top-level `x-contentqa` only; "
                    "move it there",
                )


def read_date(value: Any) -> dt.date | None:
    """A date written YYYY-MM-DD, as a setting's ``expires`` must be; None otherwise (the
    suppressions read it so too: "20270131" is no date here, whatever Python reads)."""
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
