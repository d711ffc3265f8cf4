"""Rule-based passive voice detection for English (no trained model is available offline).

A passive is a form of "be" followed, within a couple of adverbs, by a past participle:
a regular "-ed" form or one of the irregular participles listed below. Adjectives that end
in "-ed" and usually describe a state ("interested", "tired") are not counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from contentqa.model import Span


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


BE_FORMS = frozenset({"am", "is", "are", "was", "were", "be", "been", "being", "isn't", "aren't",
                      "wasn't", "weren't"})  # fmt: skip
_ADVERBS = frozenset({"not", "also", "often", "always", "never", "usually", "just", "still",
                      "then", "only", "already", "sometimes", "rarely", "easily", "quickly",
                      "slowly", "widely", "commonly", "generally", "best", "being"})  # fmt: skip
IRREGULAR_PARTICIPLES = _word_set(
    """
    arisen awoken borne born beaten become begun bent bet bid bitten bled blown broken bred
    brought broadcast built burnt burst bought cast caught chosen clung come cost crept cut
    dealt dug done drawn dreamt drunk driven eaten fallen fed felt fought found fled flung
    flown forbidden forecast forgotten forgiven frozen gotten got given gone ground grown hung
    had heard hidden hit held hurt kept knelt known laid led leant leapt learnt left lent let
    lain lit lost made meant met mistaken paid proven put quit read rid ridden rung risen run
    sawn said seen sought sold sent set sewn shaken shed shone shot shown shrunk shut sung sunk
    sat slain slept slid slung slit smelt sown spoken sped spent spilt spun spat split spoilt
    spread sprung stood stolen stuck stung stunk struck strung sworn swept swollen swum swung
    taken taught torn told thought thrown thrust trodden understood undertaken undone upset
    woken worn woven wed wept won wound withdrawn withheld withstood wrung written
    """
)
# "-ed" words that follow "be" as adjectives far more often than as passives.
STATE_ADJECTIVES = _word_set(
    """
    interested tired bored excited worried scared pleased surprised concerned confused
    embarrassed frightened relaxed satisfied disappointed exhausted annoyed amazed ashamed
    determined experienced qualified talented skilled prepared supposed used based aged
    advanced balanced detailed limited related complicated crowded sophisticated varied
    """
)
_NOT_PARTICIPLES = frozenset({"indeed", "proceed", "succeed", "exceed", "breed", "speed", "bleed"})
# Participles that, with what follows them, say what something is, not what someone did to
# it: "you are done!", "done with it", "it is made of steel", "a habit you are stuck with"
# ("" stands for the end of a clause). With "by" and the doer after them they are passives
# again ("the work is done by a plumber"), as "done" is in "work to be done there".
_STATES = {"done": frozenset({"", "with"}), "made": frozenset({"of", "from"}), "stuck": None}
_CLAUSE_END = re.compile(r"\s*(?:[.,;:!?)]|$)")
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


def _is_adverb(word: str) -> bool:
    return word in _ADVERBS or (len(word) > 4 and word.endswith("ly"))


def _is_participle(word: str) -> bool:
    lower = word.lower()
    if lower in STATE_ADJECTIVES:
        return False
    if lower in IRREGULAR_PARTICIPLES:
        return True
    return len(lower) > 4 and lower.endswith("ed") and lower not in _NOT_PARTICIPLES


def passive_spans(sentence: str) -> Iterator[Span]:
    """Spans (within ``sentence``) from the form of "be" to the participle, per passive."""
    words = list(_WORD.finditer(sentence))
    for i, match in enumerate(words):
        if match.group().lower() not in BE_FORMS:
            continue
        j = i + 1
        while j < len(words) and j <= i + 2 and _is_adverb(words[j].group().lower()):
            j += 1
        if j < len(words) and _is_participle(words[j].group()):
            ends = _CLAUSE_END.match(sentence, words[j].end()) is not None
            after = "" if ends or j + 1 == len(words) else words[j + 1].group().lower()
            if not _is_state(words[j].group().lower(), after):
                yield Span(match.start(), words[j].end())


def _is_state(participle: str, after: str) -> bool:
    if participle not in _STATES or after == "by":
        return False
    followers = _STATES[participle]
    return followers is None or after in followers


def is_passive(sentence: str) -> bool:
    return next(passive_spans(sentence), None) is not None
