"""Editorial slips in the text itself (category ``style``): leftovers and typography."""

from __future__ import annotations

import html
import html.entities
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from contentqa.analyze import GuideContext
from contentqa.model import Category, Diagnostic, Severity, Span
from contentqa.pointers import describe
from contentqa.registry import Rule, option, register
from contentqa.rules.wording import quote

DEFAULT_PLACEHOLDERS = [
    "Show all",
    "Read more",
    "Click here",
    "Facebook Pixel",
    "Lorem ipsum",
    "TODO",
    "TK",
    "[citation needed]",
    "FIXME",
    "XXX",
]


# Interface phrases that are also ordinary English ("Show all the guests where to hang
# their coats", "Read more than once"): page text only where a page puts them.
_CHROME_FOLLOWERS = {
    "show all": r"(?=(?:\s+\d+(?:\s+\w+)?)?\s*(?:[.…]+\s*$|$|[»›>→]))",
    "read more": r"(?=(?:\s+here)?\s*(?:[.…:]+\s*$|$|[:»›>→|])|[^.]*[»›>→]\s*$)",
}


class _StyleRule(Rule):
    category = Category.STYLE
    severity = Severity.WARNING


# A match longer than this (a word repeated 40,000 times, a tag of 100 kB) is shown by its
# start and end: a message is one line a reader takes in at a glance.
_LONGEST_SHOWN = 60


def _excerpt(text: str, start: int, end: int, context: int = 20) -> str:
    """The text from ``start`` to ``end`` with ``context`` characters either side."""
    left = max(0, start - context)
    right = min(len(text), end + context)
    if end - start > _LONGEST_SHOWN:
        head, tail = text[start : start + _LONGEST_SHOWN - 20], text[end - 15 : end]
        shown = f"{head.rstrip()} … {tail.lstrip()}"
    else:
        shown = text[start:end]
    snippet = (text[left:start] + shown + text[end:right]).replace("\n", " ")
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


@register
class LeftoverPlaceholder(_StyleRule):
    """Page chrome or placeholder text left in the guide.

    **What it finds.** Interface text copied from a web page ("Show all 8 steps", "Read
    more", "Click here", "Facebook Pixel") and writers' placeholders ("Lorem ipsum", "TODO",
    "TK", "[citation needed]") anywhere in the guide's text. Words written in capitals
    (``TODO``, ``TK``) only match in capitals, so "tk" inside a word or "todo" in prose do not.
    "Show all" and "Read more" are also plain English, so they match only as a page shows
    them, at the end of a text or before an arrow ("Show all 8 steps", "Show all 12
    comments.", "Read more »", "Read more here.", "Read more about our services »");
    "Show all 3 drawings to your teacher" and "Read more about glue in the sources below"
    are not reported. A title or item that ends with one ("Show all 3 drawings") still is.
    A phrase standing alone in quotation marks within a sentence is talked about, not left
    over, and is not reported (write "Read the contributing guide" instead of "click
    here"); a writer's mark in capitals (``"TK"``) is, quoted or not. The list is
    configurable (``phrases``).

    **Why it matters.** Readers see it published as it is, and it shows the page was never
    proofread.

    **Example.** A step list that ends with "Show all 8 steps", or "Healthy sleep helps TK
    hours a night."
    """

    code = "W001"
    name = "leftover-placeholder"
    severity = Severity.ERROR

    @dataclass(frozen=True)
    class Options:
        phrases: list = option(DEFAULT_PLACEHOLDERS, "phrases to report (capitals match exactly)")

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        parts = []
        for phrase in self.options.phrases:
            escaped = re.escape(phrase)
            if phrase.isupper():  # TODO, TK: exact capitals, whole word
                parts.append(rf"(?-i:\b{escaped}\b)")
            else:
                left = r"\b" if phrase[:1].isalnum() else ""
                right = r"\b" if phrase[-1:].isalnum() else ""
                context = _CHROME_FOLLOWERS.get(phrase.casefold(), "")
                parts.append(f"{left}{escaped}{right}{context}")
        return re.compile("|".join(parts), re.IGNORECASE)

    @cached_property
    def needles(self) -> tuple[str, ...]:
        return tuple(phrase.casefold() for phrase in self.options.phrases)

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        for unit in guide.units:
            # A long alternation is slow to run on every text: most texts hold no phrase.
            folded = unit.text.casefold()
            if not any(needle in folded for needle in self.needles):
                continue
            for match in self.pattern.finditer(unit.text):
                if _mentioned(unit.text, *match.span()):
                    continue
                yield Diagnostic(
                    pointer=unit.pointer,
                    span=Span(match.start(), match.end()),
                    message=(
                        f"leftover placeholder or page text “{match.group()}” in "
                        f"{describe(unit.pointer)}: “{_excerpt(unit.text, *match.span())}”"
                    ),
                    key=match.group().lower(),
                )


