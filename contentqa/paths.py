"""File names as reports and configuration globs see them."""

from __future__ import annotations

import functools
import os
from pathlib import Path


@functools.lru_cache(maxsize=1 << 14)
def relative_to(file: str, folder: str, cwd: str) -> str:
    """``file``, relative to ``cwd`` (or absolute), as seen from ``folder``, with forward
    slashes; ``file`` itself when no relative name reaches it (another drive on Windows).
    ``cwd`` is the working directory, even where ``file`` is absolute: the answers are
    kept, and a relative ``folder`` means another folder after a change of directory."""
    try:
        return Path(os.path.relpath(os.path.join(cwd, file), folder)).as_posix()
    except ValueError:
        return file
