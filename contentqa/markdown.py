"""Guides drafted in Markdown: import to guide JSON, with positions back to Markdown lines.

Mapping (``contentqa import draft.md``; ``check`` reads ``.md`` guides the same way):

- YAML front matter holds the metadata: ``id``, ``title``, ``category``, ``summary``,
  ``reading_time_minutes``, ``badges``, ``author``, ``reviewed_by``, ``updated``,
  ``related_guides``, ``sources`` (a list of ``{title, url}``) and any ``x-`` key;
  ``schema_version`` defaults to 1.
- ``# Title`` sets the title when the front matter has none.
- Paragraphs before the first ``##`` heading are the intro.
- ``## Takeaways`` (or "Key takeaways", "Quick takeaways"): its list items are the takeaways.
- ``## Steps``: each ``### heading`` is a step; its paragraphs are the body, its list items
  the action items. ``## Strategies`` likewise (paragraphs only).
- ``## FAQ`` (or "Frequently asked questions", "Common questions"): each ``### question``
  with the paragraphs under it as the answer.
- ``## Quotes``: each block quote is a quote; a last line starting with "—" or "--" is the
  attribution.
- ``## Sources``: list items, ``[title](url)`` links or plain titles.
- ``## Related guides``: list items are guide ids.
- Any other ``## heading`` is a section: its paragraphs are the body, its list items the items.
- ``## Callouts``: each ``### [LABEL] title`` is a callout, its paragraphs the body.
- A horizontal rule, and an HTML comment (an editor's note: a block, or within a line), are
  left out.

Emphasis marks are dropped and links keep their text; everything else is taken as written,
so findings point at the words the writer typed, on the line and column they typed them.
What a guide cannot hold is an error at its line, never dropped: a code block, raw HTML (a
block, or a tag within a line), a block quote outside ``## Quotes``, a list inside a list
item, a list item of several paragraphs. The text is read to its end, so every such block
is reported at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import itertools
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import frontmatter
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from contentqa.model import Position, Span
from contentqa.rules.wording import quote

_TAKEAWAYS = {"takeaways", "key takeaways", "quick takeaways"}
_FAQ = {"faq", "faqs", "frequently asked questions", "common questions"}
_SIMPLE = {"steps": "steps", "strategies": "strategies", "quotes": "quotes", "faq": "faq",
           "sources": "sources", "related guides": "related_guides", "callouts": "callouts",
           "takeaways": "takeaways"}  # fmt: skip
# As python-frontmatter reads them: three or more dashes, then spaces or a line end.
_OPENING_FENCE = re.compile(r"-{3,}[ \t]*\n")
_CLOSING_FENCE = re.compile(r"^-{3,}\s*$", re.MULTILINE)
# What the text below the front matter adds to, item by item.
_BODY_LISTS = {*_SIMPLE.values(), "intro", "sections"}
_CALLOUT_LABEL = re.compile(r"^\[([^\]]+)\]\s*")
_ATTRIBUTION = re.compile(r"^\s*(?:—|--|―)\s*")


class MarkdownError(Exception):
    """The Markdown does not map onto a guide; ``line`` is 1-based. ``errors``: every
    place found, this one first (the text below the front matter is read to its end, so
    that a writer sees them all at once)."""

    def __init__(self, line: int, message: str, column: int = 1) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.column = column
        self.message = message
        self.more: tuple[MarkdownError, ...] = ()

    @property
    def position(self) -> Position:
        return Position(self.line, self.column)

    @property
    def errors(self) -> tuple[MarkdownError, ...]:
        # Not an attribute holding this error: a reference cycle, which runs with the cycle
        # collector off would never free.
        return (self, *self.more)

    @classmethod
    def of(cls, errors: list[MarkdownError]) -> MarkdownError:
        first = cls(errors[0].line, errors[0].message, errors[0].column)
        first.more = tuple(errors[1:])
        return first


# A segment's start that stands for the whole value: every offset in it is at that place.
_WHOLE = -1


@dataclass
class MarkdownSourceMap:
    """Where each imported value came from: pointer -> (line, column) of its text, and for
    multi-line paragraphs the plain-text offset at which each source line starts."""

    lines: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)

    def add(self, pointer: str, segments: list[tuple[int, int, int]]) -> None:
        self.lines[pointer] = segments

    def position(self, pointer: str, span: Span | None = None) -> Position:
        if pointer not in self.lines:
            # A whole part (a step): where its first piece of text is.
            inside = [v[0] for k, v in self.lines.items() if k.startswith(pointer + "/")]
            if inside:
                return Position(*min(inside)[:2])
        while pointer and pointer not in self.lines:
            pointer = pointer.rsplit("/", 1)[0]
        segments = self.lines.get(pointer)
        if not segments:
            return Position(1, 1)
        offset = span.start if span else 0
        line, column, start = segments[0]
        for seg_line, seg_column, seg_start in segments:
            if seg_start <= offset:
                line, column, start = seg_line, seg_column, seg_start
        if start == _WHOLE:
            return Position(line, column)
        return Position(line, column + offset - start)

    def key_position(self, pointer: str) -> Position:
        return self.position(pointer)


@dataclass
class _Builder:
    guide: dict[str, Any]
    source_map: MarkdownSourceMap
    source_lines: list[str]
    line_offset: int
    # What a text holds that a guide cannot (images, HTML tags): reported, and the reading
    # goes on, so that every item of a list is read.
    problems: list[MarkdownError] = field(default_factory=list)

    def text(self, inline: Token, pointer: str, addresses: bool = True) -> str:
        """Plain text of an inline token, recording where in the source every piece of it
        starts: markup (``**``, a link's address, ``&amp;``) shifts the columns after it.
        A link's address follows its words in brackets, unless ``addresses`` is false."""
        parts: list[str] = []
        segments: list[tuple[int, int, int]] = []
        first = (inline.map[0] if inline.map else 0) + self.line_offset
        line = first
        length = 0
        table_row = _TABLE_DELIMITER_ROW.search(inline.content)
        if table_row and "\n" in inline.content:
            raise MarkdownError(
                first + 1 + inline.content.count("\n", 0, table_row.start()),
                "a table has no place in a guide; write its rows as list items or paragraphs",
            )
        column = self._column(line, inline.content.split("\n")[0])
        segments.append((line + 1, column, 0))
        cursor = column - 1  # where in the source line the next piece is looked for
        link = None
        problems: list[MarkdownError] = []
        dropped_note = False
        for child in inline.children or []:
            if child.type == "image":
                at = self._line(line).find("![", cursor)
                cursor = at + 2 if at >= 0 else cursor
                problems.append(
                    MarkdownError(
                        line + 1,
                        "an image has no place in a guide; describe what it shows in words",
                        at + 1 if at >= 0 else 1,
                    )
                )
                continue
            if child.type == "html_inline":
                at = self._line(line).find(child.content, cursor)
                if at >= 0:
                    cursor = at + len(child.content)
                if _HTML_COMMENT.match(child.content):  # an editor's note: left out
                    dropped_note = True
                else:
                    problems.append(
                        MarkdownError(
                            line + 1,
                            f"raw HTML {quote(child.content)} has no place in a guide; write "
                            "it as text",
                            at + 1 if at >= 0 else 1,
                        )
                    )
                continue
            if child.type == "link_open":
                # As written: the parser percent-encodes it ("café" -> "caf%C3%A9").
                link = (unquote(str(child.attrs.get("href", ""))), length)
            elif child.type == "link_close" and link and addresses:
                # A web address stays, after the link's words: "see the chart (https://...)";
                # a place on the site ("#steps", "other.md") means nothing in the guide's text.
                href, start = link
                shown = "".join(parts)[start:]
                if _web_address(href) and href not in (shown, f"mailto:{shown}"):
                    at = self._line(line).find(href, cursor)
                    segments.append((line + 1, at - 1 if at >= 2 else cursor + 1, length))
                    if at >= 0:
                        cursor = at + len(href)
                    parts.append(f" ({href})")
                    length += len(href) + 3
                link = None
                continue
            if child.type in ("softbreak", "hardbreak"):
                if not (dropped_note and "".join(parts).endswith(" ")):
                    parts.append(" ")
                    length += 1
                dropped_note = False
                line += 1
                source = self._line(line)
                cursor = len(source) - len(source.lstrip())
                segments.append((line + 1, cursor + 1, length))
                continue
            piece = "" if child.type.endswith(("_open", "_close")) else child.content
            if dropped_note and piece.startswith(" ") and "".join(parts).endswith(" "):
                piece = piece[1:]  # "Do it <!-- note --> now." reads "Do it now."
            dropped_note = False
            if piece:
                runs, cursor = _aligned(piece, self._line(line), cursor)
                segments += ((line + 1, at + 1, length + offset) for offset, at in runs)
            parts.append(piece)
            length += len(piece)
        text = "".join(parts)
        if dropped_note and text.endswith(" "):  # "Trail <!-- note -->" reads "Trail"
            text = text[:-1]
        self.problems += problems
        self.source_map.add(pointer, _simplest(segments))
        return text

    def _line(self, line: int) -> str:
        return self.source_lines[line] if line < len(self.source_lines) else ""

    def _column(self, line: int, first_piece: str) -> int:
        source = self._line(line)
        found = source.find(first_piece[:20]) if first_piece else -1
        return found + 1 if found >= 0 else 1


def _web_address(href: str) -> bool:
    """Whether a link's destination names its scheme (``https:``, ``mailto:``)."""
    try:
        return bool(urlsplit(href).scheme)
    except ValueError:  # "http://[::1": an address, if a broken one
        return True


def _aligned(piece: str, source: str, cursor: int) -> tuple[list[tuple[int, int]], int]:
    """Where the characters of ``piece``, text the parser made of one source line, stand
    in that line from ``cursor`` on: ``(offset in piece, column)`` wherever a run of them
    starts, and where the piece ends in the line. Between runs stand what the parser took
    out: a backslash before an escaped character, an entity (``&amp;`` for "&"). Where the
    piece is not found, no run: its positions follow the piece before."""
    start = source.find(piece, cursor)
    if start >= 0:
        return [(0, start)], start + len(piece)
    # The first start where the whole piece aligns (a link's address may hold its first
    # character too), else the one that aligns furthest; a bounded number of tries keeps
    # a hostile line (a megabyte of one letter, then an entity) from taking quadratic time.
    starts = (at for at in range(cursor, len(source)) if _starts_at(piece, source, at))
    best: tuple[int, list[tuple[int, int]], int] = (0, [], cursor)
    for at in itertools.islice(starts, _MAX_STARTS):
        aligned, runs, end = _align_from(piece, source, at)
        if aligned == len(piece):
            return runs, end
        best = max(best, (aligned, runs, end), key=lambda found: found[0])
    return best[1], best[2]


_MAX_STARTS = 32


def _align_from(piece: str, source: str, j: int) -> tuple[int, list[tuple[int, int]], int]:
    """How much of ``piece`` aligns with ``source`` from ``j``, its runs, and where it ends."""
    i = 0
    runs = [(0, j)]
    while i < len(piece) and j < len(source):
        entity, meaning = _entity_at(source, j)
        if entity and piece.startswith(meaning, i):
            runs.append((i, j))
            i, j = i + len(meaning), j + len(entity)
        elif piece[i] == source[j]:
            i, j = i + 1, j + 1
            continue
        elif source[j] == "\\" and source[j + 1 : j + 2] == piece[i]:
            j += 1
        else:
            break
        runs.append((i, j))
    return i, runs, j


def _starts_at(piece: str, source: str, at: int) -> bool:
    """Whether ``piece`` may start at ``at``: its first character written as it is, as a
    character reference, or escaped."""
    entity, meaning = _entity_at(source, at)
    if entity:
        return piece.startswith(meaning)
    return source[at] == piece[0] or (source[at] == "\\" and source[at + 1 : at + 2] == piece[0])


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _entity_at(source: str, at: int) -> tuple[str, str]:
    """The character reference (``&amp;``, ``&#38;``) starting at ``at`` and the text it
    stands for; two empty texts if there is none."""
    match = _ENTITY.match(source, at)
    if match is None:
        return "", ""
    meaning = html.unescape(match.group())
    return ("", "") if meaning == match.group() else (match.group(), meaning)


def _simplest(segments: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The segments without those that follow from the one before (same line, the column
    moved as far as the offset)."""
    kept = segments[:1]
    for line, column, start in segments[1:]:
        last_line, last_column, last_start = kept[-1]
        if (line, column - start) != (last_line, last_column - last_start):
            kept.append((line, column, start))
    return kept


def parse(source: str) -> tuple[dict[str, Any], MarkdownSourceMap]:
    """Markdown text -> (guide data, source map). Raises :class:`MarkdownError`."""
    # python-frontmatter hands back the body with Windows line ends made plain, which must
    # be found again in the source; positions are lines and columns, which this keeps.
    source = source.replace("\r\n", "\n")
    if _OPENING_FENCE.match(source) and not _CLOSING_FENCE.search(source, 4):
        # The parser would read it all as text, and the guide's fields as missing.
        raise MarkdownError(1, "front matter opened with `---` is never closed by a `---` line")
    try:
        opening = _OPENING_FENCE.match(source)
        if opening:
            closing = _CLOSING_FENCE.search(source, opening.end())
            end = closing.start() if closing else len(source)
            # Line breaks before it, so that YAML counts the file's lines.
            _check_front_matter("\n" * opening.group().count("\n") + source[opening.end() : end])
        post = frontmatter.loads(source)
    except yaml.YAMLError as exc:
        # Where the construct that failed starts (an unclosed list), else where parsing stopped.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        raise MarkdownError(
            (mark.line + 1) if mark else 1,
            f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}",
        ) from exc
    except ValueError as exc:  # a date that does not exist (2024-02-30)
        raise MarkdownError(
            _bad_date_line(source), f"front matter has a value that cannot be read: {exc}"
        ) from exc
    metadata = {key: _dates_as_text(value) for key, value in post.metadata.items()}
    for key in _BODY_LISTS.intersection(metadata):
        if not isinstance(metadata[key], list):
            raise MarkdownError(
                _front_matter_line(source, key),
                f"front matter `{key}` must be a list; or leave it out and write it in the "
                "text below the front matter",
            )
    body = post.content
    line_offset = source[: source.rfind(body)].count("\n") if body else 0
    guide: dict[str, Any] = {"schema_version": 1}
    guide.update(metadata)
    source_map = MarkdownSourceMap()
    lines = source.split("\n")
    for key in metadata:
        source_map.add(f"/{key}", _front_matter_value(source, lines, key))
    builder = _Builder(guide, source_map, lines, line_offset)
    problems = _walk(_parser().parse(body), builder)
    if problems:
        raise MarkdownError.of(problems)
    return guide, source_map


# More values than a guide's front matter ever holds: aliases (``*name``) can repeat one
# value into billions ("billion laughs"), which would take all the machine's memory.
_MOST_FRONT_MATTER_VALUES = 10_000
_NOT_GUIDE_VALUES = {
    "tag:yaml.org,2002:set": "a YAML set",
    "tag:yaml.org,2002:binary": "binary data",
    "tag:yaml.org,2002:omap": "a YAML ordered map",
    "tag:yaml.org,2002:pairs": "YAML pairs",
}


def _check_front_matter(text: str) -> None:
    """Refuse what the YAML of the front matter can hold and a guide cannot, before it is
    read: keys that are not text, a key written twice (YAML keeps the last silently),
    sets and binary data, and aliases that expand past any guide's size. Raises
    :class:`MarkdownError` at the line; the text's first line is the fence's."""
    root = yaml.compose(text, Loader=_SafeLoader)
    if root is None:
        return
    try:
        if _distinct_values(root) > _MOST_FRONT_MATTER_VALUES:
            raise MarkdownError(
                root.start_mark.line + 1,
                f"front matter holds more than {_MOST_FRONT_MATTER_VALUES:,} values; a guide's "
                "front matter holds its metadata, and its text goes below it",
            )
        _expanded_size(root, {}, frozenset())
    finally:
        # An alias inside its own anchor makes the nodes a cycle, which runs with the cycle
        # collector off would never free: they are not needed any more.
        _unlink(root)


def _expanded_size(node: yaml.Node, sizes: dict[int, int], inside: frozenset[int]) -> int:
    """How many values ``node`` holds once its aliases are expanded (``sizes``: of the
    nodes already counted; ``inside``: the nodes it is part of)."""
    if id(node) in sizes:
        return sizes[id(node)]
    line = node.start_mark.line + 1
    if id(node) in inside:
        raise MarkdownError(line, "front matter refers to itself")
    if node.tag in _NOT_GUIDE_VALUES:
        raise MarkdownError(
            line,
            f"front matter holds {_NOT_GUIDE_VALUES[node.tag]}; write text, a number, a list "
            "or a table",
            node.start_mark.column + 1,
        )
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        _check_keys(node)
        children = [value for _, value in node.value]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
    total = 1
    for child in children:
        total += _expanded_size(child, sizes, inside | {id(node)})
        if total > _MOST_FRONT_MATTER_VALUES:
            raise MarkdownError(
                line,
                f"front matter aliases (*name) expand to more than "
                f"{_MOST_FRONT_MATTER_VALUES:,} values; write the values out",
            )
    sizes[id(node)] = total
    return total


def _check_keys(node: yaml.MappingNode) -> None:
    seen: dict[str, int] = {}
    for key, _ in node.value:
        line, column = key.start_mark.line + 1, key.start_mark.column + 1
        if key.tag == "tag:yaml.org,2002:merge":
            raise MarkdownError(
                line, "front matter merge keys (<<) are not read; write the values out", column
            )
        if not isinstance(key, yaml.ScalarNode):
            raise MarkdownError(
                line, "a front matter key must be text, not a list or table", column
            )
        if key.tag != "tag:yaml.org,2002:str":
            raise MarkdownError(
                line, f"front matter key {quote(key.value)} must be text; quote it", column
            )
        if key.value in seen:
            raise MarkdownError(
                line,
                f"front matter key {quote(key.value)} is written twice (lines "
                f"{seen[key.value]} and {line}); keep one",
                column,
            )
        seen[key.value] = line


def _distinct_values(root: yaml.Node) -> int:
    """How many values ``root`` holds, each alias counted once."""
    seen: set[int] = set()
    waiting = [root]
    while waiting:
        node = waiting.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            waiting += (value for _, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            waiting += node.value
    return len(seen)


def _unlink(root: yaml.Node) -> None:
    waiting = [root]
    while waiting:
        node = waiting.pop()
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.value:
            values, node.value = node.value, []
            for value in values:
                waiting += value if isinstance(value, tuple) else (value,)


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _dates_as_text(value: Any) -> Any:
    """``value`` with the dates YAML read from unquoted text (``updated: 2024-03-18``) given
    back as text, as guides hold them: a date as written, a date and time in ISO form
    (``2024-03-18 10:00`` becomes ``2024-03-18T10:00:00``, which the schema then rejects
    for a date field)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_dates_as_text(item) for item in value]
    if isinstance(value, dict):
        return {key: _dates_as_text(item) for key, item in value.items()}
    return value


@functools.cache
def _parser() -> MarkdownIt:
    # One for every file: a parser's renderer holds its own bound methods, a reference cycle
    # that only the cycle collector frees, and runs leave the collector off.
    return MarkdownIt("commonmark")


_DATE_VALUE = re.compile(r"^[\w-]+\s*:\s*(\d{4})-(\d{1,2})-(\d{1,2})\b", re.MULTILINE)


def _bad_date_line(source: str) -> int:
    """The line of the first date in the front matter that does not exist (YAML reads
    ``2024-02-30`` as a date and fails), else 1."""
    for match in _DATE_VALUE.finditer(source):
        try:
            dt.date(*map(int, match.groups()))
        except ValueError:
            return _line_at(source, match.start())
    return 1


def _front_matter_key(source: str, key: str) -> re.Match[str] | None:
    """The key at the start of a line, with what stands before its value (``: "``)."""
    return re.search(rf"^{re.escape(key)}\s*:[ \t]*[\"']?", source, re.MULTILINE)


def _front_matter_line(source: str, key: str) -> int:
    match = _front_matter_key(source, key)
    return _line_at(source, match.start()) if match else 1


def _front_matter_value(source: str, lines: list[str], key: str) -> list[tuple[int, int, int]]:
    """Where the value of a front matter key is written, as source map segments: from
    past an opening quote, then each indented line it continues on (YAML joins them with
    a space); the key's line, column 1, if it cannot be found."""
    match = _front_matter_key(source, key)
    if match is None:
        return [(1, 1, 0)]
    line = _line_at(source, match.start())
    column = match.end() - (source.rfind("\n", 0, match.start()) + 1) + 1
    rest = lines[line - 1][column - 1 :].strip()
    if not rest or rest[0] in "|>[{-&*!#":
        # A block scalar, a list or another form whose text is not written as it reads:
        # the key, for every place in the value.
        return [(line, 1, _WHOLE)]
    segments = [(line, column, 0)]
    offset = len(lines[line - 1][column - 1 :].rstrip()) + 1
    for number in range(line + 1, len(lines) + 1):
        text = lines[number - 1]
        if not text[:1].isspace() or not text.strip():
            break
        indent = len(text) - len(text.lstrip())
        segments.append((number, indent + 1, offset))
        offset += len(text.strip()) + 1
    return segments


def _line_at(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


def _walk(tokens: list[Token], b: _Builder) -> list[MarkdownError]:
    """Build the guide from the body's tokens; the blocks that cannot be read are left out,
    and their errors returned."""
    section: str | None = None  # None: the intro
    current: dict[str, Any] | None = None
    pointer = ""
    problems: list[MarkdownError] = []
    i = 0

    def line_of(token: Token) -> int:
        return (token.map[0] if token.map else 0) + b.line_offset + 1

    def append(key: str, value: Any) -> str:
        b.guide.setdefault(key, []).append(value)
        return f"/{key}/{len(b.guide[key]) - 1}"

    def block(i: int) -> int:
        """Read the block starting at token ``i``; the index of the token after it."""
        nonlocal section, current, pointer
        token = tokens[i]
        opens_section = token.type == "heading_open" and int(token.tag[1]) <= 2
        if section == _UNREADABLE and not opens_section:
            # Under a ## heading that could not be read: where its blocks belong is unknown,
            # and reporting each as misplaced would only repeat that one error.
            return _after_block(tokens, i)
        if token.type == "heading_open":
            inline = tokens[i + 1]
            level = int(token.tag[1])
            title_text = inline.content.strip()
            if level == 1:
                if "title" not in b.guide:
                    b.guide["title"] = b.text(inline, "/title")
            elif level == 2:
                name = title_text.lower()
                current = None
                if name in _TAKEAWAYS:
                    name = "takeaways"
                elif name in _FAQ:
                    name = "faq"
                if name in _SIMPLE:
                    section = _SIMPLE[name]
                    b.guide.setdefault(section, [])  # an empty list is kept, as in JSON
                    b.source_map.lines.setdefault(f"/{section}", [(line_of(token), 1, 0)])
                else:
                    section = "sections"
                    pointer = append("sections", {"heading": ""})
                    current = b.guide["sections"][-1]
                    found = len(b.problems)
                    current["heading"] = b.text(inline, f"{pointer}/heading")
                    if len(b.problems) > found:
                        section, current = _UNREADABLE, None
            elif level == 3 and section in ("steps", "strategies", "faq", "callouts"):
                key = "question" if section == "faq" else "title"
                pointer = append(section, {})
                current = b.guide[section][-1]
                label = _CALLOUT_LABEL.match(title_text) if section == "callouts" else None
                if label:
                    current["label"] = label.group(1)
                current[key] = _CALLOUT_LABEL.sub("", b.text(inline, f"{pointer}/{key}"))
                if section != "faq":
                    current["body"] = []
            else:
                raise MarkdownError(
                    line_of(token),
                    f"a level-{level} heading {quote(title_text)} is only allowed under ## Steps, "
                    "## Strategies or ## FAQ",
                )
            return i + 3
        if token.type == "paragraph_open" and token.level == 0:
            inline = tokens[i + 1]
            _paragraph(b, section, current, pointer, inline, append, line_of(token))
            return i + 3
        if token.type in ("bullet_list_open", "ordered_list_open"):
            return _list(tokens, i, b, section, current, pointer, append, line_of)
        if token.type == "blockquote_open":
            return _quote(tokens, i, b, section, append, line_of)
        if token.type == "hr" or _is_comment(token):
            # A rule or an editor's note (<!-- ... -->): neither shows in a guide's text.
            return i + 1
        if token.type == "html_block" and token.content.lstrip().startswith("<!--"):
            raise MarkdownError(
                line_of(token),
                "a line that starts with an HTML comment is read as HTML, text and all; put the "
                "comment on a line of its own",
            )
        if token.type in _UNSUPPORTED:
            raise MarkdownError(
                line_of(token),
                f"{_UNSUPPORTED[token.type]} has no place in a guide; write it as a paragraph",
            )
        return i + 1

    while i < len(tokens):
        try:
            i = block(i)
        except MarkdownError as problem:
            # Its traceback holds this frame, which holds the list: a reference cycle.
            problems.append(problem.with_traceback(None))
            i = _after_block(tokens, i)
    return sorted([*problems, *b.problems], key=lambda error: (error.line, error.column))


_UNREADABLE = "(a section whose heading cannot be read)"


def _after_block(tokens: list[Token], i: int) -> int:
    """The index of the token after the block that token ``i`` opens."""
    depth = 0
    while i < len(tokens):
        depth += tokens[i].nesting
        i += 1
        if depth <= 0:
            return i
    return i


# A table's second line: cells of dashes between pipes ("|---|:--:|"); CommonMark, as
# parsed here, reads the table as a paragraph.
_TABLE_DELIMITER_ROW = re.compile(
    r"^[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+[ \t]*(?::?-+:?[ \t]*)?$", re.MULTILINE
)
_UNSUPPORTED = {
    "fence": "a code block",
    "code_block": "an indented code block",
    "html_block": "raw HTML",
}
_HTML_COMMENT = re.compile(r"\s*<!--(?:(?!-->).)*-->\s*\Z", re.DOTALL)  # one comment, alone


def _is_comment(token: Token) -> bool:
    return token.type == "html_block" and _HTML_COMMENT.match(token.content) is not None


def _paragraph(b, section, current, pointer, inline, append, line) -> None:
    if section is None:
        index = len(b.guide.setdefault("intro", []))
        b.guide["intro"].append(b.text(inline, f"/intro/{index}"))
    elif section in ("steps", "strategies", "sections", "callouts") and current is not None:
        body = current.setdefault("body", [])
        body.append(b.text(inline, f"{pointer}/body/{len(body)}"))
    elif section == "faq" and current is not None:
        text = b.text(inline, f"{pointer}/answer")
        current["answer"] = f"{current['answer']} {text}" if "answer" in current else text
    else:
        raise MarkdownError(
            line,
            f"a paragraph is not expected under ## {section}; use a list"
            if section
            else "a paragraph is not expected here",
        )


def _list(tokens, i, b, section, current, pointer, append, line_of) -> int:
    # A guide's lists are flat lists of texts: what would not fit is an error, not dropped.
    depth = 0
    start = i
    texts_in_item = 0
    while True:
        token = tokens[i]
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            if depth == 2:
                raise MarkdownError(
                    line_of(token),
                    "a list inside a list item has no place in a guide: its lists have one "
                    "level; write each entry as an item of its own",
                )
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                return i + 1
        elif token.type == "list_item_open":
            texts_in_item = 0
        elif _is_comment(token):
            pass
        elif token.type in _UNSUPPORTED or token.type == "blockquote_open":
            what = _UNSUPPORTED.get(token.type, "a block quote")
            raise MarkdownError(
                line_of(token), f"{what} inside a list item has no place in a guide"
            )
        elif token.type == "inline" and depth == 1:
            texts_in_item += 1
            if texts_in_item == 2:
                raise MarkdownError(
                    line_of(token),
                    "a list item of several paragraphs: an item is one paragraph; join them "
                    "or make this one an item of its own",
                )
            _item(b, section, current, pointer, token, append, line_of(tokens[start]))
        i += 1


def _item(b, section, current, pointer, inline, append, line) -> None:
    if section == "takeaways":
        index = len(b.guide.setdefault("takeaways", []))
        b.guide["takeaways"].append(b.text(inline, f"/takeaways/{index}"))
    elif section == "steps" and current is not None:
        items = current.setdefault("action_items", [])
        items.append(b.text(inline, f"{pointer}/action_items/{len(items)}"))
    elif section == "sections" and current is not None:
        items = current.setdefault("items", [])
        items.append(b.text(inline, f"{pointer}/items/{len(items)}"))
    elif section == "sources":
        link = next((c for c in inline.children or [] if c.type == "link_open"), None)
        index = len(b.guide.get("sources", []))
        title = b.text(inline, f"/sources/{index}/title", addresses=False).strip()
        entry = {"title": title} if title else {}
        if link is not None:
            entry["url"] = str(link.attrGet("href") or "")
        append("sources", entry)
    elif section == "related_guides":
        index = len(b.guide.get("related_guides", []))
        append("related_guides", b.text(inline, f"/related_guides/{index}").strip())
    elif section == "steps":
        raise MarkdownError(
            line,
            "a list under ## Steps before its first ### heading; each ### heading starts a "
            "step, and a list under it holds that step's action items",
        )
    else:
        where = f"## {_HEADINGS.get(section, section)}" if section else "the intro"
        raise MarkdownError(line, f"a list is not expected in {where}")


# The headings of the sections a list cannot stand in, as the README writes them.
_HEADINGS = {"strategies": "Strategies", "quotes": "Quotes", "faq": "FAQ", "callouts": "Callouts"}


def _quote(tokens, i, b, section, append, line_of) -> int:
    if section != "quotes":
        raise MarkdownError(line_of(tokens[i]), "block quotes belong under ## Quotes")
    pointer = append("quotes", {})
    quote = b.guide["quotes"][-1]
    texts = []
    i += 1
    while tokens[i].type != "blockquote_close":
        token = tokens[i]
        if token.type == "inline":
            texts.append(token)
        elif token.type in _UNSUPPORTED and not _is_comment(token):
            raise MarkdownError(
                line_of(token), f"{_UNSUPPORTED[token.type]} inside a quote has no place in a guide"
            )
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            raise MarkdownError(line_of(token), "a list inside a quote has no place in a guide")
        i += 1
    if texts and _ATTRIBUTION.match(texts[-1].content.rsplit("\n", 1)[-1]):
        texts[-1:] = _last_line_apart(texts[-1])  # `> — Name` on the quote's last line
    if len(texts) > 1 and _ATTRIBUTION.match(texts[-1].content):
        attribution = b.text(texts.pop(), f"{pointer}/attribution")
        quote["attribution"] = _ATTRIBUTION.sub("", attribution)
    quote["text"] = " ".join(b.text(t, f"{pointer}/text") for t in texts)
    return i + 1


def _last_line_apart(inline: Token) -> list[Token]:
    """An inline token of several lines as two: its lines but the last, and the last."""
    children = inline.children or []
    breaks = [k for k, child in enumerate(children) if child.type in ("softbreak", "hardbreak")]
    if not breaks:
        return [inline]
    lines = inline.content.split("\n")
    first = inline.map[0] if inline.map else 0
    return [
        inline.copy(children=children[: breaks[-1]], content="\n".join(lines[:-1])),
        inline.copy(
            children=children[breaks[-1] + 1 :],
            content=lines[-1],
            map=[first + len(lines) - 1, first + len(lines)],
        ),
    ]


def to_markdown(guide: dict[str, Any]) -> str:
    """The Markdown form of a guide (the inverse of :func:`parse` for plain text)."""
    meta_keys = ["id", "title", "category", "summary", "reading_time_minutes", "badges",
                 "author", "reviewed_by", "updated"]  # fmt: skip
    meta = {k: guide[k] for k in meta_keys if k in guide}
    meta.update({k: v for k, v in guide.items() if k.startswith("x-")})
    out = ["---", yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).strip(), "---", ""]
    out += [f"# {guide.get('title', '')}", ""]
    for paragraph in guide.get("intro", []):
        out += [paragraph, ""]

    def items(values: list[str]) -> None:
        out.extend(f"- {v}" for v in values)
        out.append("")

    if "takeaways" in guide:
        out += ["## Takeaways", ""]
        items(guide["takeaways"])
    for key, heading in (("steps", "Steps"), ("strategies", "Strategies")):
        if key in guide:
            out += [f"## {heading}", ""]
            for part in guide[key]:
                out += [f"### {part['title']}", ""]
                for paragraph in part.get("body", []):
                    out += [paragraph, ""]
                if part.get("action_items"):
                    items(part["action_items"])
    if "callouts" in guide:
        out += ["## Callouts", ""]
        for callout in guide["callouts"]:
            label = f"[{callout['label']}] " if callout.get("label") else ""
            out += [f"### {label}{callout['title']}", ""]
            for paragraph in callout.get("body", []):
                out += [paragraph, ""]
    if "quotes" in guide:
        out += ["## Quotes", ""]
        for quote in guide["quotes"]:
            out += [f"> {quote['text']}"]
            if quote.get("attribution"):
                out += [">", f"> — {quote['attribution']}"]
            out += [""]
    for section in guide.get("sections", []):
        out += [f"## {section['heading']}", ""]
        for paragraph in section.get("body", []):
            out += [paragraph, ""]
        if section.get("items"):
            items(section["items"])
    if "faq" in guide:
        out += ["## FAQ", ""]
        for entry in guide["faq"]:
            out += [f"### {entry['question']}", "", entry["answer"], ""]
    if guide.get("sources"):
        out += ["## Sources", ""]
        items(
            [
                f"[{s.get('title', '')}]({s['url']})" if s.get("url") else s.get("title", "")
                for s in guide["sources"]
            ]
        )
    if "related_guides" in guide:
        out += ["## Related guides", ""]
        items(guide["related_guides"])
    return "\n".join(out).rstrip() + "\n"
