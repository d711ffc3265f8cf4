"""Turn JSON pointers (and spans inside string values) into 1-based line and column."""

from __future__ import annotations

from json_source_map import calculate

from contentqa.model import Position, Span

_SIMPLE_ESCAPES = frozenset('"\\/bfnrt')


class SourceMap:
    """Positions of every value (and object key) of one JSON text, by JSON pointer."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._entries = calculate(source)

    def position(self, pointer: str, span: Span | None = None) -> Position:
        entry = self._nearest_entry(pointer)
        if entry is None:
            return Position(1, 1)
        start = entry.value_start
        if span is None or self.source[start.position : start.position + 1] != '"':
            return Position(start.line + 1, start.column + 1)
        # JSON strings hold no raw newline, so the span stays on the value's line.
        raw = _raw_offset(self.source, start.position + 1, span.start)
        return Position(start.line + 1, start.column + 2 + raw)

    def key_position(self, pointer: str) -> Position:
        """Where the key of an object member starts (falls back to its value)."""
        entry = self._entries.get(pointer)
        if entry is not None and entry.key_start is not None:
            return Position(entry.key_start.line + 1, entry.key_start.column + 1)
        return self.position(pointer)

    def offset(self, pointer: str) -> tuple[int, int] | None:
        """Source character range of a value, for scanning inside it."""
        entry = self._entries.get(pointer)
        if entry is None:
            return None
        return entry.value_start.position, entry.value_end.position

    def _nearest_entry(self, pointer: str):
        while True:
            entry = self._entries.get(pointer)
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