_OPENING_QUOTES = "\"'“‘«"
_CLOSING_QUOTES = "\"'”’»"


def _mentioned(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` stands alone in quotation marks inside a longer text: a
    phrase talked about (use descriptive link text instead of "click here"), not one left
    over. A writer's mark in capitals (``"TK"``) and a text that is only the quoted phrase
    are still left over."""
    after = end + (text[end : end + 1] in (".", ",", "!", "?"))
    return (
        start > 0
        and text[start - 1] in _OPENING_QUOTES
        and text[after : after + 1] in tuple(_CLOSING_QUOTES)
        and not text[start:end].isupper()
        and bool(text[: start - 1].strip() or text[after + 1 :].strip())
    )


# A closing quote is the second, fourth... straight double quote of a text, or a curly one.
_SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<=\S)[ \t]+([.,;:!?](?![\d.])|[)\]}])")
# An ellipsis set with spaces (". . ."), as some style guides write it, space before it.
_SPACED_ELLIPSIS = re.compile(r"\.(?:[ \t]\.){2,}")
# An emoticon standing as a word (":)", ";-)", ":("): its marks are a face, not
# punctuation after a space or a bracket left open or closed.
_EMOTICON = re.compile(r"(?<!\S)[:;]-?[()DPp](?!\S)")


def _emoticons(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _EMOTICON.finditer(text)] if ":" in text or ";" in text else []


@register
class SpaceBeforePunctuation(_StyleRule):
    """A space before closing punctuation or before a closing quote.

    **What it finds.** ``word .``, ``word ,``, ``word )`` and a closing quotation mark
    preceded by a space (``connection. "``). Decimal numbers (``a .5 mm gap``),
    ellipses, spaced ones too (``Wait . . . then try again``), and emoticons (``done :)``)
    are left alone.

    **Why it matters.** Browsers may wrap the line between the word and its punctuation,
    leaving a lone full stop or quote at the start of a line.

    **Example.** The seed guide: ``"I can self-soothe and ask clearly for connection. "``
    """

    code = "W002"
    name = "space-before-punctuation"

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        for unit in guide.units:
            text = unit.text
            ellipses = [m.span() for m in _SPACED_ELLIPSIS.finditer(text)] if ". ." in text else []
            left_alone = ellipses + _emoticons(text)
            hits = [
                (m.start(), m.end(), m.group(1))
                for m in _SPACE_BEFORE_PUNCTUATION.finditer(text)
                if not any(start <= m.start(1) < end for start, end in left_alone)
            ]
            hits += [(start, end, mark) for start, end, mark in _closing_quotes_after_space(text)]
            for start, end, mark in sorted(hits):
                yield Diagnostic(
                    pointer=unit.pointer,
                    span=Span(start, end),
                    message=(
                        f"space before “{mark}” in {describe(unit.pointer)}: "
                        f"“{_excerpt(text, start, end)}”; remove the space"
                    ),
                    key=f"{mark}:{_excerpt(text, start, end, 12)}",
                )


# A straight double quote that may be an inch mark: right after a number (3", 0.5", 1/2",
# 2½") and not before a letter or digit. Unless it closes a quote ("Step 7"), it opens
# and closes nothing.
_INCH_MARK = re.compile(r'(?<=[0-9½¼¾⅛⅜⅝⅞])"(?![\w"])')
# A list number written as the text's start: "3) Move the plant", "b) Then".
_LIST_NUMBER = re.compile(r"^\s*(?:\d{1,3}|[A-Za-z])\)(?=\s)")
# A list marker inside a sentence: "are: 1) security issues and 2) ...", "a) or b)".
_LIST_MARKER = re.compile(r"(?:^|(?<=\s))(\d{1,2}|[A-Za-z])\)(?=\s)")


def _list_markers(text: str) -> int:
    """How many ``)`` of ``text`` close list markers, not brackets: one opening the text,
    or a run counted from the first (``1) ... 2) ... 3)``, ``a) ... b)``)."""
    if ")" not in text:
        return 0
    labels: list[str] = []
    for match in _LIST_MARKER.finditer(text):
        # Inside brackets ("(Image 2)") it closes them; the markers so far closed nothing.
        before = match.start()
        if text.count("(", 0, before) <= text.count(")", 0, before) - len(labels):
            labels.append(match.group(1))
    if len(labels) > 1 and labels[0] in ("1", "a", "A"):
        run = 1
        while run < len(labels) and labels[run] == _next_label(labels[run - 1]):
            run += 1
        if run > 1:
            return run
    return 1 if _LIST_NUMBER.match(text) else 0


def _next_label(label: str) -> str:
    return str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)


def _quotes(text: str) -> list[int]:
    """Where the straight double quotes of ``text`` stand, inch marks left out."""
    inches = {m.start() for m in _INCH_MARK.finditer(text)}
    quotes: list[int] = []
    for index, char in enumerate(text):
        if char == '"' and (index not in inches or len(quotes) % 2):
            quotes.append(index)
    return quotes


def _closing_quotes_after_space(text: str) -> Iterator[tuple[int, int, str]]:
    if '"' not in text and "”" not in text:
        return
    quotes = set(_quotes(text))
    straight = 0
    for index, char in enumerate(text):
        closing = False
        if index in quotes:
            straight += 1
            closing = straight % 2 == 0
        elif char == "”":
            closing = True
        if closing and index and text[index - 1] in " \t":
            start = index
            while start and text[start - 1] in " \t":
                start -= 1
            yield start, index + 1, char


_DOUBLED_SPACE = re.compile(r"(?<=\S) {2,}(?=\S)")


@register
class DoubledSpace(_StyleRule):
    """Two or more spaces between words.

    **What it finds.** Runs of spaces inside a line of text (not leading or trailing).

    **Why it matters.** Usually a sign of a deletion or a paste that left a gap; in some
    renderers the gap shows.

    **Example.** ``"Water the plant  well."``
    """

    code = "W003"
    name = "doubled-space"
    severity = Severity.INFO

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        for unit in guide.units:
            for match in _DOUBLED_SPACE.finditer(unit.text):
                yield Diagnostic(
                    pointer=unit.pointer,
                    span=Span(match.start(), match.end()),
                    message=(
                        f"{len(match.group()):,} spaces in a row in {describe(unit.pointer)}: "
                        f"“{_excerpt(unit.text, *match.span())}”"
                    ),
                    key=_excerpt(unit.text, *match.span(), 12),
                )


_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("“", "”"))


@register
class UnbalancedDelimiters(_StyleRule):
    """Quotation marks or brackets that are opened and never closed (or the reverse).

    **What it finds.** In one piece of text: an odd number of straight double quotes, or
    unequal numbers of ``(`` and ``)``, ``[`` and ``]``, ``{`` and ``}``, ``“`` and ``”``.
    Apostrophes and single quotes are not checked: they are too often legitimate. Nor are
    inch marks (``a 3" strip``, ``16" wheels``) nor the brackets of list numbers: one
    opening the text (``3) Move the plant``, which T002 reports), or a run of them in a
    sentence (``the exceptions are: 1) security issues and 2) conduct reports``). Inside a
    quotation an inch mark reads as the closing quote (``ask for "a 2" pipe"`` is
    reported): write it ″ or "in".

    **Why it matters.** A missing closing quote leaves the reader unsure where the quoted
    words end, and often means text was cut.

    **Example.** ``Say “I need a minute.`` (the closing ” is missing).
    """

    code = "W004"
    name = "unbalanced-delimiters"

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        for unit in guide.units:
            text = unit.text
            problems = []
            quotes = _quotes(text) if '"' in text else []
            if len(quotes) % 2:
                problems.append(('"', quotes[-1]))
            markers = _list_markers(text)
            faces = "".join(text[start:end] for start, end in _emoticons(text))
            for opening, closing in _PAIRS:
                opened = text.count(opening) - faces.count(opening)
                closed = text.count(closing) - faces.count(closing)
                if closing == ")":
                    closed -= markers
                if opened > closed:
                    problems.append((opening, text.rfind(opening)))
                elif closed > opened:
                    problems.append((closing, text.rfind(closing)))
            for mark, index in problems:
                yield Diagnostic(
                    pointer=unit.pointer,
                    span=Span(index, index + 1),
                    message=(
                        f"unbalanced {mark} in {describe(unit.pointer)}: "
                        f"“{_excerpt(text, index, index + 1)}”"
                    ),
                    key=f"{mark}:{_excerpt(text, index, index + 1, 12)}",
                )


# A word and its repeats, as one run: "the the the" is one slip, not three.
_REPEATED_WORD = re.compile(r"\b(\w+)(?:\s+\1\b)+", re.IGNORECASE)
_WORDS = re.compile(r"\w+")
# Doubled words that are grammatical: "that that", "had had".
_LEGITIMATE_DOUBLES = frozenset({"that", "had", "is", "do", "bye", "no", "very", "so"})


@register
class RepeatedWord(_StyleRule):
    """The same word twice in a row.

    **What it finds.** ``the the``, ``to to``, across a line break too, ignoring case. A
    word repeated many times is one finding, with the count. Grammatical doubles ("that
    that", "had had") and emphasis ("very very", "so so") are not reported.

    **Why it matters.** The classic slip that spell checkers miss and readers stumble over.

    **Example.** ``"Loosen the the roots gently."``
    """

    code = "W005"
    name = "repeated-word"

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        for unit in guide.units:
            for match in _REPEATED_WORD.finditer(unit.text):
                word = match.group(1)
                if word.lower() in _LEGITIMATE_DOUBLES or word.isdigit():
                    continue
                count = len(_WORDS.findall(match.group(0)))
                times = "twice" if count == 2 else f"{count:,} times"
                yield Diagnostic(
                    pointer=unit.pointer,
                    span=Span(match.start(), match.end()),
                    message=(
                        f"{quote(word, 40)} {times} in a row in {describe(unit.pointer)}: "
                        f"“{_excerpt(unit.text, *match.span())}”"
                    ),
                    key=f"{word.lower()}:{_excerpt(unit.text, *match.span(), 12)}",
                )


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Elements whose tags make text active (run code, load or embed something, take input):
# raw HTML that a page might render as it is.
_ACTIVE_ELEMENTS = _names(
    "script style iframe frame frameset object embed applet form input button textarea "
    "select svg math link meta base"
)
_HTML_ELEMENTS = _ACTIVE_ELEMENTS | _names(
    "a abbr b big blockquote body br center cite code dd del details dialog div dl dt em "
    "font h1 h2 h3 h4 h5 h6 head hr html i img ins kbd label li mark marquee noscript ol p "
    "pre q s small source span strike strong sub summary sup table tbody td template tfoot "
    "th thead title tr tt u ul video audio picture wbr"
)
# Written alone, with nothing to close: "line one<br>line two".
_VOID_ELEMENTS = _names("br hr wbr")
# An unquoted value runs to whitespace or ">", as browsers read it: onload=alert('x').
_ATTRIBUTE = r"""\s+[A-Za-z_:][-\w:.]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`][^\s>]*))?"""
_TAG = re.compile(rf"<(/?)([A-Za-z][A-Za-z0-9]*)((?:{_ATTRIBUTE})*)\s*/?>")
_EVENT_ATTRIBUTE = re.compile(r"\bon[a-z]+\s*=|javascript:", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


@register
class MarkupInText(_StyleRule):
    """HTML tags, comments or character entities, or other markup, in guide text.

    **What it finds.** HTML markup in any text of the guide: a tag with an attribute
    (``<a href="...">``), an element opened and closed (``<b>...</b>``), a closing tag of an
    HTML element, ``<br>``, an HTML comment, or a character entity HTML defines (``&amp;``,
    ``&nbsp;``, ``&#8217;``). Tags that can run code or load something (``<script>``,
    ``<iframe>``, ``<style>``, ``<form>``..., or any tag with an ``on...=`` handler or a
    ``javascript:`` address) are errors; the rest are warnings. Each kind of tag or entity
    is one finding per text, with its count. Key names and placeholders in angle brackets
    ("press <Ctrl>+<S>", "the <source> folder"), comparisons ("< 5 litres") and words
    that only start like an entity ("&section;") are not reported. Marks of other formats
    left in as text are warnings too: Markdown heading marks at the start or end of a text
    (``"######Discard the vinegar"``), MediaWiki bold (three apostrophes each side of a
    word) and wiki links with a pipe, as iFixit writes them
    (``[guide|20198|prepare an iOpener]``).

    **Why it matters.** Guide text is plain text. Markup pasted from a web page or a CMS
    export shows up as literal tags and entities ("Salt &amp; pepper") wherever the text
    is escaped, and where a page inserts it unescaped, a ``<script>`` runs in the reader's
    browser.

    **Example.** ``"Add salt &amp; pepper <b>to taste</b>."`` (an entity and a tag), or a
    title ``"<script>alert(1)</script> Fix a tap"`` (an error).
    """

    code = "W006"
    name = "markup-in-text"

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        for unit in guide.units:
            text = unit.text
            if not any(mark in text for mark in _MARKS):
                continue
            # One finding per kind of tag or entity: the first, with the count of all.
            first: dict[str, _Markup] = {}
            counts: Counter[str] = Counter()
            active: set[str] = set()
            for markup in (*_markup(text), *_entities(text), *_source_marks(text)):
                first.setdefault(markup.key, markup)
                counts[markup.key] += 1
                if markup.active:
                    active.add(markup.key)
            for key, markup in first.items():
                times = "" if counts[key] == 1 else f" ({counts[key]:,} times)"
                yield Diagnostic(
                    pointer=unit.pointer,
                    span=Span(markup.start, markup.end),
                    message=(
                        f"{markup.label}{times} in {describe(unit.pointer)}: guide text is "
                        "plain text"
                        + (", and this tag can run code or load content" if key in active else "")
                        + f"; {markup.advice}: “{_excerpt(text, markup.start, markup.end)}”"
                    ),
                    key=key,
                    severity=Severity.ERROR if key in active else None,
                )


class _Markup(NamedTuple):
    start: int
    end: int
    label: str
    advice: str
    active: bool
    key: str


def _markup(text: str) -> Iterator[_Markup]:
    """Each HTML tag and comment in ``text``."""
    tags = list(_TAG.finditer(text))
    closed = {m.group(2).lower() for m in tags if m.group(1)}
    opened = {m.group(2).lower() for m in tags if not m.group(1)}
    for match in tags:
        closing, element, attributes = match.groups()
        name = element.lower()
        if closing and name in opened:
            continue  # one finding per element: its closing tag says nothing new
        active = bool(_EVENT_ATTRIBUTE.search(attributes))
        if not (
            active
            or "=" in attributes
            or (name in _HTML_ELEMENTS and (closing or name in closed or name in _VOID_ELEMENTS))
        ):
            continue
        label = f"HTML tag “{_short(match)}”"
        active = active or name in _ACTIVE_ELEMENTS
        yield _Markup(*match.span(), label, "remove it", active, f"tag:{name}")
    # Found with str.find, not a lazy regex: a text of many unclosed "<!--" would make the
    # regex search to its end from each of them.
    start = text.find("<!--")
    while start >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        yield _Markup(start, end + 3, "an HTML comment", "remove it", False, "tag:!--")
        start = text.find("<!--", end + 3)


# Marks of the formats guides are copied from, left in as text: Markdown heading marks at
# the start or end of a text ("######Discard the vinegar", "Bridge Pose######"), MediaWiki
# bold (three apostrophes each side), and wiki links with a pipe, as iFixit writes them
# ("[guide|20198|prepare an iOpener]", "[https://...|the guide|new_window=true]").
_SOURCE_MARKS = (
    (re.compile(r"\A#{2,6}(?=\s*[^#\s])|#{3,}\Z"), "Markdown heading marks", "md:heading"),
    (re.compile(r"'{3}[^'\n]{1,200}'{3}"), "wiki bold marks", "wiki:bold"),
    (
        re.compile(r"\[(?:guide|product|wiki|https?://[^\s|\]]+)\|[^\]\n]{1,300}\]"),
        "a wiki link",
        "wiki:link",
    ),
)
# What a text holds if it holds any markup at all: most texts are skipped at once.
_MARKS = ("<", "&", "##", "'" * 3, "|")


def _source_marks(text: str) -> Iterator[_Markup]:
    for pattern, label, key in _SOURCE_MARKS:
        for match in pattern.finditer(text):
            marks = _short(match)
            yield _Markup(*match.span(), f"{label} “{marks}”", "remove the marks", False, key)


def _entities(text: str) -> Iterator[_Markup]:
    """Each character entity HTML defines in ``text``."""
    for match in _ENTITY.finditer(text):
        entity = match.group()
        if entity[1] == "#":
            character = html.unescape(entity)
            if character == entity:
                continue
        elif entity[1:] in html.entities.html5:
            character = html.entities.html5[entity[1:]]
        else:
            continue  # "&section;": not an entity, whatever it starts with
        advice = f"write the character itself (“{character.strip() or 'a space'}”)"
        yield _Markup(*match.span(), f"HTML entity “{entity}”", advice, False, f"entity:{entity}")


def _short(match: re.Match[str], limit: int = 40) -> str:
    tag = " ".join(match.group().split())
    return tag if len(tag) <= limit else tag[: limit - 1] + "…"
