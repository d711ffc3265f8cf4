"""Audience targets for readability: named profiles, chosen per run, per path or per guide."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Audience:
    """A readability target: the Flesch Reading Ease floor and Flesch-Kincaid grade ceiling."""

    name: str
    min_reading_ease: float
    max_grade: float
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "min_reading_ease": self.min_reading_ease,
            "max_grade": self.max_grade,
        }


# Thresholds from Flesch's reading-ease scale (R. Flesch, "The Art of Readable Writing",
# 1949): 60-70 is "plain English" (grades 8-9), 80-90 "easy" (grade 6), 30-50 "difficult"
# (college). Grade ceilings follow the US school grades the scale maps to.
BUILTIN_AUDIENCES: dict[str, Audience] = {
    "general": Audience("general", 60.0, 8.0, "adults in general: plain English"),
    "children": Audience("children", 80.0, 6.0, "readers aged about 9 to 12: easy"),
    "expert": Audience("expert", 30.0, 16.0, "specialists: college-level text is fine"),
}


def choose_audience(
    file: str,
    data: Mapping[str, Any],
    default: str,
    by_path: tuple[tuple[str, str], ...],
    audiences: Mapping[str, Audience],
) -> tuple[Audience, str]:
    """The guide's audience and where it came from: the guide's own ``x-contentqa``
    setting, else the first ``audience-by-path`` glob that matches, else the run default."""
    own = data.get("x-contentqa")
    if isinstance(own, Mapping) and isinstance(own.get("audience"), str):
        name = own["audience"]
        if name in audiences:
            return audiences[name], "guide"
    for pattern, name in by_path:
        if fnmatch.fnmatch(file, pattern):
            return audiences[name], f"path {pattern}"
    return audiences[default], "run"
