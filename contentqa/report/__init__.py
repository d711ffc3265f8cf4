"""Report stage: a finished :class:`~contentqa.model.Report` -> bytes for people and machines.

Reporters only format; they never analyze.
"""

from __future__ import annotations

import dataclasses
import errno
import importlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from contentqa.model import Finding, Position, Report, Span
from contentqa.paths import relative_to


def json_bytes(value: object) -> bytes:
    """``value`` as indented JSON in UTF-8 (the layout of ``json.dumps(indent=2)``), made by
    orjson: a 10,000-guide report takes 5 s with the standard encoder, whose indenting form
    is pure Python."""
    import orjson

    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def json_text(value: object) -> str:
    return json_bytes(value).decode()


def range_end(line: int, column: int, span: Span | None, end: Position | None) -> Position | None:
    """Where a finding's range ends in the file, for the formats that mark one: ``end`` from
    the source map, else the span's length in characters from ``column`` (right for text
    without escapes), else None."""
    if end is not None:
        return end
    if span is not None:
        return Position(line, column + max(0, span.end - span.start))
    return None


def findings_from_project(report: Report) -> list[Finding]:
    """The report's findings in order, their files named from the project's folder (the
    configuration file's) instead of the working directory: as CI systems name a
    repository's files, whichever folder the run was started in, when the configuration
    file is at the repository's root."""
    ordered = sorted(report.findings, key=Finding.sort_key)
    folder = report.project_folder
    if not folder:
        return ordered

    cwd = os.getcwd()

    def named(file: str) -> str:
        if not file or file.startswith("<"):  # no file: "<stdin>"
            return file
        return relative_to(file, folder, cwd)

    return [
        dataclasses.replace(
            f,
            file=named(f.file),
            related=tuple(dataclasses.replace(r, file=named(r.file)) for r in f.related),
        )
        for f in ordered
    ]


@dataclass(frozen=True)
class Format:
    """An output format: its renderer and the file name it is written to by default."""

    name: str
    module: str
    extension: str
    description: str

    def renderer(self) -> Callable[[Report], str]:
        return importlib.import_module(self.module).render

    def pages(
        self, report: Report, target: Path, jobs: int = 1
    ) -> Iterator[tuple[Path, str | Iterable[bytes]]]:
        """The files of this format for ``target``, each made as it is taken: one, or an
        index with its pages (the HTML report of a large library, drawn by ``jobs``
        processes); a file's content is text, or UTF-8 pieces."""
        module = importlib.import_module(self.module)
        if hasattr(module, "render_pages"):
            for name, text in module.render_pages(report, index_name=target.name, jobs=jobs):
                yield target.parent / name, text
        elif hasattr(module, "render_chunks"):
            yield target, module.render_chunks(report)
        else:
            yield target, module.render(report)

    def leftovers(self, target: Path, written: Iterable[Path]) -> list[Path]:
        """Files of an earlier report to ``target`` that the files ``written`` now replace
        and do not overwrite (pages of guides no longer checked)."""
        module = importlib.import_module(self.module)
        if hasattr(module, "leftover_pages"):
            return module.leftover_pages(target, written)
        return []


# Each format is a small module with ``render(report) -> str``; modules are imported only
# when their format is asked for, so a run that writes JSON never loads the HTML templates.
FORMATS: dict[str, Format] = {
    "json": Format("json", "contentqa.report.json_report", "json", "machine-readable report"),
    "html": Format("html", "contentqa.report.html_report", "html", "report for people"),
    "sarif": Format("sarif", "contentqa.report.sarif", "sarif", "SARIF 2.1.0 for code scanning"),
    "junit": Format("junit", "contentqa.report.junit", "junit.xml", "JUnit XML, a test per guide"),
    "github": Format(
        "github", "contentqa.report.github", "github.txt", "GitHub Actions annotations"
    ),
    "gitlab": Format("gitlab", "contentqa.report.gitlab", "gitlab.json", "GitLab Code Quality"),
}


def default_path(fmt: str, output_dir: str) -> Path:
    return Path(output_dir) / f"contentqa.{FORMATS[fmt].extension}"


def write_atomic(path: Path, content: str | Iterable[bytes]) -> None:
    """Write ``content`` (text, or UTF-8 pieces) to ``path`` through a temporary file and a
    rename, so a reader never sees a half-written report and a crash never leaves one
    behind."""
    write_together([(path, content)])


def write_together(files: Iterable[tuple[Path, str | Iterable[bytes]]]) -> None:
    """Write every file as :func:`write_atomic` does, with the renames last, in the order
    given: if making or writing any of them fails, no old file has been replaced and no
    temporary file is left. Only a failure among the renames themselves (a full stop of
    the machine, say) can leave some files new and the later ones old. A device or a pipe
    (``/dev/stdout``) is written into, last; a link, through to its target."""
    staged: list[tuple[str, Path]] = []
    streams: list[tuple[Path, str | Iterable[bytes]]] = []
    try:
        for path, content in files:
            if _is_stream(path):
                streams.append((path, content))
                continue
            # Through a link to its target: the link stays, and names the new report.
            real = os.path.realpath(path)
            if os.path.islink(real):  # a loop of links: there is no target to write
                raise OSError(errno.ELOOP, "it is a link in a loop of links", None, None, real)
            path = Path(real)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            os.fchmod(fd, 0o644)  # a report is for sharing; mkstemp makes it private
            with os.fdopen(fd, "wb") as handle:
                _write(handle, content)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for path, content in streams:
        try:
            with open(path, "wb") as handle:
                _write(handle, content)
        except OSError as exc:
            # Named as a rename's target is: second (a write names no file).
            raise OSError(exc.errno, exc.strerror, exc.filename, None, str(path)) from exc


def _is_stream(path: Path) -> bool:
    """Whether ``path`` is a device or a pipe (``/dev/stdout``, ``/dev/null``, a FIFO): it
    is written into, since renaming a file over it would replace it."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _write(handle: BinaryIO, content: str | Iterable[bytes]) -> None:
    if isinstance(content, str):
        handle.write(content.encode("utf-8"))
    else:
        handle.writelines(content)
