"""Load stage: guide files -> parsed documents with source maps, or findings saying why not.

Input files are only ever opened for reading.
"""

from __future__ import annotations

import codecs
import errno
import json
import math
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from contentqa.model import Diagnostic, Document, Position
from contentqa.pointers import escape_token
from contentqa.sourcemap import SourceMap

GUIDE_SUFFIXES = (".json", ".md")
_BOM = b"\xef\xbb\xbf"
# A carriage return not followed by a line feed: a line break in old Mac files, and in every
# editor, while JSON reads it as a space and Python's decoder and tree-sitter count lines by
# line feeds only. Read as a line feed, one character for one, it keeps every offset and puts
# findings on the lines the editor shows; the parsed guide is the same (a raw carriage return
# inside JSON text is an error either way).
_LONE_CR = re.compile(r"\r(?!\n)")
_LONE_CR_BYTES = re.compile(rb"\r(?!\n)")


class PathError(Exception):
    """A path given by the user matches no guide file."""


@dataclass(frozen=True)
class Loaded:
    """The result of loading one file: a document, or the problems that prevented it."""

    file: str
    document: Document | None
    problems: tuple[tuple[str, Diagnostic], ...] = ()


def discover(
    paths: Iterable[str | Path],
    suffixes: tuple[str, ...] = GUIDE_SUFFIXES,
    skip: Iterable[Path] = (),
    on_report: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Every guide file under ``paths`` (files or folders, recursive), sorted, without repeats:
    a file reached twice (``a.json`` and ``./x/../a.json``, a folder and a file in it) is
    checked once, or its two readings would be reported as copies of each other. Files in
    ``skip`` (the reports the run writes) are left out of folders; files named are not. So
    are the tool's own reports and baselines found elsewhere in folders (written with
    ``--output``), each passed to ``on_report``."""
    found: dict[tuple[int, int], Path] = {}
    skipped = {_identity(p) for p in skip if p.is_file()}

    def add(path: Path, identity: tuple[int, int]) -> None:
        if identity not in found or path.as_posix() < found[identity].as_posix():
            found[identity] = path

    for raw in paths:
        path = Path(raw)
        if path.is_file():
            add(path, _identity(path))
        elif path.is_dir():
            matches = []
            for match in path.rglob("*"):
                # Hidden files and folders (.git, .contentqa-baseline.json) are never guides.
                if match.suffix.lower() not in suffixes or any(
                    part.startswith(".") for part in match.relative_to(path).parts
                ):
                    continue
                try:
                    status = match.stat()
                except OSError:  # a link to nothing, or a loop: reported as unreadable
                    status = match.lstat()
                if not stat.S_ISDIR(status.st_mode):
                    regular = stat.S_ISREG(status.st_mode)
                    matches.append((match, (status.st_dev, status.st_ino), regular))
            if not matches:
                raise PathError(f"{raw}: folder contains no guide files ({', '.join(suffixes)})")
            for match, identity, regular in matches:
                if identity in skipped:
                    continue
                if regular and is_own_output(match):  # opening a pipe would wait
                    if on_report:
                        on_report(match)
                    continue
                add(match, identity)
        elif os.path.lexists(path):
            # A FIFO or device, a link to nothing, or a loop of links: reported when read,
            # and the run goes on with the other files.
            status = path.lstat()
            add(path, (status.st_dev, status.st_ino))
        else:
            raise PathError(f"{raw}: no such file or folder")
    return sorted(found.values(), key=lambda p: p.as_posix())


# What the tool's JSON reports and baselines (`"tool": {"name": "contentqa"`), SARIF reports
# (`"driver"`) and GitLab reports (`"engine_name"`) say near their start; no guide says it.
_OWN_OUTPUT = re.compile(
    rb'"(?:tool|driver)"\s*:\s*\{\s*"name"\s*:\s*"contentqa"|"engine_name"\s*:\s*"contentqa"'
)
_OWN_OUTPUT_WITHIN = 1024


def is_own_output(path: Path) -> bool:
    """Whether ``path`` is a report or baseline this tool wrote: JSON whose first few
    kilobytes name the tool."""
    if path.suffix.lower() != ".json":
        return False
    try:
        with path.open("rb") as handle:
            start = handle.read(_OWN_OUTPUT_WITHIN)
    except OSError:  # reported when the file is read as a guide
        return False
    return _OWN_OUTPUT.search(start) is not None


def _identity(path: Path) -> tuple[int, int]:
    """The file itself, however it is reached (links, ``..``, absolute or relative)."""
    status = path.stat()
    return status.st_dev, status.st_ino


def display_name(path: Path) -> str:
    """The file name used in reports: relative to the working directory when possible."""
    try:
        name = Path(os.path.relpath(path)).as_posix() if path.is_absolute() else path.as_posix()
    except ValueError:
        name = path.as_posix()
    return printable_name(name)


def printable_name(name: str) -> str:
    """``name`` with the bytes that are not UTF-8 (which the system hands over as lone
    surrogates, and no report format can hold) written as ``\\xff``."""
    if name.isascii():
        return name
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def load_file(path: Path, max_bytes: int) -> Loaded:
    file = display_name(path)
    try:
        # Opened without waiting (a pipe would wait for a writer), then looked at: what is
        # read is what was looked at, even if the name changed hands in between.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode):  # a device's reading might never end
                what = "a folder" if stat.S_ISDIR(status.st_mode) else "a pipe or a device"
                return _problem(file, "S002", f"cannot read file: it is {what}, not a file")
            size = status.st_size
            if size > max_bytes:
                return too_large(file, max_bytes, size)
            # Not max_bytes + 1: a read allocates what it is asked for (MemoryError at 10^12).
            raw = handle.read(min(size, max_bytes) + 1)
            if len(raw) > size:  # it grew since: read on, up to the limit
                raw += handle.read(max_bytes + 1 - len(raw))
    except OSError as exc:
        if path.is_symlink() and not path.exists() and exc.errno == errno.ENOENT:
            why = f"it is a link to {os.readlink(path)}, which does not exist"
        elif exc.errno == errno.ELOOP:
            why = "it is a link in a loop of links that never reaches a file"
        else:
            why = exc.strerror or str(exc)
        return _problem(file, "S002", f"cannot read file: {why}")
    if len(raw) > max_bytes:
        return too_large(file, max_bytes, len(raw))
    return load_bytes(file, str(path), raw)


def read_stream(stream: BinaryIO, max_bytes: int) -> bytes:
    """Up to ``max_bytes + 1`` bytes of ``stream``, in pieces: a single read of the limit
    would allocate all of it first."""
    pieces: list[bytes] = []
    total = 0
    while total <= max_bytes:
        piece = stream.read(min(1 << 20, max_bytes + 1 - total))
        if not piece:
            break
        pieces.append(piece)
        total += len(piece)
    return b"".join(pieces)


def too_large(file: str, max_bytes: int, size: int | None = None) -> Loaded:
    """The finding for a file over ``max-file-size`` (``size`` unknown: read from a stream
    that went on past the limit)."""
    what = f"file is {_size(size)}, over" if size is not None else "input goes on past"
    return _problem(
        file,
        "S004",
        f"{what} the limit of {_size(max_bytes)} (`max-file-size`); it was not checked (raise "
        "the limit if this is intended)",
    )


def load_bytes(file: str, path: str, raw: bytes) -> Loaded:
    if raw.startswith(_BOM):
        return _problem(
            file,
            "S001",
            "file starts with a byte order mark (BOM); save it as UTF-8 without BOM",
        )
    if b"\x00" in raw:
        # Valid UTF-8, but no text file holds a raw NUL: UTF-16 and UTF-32 text put one in
        # every other byte of plain ASCII, or more.
        if _looks_like_utf16(raw):
            message, position = "it is UTF-16 or UTF-32 text, not UTF-8", Position(1, 1)
        else:
            message = "it holds a NUL byte, which no text file does"
            position = _byte_position(raw, raw.index(b"\x00"))
        return _problem(file, "S001", f"{message}; save the file as UTF-8 text", position)
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        position = _byte_position(raw, exc.start)
        return _problem(
            file,
            "S001",
            f"file is not valid UTF-8: byte 0x{raw[exc.start]:02X} cannot be read; "
            "save the file as UTF-8",
            position,
        )
    if "\r" in source:
        source = _LONE_CR.sub("\n", source)
    if path.lower().endswith(".md") and not source.lstrip().startswith("{"):
        # A guide's JSON saved under a Markdown name is read as JSON, at its own lines (as
        # Markdown, its whole text became front matter, every finding at 1:1).
        return load_markdown(file, path, source)
    return load_text(file, path, source)


def load_markdown(file: str, path: str, source: str) -> Loaded:
    """A guide drafted in Markdown (see :mod:`contentqa.markdown` for the mapping)."""
    from contentqa.markdown import MarkdownError, parse

    try:
        data, source_map = parse(source)
    except MarkdownError as exc:
        return _problems(
            file,
            [
                ("S010", f"cannot read this Markdown guide: {error.message}", error.position)
                for error in exc.errors
            ],
        )
    too_deep = _nested_too_deep(file, data, lambda: source_map)
    if too_deep is not None:
        return too_deep
    document = Document(file=file, path=path, data=data, source_map=source_map)
    return Loaded(file, document)


def load_text(file: str, path: str, source: str) -> Loaded:
    duplicates: list[tuple[int, str]] = []
    if not source.strip():
        return _problem(file, "S002", "the file is empty; a guide file holds one JSON object")
    try:
        data = json.loads(
            source,
            object_pairs_hook=_pairs_hook(duplicates),
            parse_constant=_not_json,
            parse_int=_int_literal,
            parse_float=_float_literal,
        )
    except json.JSONDecodeError as exc:
        return _syntax_problem(file, source, exc)
    except _NumberTooLarge as exc:
        literal = exc.args[0]
        shown = literal if len(literal) <= 24 else f"{literal[:20]}… ({len(literal):,} characters)"
        return _problem(
            file,
            "S002",
            f"invalid number: {shown} is too large to be read; write a smaller number",
            _bare_position(source, lambda token: token == literal),
        )
    except _NotJsonConstant as exc:
        return _problem(
            file,
            "S002",
            f"invalid JSON: {exc.args[0]} is not a JSON value; write a number, or null",
            _bare_position(source, lambda token: token.lstrip("-") in ("NaN", "Infinity")),
        )
    except RecursionError:
        # Deeper than the reader goes (about 1,000 levels): the same finding as for 101.
        offset = _too_deep_offset(source, MAX_DEPTH)
        return _problem(
            file,
            "S002",
            _TOO_DEEP,
            _offset_position(source, offset) if offset is not None else None,
        )
    unreadable = _unreadable_text(source)
    if unreadable is not None:
        offset, escape = unreadable
        return _problem(
            file,
            "S002",
            f"invalid text: {escape} is half of a surrogate pair, not a character; write the "
            "character itself",
            _offset_position(source, offset),
        )
    # Nesting deeper than the limit needs more opening brackets than the limit.
    if source.count("{") + source.count("[") > MAX_DEPTH:
        too_deep = _nested_too_deep(file, data, lambda: SourceMap(source))
        if too_deep is not None:
            return too_deep
    if not isinstance(data, dict):
        kind = _json_type(data)
        return _problem(
            file,
            "S003",
            f"the file holds {kind}, but a guide file must hold one object `{{...}}`",
            Position(1, 1),
        )
    source_map = SourceMap(source)
    document = Document(file=file, path=path, data=data, source_map=source_map)
    problems = tuple(
        ("S005", diagnostic)
        for diagnostic in _duplicate_key_diagnostics(source, data, duplicates, source_map)
    )
    return Loaded(file, document, problems)


def _problem(file: str, code: str, message: str, position: Position | None = None) -> Loaded:
    return _problems(file, [(code, message, position)])


def _problems(file: str, problems: list[tuple[str, str, Position | None]]) -> Loaded:
    """A file that could not be read, for each of these reasons (code, message, where)."""
    return Loaded(
        file,
        None,
        tuple(
            (code, Diagnostic("", message, position=position or Position(1, 1)))
            for code, message, position in problems
        ),
    )


def _size(size: int) -> str:
    # Rounded only where nothing is lost: 5,000,001 bytes is not "5.0 MB".
    if size >= 1_000_000 and size % 100_000 == 0:
        return f"{size / 1_000_000:,.1f} MB"
    return f"{size:,} bytes"


def _looks_like_utf16(raw: bytes) -> bool:
    """Text saved as UTF-16 or UTF-32 (Windows Notepad's "Unicode"): a byte order mark for
    them, or a start that reads as such text; not a lone NUL, nor a binary file's NULs."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):
        return True
    sample = raw[:512]
    some = len(sample) // 16
    if len(sample) < 4 or not (sample[0::2].count(0) > some or sample[1::2].count(0) > some):
        # Plain letters, digits and JSON's marks in such text have a NUL in every other
        # byte: a guide holds enough of them, whatever its language.
        return False
    for codec, width in (("utf-32-le", 4), ("utf-32-be", 4), ("utf-16-le", 2), ("utf-16-be", 2)):
        text = sample.decode(codec, errors="ignore")
        readable = sum(1 for char in text if char.isprintable() or char in "\t\r\n")
        if readable >= 0.9 * (len(sample) // width):  # nearly every unit a character
            return True
    return False


def _byte_position(raw: bytes, offset: int) -> Position:
    raw = _LONE_CR_BYTES.sub(b"\n", raw[:offset])
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return Position(line, column)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a true/false value"
    return "a number"


_FRIENDLY_JSON = {
    "Expecting property name enclosed in double quotes": (
        "expected a field name in double quotes (a trailing comma, a comment or single quotes?)"
    ),
    "Expecting ',' delimiter": "expected a comma between two values (is one missing?)",
    "Expecting ':' delimiter": "expected a colon after the field name",
    "Expecting value": "expected a value (text in double quotes, a number, a list or an object)",
    "Unterminated string starting at": "text that starts here has no closing double quote",
    "Extra data": "extra content after the end of the guide object",
    "Invalid control character at": "a raw line break or control character inside text; use \\n",
    "Invalid \\escape": "a backslash that starts no valid escape (write \\\\ for a backslash)",
}


def _syntax_problem(file: str, source: str, exc: json.JSONDecodeError) -> Loaded:
    before = source[: exc.pos].rstrip()
    if source[exc.pos : exc.pos + 1] in ("]", "}") and before.endswith(","):
        message = "invalid JSON: trailing comma after the last element; remove it"
        return _problem(file, "S002", message, _offset_position(source, len(before) - 1))
    zero = exc.pos - 2 if source[exc.pos - 2 : exc.pos] == "-0" else exc.pos - 1
    leading_zero = _LEADING_ZERO.match(source, max(zero, 0))
    if leading_zero and leading_zero.end() == exc.pos + 1:
        number = _NUMBER_AFTER.match(source, leading_zero.start()).group()
        what = (
            "a number written in hexadecimal, octal or binary"
            if number[1:2].isalpha()
            else "a number that starts with 0"
        )
        message = f"invalid JSON: {number} is {what}; write it in plain decimal digits"
        return _problem(file, "S002", message, _offset_position(source, leading_zero.start()))
    cut_short = not source[exc.pos :].strip() and exc.msg != "Extra data"
    if (
        exc.msg == "Expecting ',' delimiter"
        and "\n" in source[len(before) : exc.pos]
        and not cut_short
    ):
        # The parser stops at the next value, on a later line; the comma is missing at the
        # end of the value before, where the writer has to type it.
        after = before.rsplit("\n", 1)[-1].strip()
        message = f"invalid JSON: expected a comma after {_quote_end(after)} (is one missing?)"
        return _problem(file, "S002", message, _offset_position(source, len(before)))
    if cut_short:
        message = "invalid JSON: the file ends before the guide is closed; is it cut short?"
    else:
        message = f"invalid JSON: {_json_message(exc.msg)}"
    return _problem(file, "S002", message, Position(exc.lineno, exc.colno))


# Where JSON reads a lone 0 and then stops (at a digit, or at the x of 0x1).
_LEADING_ZERO = re.compile(r"(?<![\w.\-])-?0[0-9xXoObB]")
_NUMBER_AFTER = re.compile(r"-?0[0-9a-zA-Z_.]{0,20}")


def _quote_end(text: str, limit: int = 40) -> str:
    """The end of ``text`` in curly quotes, cut with an ellipsis before its last ``limit``
    characters."""
    return f"“{text if len(text) <= limit else '…' + text[-limit + 1 :].lstrip()}”"


def _json_message(msg: str) -> str:
    return _FRIENDLY_JSON.get(msg, msg[:1].lower() + msg[1:])


class _NotJsonConstant(ValueError):
    pass


def _not_json(name: str) -> float:
    # Python reads NaN and Infinity, which JSON does not have (RFC 8259): other tools
    # reading the guide would reject it.
    raise _NotJsonConstant(name)


# A string literal, or a bare value outside one: a number, NaN or Infinity.
_STRING_OR_BARE = re.compile(r'"(?:[^"\\]|\\.)*"|(-?(?:NaN|Infinity|\d[\d.eE+-]*))')


def _bare_position(source: str, wanted: Callable[[str], bool]) -> Position:
    """Where the first bare value (outside strings) that is ``wanted`` stands."""
    for match in _STRING_OR_BARE.finditer(source):
        if match.group(1) and wanted(match.group(1)):
            return _offset_position(source, match.start(1))
    return Position(1, 1)


def _offset_position(source: str, offset: int) -> Position:
    return Position(source.count("\n", 0, offset) + 1, offset - source.rfind("\n", 0, offset))


class _NumberTooLarge(ValueError):
    pass


def _int_literal(literal: str) -> int:
    try:
        return int(literal)
    except ValueError:  # over Python's limit of 4,300 digits for reading an integer
        raise _NumberTooLarge(literal) from None


def _float_literal(literal: str) -> float:
    value = float(literal)
    if math.isinf(value):  # 1e400: no tool reads it as a number
        raise _NumberTooLarge(literal)
    return value


# Guides nest five or six levels; deeper data (in an ``x-`` field) could not even be sent
# between processes (pickling recurses once per level).
MAX_DEPTH = 100


def _nested_too_deep(file: str, data: object, source_map: Callable[[], Any]) -> Loaded | None:
    pointer = _too_deep(data, MAX_DEPTH)
    if pointer is None:
        return None
    return _problem(file, "S002", _TOO_DEEP, source_map().position(pointer))


_TOO_DEEP = (
    f"invalid guide: lists and objects nested more than {MAX_DEPTH} levels deep; a guide is "
    "never that deep"
)
_STRUCTURE = re.compile(r'[][{}"\\]')


def _too_deep_offset(source: str, limit: int) -> int | None:
    """The offset of the first bracket that opens a list or object more than ``limit``
    levels deep, brackets inside strings aside."""
    depth = 0
    in_string = False
    skip_to = -1  # past an escaped character
    for match in _STRUCTURE.finditer(source):
        at, char = match.start(), match.group()
        if at < skip_to:
            continue
        if in_string:
            if char == "\\":
                skip_to = at + 2
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return at
        elif char in "]}":
            depth -= 1
    return None


def _too_deep(data: object, limit: int) -> str | None:
    """The pointer of the first list or object nested more than ``limit`` levels deep."""
    stack = [(data, "", 1)] if isinstance(data, (dict, list)) else []
    while stack:
        node, pointer, depth = stack.pop()
        if depth > limit:
            return pointer
        items = node.items() if isinstance(node, dict) else enumerate(node)
        stack += (
            (child, f"{pointer}/{escape_token(str(key))}", depth + 1)
            for key, child in items
            if isinstance(child, (dict, list))
        )
    return None


_SURROGATE_ESCAPE = re.compile(r"(\\+)u([dD][89a-fA-F][0-9a-fA-F]{2})")


def _unreadable_text(source: str) -> tuple[int, str] | None:
    """The offset and text of the first ``\\uD800``-``\\uDFFF`` escape that is not half of a
    pair: Python reads it into a string that cannot be written out as UTF-8."""
    if "\\u" not in source:
        return None
    paired_low = -1
    for match in _SURROGATE_ESCAPE.finditer(source):
        if len(match.group(1)) % 2 == 0:  # an escaped backslash, then plain "u..."
            continue
        start = match.end(1) - 1
        if start == paired_low:
            continue
        code = int(match.group(2), 16)
        following = source[match.end() : match.end() + 6]
        if code < 0xDC00 and re.fullmatch(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}", following):
            paired_low = match.end()
            continue
        return start, source[start : match.end()]
    return None


class _DuplicateMarker(dict):
    """A dict that remembers which of its keys appeared more than once, in order."""

    __slots__ = ("duplicate_keys",)


def _pairs_hook(sink: list[tuple[int, str]]):
    def hook(pairs: list[tuple[str, object]]) -> dict:
        obj = _DuplicateMarker()
        repeated: list[str] = []
        for key, value in pairs:
            if key in obj:
                repeated.append(key)
            obj[key] = value
        obj.duplicate_keys = tuple(repeated)
        if repeated:
            sink.append((id(obj), repeated[0]))
        return obj

    return hook


def _duplicate_key_diagnostics(
    source: str, data: dict, duplicates: list[tuple[int, str]], source_map: SourceMap
) -> Iterator[Diagnostic]:
    if not duplicates:
        return
    for pointer, obj in _walk_objects(data, ""):
        keys = getattr(obj, "duplicate_keys", ())
        seen: set[str] = set()
        for key in keys:
            if key in seen:
                continue
            seen.add(key)
            child = f"{pointer}/{escape_token(key)}"
            yield Diagnostic(
                pointer=child,
                message=(
                    f"field `{key}` appears more than once in this object; only the last "
                    "value would be kept, the others silently lost"
                ),
                key=key,
                position=_second_key_position(source, source_map, pointer, key),
            )


def _walk_objects(value: object, pointer: str) -> Iterator[tuple[str, dict]]:
    if isinstance(value, dict):
        yield pointer, value
        for key, child in value.items():
            yield from _walk_objects(child, f"{pointer}/{escape_token(key)}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk_objects(child, f"{pointer}/{index}")


def _second_key_position(source: str, source_map: SourceMap, pointer: str, key: str) -> Position:
    """Position of the second occurrence of ``key`` among the object's own members."""
    bounds = source_map.offset(pointer)
    if bounds is None:
        return source_map.key_position(f"{pointer}/{escape_token(key)}")
    start, end = bounds
    decoder = json.JSONDecoder()
    depth = 0
    i = start
    hits = 0
    expecting_key = False
    while i < end:
        ch = source[i]
        if ch == '"':
            text, stop = decoder.raw_decode(source, i)
            if depth == 1 and expecting_key and text == key:
                hits += 1
                if hits == 2:
                    return _offset_position(source, i)
            expecting_key = False
            i = stop
            continue
        if ch in "{[":
            depth += 1
            expecting_key = ch == "{" and depth == 1
        elif ch in "}]":
            depth -= 1
        elif ch == "," and depth == 1:
            expecting_key = True
        i += 1
    return source_map.key_position(f"{pointer}/{escape_token(key)}")
