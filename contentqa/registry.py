"""The rule registry: every check the tool can report, with its code, name and documentation.

A rule is a class with a stable ``code`` (``D001``), a kebab-case ``name``, a ``category``, a
default ``severity``, typed ``Options`` (a frozen dataclass whose field metadata carries the
help text) and a docstring that is its user documentation (``contentqa explain CODE``).

Rules with ``scope = "guide"`` look at one guide at a time; ``scope = "library"`` rules see
every guide of the run (cross-guide duplicates). ``scope = "loader"`` rules are reported by
the load and validate stages and live here so they can be documented, selected and ignored
like any other.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
import textwrap
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from contentqa.model import Category, Diagnostic, Severity

if TYPE_CHECKING:
    from contentqa.analyze import GuideContext, LibraryContext

_CODE = re.compile(r"^[A-Z][0-9]{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


@dataclasses.dataclass(frozen=True)
class NoOptions:
    pass


def option(
    default: Any,
    help: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    choices: tuple[str, ...] = (),
) -> Any:
    """A documented rule option with its default, and the values a configuration may give
    it (checked when the configuration is read)."""
    metadata = {"help": help, "minimum": minimum, "maximum": maximum, "choices": choices}
    if isinstance(default, list | dict | set):
        return dataclasses.field(default_factory=lambda: type(default)(default), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def option_name(f: dataclasses.Field) -> str:
    """An option's name as the configuration spells it (``max-pairs``)."""
    return f.name.replace("_", "-")


def allowed_values(f: dataclasses.Field) -> str:
    """What an option accepts, in words ("" when any value of its type will do)."""
    minimum, maximum = f.metadata.get("minimum"), f.metadata.get("maximum")
    if f.metadata.get("choices"):
        return "one of " + ", ".join(f.metadata["choices"])
    if minimum is not None and maximum is not None:
        return f"from {minimum:g} to {maximum:g}"
    if minimum is not None:
        return f"{minimum:g} or more"
    if maximum is not None:
        return f"{maximum:g} or less"
    return ""


def value_allowed(f: dataclasses.Field, value: Any) -> bool:
    minimum, maximum = f.metadata.get("minimum"), f.metadata.get("maximum")
    choices = f.metadata.get("choices")
    return (
        (not choices or value in choices)
        and (minimum is None or value >= minimum)
        and (maximum is None or value <= maximum)
    )


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[Category]
    severity: ClassVar[Severity]
    scope: ClassVar[str] = "guide"
    Options: ClassVar[type] = NoOptions
    # The findings' related places come in pairs: a place of the finding's own guide, then
    # the place in another guide that it repeats (reports show each pair side by side).
    related_in_pairs: ClassVar[bool] = False

    def __init__(self, options: Any | None = None) -> None:
        self.options = options if options is not None else self.Options()

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        return iter(())

    def check_library(self, library: LibraryContext) -> Iterator[Diagnostic]:
        return iter(())

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """The documentation's first paragraph, on one line."""
        return " ".join(cls.documentation().split("\n\n", 1)[0].split())

    @classmethod
    def option_fields(cls) -> tuple[dataclasses.Field, ...]:
        return dataclasses.fields(cls.Options)


REGISTRY: dict[str, type[Rule]] = {}
# Functions computing figures over the whole run: (library) -> (per-file metrics, library metrics).
METRICS: list[Callable[[LibraryContext], tuple[dict[str, dict], dict]]] = []
# Functions computing figures of one guide, in the per-file stage: (guide) -> metrics.
GUIDE_METRICS: list[Callable[[GuideContext], dict]] = []


# Per-guide work for library rules, done in the per-file stage (on every core) and kept in
# ``guide.prepared[name]``: (guide) -> value, or None when not needed.
LIBRARY_PREPARERS: dict[str, Callable[[GuideContext], Any]] = {}


def register_preparer(name: str):
    def decorate(fn):
        LIBRARY_PREPARERS[name] = fn
        return fn

    return decorate


def register_metrics(fn):
    METRICS.append(fn)
    return fn


def register_guide_metrics(fn):
    GUIDE_METRICS.append(fn)
    return fn


def register(cls: type[Rule]) -> type[Rule]:
    if not _CODE.match(cls.code):
        raise ValueError(f"rule code {cls.code!r} must look like D001")
    if not _NAME.match(cls.name):
        raise ValueError(f"rule name {cls.name!r} must be kebab-case")
    if not cls.__doc__:
        raise ValueError(f"rule {cls.code} has no documentation")
    for other in REGISTRY.values():
        if other.code == cls.code or other.name == cls.name:
            raise ValueError(f"rule {cls.code} {cls.name} registered twice")
    REGISTRY[cls.code] = cls
    return cls


def all_rules() -> list[type[Rule]]:
    import contentqa.rules  # noqa: F401  (registers the built-in rules)

    return [REGISTRY[code] for code in sorted(REGISTRY)]


def get_rule(code: str) -> type[Rule]:
    if code not in REGISTRY:
        all_rules()
    return REGISTRY[code]


def related_in_pairs(code: str) -> bool:
    """Whether the findings of rule ``code`` list their related places in pairs."""
    if code not in REGISTRY:
        all_rules()
    rule = REGISTRY.get(code)  # None for a code no rule has (a report from another version)
    return rule is not None and rule.related_in_pairs


def find_rule(code_or_name: str) -> type[Rule] | None:
    wanted = code_or_name.strip()
    for rule in all_rules():
        if wanted.upper() == rule.code or wanted.lower() == rule.name:
            return rule
    return None


def explain(rule: type[Rule]) -> str:
    """The rule's full documentation as printed by ``contentqa explain``."""
    lines = [
        f"{rule.code} {rule.name}",
        f"Category: {rule.category.value}    Default severity: {rule.severity.value}",
        "",
        rule.documentation(),
    ]
    fields = rule.option_fields()
    if fields:
        lines += ["", "Options:"]
        for f in fields:
            default = f.default_factory() if callable(f.default_factory) else f.default
            allowed = allowed_values(f)
            shown = json.dumps(default, default=list)  # as TOML writes it: "ratio", true
            lines.append(
                f"  {option_name(f)} (default: {shown}{'; ' + allowed if allowed else ''})"
            )
            lines.extend(
                textwrap.wrap(
                    f.metadata.get("help", ""),
                    76,
                    initial_indent="      ",
                    subsequent_indent="      ",
                )
            )
    return "\n".join(lines).rstrip() + "\n"
