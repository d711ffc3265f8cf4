"""Deterministic generator of realistic synthetic guide libraries with planted duplicates.

    .venv/bin/python benchmarks/generate_library.py --guides 1000 --out /tmp/lib1000

writes ``/tmp/lib1000/<id>.json`` (one guide per file, valid against
``schemas/guide.schema.json``) and ``/tmp/lib1000.plants.json`` (what was planted, where; kept
outside the folder so ``contentqa check /tmp/lib1000`` does not read it).

**Text.** Sentences come from a word-bigram Markov chain trained at run time on the real
sentences of the iFixit (MyFixit) and wikiHow (OpenPI) corpora when they are present, or from
templates over a built-in English word list otherwise (``--text builtin`` forces that). The
corpora are read from ``../shared/corpora`` and never copied: the chain recombines words, it
rejects any sentence that is verbatim in the corpus, and every generated sentence, title and
item is unique in the library, so the only duplicates are the planted ones (plus whatever
near-similarity the recombination happens to produce).

**Shape.** Per guide on average: 1 summary, 3 intro paragraphs, 8 steps with 2 body paragraphs
and 2-3 action items each, 3 strategies, 1 section (paragraph + bullet list), 1 callout,
3 FAQ entries, 4 takeaways: about 28 paragraphs and 1,000 words.

**Planted duplicates** (each kind ``max(1, round(rate * guides))`` times, rates below):

===========================  ======  ===============================================  =========
kind                         rate    what                                             expected
===========================  ======  ===============================================  =========
exact-paragraph-within       0.05    a paragraph pasted over another one, same guide  D001
exact-paragraph-cross        0.05    a paragraph pasted into another guide            D001
boilerplate-within           0.03    one sentence appended to 3-5 step bodies          D005
boilerplate-cross            0.01    one sentence appended to a paragraph of 3-6      D005
                                     guides
near-step-within             0.05    a step copied over a later step of the same      D006
                                     guide with light rewording (a few word swaps)
near-step-cross              0.05    a step copied, lightly reworded, into another    D006
                                     guide
near-paragraph-cross         0.03    an intro/strategy/FAQ paragraph copied,           D009
                                     lightly reworded, into another guide
===========================  ======  ===============================================  =========

Light rewording: ``max(1, round(0.06 * words))`` edits per paragraph (one word in a title,
one in half of the action items), each edit replacing a word with a vocabulary word (70 %)
or swapping two neighbouring words (30 %).

Every plant is recorded as ``{"kind", "expect", "locations": [[file, pointer], ...]}``; a
plant is *found* when one finding's locations (primary + related) cover all its locations.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpora

PLANT_RATES: dict[str, float] = {
    "exact-paragraph-within": 0.05,
    "exact-paragraph-cross": 0.05,
    "boilerplate-within": 0.03,
    "boilerplate-cross": 0.01,
    "near-step-within": 0.05,
    "near-step-cross": 0.05,
    "near-paragraph-cross": 0.03,
}
EXPECTED_CODE = {
    "exact-paragraph-within": "D001",
    "exact-paragraph-cross": "D001",
    "boilerplate-within": "D005",
    "boilerplate-cross": "D005",
    "near-step-within": "D006",
    "near-step-cross": "D006",
    "near-paragraph-cross": "D009",
}

_KEY_JUNK = re.compile(r"[^a-z0-9 ]+")
_BAD_SENTENCE = re.compile(r"[\[\]|<>*{}=#_\\]|https?:|www\.|''")
_ALPHA = re.compile(r"^[a-z]+$")

_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "you",
        "your",
        "i",
        "we",
        "they",
        "he",
        "she",
        "them",
        "there",
        "here",
        "if",
        "when",
        "once",
        "before",
        "after",
        "while",
        "then",
        "now",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "of",
        "and",
        "or",
        "but",
        "so",
        "as",
        "be",
        "is",
        "are",
        "was",
        "were",
        "do",
        "does",
        "don't",
        "not",
        "no",
        "one",
        "two",
        "three",
        "all",
        "some",
        "any",
        "each",
        "other",
        "more",
        "most",
        "first",
        "next",
        "also",
        "just",
        "only",
        "very",
        "using",
        "use",
        "make",
        "sure",
        "again",
        "may",
        "can",
        "will",
        "should",
    ]
)

# -- the built-in vocabulary (used when the corpora are absent) --------------------------

_NOUNS = [
    "battery",
    "screen",
    "cover",
    "panel",
    "screw",
    "bracket",
    "cable",
    "connector",
    "board",
    "fan",
    "hinge",
    "lid",
    "door",
    "handle",
    "knob",
    "switch",
    "button",
    "spring",
    "clip",
    "latch",
    "seal",
    "gasket",
    "filter",
    "hose",
    "pipe",
    "valve",
    "pump",
    "motor",
    "belt",
    "pulley",
    "gear",
    "wheel",
    "tire",
    "chain",
    "pedal",
    "saddle",
    "frame",
    "fork",
    "brake",
    "lever",
    "drawer",
    "shelf",
    "cabinet",
    "counter",
    "sink",
    "faucet",
    "drain",
    "tap",
    "tile",
    "wall",
    "floor",
    "ceiling",
    "window",
    "curtain",
    "blind",
    "mirror",
    "lamp",
    "bulb",
    "socket",
    "plug",
    "outlet",
    "wire",
    "fuse",
    "breaker",
    "meter",
    "sensor",
    "thermostat",
    "heater",
    "boiler",
    "radiator",
    "kettle",
    "toaster",
    "oven",
    "stove",
    "burner",
    "pan",
    "pot",
    "lid",
    "tray",
    "rack",
    "blade",
    "knife",
    "spoon",
    "bowl",
    "cup",
    "jar",
    "bottle",
    "box",
    "bag",
    "case",
    "strap",
    "buckle",
    "zipper",
    "button",
    "thread",
    "needle",
    "seam",
    "hem",
    "collar",
    "sleeve",
    "pocket",
    "fabric",
    "leather",
    "glue",
    "tape",
    "brush",
    "roller",
    "paint",
    "primer",
    "sponge",
    "cloth",
    "towel",
    "bucket",
    "ladder",
    "hammer",
    "drill",
    "bit",
    "wrench",
    "spanner",
    "pliers",
    "clamp",
    "file",
    "saw",
    "chisel",
    "ruler",
    "pencil",
    "marker",
    "label",
    "sticker",
    "plant",
    "pot",
    "soil",
    "seed",
    "root",
    "leaf",
    "stem",
    "branch",
    "flower",
    "garden",
    "lawn",
    "hedge",
    "path",
    "fence",
    "gate",
    "shed",
    "roof",
    "gutter",
    "chimney",
    "porch",
    "step",
    "dog",
    "cat",
    "bird",
    "fish",
    "tank",
    "cage",
    "leash",
    "collar",
    "bed",
    "blanket",
    "pillow",
    "sheet",
    "mattress",
    "sofa",
    "chair",
    "table",
    "desk",
    "lamp",
    "phone",
    "tablet",
    "laptop",
    "keyboard",
    "mouse",
    "monitor",
    "printer",
    "router",
    "modem",
    "charger",
    "adapter",
    "card",
    "drive",
    "disk",
    "folder",
    "file",
    "account",
    "password",
    "browser",
    "app",
    "setting",
    "menu",
    "message",
    "email",
    "photo",
    "camera",
    "lens",
    "tripod",
    "flash",
    "memory",
    "speaker",
    "headphone",
    "microphone",
    "guitar",
    "string",
    "drum",
    "piano",
    "key",
    "recipe",
    "dough",
    "flour",
    "sugar",
    "butter",
    "egg",
    "milk",
    "cream",
    "sauce",
    "oil",
    "salt",
    "pepper",
    "onion",
    "garlic",
    "tomato",
    "bread",
    "rice",
    "pasta",
    "cheese",
    "fruit",
    "apple",
    "lemon",
    "berry",
    "meal",
    "plate",
    "napkin",
    "budget",
    "receipt",
    "invoice",
    "schedule",
    "calendar",
    "habit",
    "routine",
    "goal",
    "list",
    "note",
    "plan",
    "form",
    "letter",
    "envelope",
    "stamp",
    "parcel",
]
_VERBS = [
    "remove",
    "replace",
    "check",
    "clean",
    "loosen",
    "tighten",
    "lift",
    "slide",
    "pull",
    "push",
    "press",
    "turn",
    "twist",
    "rotate",
    "open",
    "close",
    "attach",
    "detach",
    "connect",
    "disconnect",
    "insert",
    "unplug",
    "plug",
    "fold",
    "wrap",
    "cover",
    "measure",
    "cut",
    "trim",
    "sand",
    "paint",
    "wipe",
    "rinse",
    "soak",
    "dry",
    "heat",
    "cool",
    "stir",
    "mix",
    "pour",
    "fill",
    "empty",
    "drain",
    "seal",
    "test",
    "adjust",
    "align",
    "mark",
    "label",
    "sort",
    "store",
    "hang",
    "mount",
    "secure",
    "release",
    "hold",
    "support",
    "inspect",
    "repair",
    "fix",
    "patch",
    "glue",
    "tape",
    "sew",
    "stitch",
    "iron",
    "wash",
    "brush",
    "comb",
    "water",
    "feed",
    "plant",
    "prune",
    "dig",
    "rake",
    "sweep",
    "mop",
    "scrub",
    "polish",
    "charge",
    "reset",
    "update",
    "restart",
    "install",
    "save",
    "copy",
    "move",
    "delete",
    "rename",
    "write",
    "read",
    "note",
    "plan",
    "book",
    "call",
    "ask",
    "order",
    "pack",
    "carry",
    "lower",
    "raise",
]
_ADJECTIVES = [
    "small",
    "large",
    "old",
    "new",
    "loose",
    "tight",
    "clean",
    "dirty",
    "dry",
    "wet",
    "warm",
    "cold",
    "hot",
    "soft",
    "hard",
    "smooth",
    "rough",
    "flat",
    "round",
    "thin",
    "thick",
    "long",
    "short",
    "narrow",
    "wide",
    "heavy",
    "light",
    "bright",
    "dark",
    "quiet",
    "gentle",
    "firm",
    "steady",
    "spare",
    "extra",
    "empty",
    "full",
    "broken",
    "damaged",
    "worn",
    "cracked",
    "bent",
    "rusty",
    "sticky",
    "plastic",
    "metal",
    "wooden",
    "rubber",
    "glass",
    "paper",
    "cotton",
    "simple",
    "careful",
    "quick",
    "slow",
    "safe",
    "fresh",
]
_PREPS = [
    "on",
    "under",
    "behind",
    "beside",
    "inside",
    "near",
    "around",
    "above",
    "below",
    "across",
    "along",
    "against",
]
_ADVERBS = [
    "gently",
    "carefully",
    "slowly",
    "firmly",
    "evenly",
    "lightly",
    "quickly",
    "fully",
    "partly",
    "slightly",
    "completely",
    "thoroughly",
]
_TEMPLATES = (
    "{V} the {a} {n} {p} the {n}.",
    "{V} the {n} {d} until the {n} is {a}.",
    "If the {n} is {a}, {v} it {d} before you {v} the {n}.",
    "Make sure the {n} and the {n} are {a} before you {v} the {n}.",
    "You can {v} the {n} with a {a} {n}, but {v} the {n} first.",
    "Most {n}s {v} more {d} when the {n} is {a} and {a}.",
    "Hold the {n} {d} while you {v} the {a} {n} {p} it.",
    "Once the {n} is {a}, {v} the {n} and {v} the {a} {n}.",
    "Do not {v} the {n} {p} the {a} {n}, or the {n} may {v}.",
    "A {a} {n} makes it easier to {v} the {n} {d}.",
    "Take a moment to {v} the {n} {p} the {n} and {v} any {a} {n}s.",
    "When you {v} the {n}, keep the {a} {n} {p} the {n}.",
)


@dataclass
class Plant:
    kind: str
    locations: list[tuple[str, str]]
    expect: str = ""

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "expect": self.expect or EXPECTED_CODE[self.kind],
            "locations": [list(loc) for loc in self.locations],
        }


# -- text sources --------------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(_KEY_JUNK.sub(" ", text.lower()).split())


class TextSource:
    """Sentences, titles and replacement words; every returned text is new in the library."""

    name = "base"

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()
        self.verbs: list[str] = list(_VERBS)
        self.nouns: list[str] = list(_NOUNS)
        self.adjectives: list[str] = list(_ADJECTIVES)
        self.words: list[str] = sorted({*_NOUNS, *_VERBS, *_ADJECTIVES})

    def _raw_sentence(self) -> str:
        raise NotImplementedError

    def _unique(self, make: Callable[[], str], tries: int = 50) -> str:
        text = ""
        for _ in range(tries):
            text = make()
            key = _key(text)
            if key and key not in self.seen:
                self.seen.add(key)
                return text
        return text  # give up after many tries: a rare accidental repeat

    def sentence(self) -> str:
        return self._unique(self._raw_sentence)

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def word(self) -> str:
        return self.rng.choice(self.words)

    def _phrase(self) -> str:
        """A title-like phrase with four or five content words (so chance near-matches
        between unrelated titles stay rare even over hundreds of thousands of items)."""
        r = self.rng
        verb = r.choice(self.verbs).capitalize()
        a, b = r.choice(self.adjectives), r.choice(self.words)
        n1, n2 = r.choice(self.nouns), r.choice(self.nouns)
        shape = r.random()
        if shape < 0.3:
            return f"{verb} the {a} {n1} {r.choice(_PREPS)} the {n2}"
        if shape < 0.6:
            return f"{verb} the {n1} {r.choice(_PREPS)} the {b} {n2}"
        if shape < 0.8:
            return f"{verb} {r.choice(('each', 'every', 'any'))} {a} {n1} and {b} {n2}"
        return f"{verb} the {b} {n1} {r.choice(_ADVERBS)} with the {n2}"

    def title(self) -> str:
        return self._unique(self._phrase)

    def item(self) -> str:
        return self.title()

    def guide_title(self) -> str:
        r = self.rng
        return self._unique(
            lambda: (
                f"How to {r.choice(self.verbs).capitalize()} "
                f"{r.choice(('a', 'the', 'your'))} {r.choice(self.adjectives).capitalize()} "
                f"{r.choice(self.nouns).capitalize()} {r.choice(_PREPS).capitalize()} "
                f"{r.choice(('a', 'the'))} {r.choice(self.nouns).capitalize()}"
            )
        )

    def question(self) -> str:
        r = self.rng

        def make() -> str:
            words = self._phrase().split()
            words[0] = words[0].lower()
            lead = r.choice(
                (
                    "How do I",
                    "What should I do if I cannot",
                    "Can I",
                    "Is it safe to",
                    "When should I",
                    "Why is it hard to",
                    "Do I need help to",
                )
            )
            return f"{lead} {' '.join(words)}?"

        return self._unique(make)


class BuiltinText(TextSource):
    name = "built-in word list and templates"

    def _raw_sentence(self) -> str:
        r = self.rng
        fill = {
            "V": lambda: r.choice(self.verbs).capitalize(),
            "v": lambda: r.choice(self.verbs),
            "n": lambda: r.choice(self.nouns),
            "a": lambda: r.choice(self.adjectives),
            "p": lambda: r.choice(_PREPS),
            "d": lambda: r.choice(_ADVERBS),
        }
        template = r.choice(_TEMPLATES)
        return re.sub(r"\{(\w)\}", lambda m: fill[m.group(1)](), template)


class MarkovText(TextSource):
    """Word-bigram chain over real iFixit and wikiHow sentences (read at run time)."""

    name = "word-bigram Markov chain over the iFixit and wikiHow corpora"

    def __init__(self, rng: random.Random, sentences: list[str]) -> None:
        super().__init__(rng)
        self.corpus_keys = {_key(s) for s in sentences}
        self.starts: list[str] = []
        self.next: dict[str, list[str | None]] = {}
        words: Counter[str] = Counter()
        first: Counter[str] = Counter()
        after_the: Counter[str] = Counter()
        for sentence in sentences:
            tokens = sentence.split()
            self.starts.append(tokens[0])
            for a, b in zip(tokens, [*tokens[1:], None], strict=True):
                self.next.setdefault(a, []).append(b)
            for a, b in itertools.pairwise(tokens):
                if a.lower() == "the":
                    w = b.strip(".,;:!?()\"'").lower()
                    if _ALPHA.match(w) and len(w) > 2 and w not in _STOP:
                        after_the[w] += 1
            w0 = tokens[0].lower()
            if _ALPHA.match(w0) and len(w0) > 2 and w0 not in _STOP and not w0.endswith("ly"):
                first[w0] += 1
            for t in tokens:
                w = t.strip(".,;:!?()\"'").lower()
                if _ALPHA.match(w) and len(w) > 2 and w not in _STOP:
                    words[w] += 1
        self.verbs = [w for w, c in sorted(first.items()) if c >= 5 and not w.endswith("ing")]
        self.nouns = [w for w, c in sorted(after_the.items()) if c >= 3]
        self.words = [w for w, c in sorted(words.items()) if c >= 3]
        self.adjectives = sorted({*_ADJECTIVES, *self.words[::4]})

    def _walk(self) -> str:
        r = self.rng
        tokens = [r.choice(self.starts)]
        while len(tokens) < 40:
            nxt = r.choice(self.next.get(tokens[-1], [None]))
            if nxt is None:
                break
            tokens.append(nxt)
        return " ".join(tokens)

    def _raw_sentence(self) -> str:
        for _ in range(100):
            text = self._walk()
            n = len(text.split())
            if 7 <= n <= 30 and text[-1] in ".!?" and _key(text) not in self.corpus_keys:
                return text
        return text


def corpus_sentences() -> list[str]:
    """Clean sentences of the iFixit and wikiHow corpora (raises CorpusMissing if absent)."""
    out: list[str] = []
    pieces: list[str] = []
    for record in corpora.myfixit_records():
        for step in record["steps"]:
            pieces.extend(step.get("bullets", []))
    try:
        for record in corpora.wikihow_records():
            pieces.extend(record["steps"])
    except corpora.CorpusMissing:
        pass
    for piece in pieces:
        for sentence in re.split(r"(?<=[.!?])\s+", " ".join(piece.split())):
            if len(sentence.split()) >= 4 and not _BAD_SENTENCE.search(sentence):
                out.append(sentence)
    return out


def text_source(kind: str, rng: random.Random) -> TextSource:
    if kind in ("auto", "corpora"):
        try:
            return MarkovText(rng, corpus_sentences())
        except corpora.CorpusMissing as exc:
            if kind == "corpora":
                raise
            print(f"note: {exc}; using the built-in word list", file=sys.stderr)
    return BuiltinText(rng)


# -- guides --------------------------------------------------------------------------------

_PEOPLE = (
    "Dana Reyes",
    "Lee Chen",
    "Sam Okafor",
    "Priya Nair",
    "Alex Novak",
    "Mia Lindqvist",
    "Jordan Hale",
    "Noor Haddad",
    "Chris Moreau",
    "Ana Souza",
)
_CATEGORIES = (
    "Home and Garden",
    "Computers and Electronics",
    "Cars and Other Vehicles",
    "Food and Entertaining",
    "Hobbies and Crafts",
    "Health",
    "Pets and Animals",
    "Personal Care and Style",
    "Sports and Fitness",
    "Work World",
)


def make_guide(index: int, src: TextSource, rng: random.Random) -> dict[str, Any]:
    title = src.guide_title()
    slug = corpora.slugify(title, 50)

    def para() -> str:
        return src.paragraph(rng.choice((1, 2, 2, 3)))

    steps = []
    for _ in range(rng.randint(6, 10)):
        steps.append(
            {
                "title": src.title(),
                "body": [para() for _ in range(rng.randint(1, 3))],
                "action_items": [src.item() for _ in range(rng.randint(2, 3))],
            }
        )
    guide: dict[str, Any] = {
        "$schema": "../schemas/guide.schema.json",
        "schema_version": 1,
        "id": f"{slug}-{index:05d}",
        "category": rng.choice(_CATEGORIES),
        "title": title,
        "summary": src.sentence(),
        "reading_time_minutes": 4,
        "author": rng.choice(_PEOPLE),
        "reviewed_by": rng.choice(_PEOPLE),
        "updated": f"202{rng.randint(2, 5)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "intro": [para() for _ in range(rng.randint(2, 4))],
        "takeaways": [src.sentence() for _ in range(rng.randint(3, 5))],
        "steps": steps,
        "strategies": [{"title": src.title(), "body": [para()]} for _ in range(rng.randint(2, 4))],
        "sections": [
            {"heading": src.title(), "body": [para()], "items": [src.item() for _ in range(3)]}
            for _ in range(rng.randint(0, 2))
        ],
        "callouts": [{"label": "TIP", "title": src.title(), "body": [para()]}],
        "faq": [{"question": src.question(), "answer": para()} for _ in range(rng.randint(2, 4))],
        "sources": [
            {"title": f"{src.title()}, extension service", "url": f"https://example.org/{slug}/{n}"}
            for n in range(rng.randint(1, 3))
        ],
    }
    words = sum(len(p.split()) for p in _all_texts(guide))
    guide["reading_time_minutes"] = max(1, round(words / 238))
    return guide


def _all_texts(guide: dict) -> list[str]:
    out = [guide["title"], guide["summary"], *guide["intro"], *guide["takeaways"]]
    for step in guide["steps"]:
        out += [step["title"], *step["body"], *step["action_items"]]
    for part in (*guide["strategies"], *guide["sections"], *guide["callouts"]):
        out += [
            part.get("title") or part.get("heading"),
            *part.get("body", []),
            *part.get("items", []),
        ]
    for entry in guide["faq"]:
        out += [entry["question"], entry["answer"]]
    return out


def paragraph_slots(
    guide: dict,
    kinds: tuple[str, ...] = ("intro", "steps", "strategies", "sections", "callouts", "faq"),
):
    """``(pointer, container, key)`` of every paragraph in the given parts of a guide."""
    slots = []
    if "intro" in kinds:
        slots += [(f"/intro/{i}", guide["intro"], i) for i in range(len(guide["intro"]))]
    for part in ("steps", "strategies", "sections", "callouts"):
        if part in kinds:
            for i, entry in enumerate(guide.get(part, [])):
                body = entry.get("body", [])
                slots += [(f"/{part}/{i}/body/{j}", body, j) for j in range(len(body))]
    if "faq" in kinds:
        slots += [(f"/faq/{i}/answer", entry, "answer") for i, entry in enumerate(guide["faq"])]
    return slots


# -- rewording -----------------------------------------------------------------------------


def reword(text: str, src: TextSource, rng: random.Random, edits: int | None = None) -> str:
    """Light rewording: a few word replacements or neighbour swaps (never a no-op)."""
    words = text.split()
    if len(words) < 2:
        return text + " " + src.word()
    n = edits if edits is not None else max(1, round(0.06 * len(words)))
    original = list(words)
    for _ in range(n):
        i = rng.randrange(len(words))
        if rng.random() < 0.7 or len(words) < 3:
            tail = re.search(r"[.,;:!?)]+$", words[i])
            replacement = src.word()
            if words[i][:1].isupper():
                replacement = replacement.capitalize()
            words[i] = replacement + (tail.group(0) if tail else "")
        else:
            j = min(i + 1, len(words) - 2)
            a, b = words[j], words[j + 1]
            ta, tb = re.search(r"[.,;:!?)]+$", a), re.search(r"[.,;:!?)]+$", b)
            a0, b0 = a.rstrip(".,;:!?)"), b.rstrip(".,;:!?)")
            words[j] = b0 + (ta.group(0) if ta else "")
            words[j + 1] = a0 + (tb.group(0) if tb else "")
    if words == original:
        words[-1] = src.word() + "."
    return " ".join(words)


def reword_step(step: dict, src: TextSource, rng: random.Random) -> dict:
    title_words = step["title"].split()
    k = rng.randrange(1, len(title_words)) if len(title_words) > 1 else 0
    title_words[k] = src.word()
    return {
        "title": " ".join(title_words),
        "body": [reword(p, src, rng) for p in step["body"]],
        "action_items": [
            reword(item, src, rng, edits=1) if rng.random() < 0.5 else item
            for item in step.get("action_items", [])
        ],
    }


# -- planting ------------------------------------------------------------------------------


@dataclass
class _Planter:
    guides: list[dict]
    src: TextSource
    rng: random.Random
    used: dict[int, list[str]] = field(default_factory=dict)
    plants: list[Plant] = field(default_factory=list)

    def file(self, g: int) -> str:
        return f"{self.guides[g]['id']}.json"

    def free(self, g: int, pointer: str) -> bool:
        for u in self.used.get(g, ()):
            if pointer == u or pointer.startswith(u + "/") or u.startswith(pointer + "/"):
                return False
        return True

    def take(self, g: int, pointer: str) -> None:
        self.used.setdefault(g, []).append(pointer)

    def slot(
        self,
        g: int,
        kinds=("intro", "steps", "strategies", "sections", "callouts", "faq"),
        min_words: int = 8,
    ):
        options = [
            s
            for s in paragraph_slots(self.guides[g], kinds)
            if self.free(g, s[0]) and len(s[1][s[2]].split()) >= min_words
        ]
        return self.rng.choice(options) if options else None

    def other(self, g: int) -> int:
        while True:
            h = self.rng.randrange(len(self.guides))
            if h != g or len(self.guides) == 1:
                return h

    def exact(self, cross: bool) -> bool:
        g = self.rng.randrange(len(self.guides))
        h = self.other(g) if cross else g
        a = self.slot(g)
        if a is None:
            return False
        self.take(g, a[0])
        b = self.slot(h)
        if b is None:
            return False
        self.take(h, b[0])
        b[1][b[2]] = a[1][a[2]]
        kind = "exact-paragraph-cross" if cross else "exact-paragraph-within"
        self.plants.append(Plant(kind, [(self.file(g), a[0]), (self.file(h), b[0])]))
        return True

    def boilerplate(self, cross: bool) -> bool:
        sentence = self.src.sentence()
        k = self.rng.randint(3, 6) if cross else self.rng.randint(3, 5)
        chosen: list[tuple[int, str]] = []
        if cross:
            for g in self.rng.sample(range(len(self.guides)), min(k, len(self.guides))):
                s = self.slot(g, min_words=1)
                if s:
                    chosen.append((g, s))
        else:
            g = self.rng.randrange(len(self.guides))
            steps = [
                i for i in range(len(self.guides[g]["steps"])) if self.free(g, f"/steps/{i}/body/0")
            ]
            for i in self.rng.sample(steps, min(k, len(steps))):
                body = self.guides[g]["steps"][i]["body"]
                chosen.append((g, (f"/steps/{i}/body/0", body, 0)))
        if len(chosen) < 3:
            return False
        for g, (pointer, container, key) in chosen:
            self.take(g, pointer)
            container[key] = f"{container[key]} {sentence}"
        kind = "boilerplate-cross" if cross else "boilerplate-within"
        self.plants.append(Plant(kind, [(self.file(g), s[0]) for g, s in chosen]))
        return True

    def near_step(self, cross: bool) -> bool:
        g = self.rng.randrange(len(self.guides))
        h = self.other(g) if cross else g
        steps_g = [i for i in range(len(self.guides[g]["steps"])) if self.free(g, f"/steps/{i}")]
        if not steps_g:
            return False
        i = self.rng.choice(steps_g)
        self.take(g, f"/steps/{i}")
        steps_h = [j for j in range(len(self.guides[h]["steps"])) if self.free(h, f"/steps/{j}")]
        if not steps_h:
            return False
        j = self.rng.choice(steps_h)
        self.take(h, f"/steps/{j}")
        self.guides[h]["steps"][j] = reword_step(self.guides[g]["steps"][i], self.src, self.rng)
        first, second = sorted([(g, i), (h, j)])
        kind = "near-step-cross" if cross else "near-step-within"
        self.plants.append(
            Plant(
                kind,
                [
                    (self.file(first[0]), f"/steps/{first[1]}"),
                    (self.file(second[0]), f"/steps/{second[1]}"),
                ],
            )
        )
        return True

    def near_paragraph(self) -> bool:
        g = self.rng.randrange(len(self.guides))
        h = self.other(g)
        kinds = ("intro", "strategies", "faq")
        a = self.slot(g, kinds, min_words=12)
        if a is None:
            return False
        self.take(g, a[0])
        b = self.slot(h, kinds, min_words=1)
        if b is None:
            return False
        self.take(h, b[0])
        b[1][b[2]] = reword(a[1][a[2]], self.src, self.rng)
        self.plants.append(
            Plant("near-paragraph-cross", [(self.file(g), a[0]), (self.file(h), b[0])])
        )
        return True


def generate(
    guides: int,
    seed: int = 20240531,
    text: str = "auto",
    rates: dict[str, float] | None = None,
) -> tuple[list[dict], list[dict], dict]:
    """``(guide dicts, plants, info)`` for a library of ``guides`` guides."""
    rng = random.Random(seed)
    src = text_source(text, random.Random(seed + 1))
    library = [make_guide(i, src, rng) for i in range(guides)]
    planter = _Planter(library, src, random.Random(seed + 2))
    rates = {**PLANT_RATES, **(rates or {})}
    actions = {
        "exact-paragraph-within": lambda: planter.exact(cross=False),
        "exact-paragraph-cross": lambda: planter.exact(cross=True),
        "boilerplate-within": lambda: planter.boilerplate(cross=False),
        "boilerplate-cross": lambda: planter.boilerplate(cross=True),
        "near-step-within": lambda: planter.near_step(cross=False),
        "near-step-cross": lambda: planter.near_step(cross=True),
        "near-paragraph-cross": planter.near_paragraph,
    }
    if guides < 2:
        for kind in [k for k in actions if "cross" in k]:
            actions.pop(kind)
    for kind, action in actions.items():
        wanted = max(1, round(rates[kind] * guides)) if rates[kind] > 0 else 0
        done = tries = 0
        while done < wanted and tries < wanted * 20:
            tries += 1
            done += bool(action())
    paragraphs = sum(len(paragraph_slots(g)) + 1 for g in library)  # + summary
    words = sum(len(t.split()) for g in library for t in _all_texts(g))
    info = {
        "guides": guides,
        "seed": seed,
        "text": src.name,
        "paragraphs": paragraphs,
        "words_approx": words,
        "plants": dict(Counter(p.kind for p in planter.plants)),
    }
    return library, [p.to_json() for p in planter.plants], info


def write(
    guides: int,
    out: Path,
    seed: int = 20240531,
    text: str = "auto",
    plants_file: Path | None = None,
) -> tuple[Path, dict]:
    library, plants, info = generate(guides, seed, text)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.json"):
        old.unlink()
    corpora.write_library(library, out)
    plants_file = plants_file or out.with_name(out.name + ".plants.json")
    plants_file.write_text(
        json.dumps({"info": info, "plants": plants}, indent=1) + "\n", encoding="utf-8"
    )
    return plants_file, info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guides", type=int, default=100, help="number of guides (default 100)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the guide files")
    parser.add_argument("--seed", type=int, default=20240531)
    parser.add_argument(
        "--text",
        choices=("auto", "corpora", "builtin"),
        default="auto",
        help="sentence source (default: the corpora when present)",
    )
    parser.add_argument("--plants", type=Path, help="plants file (default: <out>.plants.json)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    plants_file, info = write(args.guides, args.out, args.seed, args.text, args.plants)
    print(
        f"{info['guides']} guides, {info['paragraphs']} paragraphs, "
        f"~{info['words_approx']} words ({info['text']}) written to {args.out} "
        f"in {time.perf_counter() - start:.1f} s"
    )
    print(f"planted: {info['plants']} -> {plants_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
