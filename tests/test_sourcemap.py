from __future__ import annotations

import json
import pickle
import sys

import pytest

from contentqa.model import Span
from contentqa.sourcemap import SourceMap


def test_pointer_positions_are_one_based():
    source = '{\n  "a": [1, {"b": "x"}],\n  "c": "y"\n}'
    smap = SourceMap(source)
    assert smap.position("/a").line == 2 and smap.position("/a").column == 8
    assert (smap.position("/a/1/b").line, smap.position("/a/1/b").column) == (2, 18)
    assert (smap.key_position("/c").line, smap.key_position("/c").column) == (3, 3)


def test_missing_pointer_falls_back_to_nearest_parent():
    smap = SourceMap('{"a": {"b": 1}}')
    assert smap.position("/a/zzz") == smap.position("/a")


@pytest.mark.parametrize(
    "text",
    ["plain text here", 'quote " and \\ backslash', "emoji 😀 then word", "tab\there x", "é café"],
)
@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_span_positions_skip_escapes(text, ensure_ascii):
    source = '{"t": ' + json.dumps(text, ensure_ascii=ensure_ascii) + "}"
    word_start = text.rindex(" ") + 1
    position = SourceMap(source).position("/t", Span(word_start, len(text)))
    raw_prefix = json.dumps(text[:word_start], ensure_ascii=ensure_ascii)[1:-1]
    assert position.line == 1
    assert position.column == len('{"t": "') + len(raw_prefix) + 1


def test_member_names_become_escaped_pointer_tokens():
    smap = SourceMap('{"a/b": 1, "m~n": {"x": 2}, "esc\\u0061ped": 3}')
    assert smap.position("/a~1b").column == 9
    assert smap.position("/m~0n/x").column == 25
    assert smap.key_position("/escaped").column == 29


def test_a_repeated_key_points_at_its_last_value():
    smap = SourceMap('{"a": 1,\n "a": 2}')
    assert smap.position("/a").line == 2


def test_columns_count_characters_not_bytes():
    smap = SourceMap('{"t": "café ☕ 😀", "u": 1}')
    assert smap.position("/u").column == 24


def test_deep_nesting_is_mapped_without_recursion():
    depth = 3000
    smap = SourceMap("{" + '"a": [' * depth + "1" + "]" * depth + "}")
    assert smap.position("/a" + "/0" * depth).column == 6 * depth + 2


def test_a_map_sent_to_another_process_keeps_its_positions_and_shares_its_pointers():
    source = '{\n  "steps": [{"title": "Tab\\there", "body": ["One. Two."]}]\n}'
    smap = SourceMap(source)
    copy = pickle.loads(pickle.dumps(smap))
    for pointer in ("/steps/0/title", "/steps/0/body/0", "/steps/0", "/nowhere"):
        assert copy.position(pointer, Span(2, 4)) == smap.position(pointer, Span(2, 4))
        assert copy.key_position(pointer) == smap.key_position(pointer)
    assert all(p is sys.intern(p) for p in copy._pointers)
