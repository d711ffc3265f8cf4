"""Structural slips a reader notices (category ``structure``): counts, numbering, empty
parts, quotes and sources."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from contentqa.analyze import GuideContext
from contentqa.model import Category, Diagnostic, Severity, Span
from contentqa.normalize import tokens_key
from contentqa.numbering import own_number
from contentqa.pointers import describe, join
from contentqa.registry import Rule, option, register
from contentqa.rules.wording import quote as quoted

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "twenty": 20,
}  # fmt: skip
_NUMBER = r"(\d{1,3}|" + "|".join(_NUMBER_WORDS) + ")"
_PROMISE = re.compile(
    _NUMBER
    + r"(?:\s+(?:[a-z]+[ -]){0,2}?"  # "7 Ways", "7 Easy Ways"
    + r"(steps?|ways?|tips?|things|strategies|methods|habits|ideas|rules)\b"
    # "a 4-Step Plan"; not "2-Step Verification", "a 12-Step Program", "a 3-Way Switch"
    + r"|-(step)s?(?=\s+(?:plan|guide|process|method|routine|approach|checklist|system)\b))",
    re.IGNORECASE,
)
DEFAULT_EVIDENCE_BADGES = [
    "research-informed",
    "research-based",
    "evidence-based",
    "evidence-informed",
    "science-backed",
    "clinically reviewed",
    "clinically proven",
    "medically reviewed",
    "expert-reviewed",
]


class _StructureRule(Rule):
    category = Category.STRUCTURE
    severity = Severity.WARNING


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def _list(data: dict, key: str) -> list:
    value = data.get(key)
    return value if isinstance(value, list) else []


@register
class PromisedCountMismatch(_StructureRule):
    """The title or summary promises a number of steps the guide does not have.

    **What it finds.** "7 Ways to ...", "in 5 steps", "Ten tips for ...", "a 4-Step Plan" in
    the title or the summary, when neither the number of steps nor the number of strategies
    is that number.

    **Why it matters.** Readers count. A "7 ways" guide with six steps looks careless and
    costs trust in everything else it says.

    **Example.** Title "5 Steps to Repot a Plant" on a guide with 7 steps.
    """

    code = "T001"
    name = "promised-count-mismatch"
    severity = Severity.ERROR

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        steps, strategies = len(_list(guide.data, "steps")), len(_list(guide.data, "strategies"))
        counts = {steps, strategies}
        has = _how_many(steps, "step", "steps")
        if strategies:
            has += f" and {_how_many(strategies, 'strategy', 'strategies')}"
        for field in ("title", "summary"):
            text = guide.data.get(field)
            if not isinstance(text, str):
                continue
            for match in _PROMISE.finditer(text):
                promised = _number(match.group(1))
                if promised not in counts:
                    noun = (match.group(2) or match.group(3)).lower()
                    noun += "" if promised == 1 or noun.endswith("s") else "s"  # "4-Step"
                    yield Diagnostic(
                        pointer=f"/{field}",
                        span=Span(match.start(), match.end()),
                        message=(
                            f"the {field} promises {promised} {noun} "
                            f"(“{match.group()}”), but the guide has {has}"
                        ),
                        key=f"{field}:{match.group().lower()}",
                    )


def _how_many(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@register
class NumberedStepTitle(_StructureRule):
    """A step title that carries its own number ("Step 3: ...").

    **What it finds.** Step titles starting with "Step N:", "Step N", "N.", "N)" or "N -"
    (not a number that belongs to the title, as in "10-minute warm-up" or "2.5 cups of
    flour", nor another sequence's number, as in "Part 2"). When N is not the step's
    position, the numbering is wrong (an error); when it is, the number is only redundant,
    since the position is the number (a warning).

    **Why it matters.** Numbers typed into titles go wrong as soon as a step is added,
    removed or moved, and the page shows "3. Step 3: ..." twice over.

    **Example.** The fourth step titled "Step 3: Build independent stability".
    """

    code = "T002"
    name = "numbered-step-title"

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        for index, step in enumerate(_list(guide.data, "steps")):
            title = step.get("title") if isinstance(step, dict) else None
            if not isinstance(title, str):
                continue
            numbering = own_number(title)
            # "Part 2" or "Tip 2" numbers something else than the steps, and a title that is
            # only a number has nothing else to keep.
            if (
                numbering is None
                or numbering.label not in ("", "step")
                or not title[numbering.end :].strip()
            ):
                continue
            number = numbering.number
            pointer = join("steps", index, "title")
            span = Span(0, numbering.end)
            if number != index + 1:
                yield Diagnostic(
                    pointer=pointer,
                    span=span,
                    severity=Severity.ERROR,
                    message=(
                        f"step {index + 1} is titled {quoted(title)}: its number says {number}; "
                        "remove the number, the position numbers the steps"
                    ),
                    key=f"wrong:{title}",
                )
            else:
                yield Diagnostic(
                    pointer=pointer,
                    span=span,
                    message=(
                        f"step title {quoted(title)} repeats its number; "
                        f"remove “{title[: numbering.end]}”"
                    ),
                    key=f"prefix:{title}",
                )


@register
class RepeatsHeading(_StructureRule):
    """A takeaway, summary or FAQ answer that only repeats a heading or another field.

    **What it finds.** A takeaway, the summary or an FAQ answer whose words (ignoring case,
    punctuation and a "Step N:" prefix) are exactly those of a step, strategy or section
    heading, the title, the summary or a takeaway elsewhere.

    **Why it matters.** A summary should summarize. A takeaway that restates a heading
    word for word gives the reader nothing they did not just read.

    **Example.** The seed's takeaway "Step 1: Name your triggers clearly." is the title of
    step 1; its first takeaway is the summary word for word.
    """

    code = "T003"
    name = "repeats-heading"
    severity = Severity.INFO

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        # Headings first, so a takeaway that copies a step title names the title.
        headings: dict[str, list[str]] = {}
        for unit in sorted(guide.units, key=lambda u: u.kind != "title"):
            if unit.kind == "title" or unit.pointer == "/summary" or _is_takeaway(unit.pointer):
                key = tokens_key(_without_step_prefix(unit.tokens))
                headings.setdefault(key, []).append(unit.pointer)
        order = {unit.pointer: index for index, unit in enumerate(guide.units)}
        for unit in guide.units:
            if not (
                unit.pointer == "/summary"
                or _is_takeaway(unit.pointer)
                or unit.pointer.endswith("/answer")
            ):
                continue
            own_words = _without_step_prefix(unit.tokens)
            key = tokens_key(own_words)
            other = next((p for p in headings.get(key, ()) if p != unit.pointer), None)
            # Of two fields that repeat each other, the later one is the copy.
            if (
                key
                and other
                and (other.endswith(("/title", "/heading")) or order[other] < order[unit.pointer])
            ):
                numbered = len(own_words) < len(unit.tokens)
                how = "with a step number" if numbered else "word for word"
                yield Diagnostic(
                    pointer=unit.pointer,
                    message=(
                        f"{describe(unit.pointer)} only repeats {describe(other)} {how} "
                        f"({quoted(unit.text, 120)}); say something the heading does not"
                    ),
                    key=key,
                )


def _is_takeaway(pointer: str) -> bool:
    return pointer.startswith("/takeaways/")


def _without_step_prefix(tokens: tuple[str, ...]) -> tuple[str, ...]:
    if len(tokens) > 2 and tokens[0] == "step" and tokens[1].isdigit():
        return tokens[2:]
    return tokens


_EMPTY_CHECKS = (
    ("intro", "the intro"),
    ("takeaways", "the takeaways"),
    ("strategies", "the strategies"),
    ("sections", "the sections"),
    ("faq", "the FAQ"),
    ("related_guides", "the related guides"),
    ("sources", "the sources"),
)


@register
class EmptyPart(_StructureRule):
    """A part that would render as a heading with nothing under it.

    **What it finds.** Lists that are present but empty (``"related_guides": []``, an empty
    ``faq``), sections with neither body nor items, steps and strategies whose body has no
    text, FAQ entries with a blank answer, and text fields holding only spaces.

    **Why it matters.** The page shows "Explore Related Guides" or "Common Questions" over
    nothing: it looks broken, and readers scroll for content that is not there.

    **Example.** The seed guide's ``"related_guides": []``.
    """

    code = "T004"
    name = "empty-part"

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        data = guide.data
        for key, label in _EMPTY_CHECKS:
            if key in data and isinstance(data[key], list) and not data[key]:
                yield Diagnostic(
                    pointer=f"/{key}",
                    message=f"{label} list is empty and would render as a heading over nothing; "
                    "fill it or remove the field",
                    key=key,
                )
        for collection, body_keys in (
            ("steps", ("body",)),
            ("strategies", ("body",)),
            ("sections", ("body", "items")),
            ("callouts", ("body",)),
        ):
            for index, part in enumerate(_list(data, collection)):
                if not isinstance(part, dict):
                    continue
                texts = [t for k in body_keys for t in _list(part, k)]
                if not any(isinstance(t, str) and t.strip() for t in texts):
                    yield Diagnostic(
                        pointer=join(collection, index),
                        message=f"{describe(join(collection, index))} has a heading but no text",
                        key=f"{collection}:{part.get('title') or part.get('heading')}",
                    )
                for k in body_keys:
                    for j, text in enumerate(_list(part, k)):
                        if isinstance(text, str) and not text.strip():
                            pointer = join(collection, index, k, j)
                            yield Diagnostic(
                                pointer=pointer,
                                message=f"{describe(pointer)} is blank",
                                key=f"blank:{collection}:{k}",
                            )
        for index, entry in enumerate(_list(data, "faq")):
            answer = entry.get("answer") if isinstance(entry, dict) else None
            if isinstance(answer, str) and not answer.strip():
                pointer = join("faq", index, "answer")
                yield Diagnostic(
                    pointer=pointer, message=f"{describe(pointer)} is blank", key="faq"
                )


@register
class UnattributedQuote(_StructureRule):
    """A quotation with no attribution.

    **What it finds.** Entries of ``quotes`` without an ``attribution`` (or with a blank one).

    **Why it matters.** An unattributed quote reads as invented. Say who said it, or present
    it as the guide's own words.

    **Example.** The seed's “Healing is a skill you can practice, not a personality you are
    stuck with.”, attributed to nobody.
    """

    code = "T005"
    name = "unattributed-quote"

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        for index, quote in enumerate(_list(guide.data, "quotes")):
            if not isinstance(quote, dict):
                continue
            attribution = quote.get("attribution")
            if not (isinstance(attribution, str) and attribution.strip()):
                text = quote.get("text") if isinstance(quote.get("text"), str) else ""
                yield Diagnostic(
                    pointer=join("quotes", index),
                    message=f"quote {quoted(text, 60)} has no attribution; say who said it",
                    key=text,
                )


@register
class UnsupportedEvidenceBadge(_StructureRule):
    """A badge that claims evidence on a guide that cites no sources.

    **What it finds.** Badges such as "Research-informed", "Evidence-based" or "Clinically
    reviewed" (the list is configurable, matched ignoring case, spaces and hyphens) on a
    guide whose ``sources`` list is missing or empty.

    **Why it matters.** An evidence claim with nothing behind it misleads readers, and in
    health topics it can be a compliance problem.

    **Example.** The seed guide shows "Research-informed" and has no sources at all.
    """

    code = "T006"
    name = "unsupported-evidence-badge"
    severity = Severity.ERROR

    @dataclass(frozen=True)
    class Options:
        badges: list = option(DEFAULT_EVIDENCE_BADGES, "badges that claim evidence")

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        sources = [s for s in _list(guide.data, "sources") if isinstance(s, dict)]
        if sources:
            return
        claims = {_squash(b) for b in self.options.badges}
        for index, badge in enumerate(_list(guide.data, "badges")):
            if isinstance(badge, str) and _squash(badge) in claims:
                yield Diagnostic(
                    pointer=join("badges", index),
                    message=(
                        f"badge “{badge}” claims evidence, but the guide lists no sources; "
                        "add the sources or remove the badge"
                    ),
                    key=_squash(badge),
                )


def _squash(text: str) -> str:
    return re.sub(r"[\s\-_]+", "", text.lower())


_SAFE_SCHEMES = ("http", "https")


@register
class IncompleteSource(_StructureRule):
    """A source without a title or a usable web address.

    **What it finds.** Entries of ``sources`` with no ``title`` or no ``url``, and URLs that
    are not ``http(s)://`` addresses with a host. A ``javascript:`` or ``data:`` URL is an
    error: it is never a citation, and in a page it can run code.

    **Why it matters.** A reader cannot check a source they cannot find.

    **Example.** ``{"title": "NHS guidance"}`` (no url), ``{"url": "javascript:alert(1)"}``.
    """

    code = "T007"
    name = "incomplete-source"

    def check(self, guide: GuideContext) -> Iterator[Diagnostic]:
        for index, source in enumerate(_list(guide.data, "sources")):
            if not isinstance(source, dict):
                continue
            pointer = join("sources", index)
            title, url = source.get("title"), source.get("url")
            if not (isinstance(title, str) and title.strip()):
                yield Diagnostic(
                    pointer=pointer, message=f"{describe(pointer)} has no title", key=f"title:{url}"
                )
            if not (isinstance(url, str) and url.strip()):
                yield Diagnostic(
                    pointer=pointer, message=f"{describe(pointer)} has no url", key=f"url:{title}"
                )
                continue
            parts = urlsplit(url.strip())
            if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.netloc:
                dangerous = parts.scheme.lower() in ("javascript", "data", "vbscript")
                yield Diagnostic(
                    pointer=f"{pointer}/url",
                    severity=Severity.ERROR if dangerous else None,
                    message=(
                        f"{describe(pointer)} url “{url[:80]}” names no web site after its "
                        f"{parts.scheme}://"
                        if parts.scheme.lower() in _SAFE_SCHEMES
                        else f"{describe(pointer)} url “{url[:80]}” is not an http(s) web address"
                    ),
                    key=f"scheme:{url}",
                )
