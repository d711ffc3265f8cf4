"""Baselines: accept a library's existing findings and fail only on new ones.

``contentqa baseline`` writes the fingerprints of the current findings, and the library's
duplication ratio, to ``.contentqa-baseline.json``. ``contentqa check --baseline FILE`` then
drops findings whose fingerprint is in the file, says how many baselined findings are gone
(so the file can be shrunk), and fails when the library's duplication ratio rose above the
baseline's. Fingerprints leave out list indices and hash what a finding is about, so they
survive edits elsewhere in the file and a paragraph moving within its list.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contentqa import __version__
from contentqa.config import Config, config_relative
from contentqa.load import GUIDE_SUFFIXES
from contentqa.model import Finding, Report
from contentqa.report import json_text

DEFAULT_PATH = ".contentqa-baseline.json"
FORMAT_VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be used; the message says why."""


@dataclass(frozen=True)
class Baseline:
    fingerprints: frozenset[str]
    duplication_ratio: float | None
    # The files its findings are in, named as the fingerprints name them: from the
    # configuration file's folder, or, without one, from the folder it was made in.
    files: frozenset[str] = frozenset()
    # (fingerprint, rule code, file) of each finding that names them.
    entries: tuple[tuple[str, str, str], ...] = ()
    # Every guide the baseline's run checked, named as ``files``; None in a baseline
    # written before they were recorded.
    guides: frozenset[str] | None = None


@dataclass(frozen=True)
class Applied:
    kept: list[Finding]
    baselined: int
    gone: int


def render(report: Report, config: Config) -> str:
    entries = [
        {
            "fingerprint": f.fingerprint,
            "code": f.code,
            "file": config_relative(f.file, config.source),
            "pointer": f.pointer,
            "message": f.message,
        }
        for f in sorted(report.findings, key=lambda f: f.fingerprint)
    ]
    payload: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "tool": {"name": "contentqa", "version": __version__},
        "library_duplication_ratio": report.library_metrics.get("duplication_ratio"),
        "guides": sorted({config_relative(g.file, config.source) for g in report.guides}),
        "findings": entries,
    }
    return json_text(payload)


def load(path: Path) -> Baseline:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BaselineError(
            f"{path}: baseline file not found (create it with `contentqa baseline`)"
        ) from exc
    except IsADirectoryError as exc:
        raise BaselineError(f"{path}: is a folder; name the baseline file") from exc
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise BaselineError(f"{path}: not a contentqa baseline: it is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise BaselineError(
            f"{path}:{exc.lineno}:{exc.colno}: not a contentqa baseline: it is not valid JSON"
        ) from exc
    except RecursionError:
        raise BaselineError(f"{path}: not a contentqa baseline: it is nested too deeply") from None
    except ValueError:  # past Python's limit of 4,300 digits
        raise BaselineError(
            f"{path}: not a contentqa baseline: it holds a number thousands of digits long"
        ) from None
    if not isinstance(payload, dict) or payload.get("version") != FORMAT_VERSION:
        raise BaselineError(f"{path}: not a contentqa baseline (version {FORMAT_VERSION})")
    findings = payload.get("findings", [])
    if not isinstance(findings, list) or not all(
        isinstance(f, dict) and isinstance(f.get("fingerprint"), str) for f in findings
    ):
        raise BaselineError(f"{path}: `findings` must be a list of objects with a fingerprint")
    for key in ("code", "file"):
        if any(key in f and not isinstance(f[key], str) for f in findings):
            raise BaselineError(f"{path}: `findings` entries' `{key}` must be text")
    guides = payload.get("guides")
    if guides is not None and not (
        isinstance(guides, list) and all(isinstance(g, str) for g in guides)
    ):
        raise BaselineError(f"{path}: `guides` must be a list of file names")
    ratio = payload.get("library_duplication_ratio")
    if ratio is not None and not (
        isinstance(ratio, int | float) and not isinstance(ratio, bool) and 0 <= ratio <= 1
    ):
        raise BaselineError(
            f"{path}: `library_duplication_ratio` must be a share from 0 to 1, not "
            f"{json.dumps(ratio)[:40]}; make the baseline again with `contentqa baseline`"
        )
    return Baseline(
        frozenset(f["fingerprint"] for f in findings),
        float(ratio) if isinstance(ratio, int | float) else None,
        frozenset(f["file"] for f in findings if "file" in f),
        tuple(
            (f["fingerprint"], f["code"], f["file"])
            for f in findings
            if "code" in f and "file" in f
        ),
        frozenset(guides) if guides is not None else None,
    )


def apply(
    findings: Sequence[Finding],
    baseline: Baseline,
    config: Config | None = None,
    reported: Iterable[str] | None = None,
) -> Applied:
    """Drop the baselined findings, and count the baselined ones gone: only those this run
    could have found, whose rule is enabled (``config``) and, for a guide, whose file is
    one it reports on (``reported``, named as reports name files): a run of some rules
    or of the changed files only does not make the others' findings look fixed."""
    kept = [f for f in findings if f.fingerprint not in baseline.fingerprints]
    present = {f.fingerprint for f in findings}
    unseen: set[str] = set()
    if config is not None:
        files = None if reported is None else {config_relative(f, config.source) for f in reported}
        unseen = {
            fingerprint
            for fingerprint, code, file in baseline.entries
            if not config.enabled(code)
            or (
                files is not None
                and file.endswith(GUIDE_SUFFIXES)
                and file not in files
                and _still_there(file, config)  # a deleted guide's findings are gone
            )
        }
    return Applied(
        kept=kept,
        baselined=len(findings) - len(kept),
        gone=len(baseline.fingerprints - present - unseen),
    )


def missing_guides(baseline: Baseline, config: Config, checked: Iterable[str]) -> int:
    """How many of the guides the baseline's run checked, and that still exist, this run
    does not (``checked``: its files, named as reports name files): a library's duplication
    ratio is comparable with the baseline's only over the same guides or more."""
    if baseline.guides is None:
        return 0
    left_out = baseline.guides - {config_relative(f, config.source) for f in checked}
    return sum(1 for file in left_out if _still_there(file, config))  # not deleted ones


def _still_there(file: str, config: Config) -> bool:
    """Whether a guide the baseline names (from the configuration file's folder, or the
    working directory) still exists: one deleted or renamed since is not left out."""
    folder = config.source.absolute().parent if config.source else Path.cwd()
    return (folder / file).is_file()
