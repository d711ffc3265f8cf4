"""Files changed since a git ref, for ``check --changed-since REF``."""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """git could not answer; the message says why."""


def changed_files(ref: str, cwd: Path | None = None) -> set[Path]:
    """Files changed between ``ref`` and the working tree, plus untracked files, as absolute
    paths. Deleted files are left out: there is nothing to check in them."""
    if ref.startswith("-"):
        # git would read it as an option (``--output=FILE`` writes a file).
        raise GitError(f"--changed-since: {ref!r} is not a git ref")
    root = _git(["rev-parse", "--show-toplevel"], cwd).strip()
    diff = _git(["diff", "--name-only", "--diff-filter=d", ref, "--"], cwd)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "--full-name"], cwd)
    names = [line for line in (diff + untracked).splitlines() if line.strip()]
    return {(Path(root) / name).resolve() for name in names}


def _git(args: list[str], cwd: Path | None) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
        )
    except FileNotFoundError as exc:
        raise GitError("--changed-since needs git, which is not installed") from exc
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed"
        raise GitError(f"git {' '.join(args[:2])}: {detail}")
    return result.stdout
