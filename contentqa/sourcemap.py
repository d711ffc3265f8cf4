"""Turn JSON pointers (and spans inside string values) into 1-based line and column."""

from __future__ import annotations

import json
import sys
from array import array
from bisect import bisect_left
from functools import cache, lru_cache

from contentqa.model import Position, Span
from contentqa.pointers import escape_token

_SIMPLE_ESCAPES = frozenset('"\\/bfnrt')


@cache
def _parser():
    import tree_sitter_json
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_json.language()))


class SourceMap:
    """Positions of every value (and object key) of one JSON text, by JSON pointer.

    tree-sitter's JSON grammar parses the text in C and gives each node's place; they are
    kept as seven integers per pointer in one array (0-based line, column and offset of the
    value, its end offset, the line and column of its key, -1 without one, and 1 for a string
    value): a small fraction of the size of node objects, since every guide's map travels
    from a worker process to the main one and stays there. The source text does not travel
    with it. Offsets and columns count characters, not UTF-8 bytes. The text is expected to
    be strict JSON (the loader has parsed it); anything tree-sitter cannot parse is left out,
    and pointers into it fall back to their nearest parent.
    """

    def __init__(self, source: str) -> None:
        raw = source.encode("utf-8", "surrogatepass")
        chars = None if source.isascii() else _char_offsets(raw)
        entries: dict[str, tuple[int, ...]] = {}
        escaped: dict[str, str] = {}
        document = _parser().parse(raw).root_node.named_children
        # Depth first with a stack: a guide nested hundreds deep must not exhaust recursion.
        stack = [(document[0], "", None)] if document else []
        while stack:
            node, pointer, key = stack.pop()
            line, column, start = _place(node.start_byte, node.start_point, chars)
            end = node.end_byte if chars is None else chars[node.end_byte]
            key_place = (-1, -1) if key is None else _place(key.start_byte, key.start_point, chars)
            is_string = node.type == "string"
            entries[pointer] = (line, column, start, end, *key_place[:2], int(is_string))
            if is_string and "\\" in source[start:end]:
                escaped[pointer] = source[start:end]
            children = []
            if node.type == "object":
                for pair in node.named_children:
                    # A pair's named children are its key and its value.
                    if pair.type == "pair" and pair.named_child_count == 2:
                        name, value = pair.named_children
                        children.append((value, f"{pointer}/{_member(raw, name)}", name))
            elif node.type == "array":
                values = [c for c in node.named_children if c.type not in ("comment", "ERROR")]
                children = [(value, f"{pointer}/{i}", None) for i, value in enumerate(values)]
            # A repeated key keeps its last value, as the parsed data does.
            stack.extend(reversed(children))
        ordered = sorted(entries.items())
        # Sorted pointers, searched by bisection: a tuple costs a fraction of a dict.
        self._pointers = tuple(sys.intern(pointer) for pointer, _ in ordered)
        # The raw text of string values holding escapes: only there do decoded and raw
        # offsets differ (the source itself is not kept).
        self._escaped = {
            index: escaped[pointer]
            for index, (pointer, _) in enumerate(ordered)
            if pointer in escaped
        }
        numbers = array("i")
        for _, values in ordered:
            numbers.extend(values)
        self._numbers = numbers

    def __setstate__(self, state: dict) -> None:
        # Maps travel from worker processes to the main one, where every guide's copy of
        # "/steps/3/body/0" would otherwise stay a separate string.
        state["_pointers"] = tuple(map(sys.intern, state["_pointers"]))
        self.__dict__.update(state)

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
        offset = span.start if raw is None else _raw_offset(raw, span.start)
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


def _raw_offset(literal: str, decoded_offset: int) -> int:
    """Raw characters after the opening quote of the string ``literal`` needed to cover
    ``decoded_offset`` decoded characters."""
    decoded_at, extra_after, inner = _escapes(literal)
    escapes_before = bisect_left(decoded_at, decoded_offset)
    extra = extra_after[escapes_before - 1] if escapes_before else 0
    return min(decoded_offset + extra, inner)


@lru_cache(maxsize=64)
def _escapes(literal: str) -> tuple[list[int], list[int], int]:
    """The escapes of a JSON string literal, read once per string: each one's decoded
    offset, the raw characters beyond the decoded ones up to and including it, and the
    literal's length inside its quotes. (Read again for every finding, a long paragraph's
    many findings took quadratic time: 39 s for one of 185 KB.)"""
    decoded_at: list[int] = []
    extra_after: list[int] = []
    extra = 0
    i = 1
    while True:
        escape = literal.find("\\", i)
        if escape < 0 or literal.find('"', i, escape) >= 0:
            break
        if literal[escape + 1 : escape + 2] in _SIMPLE_ESCAPES:
            width = 2
        else:  # \uXXXX, and a surrogate pair \uD83D\uDE00 decodes to one character
            width = 6
            code = int(literal[escape + 2 : escape + 6], 16)
            if 0xD800 <= code < 0xDC00 and literal[escape + 6 : escape + 8] == "\\u":
                width = 12
        decoded_at.append(escape - 1 - extra)
        extra += width - 1
        extra_after.append(extra)
        i = escape + width
    close = literal.find('"', i)
    return decoded_at, extra_after, (close if close >= 0 else len(literal)) - 1


def _member(raw: bytes, key) -> str:
    """The name of the member whose key node is ``key``, as a JSON pointer token (RFC 6901)."""
    quoted = raw[key.start_byte : key.end_byte]
    name = json.loads(quoted) if b"\\" in quoted else quoted[1:-1].decode("utf-8", "surrogatepass")
    return escape_token(name)


def _char_offsets(raw: bytes) -> list[int]:
    """``offsets[b]``: the character offset of UTF-8 byte ``b`` (a character starts at every
    byte that is not a continuation byte ``10xxxxxx``)."""
    import numpy as np

    starts = (np.frombuffer(raw, dtype=np.uint8) & 0xC0) != 0x80
    return np.concatenate(([0], np.cumsum(starts))).tolist()


def _place(byte: int, point, chars: list[int] | None) -> tuple[int, int, int]:
    """Line, column and offset, in characters, of a node starting at ``byte``."""
    line, column = point
    if chars is None:
        return line, column, byte
    return line, chars[byte] - chars[byte - column], chars[byte]
