"""Turn JSON pointers (and spans inside string values) into 1-based line and column."""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left

from json_source_map import calculate

from contentqa.model import Position, Span

_SIMPLE_ESCAPES = frozenset('"\\/bfnrt')


class SourceMap:
    """Positions of every value (and object key) of one JSON text, by JSON pointer.

    json-source-map computes them; they are kept as seven integers per pointer in one array
    (0-based line, column and offset of the value, its end offset, the line and column of
    its key, -1 without one, and 1 for a string value): a small fraction of the size of its
    entry objects, since every guide's map travels from a worker process to the main one and
    stays there. The source text does not travel with it.
    """

    def __init__(self, source: str) -> None:
        entries = sorted(calculate(source).items())
        # Sorted pointers, searched by bisection: a tuple costs a fraction of a dict.
        self._pointers = tuple(sys.intern(pointer) for pointer, _ in entries)
        # The raw text of string values holding escapes: only there do decoded and raw
        # offsets differ (the source itself is not kept).
        self._escaped: dict[int, str] = {}
        numbers = array("i")
        for index, (_, entry) in enumerate(entries):
            start, end, key = entry.value_start, entry.value_end, entry.key_start
            is_string = source[start.position : start.position + 1] == '"'
            if is_string and "\\" in source[start.position : end.position]:
                self._escaped[index] = source[start.position : end.position]
            numbers.extend((start.line, start.column, start.position, end.position))
            numbers.extend((key.line, key.column) if key is not None else (-1, -1))
            numbers.append(int(is_string))
        self._numbers = numbers

    def _entry(self, pointer: str) -> tuple[int, ...] | None:
        index = bisect_left(self._pointers, pointer)
        if index == len(self._pointers) or self._pointers[index] != pointer:
            return None
        return (*self._numbers[7 * index : 7 * index + 7], index)

    def position(self, pointer: str, span: Span | None = None) -> Position:
        value = self._nearest_value(pointer)
        if value is None:
            return Position(1, 1)
        line, column = value[:2]
        if span is None or not value[6]:
            return Position(line + 1, column + 1)
        # JSON strings hold no raw newline, so the span stays on the value's line; without
        # escapes in the string, decoded and raw offsets are the same.
        raw = self._escaped.get(value[7])
        offset = span.start if raw is None else _raw_offset(raw, 1, span.start)
        return Position(line + 1, column + 2 + offset)

    def key_position(self, pointer: str) -> Position:
        """Where the key of an object member starts (falls back to its value)."""
        entry = self._entry(pointer)
        if entry is not None and entry[4] >= 0:
            return Position(entry[4] + 1, entry[5] + 1)
        return self.position(pointer)

    def offset(self, pointer: str) -> tuple[int, int] | None:
        """Source character range of a value, for scanning inside it."""
        entry = self._entry(pointer)
        return (entry[2], entry[3]) if entry else None

    def _nearest_value(self, pointer: str) -> tuple[int, ...] | None:
        while True:
            entry = self._entry(pointer)
            if entry is not None or not pointer:
                return entry
            pointer = pointer.rsplit("/", 1)[0]


def _raw_offset(source: str, begin: int, decoded_offset: int) -> int:
    """Raw characters after ``begin`` needed to cover ``decoded_offset`` decoded characters."""
    i = begin
    decoded = 0
    while decoded < decoded_offset and i < len(source):
        ch = source[i]
        if ch == '"':
            break
        if ch != "\\":
            i += 1
        elif source[i + 1 : i + 2] in _SIMPLE_ESCAPES:
            i += 2
        else:  # \uXXXX, and a surrogate pair \uD83D\uDE00 decodes to one character
            code = int(source[i + 2 : i + 6], 16)
            i += 6
            if 0xD800 <= code < 0xDC00 and source[i : i + 2] == "\\u":
                i += 6
        decoded += 1
    return i - begin
