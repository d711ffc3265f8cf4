"""The number a heading gives itself ("Step 3:", "3.", "2a)"), told apart from a number that
is part of what it says ("10-minute warm-up", "2.5 cups", "4 screws hold the cover").

One definition for every rule that reads it: ``T002`` reports step titles that number
themselves, and the near-duplicate rules leave such numbering out when they compare the
numbers of two steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORDS = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty",
]  # fmt: skip
_LABEL = r"step|strategy|tip|part|question"
_OWN_NUMBER = re.compile(
    r"\s*(?:"
    # A label and a number, with or without a separator: "Step 3:", "Step 3", "Tip 2 -". Not
    # "Step 2.1" or "Step 1-2" (a decimal or a range), nor "Step 10-minute warm-up".
    rf"(?P<label>{_LABEL})\s*(?P<labelled>\d{{1,3}})[a-z]?\b"
    r"(?![.,:]\d|[-–—]\w)(?:\s*[:.)\-–—])?"
    # A label and a number word, with a separator: "Step Two:", not "Part two of it".
    rf"|(?P<word_label>{_LABEL})\s+(?P<word>{'|'.join(_WORDS)})\s*(?:[:.)]|\s[-–—]\s)"
    # A bare number closed by punctuation ("3. ", "2a) ", "3.Mix"), set off by a dash ("3 - ",
    # "3- ", "3 -"), or standing alone. "2.5", "12:30", "10-minute" and "10 - 15" are neither.
    r"|(?P<bare>\d{1,3})[a-z]?(?:[:.)](?!\d)|(?:\s*[-–—](?=\s)|\s+[-–—])(?!\s*\d)|\s*$)"
    r")\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class OwnNumber:
    """The number a heading starts with, the word before it in lower case ("step",
    "strategy", "tip", "part", "question"; "" for a bare number), and where the rest of the
    heading starts."""

    number: int
    label: str
    end: int


def own_number(heading: str) -> OwnNumber | None:
    """The heading's own numbering, if it starts with one."""
    match = _OWN_NUMBER.match(heading)
    if match is None:
        return None
    if match.group("word"):
        number = _WORDS.index(match.group("word").lower()) + 1
        return OwnNumber(number, match.group("word_label").lower(), match.end())
    number = int(match.group("labelled") or match.group("bare"))
    return OwnNumber(number, (match.group("label") or "").lower(), match.end())
