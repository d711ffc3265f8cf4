"""contentqa benchmarks: one command, one Markdown table of figures.

    .venv/bin/python benchmarks/run.py                      # sizes 100,1000,10000
    .venv/bin/python benchmarks/run.py --sizes 100,1000
    .venv/bin/python benchmarks/run.py --quick              # size 100, corpus subsets, < 1 min
    .venv/bin/python benchmarks/run.py --snapshot           # measure committed HEAD only

Parts (each skipped with a note when its input is missing):

1. synthetic libraries (``generate_library.py``) of each size: the full ``contentqa check``
   in a subprocess (wall time, peak RSS, words/s, findings per code, recall of the planted
   duplicates), then in-process: the per-file stage, the library stage, and
   ``minhash.candidate_pairs`` over every paragraph, sentence and item pool;
2. recall of the LSH blocking index against exhaustive rapidfuzz scoring: on ~2,000 paragraphs
   seeded with related ones, and on a uniform sample of 36,000 (synthetic and real MyFixit);
3. numpy MinHash against datasketch's ``MinHash.update`` loop (when datasketch imports);
4. the MyFixit (iFixit) corpus through the pipeline;
5. Clough & Stevenson answer/source pairs: share linked per label;
6. the seed guide alone: the whole CLI call and the analysis after start-up;
7. one process against two on the 1,000-guide library (the largest size up to 1,000): each
   stage's time, the speed-up, and whether the reports are identical;
8. the HTML report of that library: its added time with one process and with two, its size,
   and whether both give the same files.

The table is printed and written to ``benchmarks/results/latest.md`` (git-ignored).
Corpora are read from ``../shared/corpora`` (``CONTENTQA_CORPORA`` overrides), never copied.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import inspect
import itertools
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpora  # noqa: E402
import generate_library  # noqa: E402

LINK_CODES = ("D001", "D002", "D004", "D009", "D011", "D014")
PARAGRAPH_KINDS = ("paragraph", "quote")
ITEM_KINDS = ("item", "title", "question")
TIME_BIN = "/usr/bin/time"


# -- small helpers -------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def fmt_n(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    if isinstance(value, int) or digits == 0:
        return f"{round(value):,}"
    return f"{value:,.{digits}f}"


def fmt_mib(kb: float | None) -> str:
    return f"{kb / 1024:,.0f} MiB" if kb else "–"


def pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part}/{whole})" if whole else "– (0/0)"


def codes_cell(counter: dict[str, int]) -> str:
    return ", ".join(f"{c} {n}" for c, n in sorted(counter.items())) or "none"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


class Doc:
    """The Markdown being built: sections of text and tables."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def h(self, text: str, level: int = 2) -> None:
        self.lines += ["", "#" * level + " " + text, ""]

    def p(self, text: str) -> None:
        self.lines += [text, ""]

    def table(self, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        self.lines.append("| " + " | ".join(header) + " |")
        self.lines.append("|" + "|".join(" --- " for _ in header) + "|")
        for row in rows:
            self.lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
        self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines).strip() + "\n"


@dataclass
class Parts:
    """Wall time of each part of the benchmark run."""

    times: dict[str, float] = field(default_factory=dict)

    def timed(self, name: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        try:
            return fn()
        finally:
            self.times[name] = time.perf_counter() - start


# -- running contentqa ---------------------------------------------------------------------


@dataclass
class CheckRun:
    wall: float
    max_rss_kb: int | None
    report: dict
    # Summed over every process of the run (main, per-file workers, forked level workers).
    peak_pss_kb: int | None = None


def _tree_pss_kb(root: int) -> int:
    """Proportional set size of ``root`` and all its descendants (Linux): shared pages are
    split among the processes sharing them, so the sum is the memory the run really holds."""
    total = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                children = Path(f"/proc/{pid}/task/{task}/children").read_text()
                stack += [int(child) for child in children.split()]
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:  # the process ended meanwhile
            continue
        match = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
        total += int(match.group(1)) if match else 0
    return total


def run_check(
    folder: Path,
    out_json: Path,
    cwd: Path,
    sample_memory: bool = False,
    options: Sequence[str] = (),
) -> CheckRun:
    """``contentqa check FOLDER --output OUT -q --fail-on never`` in a subprocess; with
    ``options``, those (an output folder and formats, say) instead of ``--output OUT``, and
    the report is not read.

    Runs in ``cwd`` (a temp folder) so no project configuration is picked up: defaults.
    Peak memory, two ways: with ``sample_memory``, the summed PSS of all the run's
    processes, sampled every 0.2 s (Linux), and always the largest single process
    (``/usr/bin/time -v``, else ``getrusage(RUSAGE_CHILDREN)``), which counts pages shared
    with other processes in full but misses the others. Sampling slows the run it measures
    (the kernel walks the page tables of every process for each sample: a 10,000-guide run
    took 98.5 s sampled against 90.7 s not), so wall times come from runs without it.
    """
    cmd = [
        sys.executable,
        "-m",
        "contentqa",
        "check",
        str(folder),
        *(options or ("--output", str(out_json))),
        "-q",
        "--fail-on",
        "never",
    ]
    use_time = Path(TIME_BIN).exists()
    if use_time:
        cmd = [TIME_BIN, "-v", *cmd]
    sample_pss = sample_memory and Path("/proc/self/smaps_rollup").exists()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_pss
        while not done.wait(0.2):
            peak_pss = max(peak_pss, _tree_pss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    if sample_pss:
        sampler.start()
    _, stderr = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    if sample_pss:
        sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"contentqa check failed ({proc.returncode}):\n{stderr[-3000:]}")
    rss = None
    if use_time:
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
        rss = int(match.group(1)) if match else None
    else:
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report = {} if options else json.loads(out_json.read_text(encoding="utf-8"))
    return CheckRun(wall, rss, report, peak_pss or None)


def finding_locations(finding: dict) -> list[tuple[str, str]]:
    locs = [(Path(finding["file"]).name, finding["pointer"])]
    locs += [(Path(r["file"]).name, r["pointer"]) for r in finding.get("related", ())]
    return locs


def code_counts(report: dict) -> dict[str, int]:
    return dict(collections.Counter(f["code"] for f in report["findings"]))


def total_words(report: dict) -> int:
    return sum(int(g.get("metrics", {}).get("words", 0)) for g in report["guides"])


# -- planted-duplicate recall --------------------------------------------------------------


def _covers(plant_loc: tuple[str, str], loc: tuple[str, str]) -> bool:
    return plant_loc[0] == loc[0] and (
        loc[1] == plant_loc[1] or loc[1].startswith(plant_loc[1] + "/")
    )


_PART = re.compile(r"/(?:steps|strategies|faq)/\d+")


def _holds(loc: tuple[str, str], plant_loc: tuple[str, str]) -> bool:
    """Whether ``loc`` is the step, strategy or FAQ entry holding the planted place: a
    near-duplicate FAQ entry finding names the answers that match (a planted answer pair
    is reported so, not as two paragraphs)."""
    return (
        plant_loc[0] == loc[0]
        and _PART.fullmatch(loc[1]) is not None
        and plant_loc[1].startswith(loc[1] + "/")
    )


def plant_recall(report: dict, plants: list[dict]) -> tuple[list[list], dict[str, int]]:
    """Rows per plant kind, and the findings that touch no planted place (per code)."""
    by_file: dict[str, list[tuple[str, list[tuple[str, str]]]]] = collections.defaultdict(list)
    all_findings = []
    for f in report["findings"]:
        locs = finding_locations(f)
        all_findings.append((f["code"], locs))
        for file in {loc[0] for loc in locs}:
            by_file[file].append((f["code"], locs))
    stats: dict[str, list[int]] = {}
    planted_files: dict[str, list[str]] = collections.defaultdict(list)
    for plant in plants:
        kind = plant["kind"]
        locations = [tuple(loc) for loc in plant["locations"]]
        for file, pointer in locations:
            planted_files[file].append(pointer)
        candidates = by_file.get(locations[0][0], [])
        exp = any(
            code == plant["expect"] and all(any(_covers(p, loc) for loc in locs) for p in locations)
            for code, locs in candidates
        )
        anyd = any(
            code.startswith("D")
            and all(any(_covers(p, loc) or _holds(loc, p) for loc in locs) for p in locations)
            for code, locs in candidates
        )
        row = stats.setdefault(kind, [0, 0, 0])
        row[0] += 1
        row[1] += exp
        row[2] += anyd
    rows = [
        [kind, generate_library.EXPECTED_CODE.get(kind, "?"), n, pct(e, n), pct(a, n)]
        for kind, (n, e, a) in stats.items()
    ]
    total = [sum(v[i] for v in stats.values()) for i in range(3)]
    rows.append(["**all**", "", total[0], pct(total[1], total[0]), pct(total[2], total[0])])
    unplanted: collections.Counter[str] = collections.Counter()
    for code, locs in all_findings:
        if not code.startswith("D"):
            continue
        touched = any(
            _covers((file, p), loc) or _covers(loc, (file, p))
            for loc in locs
            for file in [loc[0]]
            for p in planted_files.get(file, ())
        )
        if not touched:
            unplanted[code] += 1
    return rows, dict(unplanted)


# -- in-process stages ---------------------------------------------------------------------


def in_process_stages(folder: Path, workers: int, library_stage: bool = True) -> dict:
    """Per-file stage (load, validate, segment, guide rules) in ``workers`` processes, then
    the library stage (``build_report``: every library rule, the duplicate engine included),
    each as ``pipeline.run`` runs it: with its functions, the cycle collector off."""
    from contentqa.config import parse_config
    from contentqa.load import discover
    from contentqa.memory import cycle_collector
    from contentqa.pipeline import build_report, check_files

    config = parse_config({})
    paths = discover([folder])
    results: list = []
    with cycle_collector(enabled=False):
        start = time.perf_counter()
        check_files(paths, config, True, workers, results.append)
        per_file = time.perf_counter() - start
        # What the later parts need of the guides, taken now: the library stage then frees
        # each guide as it goes, as in the CLI (their token tuples stay, held by the pools).
        guides = [r.guide for r in results if r.guide is not None]
        pools, places = pools_from_guides(guides)
        del guides
        library = duplicates = None
        if library_stage:
            with timed_rules("duplicate") as rule_times:
                start = time.perf_counter()
                build_report(results, config, hand_over=True)
                library = time.perf_counter() - start
            duplicates = sum(rule_times.values())
    return {
        "per_file": per_file,
        "library": library,
        "duplicates": duplicates,
        "pools": pools,
        "paragraph_places": places,
        "workers": workers,
    }


@contextlib.contextmanager
def timed_rules(category: str) -> Iterator[dict[str, float]]:
    """Seconds spent in each library rule of ``category`` while the block runs (their
    diagnostics made and consumed; the first one also runs the analysis they share)."""
    from contentqa.registry import all_rules

    times: dict[str, float] = {}
    chosen = [r for r in all_rules() if r.scope == "library" and r.category.value == category]
    # Each rule's own method (None: inherited) and the one it runs, all read before any is
    # wrapped: a rule inheriting from another chosen rule must not run that one's wrapper.
    originals = {rule: vars(rule).get("check_library") for rule in chosen}
    runs = {rule: rule.check_library for rule in chosen}
    for rule in chosen:

        def check_library(self, library, _code=rule.code, _original=runs[rule]):
            start = time.perf_counter()
            found = list(_original(self, library))
            times[_code] = times.get(_code, 0.0) + time.perf_counter() - start
            return found

        rule.check_library = check_library
    try:
        yield times
    finally:
        for rule, original in originals.items():
            if original is None:
                del rule.check_library
            else:
                rule.check_library = original


def pools_from_guides(
    guides,
) -> tuple[dict[str, list[tuple[str, ...]]], list[tuple[str, str]]]:
    """The token pools of ``guides``, and each paragraph's place (file name, pointer) in the
    order of the paragraph pool."""
    paragraphs, sentences, items = [], [], []
    places = []
    for g in guides:
        para_ptrs = set()
        for u in g.units:
            if u.kind in PARAGRAPH_KINDS:
                paragraphs.append(u.tokens)
                places.append((Path(g.file).name, u.pointer))
                para_ptrs.add(u.pointer)
            elif u.kind in ITEM_KINDS and u.pointer != "/title":
                items.append(u.tokens)
        sentences += [s.tokens for s in g.sentences if s.pointer in para_ptrs]
    return {"paragraphs": paragraphs, "sentences": sentences, "items": items}, places


def _minhash():
    from contentqa.duplicates import minhash

    return minhash


def banding(params: Any) -> str:
    """``params`` in words: its bands over word 2-grams, and over content words if any (older
    code has none)."""
    name = f"{params.bands} bands x {params.rows} rows"
    if getattr(params, "word_bands", 0):
        name += (
            f", and {params.word_bands} x {params.word_rows} over the content words of texts"
            f" of {params.word_min_words}+ words"
        )
    return name


def blocking_variants() -> list[tuple[str, Callable[[Sequence[Sequence[str]]], Any]]]:
    """``candidate_pairs`` as called by default, and with the engine's banding (when the
    engine has its own: ``minhash.ENGINE_LSH``)."""
    minhash = _minhash()
    variants = [
        ("default (word 2-grams)", lambda seqs: minhash.candidate_pairs(seqs, threshold=0.4))
    ]
    for kind, attribute in (("engine", "ENGINE_LSH"), ("engine, sentences", "SENTENCE_LSH")):
        params = getattr(minhash, attribute, None)
        if params is not None:
            name = f"{kind} ({banding(params)})"
            variants.append(
                (name, lambda seqs, params=params: minhash.candidate_pairs(seqs, params=params))
            )
    return variants


POOL_RULES = {"paragraphs": "D009", "sentences": "D011", "items": "D010"}


def rule_scorer(code: str) -> str:
    """The default scorer of a near-duplicate rule (``set-and-sort`` if it cannot be read)."""
    try:
        from contentqa.registry import get_rule

        return str(get_rule(code).Options().scorer)
    except Exception:
        return "set-and-sort"


def scoring_rate(
    seqs: Sequence[Sequence[str]], pairs, scorer: str, limit: int = 50000
) -> float | None:
    """Seconds per scored candidate pair, measured on up to ``limit`` pairs, the way the
    engine scores: in one batch with ``similarity.score_pairs`` when it exists (rapidfuzz
    ``cpdist``), else one ``get_scorer(scorer)`` call per pair."""
    from contentqa.duplicates import similarity

    if len(pairs) == 0:
        return None
    chosen = pairs[:: max(1, len(pairs) // limit)][:limit]
    if hasattr(similarity, "score_pairs"):
        left = [" ".join(seqs[int(i)]) for i, _ in chosen]
        right = [" ".join(seqs[int(j)]) for _, j in chosen]
        start = time.perf_counter()
        similarity.score_pairs(scorer, left, right)
        return (time.perf_counter() - start) / len(chosen)
    score = similarity.get_scorer(scorer)
    start = time.perf_counter()
    for i, j in chosen:
        score(seqs[int(i)], seqs[int(j)])
    return (time.perf_counter() - start) / len(chosen)


def candidate_stage(pools: dict[str, list[tuple[str, ...]]]) -> list[list]:
    rows = []
    for pool, seqs in pools.items():
        distinct = list(dict.fromkeys(tuple(s) for s in seqs if s))
        for name, block in blocking_variants():
            start = time.perf_counter()
            pairs = block(distinct)
            elapsed = time.perf_counter() - start
            per_pair = scoring_rate(distinct, pairs, rule_scorer(POOL_RULES[pool]))
            scoring = per_pair * len(pairs) if per_pair is not None else None
            rows.append(
                [
                    f"{pool} ({POOL_RULES[pool]}: {rule_scorer(POOL_RULES[pool])})",
                    name,
                    fmt_n(len(seqs)),
                    fmt_n(len(distinct)),
                    fmt_s(elapsed),
                    fmt_n(len(pairs)),
                    fmt_n(len(pairs) / max(1, len(distinct)), 1),
                    fmt_s(scoring),
                ]
            )
    return rows


# -- LSH recall against exhaustive scoring -------------------------------------------------


_CDIST_SCORERS = {  # contentqa scorer name -> rapidfuzz scorers averaged (0..100 each)
    "set-and-sort": ("token_set_ratio", "token_sort_ratio"),
    "token-set": ("token_set_ratio",),
    "token-sort": ("token_sort_ratio",),
    "ratio": ("ratio",),
}


def exhaustive_pairs(
    texts: Sequence[Sequence[str]], threshold: float = 0.8, scorer: str = "set-and-sort"
) -> dict:
    """All pairs ``(i, j)`` scoring ``>= threshold`` with a contentqa scorer, via rapidfuzz
    ``cdist`` (``set-and-sort`` = mean of token-set and token-sort), a block of rows at a time:
    the whole matrix of a 36,000-text sample would take 5 GB."""
    import numpy as np
    from rapidfuzz import fuzz, process

    strings = [" ".join(t) for t in texts]
    names = _CDIST_SCORERS[scorer]
    # One scorer: rapidfuzz may stop early on pairs below the threshold (they come out 0).
    cutoff = threshold * 100 - 1e-4 if len(names) == 1 else None
    out = {}
    for lo in range(0, len(strings), _EXHAUSTIVE_ROWS):
        block = sum(
            process.cdist(
                strings[lo : lo + _EXHAUSTIVE_ROWS],
                strings,
                scorer=getattr(fuzz, name),
                processor=None,
                score_cutoff=cutoff,
                workers=-1,
                dtype=np.float32,
            )
            for name in names
        ) / (100.0 * len(names))
        i, j = np.nonzero(np.triu(block >= threshold - 1e-6, k=lo + 1))
        out.update({(int(a) + lo, int(b)): float(block[a, b]) for a, b in zip(i, j, strict=True)})
    return out


_EXHAUSTIVE_ROWS = 2000


def engine_paragraph_scorer() -> tuple[str, float] | None:
    """The near-duplicate-paragraph rule's (D009) default scorer and threshold."""
    try:
        scorer, threshold, _ = paragraph_rule()
    except Exception:  # code too old to have the rule or its options
        return None
    if scorer in _CDIST_SCORERS and scorer != "set-and-sort":
        return scorer, threshold
    return None


def _numbers_agree() -> Callable[[Sequence[str], Sequence[str]], bool] | None:
    """Whether two texts' numbers agree, when the engine has that filter: texts whose
    numbers differ are never reported as near-duplicates, so their pairs need no candidate.
    (Before `Counts`, the engine compared sorted lists of numbers.)"""
    try:
        from contentqa.duplicates import engine
    except ImportError:
        return None
    if hasattr(engine, "Counts"):
        return lambda a, b: not engine._numbers(a).disagree(engine._numbers(b))
    if hasattr(engine, "_numbers"):
        return lambda a, b: engine._numbers(a) == engine._numbers(b)
    return None


def lsh_recall(name: str, texts: list[tuple[str, ...]]) -> list[list]:
    from contentqa.duplicates.similarity import get_scorer

    agree = _numbers_agree()

    truths = [("set-and-sort", 0.8)]
    extra = engine_paragraph_scorer()
    if extra:
        truths.append(extra)
    rows = []
    for scorer, threshold in truths:
        start = time.perf_counter()
        truth = exhaustive_pairs(texts, threshold, scorer)
        exhaustive_time = time.perf_counter() - start
        # Cross-check the matrix against the project's own scorer on a few pairs.
        check = get_scorer(scorer)
        for (i, j), score in list(truth.items())[:50]:
            assert abs(check(texts[i], texts[j]) - score) < 0.01, (texts[i], texts[j])
        split = (threshold + 1.0) / 2 if threshold > 0.85 else 0.9
        reportable = [p for p in truth if agree and agree(texts[p[0]], texts[p[1]])]
        for variant, block in blocking_variants():
            start = time.perf_counter()
            found = {(int(a), int(b)) for a, b in block(texts)}
            elapsed = time.perf_counter() - start
            hit = [p for p in truth if p in found]
            band_hi = [p for p in truth if truth[p] >= split]
            band_lo = [p for p in truth if truth[p] < split]
            rows.append(
                [
                    name,
                    variant,
                    f"{scorer} ≥ {threshold:g}",
                    fmt_n(len(texts)),
                    fmt_n(len(truth)),
                    pct(len(hit), len(truth)),
                    pct(sum(p in found for p in reportable), len(reportable)) if agree else "n/a",
                    pct(sum(p in found for p in band_lo), len(band_lo)),
                    pct(sum(p in found for p in band_hi), len(band_hi)),
                    fmt_n(len(found)),
                    fmt_s(exhaustive_time),
                    fmt_s(elapsed),
                ]
            )
    return rows


def paragraph_rule() -> tuple[str, float, int]:
    """The near-duplicate-paragraph rule's (D009) scorer, threshold and fewest words."""
    from contentqa.registry import get_rule

    options = get_rule("D009").Options()
    return str(options.scorer), float(options.threshold), int(options.min_words)


# Where the shorter text of a pair has fewer words than this, word 2-grams miss many pairs
# that the character-level scorer finds alike (see the README's targets table).
SHORT_WORDS = 13


def uniform_recall(
    name: str,
    texts: Sequence[tuple[str, ...]],
    files: Sequence[frozenset[str]] | None,
    threshold: float,
    scorer: str,
) -> list[list]:
    """Recall of the engine's banding over ``texts``, a uniform random sample (not seeded
    with related texts), against every pair of it scored with the paragraph rule's scorer:
    overall, by the shorter text's length, and across guides (pairs of texts no guide holds
    together: a guide's own texts are all compared with one another). ``files``: the guides
    holding each text, if known. Only pairs whose numbers agree count (the engine reports no
    other)."""
    agree = _numbers_agree()
    start = time.perf_counter()
    truth = [
        p
        for p in exhaustive_pairs(texts, threshold, scorer)
        if agree is None or agree(texts[p[0]], texts[p[1]])
    ]
    exhaustive_time = time.perf_counter() - start
    groups = {
        "all": truth,
        f"shorter text < {SHORT_WORDS} words": [
            p for p in truth if min(len(texts[p[0]]), len(texts[p[1]])) < SHORT_WORDS
        ],
        f"shorter text ≥ {SHORT_WORDS} words": [
            p for p in truth if min(len(texts[p[0]]), len(texts[p[1]])) >= SHORT_WORDS
        ],
    }
    if files is not None:
        groups["across guides"] = [p for p in truth if not files[p[0]] & files[p[1]]]
    minhash = _minhash()
    params = minhash.ENGINE_LSH
    start = time.perf_counter()
    found = {(int(a), int(b)) for a, b in minhash.candidate_pairs(texts, params=params)}
    elapsed = time.perf_counter() - start
    return [
        [
            name,
            f"engine ({banding(params)})",
            f"{scorer} ≥ {threshold:g}",
            fmt_n(len(texts)),
            *(pct(sum(p in found for p in pairs), len(pairs)) for pairs in groups.values()),
            *([] if files is not None else ["n/a"]),
            fmt_n(len(found) / max(1, len(texts)), 3),
            fmt_s(exhaustive_time),
            fmt_s(elapsed),
        ]
    ]


def sample_texts(
    seqs: Sequence[Sequence[str]],
    groups: Sequence[Sequence[int]],
    size: int,
    rng: random.Random,
    min_words: int = 6,
) -> list[tuple[str, ...]]:
    """Up to ``size`` distinct texts: whole ``groups`` of related texts first (up to half of
    the sample, so related texts land in it together), then random texts."""
    chosen: dict[tuple[str, ...], None] = {}
    groups = [list(g) for g in groups]
    rng.shuffle(groups)
    for group in groups:
        if len(chosen) >= size // 2:
            break
        for i in group:
            if len(seqs[i]) >= min_words:
                chosen.setdefault(tuple(seqs[i]))
    order = list(range(len(seqs)))
    rng.shuffle(order)
    for i in order:
        if len(chosen) >= size:
            break
        if len(seqs[i]) >= min_words:
            chosen.setdefault(tuple(seqs[i]))
    return list(chosen)


# -- numpy MinHash vs datasketch -----------------------------------------------------------


def minhash_speed(texts: Sequence[Sequence[str]]) -> tuple[list[list], str]:
    minhash = _minhash()
    kwargs = {"ngram": 2} if "ngram" in inspect.signature(minhash.signatures).parameters else {}
    start = time.perf_counter()
    minhash.signatures(texts, 64, **kwargs)
    ours = time.perf_counter() - start
    rows = [
        [
            "contentqa numpy `signatures` (2-gram shingles, 64 perm.)",
            fmt_n(len(texts)),
            fmt_s(ours),
            fmt_n(len(texts) / ours),
            "1.0×",
        ]
    ]
    try:
        from datasketch import MinHash
    except ImportError as exc:
        return rows, f"datasketch not importable ({exc}); skipped"
    shingles = [
        [f"{a} {b}".encode() for a, b in itertools.pairwise(t)] or [" ".join(t).encode()]
        for t in texts
    ]
    start = time.perf_counter()
    for sh in shingles:
        m = MinHash(num_perm=64)
        for s in sh:
            m.update(s)
    loop = time.perf_counter() - start
    start = time.perf_counter()
    for sh in shingles:
        m = MinHash(num_perm=64)
        m.update_batch(sh)
    batch = time.perf_counter() - start
    import datasketch

    version = getattr(datasketch, "__version__", "?")
    rows.append(
        [
            f"datasketch {version} `MinHash.update` loop (same shingles, bytes)",
            fmt_n(len(texts)),
            fmt_s(loop),
            fmt_n(len(texts) / loop),
            f"{loop / ours:.1f}×",
        ]
    )
    rows.append(
        [
            f"datasketch {version} `MinHash.update_batch`",
            fmt_n(len(texts)),
            fmt_s(batch),
            fmt_n(len(texts) / batch),
            f"{batch / ours:.1f}×",
        ]
    )
    return rows, ""


# -- MyFixit -------------------------------------------------------------------------------


def myfixit_part(doc: Doc, work: Path, quick: bool, parts: Parts) -> list[tuple[str, ...]] | None:
    doc.h("MyFixit (iFixit) corpus through the pipeline")
    try:
        limit = 300 if quick else None
        records = (
            list(corpora.myfixit_records())[:limit] if limit else list(corpora.myfixit_records())
        )
    except corpora.CorpusMissing as exc:
        doc.p(f"Skipped: {exc}.")
        return None
    start = time.perf_counter()
    guides = [corpora.myfixit_guide(r) for r in records]
    folder = work / "myfixit"
    corpora.write_library(guides, folder)
    convert = time.perf_counter() - start
    run = run_check(folder, work / "myfixit.json", work)
    memory = run_check(folder, work / "myfixit.json", work, sample_memory=True)
    parts.times["MyFixit: convert + write"] = convert
    parts.times["MyFixit: contentqa check ×2 (timed, then memory sampled)"] = run.wall + memory.wall
    report = run.report
    steps = [corpora.myfixit_step_text(s) for r in records for s in r["steps"]]
    raw = collections.Counter(steps)
    repeated_raw = sum(1 for n in raw.values() if n > 1)
    steps_in_repeats = sum(n for n in raw.values() if n > 1)
    folded = collections.Counter(" ".join(s.lower().split()) for s in steps)
    body = re.compile(r"^/steps/\d+/body/0$")
    d001 = [f for f in report["findings"] if f["code"] == "D001"]
    step_clusters = [f for f in d001 if body.match(f["pointer"])]
    occurrences = sum(1 + len(f.get("related", ())) for f in step_clusters)
    within = sum(
        1
        for f in step_clusters
        if all(Path(r["file"]).name == Path(f["file"]).name for r in f["related"])
    )
    words = total_words(report)
    scope = f"first {len(records)} guides (quick)" if quick else f"all {len(records)} guides"
    doc.p(
        f"Conversion: {scope}; each iFixit step is one step whose body is **one paragraph** "
        "(its bullet lines joined), title = its first 6 words, no action items."
    )
    doc.table(
        ["figure", "value"],
        [
            ["guides / steps", f"{fmt_n(len(records))} / {fmt_n(len(steps))}"],
            ["convert + write", fmt_s(convert)],
            ["`contentqa check` wall time", fmt_s(run.wall)],
            ["peak memory, all processes (PSS, a second run)", fmt_mib(memory.peak_pss_kb)],
            ["peak RSS, largest process", fmt_mib(run.max_rss_kb)],
            [
                "words (report metrics) / words per second",
                f"{fmt_n(words)} / {fmt_n(words / run.wall)}",
            ],
            ["findings per code", codes_cell(code_counts(report))],
            ["raw: distinct step texts (exact string)", fmt_n(len(raw))],
            [
                "raw: step texts shared by 2+ steps (exact / case+space folded)",
                f"{fmt_n(repeated_raw)} / {fmt_n(sum(1 for n in folded.values() if n > 1))}",
            ],
            ["raw: steps that are one of those repeats", fmt_n(steps_in_repeats)],
            [
                "D001 clusters on step bodies (all copies of one text = one cluster)",
                f"{fmt_n(len(step_clusters))} ({fmt_n(within)} within one guide), "
                f"covering {fmt_n(occurrences)} steps",
            ],
            ["D001 clusters / raw repeated texts", pct(len(step_clusters), repeated_raw)],
        ],
    )
    doc.p(
        "D001 normalizes case, punctuation, quotes and dashes and skips paragraphs under 3 "
        "words, so its count differs from the raw exact-string count; identical iFixit steps "
        "that also share their title are additionally reported as D006 (near-duplicate "
        "step, score 1.0)."
    )
    labeled_pairs(doc, report, {f"{g['id']}.json" for g in guides})
    return [tuple(s.lower().split()) for s in dict.fromkeys(steps)]


# Labels of findings on MyFixit, made by reading both texts: per file, the rule it labels.
LABELS = {
    "D006": HERE / "labels" / "myfixit_d006.json",
    "D011": HERE / "labels" / "myfixit_d011.json",
}
_BANDS = (0.55, 0.62, 0.7, 0.8, 0.9, 1.01)
_IN_OVERLAP = 2.0  # a pair listed inside a D016 finding, which gives no pair its score


def _place(file: str, pointer: str, span: Sequence[int] | None) -> tuple:
    return (Path(file).name, pointer, tuple(span) if span else None)


def _labeled_key(pair: dict) -> frozenset:
    return frozenset(
        (
            _place(pair["file_a"], pair["pointer_a"], pair.get("span_a")),
            _place(pair["file_b"], pair["pointer_b"], pair.get("span_b")),
        )
    )


def labeled_pairs(doc: Doc, report: dict, files: set[str]) -> None:
    """Precision of the pairs the run reports among the labeled ones of
    ``benchmarks/labels`` (step pairs: ``D006``, or inside a ``D016`` finding; sentence
    pairs: ``D011``), within one guide and across guides, and by score band."""
    reported: dict[str, dict[frozenset, float]] = {code: {} for code in LABELS}
    for f in report["findings"]:
        home = _place(f["file"], f["pointer"], f.get("span"))
        places = [_place(r["file"], r["pointer"], r.get("span")) for r in f.get("related", ())]
        if f["code"] in reported:  # a pair, or every copy of an identical text
            for a, b in itertools.combinations([home, *places], 2):
                reported[f["code"]][frozenset((a, b))] = f["score"]
        elif f["code"] == "D016":  # its related places are the step pairs, in order
            for a, b in zip(places[::2], places[1::2], strict=False):
                reported["D006"][frozenset((a, b))] = _IN_OVERLAP
    bands = [*itertools.pairwise(_BANDS), (_IN_OVERLAP, _IN_OVERLAP + 1)]
    band_names = [*(f"{lo:g}+" for lo in _BANDS[:-1]), "D016"]
    rows = []
    for code, path in LABELS.items():
        pairs = [
            p
            for p in json.loads(path.read_text(encoding="utf-8"))["pairs"]
            if p["file_a"] in files and p["file_b"] in files
        ]
        groups = {
            "within one guide": [p for p in pairs if p["file_a"] == p["file_b"]],
            "across guides": [p for p in pairs if p["file_a"] != p["file_b"]],
            "all": pairs,
        }
        for name, group in groups.items():
            scored = [(p["label"], reported[code].get(_labeled_key(p))) for p in group]
            kept = [label for label, score in scored if score is not None]
            dup, other = kept.count("dup"), kept.count("not")
            lost = sum(label == "dup" and score is None for label, score in scored)
            by_band = []
            for (lo, hi), band_name in zip(bands, band_names, strict=True):
                band = [label for label, score in scored if score is not None and lo <= score < hi]
                if band:
                    by_band.append(f"{band_name}: {band.count('dup')}/{len(band)}")
            rows.append(
                [
                    f"`{code}`, {name}",
                    fmt_n(len(group)),
                    fmt_n(len(kept)),
                    f"{dup} / {other} / {len(kept) - dup - other}",
                    pct(dup, dup + other),
                    fmt_n(lost),
                    "; ".join(by_band),
                ]
            )
    doc.p(
        "Labeled pairs (`benchmarks/labels`, each file's `about` says how they were sampled; "
        "`dup` when both texts say or do the same thing to the same part, else `not`): "
        "those in this run, and those it reports (step pairs as `D006` or inside a `D016` "
        "finding). "
        "*Precision*: `dup` among the reported ones labeled `dup` or `not`. *Lost*: `dup` "
        "pairs no longer reported. *By band*: `dup` over reported, by the pair's score "
        "(`D016`: inside a `D016` finding)."
    )
    doc.table(
        ["pairs", "labeled", "reported", "dup / not / unsure", "precision", "lost", "by band"],
        rows,
    )


# -- Clough & Stevenson --------------------------------------------------------------------


def _linked(report: dict, a: str, b: str, codes: Sequence[str]) -> bool:
    for f in report["findings"]:
        if f["code"] in codes:
            files = {loc[0] for loc in finding_locations(f)}
            if a in files and b in files:
                return True
    return False


# -- process scaling -----------------------------------------------------------------------

# Runs ``pipeline.run`` as ``contentqa check`` does (default configuration, ``--jobs N``),
# with timers around its stages, in a fresh process; prints the figures as JSON.
_STAGED_RUN = """
import dataclasses, hashlib, json, sys, time
start = time.perf_counter()
from contentqa import pipeline
from contentqa.config import Config
from contentqa.load import discover
from contentqa.report import json_report
imported = time.perf_counter()
marks = {}
build_report = pipeline.build_report
def timed_build_report(*args, **kwargs):
    marks["per_file_end"] = time.perf_counter()
    report = build_report(*args, **kwargs)
    marks["library_end"] = time.perf_counter()
    return report
pipeline.build_report = timed_build_report
paths = discover([sys.argv[1]])
config = dataclasses.replace(Config(), jobs=int(sys.argv[2]))
begun = time.perf_counter()
report = pipeline.run(paths, config)
digest = hashlib.sha256()
for chunk in json_report.render_chunks(dataclasses.replace(report, generated_at="")):
    digest.update(chunk)
print(json.dumps({
    "imports": imported - start,
    "per_file": marks["per_file_end"] - begun,
    "library": marks["library_end"] - marks["per_file_end"],
    "run": marks["library_end"] - start,
    "report": digest.hexdigest(),
}))
"""


def python_json(script: str, args: Sequence[str], cwd: Path) -> Any:
    """Run ``script`` with ``args`` in a fresh Python process; what its last line of output
    holds as JSON."""
    proc = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=cwd, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark script failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def staged_run(folder: Path, jobs: int, cwd: Path) -> dict:
    """One run of the pipeline on ``folder`` in ``jobs`` processes, in a subprocess: the
    seconds spent importing, in the per-file stage and in the library stage, the whole run
    (without writing reports), and a digest of its JSON report."""
    return python_json(_STAGED_RUN, [str(folder), str(jobs)], cwd)


def scaling_part(doc: Doc, work: Path, size: int, runs: int, parts: Parts) -> None:
    """One process against two on the synthetic library of ``size`` guides, alternating."""
    doc.h("Process scaling: one process against two")
    folder = work / f"lib{size}"
    measured: dict[int, list[dict]] = {1: [], 2: []}
    for n in range(runs):
        for jobs in (1, 2):
            log(f"scaling: {size} guides, --jobs {jobs}, run {n + 1}/{runs}")
            measured[jobs].append(
                parts.timed(
                    f"scaling: {size} guides, --jobs {jobs}, run {n + 1}",
                    lambda jobs=jobs: staged_run(folder, jobs, work),
                )
            )
    stages = ("imports", "per_file", "library", "run")
    medians = {
        jobs: {k: median([r[k] for r in rs]) for k in stages} for jobs, rs in measured.items()
    }
    one, two = medians[1], medians[2]
    # The two-process run with its per-file stage exactly half the one-process one (spaCy's
    # start included, though each process pays it whole): more than two processes can give.
    bound = one["run"] / (two["run"] - two["per_file"] + one["per_file"] / 2)
    digests = {r["report"] for rs in measured.values() for r in rs}
    doc.p(
        f"The {fmt_n(size)}-guide synthetic library checked with `--jobs 1` and `--jobs 2`, "
        f"alternating, {runs} run(s) each, each in a fresh process: `pipeline.run` as "
        "`contentqa check` calls it, with timers around its stages (reports are not "
        "written). *Per-file stage*: load, validate, segment and per-guide rules, including "
        "each process's start of spaCy; *library stage*: `build_report`. Medians; the "
        "individual runs are listed. *Upper bound*: the whole run's speed-up if two "
        "processes took exactly half the one-process per-file stage, the rest of the run "
        "as measured with two processes."
    )
    rows = []
    for key, label in (
        ("imports", "imports"),
        ("per_file", "per-file stage"),
        ("library", "library stage"),
        ("run", "whole run"),
    ):
        rows.append(
            [
                label,
                fmt_s(one[key]),
                fmt_s(two[key]),
                f"{one[key] / two[key]:.2f}×" if two[key] else "–",
                " / ".join(f"{r[key]:.2f}" for r in measured[1]),
                " / ".join(f"{r[key]:.2f}" for r in measured[2]),
            ]
        )
    doc.table(["stage", "1 process", "2 processes", "speed-up", "runs, 1", "runs, 2"], rows)
    doc.p(
        f"Upper bound for the whole run: {bound:.2f}×. Reports identical across all "
        f"{2 * runs} runs (JSON, apart from `generated_at`): "
        f"{'yes' if len(digests) == 1 else f'**no** ({len(digests)} different)'}."
    )


# -- the HTML report -------------------------------------------------------------------------

_GENERATED_AT = re.compile(rb'<time class="generated" datetime="[^"]*">[^<]*</time>')


def _html_files(folder: Path) -> dict[str, bytes]:
    """The report's files under ``folder``, their generation time blanked."""
    return {
        path.relative_to(folder).as_posix(): _GENERATED_AT.sub(b"", path.read_bytes())
        for path in sorted(folder.rglob("*.html"))
    }


def html_part(doc: Doc, work: Path, size: int, runs: int, parts: Parts) -> None:
    """The HTML report of the synthetic library of ``size`` guides: what it adds to a run
    writing JSON only, drawn by one process and by two, alternating."""
    doc.h("The HTML report")
    folder = work / f"lib{size}"
    kinds = {
        f"{fmt.upper()}, --jobs {jobs}": (fmt, jobs) for jobs in (1, 2) for fmt in ("json", "html")
    }
    measured: dict[str, list[CheckRun]] = {kind: [] for kind in kinds}
    outputs: dict[str, dict[str, bytes]] = {}
    for n in range(runs):
        for kind, (fmt, jobs) in kinds.items():
            out = work / f"html-{fmt}-{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            options = ("--format", fmt, "--output-dir", str(out), "--jobs", str(jobs))
            log(f"HTML report: {size} guides, {kind}, run {n + 1}/{runs}")
            measured[kind].append(
                parts.timed(
                    f"HTML report: {size} guides, {kind}, run {n + 1}",
                    lambda options=options, out=out: run_check(folder, out, work, options=options),
                )
            )
            if fmt == "html":
                outputs[kind] = _html_files(out)
    files = outputs["HTML, --jobs 2"]
    pages = [len(text) for name, text in files.items() if "/" in name]
    walls = {kind: median([r.wall for r in rs]) for kind, rs in measured.items()}
    added = {jobs: walls[f"HTML, --jobs {jobs}"] - walls[f"JSON, --jobs {jobs}"] for jobs in (1, 2)}
    doc.p(
        f"`contentqa check LIB --format FORMAT --output-dir D --jobs N -q --fail-on never` on "
        f"the {fmt_n(size)}-guide synthetic library, the four runs alternating, {runs} "
        "round(s). Wall time is the median; peak memory is the largest single process "
        "(`/usr/bin/time -v`), the sharing counted in full. *Added*: the HTML run's median "
        "over the JSON run's with as many processes, the HTML report's own cost."
    )
    doc.table(
        ["run", "wall (median)", "runs (s)", "added", "peak RSS (largest)"],
        [
            [
                kind,
                fmt_s(walls[kind]),
                " / ".join(f"{r.wall:.1f}" for r in rs),
                fmt_s(added[kinds[kind][1]]) if kind.startswith("HTML") else "–",
                fmt_mib(max((r.max_rss_kb or 0) for r in rs) or None),
            ]
            for kind, rs in measured.items()
        ],
    )
    one, two = added[1], added[2]
    same = outputs["HTML, --jobs 1"] == files
    doc.p(
        f"{fmt_n(len(files))} file(s), {fmt_n(sum(map(len, files.values())) / 2**20, 1)} MiB; "
        + (
            f"{fmt_n(len(pages))} guide pages of {fmt_n(sum(pages) / len(pages) / 1024, 1)} KiB "
            "on average. "
            if pages
            else "one page. "
        )
        + (
            f"The HTML's added time, one process against two: {one / two:.2f}×. "
            if pages and two > 0
            else ""
        )
        + "The files of one and two processes identical apart from the generation time: "
        + ("yes." if same else "**no**.")
    )


# -- one seed-sized guide ------------------------------------------------------------------

SEED_GUIDE = ROOT / "guides" / "heal-anxious-attachment.json"

# ``pipeline.run`` on one guide, once to start up, then timed ``runs`` times; prints the
# seconds of each timed run as JSON.
_REPEATED_RUN = """
import json, sys, time
from pathlib import Path
from contentqa import pipeline
from contentqa.config import Config
paths, runs = [Path(sys.argv[1])], int(sys.argv[2])
pipeline.run(paths, Config())
times = []
for _ in range(runs):
    start = time.perf_counter()
    pipeline.run(paths, Config())
    times.append(time.perf_counter() - start)
print(json.dumps(times))
"""


def seed_part(doc: Doc, work: Path, quick: bool, parts: Parts) -> None:
    """The seed guide alone: the whole CLI call, and the analysis after start-up."""
    doc.h("One seed-sized guide")
    if not SEED_GUIDE.exists():
        doc.p(f"Skipped: {SEED_GUIDE} is missing.")
        return
    cli_runs = 3 if quick else 7
    walls = []
    for n in range(cli_runs):
        log(f"seed guide: contentqa check run {n + 1}/{cli_runs}")
        start = time.perf_counter()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "contentqa",
                "check",
                str(SEED_GUIDE),
                "-q",
                "--no-report",
                "--fail-on",
                "never",
            ],
            cwd=work,
            capture_output=True,
            text=True,
        )
        walls.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise RuntimeError(f"contentqa check failed ({proc.returncode}):\n{proc.stderr}")
    parts.times["seed guide: contentqa check"] = sum(walls)
    analysis_runs = 21
    analysis = parts.timed(
        "seed guide: analysis in-process",
        lambda: python_json(_REPEATED_RUN, [str(SEED_GUIDE), str(analysis_runs)], work),
    )
    doc.p(
        f"`contentqa check {SEED_GUIDE.relative_to(ROOT)} -q --no-report --fail-on never` in "
        "a subprocess, "
        f"{cli_runs} runs (start-up included: Python, the imports, spaCy); the analysis after "
        f"start-up is `pipeline.run` in one process, after a first run, {analysis_runs} runs."
    )
    doc.table(
        ["figure", "median", "runs", "target"],
        [
            [
                "whole CLI call",
                fmt_s(median(walls)),
                " / ".join(f"{w:.2f}" for w in walls),
                "≤ 1.5 s",
            ],
            [
                "analysis after start-up",
                f"{median(analysis) * 1000:.1f} ms",
                f"{min(analysis) * 1000:.1f}–{max(analysis) * 1000:.1f} ms",
                "≤ 20 ms",
            ],
        ],
    )


def clough_part(doc: Doc, work: Path, quick: bool, parts: Parts) -> None:
    doc.h("Clough & Stevenson plagiarised short answers")
    try:
        pairs = corpora.clough_pairs(with_files=True)
    except corpora.CorpusMissing as exc:
        doc.p(f"Skipped: {exc}.")
        return
    from contentqa.config import parse_config
    from contentqa.pipeline import run as pipeline_run
    from contentqa.report import json_report

    def gid(name: str) -> str:
        return corpora.slugify(name.removesuffix(".txt"))

    def write(folder: Path, name: str, text: str) -> Path:
        guide = corpora.paragraph_guide(gid(name), f"Text {name.removesuffix('.txt')}", text)
        guide["steps"][0]["title"] = "Note"  # one word: never compared, never a duplicate
        path = folder / f"{gid(name)}.json"
        path.write_text(json.dumps(guide, ensure_ascii=False), encoding="utf-8")
        return path

    # Pairwise: each answer/source pair alone in its own run (in-process pipeline.run).
    config = parse_config({})
    start = time.perf_counter()
    pairwise: dict[str, list[bool]] = collections.defaultdict(list)
    for n, (answer, source, label, afile, sfile) in enumerate(pairs):
        folder = work / "clough-pairs" / f"{n:03d}"
        folder.mkdir(parents=True)
        a, s = write(folder, afile, answer), write(folder, sfile, source)
        report = json.loads(json_report.render(pipeline_run([a, s], config)))
        pairwise[label].append(_linked(report, a.name, s.name, LINK_CODES))
    parts.times["Clough: pairwise runs"] = time.perf_counter() - start

    # Batch: every answer and each source once, in one `contentqa check` run.
    folder = work / "clough-batch"
    folder.mkdir()
    for answer, source, _label, afile, sfile in pairs:
        write(folder, afile, answer)
        if not (folder / f"{gid(sfile)}.json").exists():
            write(folder, sfile, source)
    run = run_check(folder, work / "clough.json", work)
    parts.times["Clough: batch contentqa check"] = run.wall
    batch: dict[str, list[bool]] = collections.defaultdict(list)
    batch5: dict[str, list[bool]] = collections.defaultdict(list)
    for _answer, _source, label, afile, sfile in pairs:
        a, s = f"{gid(afile)}.json", f"{gid(sfile)}.json"
        batch[label].append(_linked(run.report, a, s, LINK_CODES))
        batch5[label].append(_linked(run.report, a, s, (*LINK_CODES, "D005", "D006")))
    from contentqa.normalize import normalized_tokens

    def shares_run(answer: str, source: str, n: int = 6) -> bool:
        a, s = normalized_tokens(answer), normalized_tokens(source)
        grams = {tuple(s[i : i + n]) for i in range(len(s) - n + 1)}
        return any(tuple(a[i : i + n]) in grams for i in range(len(a) - n + 1))

    overlap: dict[str, list[bool]] = collections.defaultdict(list)
    for answer, source, label, _afile, _sfile in pairs:
        overlap[label].append(shares_run(answer, source))
    targets = {"cut": "≥ 95 %", "light": "≥ 95 %", "heavy": "(no target)", "non": "≤ 5 %"}

    def meets(label: str, share: float) -> str:
        if label in ("cut", "light"):
            return "yes" if share >= 0.95 else "**no**"
        if label == "non":
            return "yes" if share <= 0.05 else "**no**"
        return ""

    rows = []
    for label in corpora.CLOUGH_LABELS:
        pw, bt, b5 = pairwise[label], batch[label], batch5[label]
        share = sum(pw) / len(pw) if pw else 0.0
        rows.append(
            [
                label,
                len(pw),
                pct(sum(overlap[label]), len(pw)),
                pct(sum(pw), len(pw)),
                targets[label],
                meets(label, share),
                pct(sum(bt), len(bt)),
                pct(sum(b5), len(b5)),
            ]
        )
    doc.p(
        "Each text is a tiny guide with the text as its one intro paragraph. *Linked* = some "
        f"{'/'.join(LINK_CODES)} finding names both files. **Pairwise**: each answer with its "
        "source alone in one run (the figure the targets apply to). **Batch**: all 95 "
        "answers and the 5 sources in one `contentqa check` run; there a source sentence "
        "copied into 3+ answers becomes boilerplate (D005) and is masked from the near "
        "comparisons, so the last column also counts D005/D006. The third column (normalized "
        "tokens) shows answers that cannot be linked to the given source at all: a `cut` "
        "answer with no 6-word run in common was copied from elsewhere."
    )
    doc.table(
        [
            "label",
            "pairs",
            "share a 6-word run with the source",
            "pairwise: linked",
            "target",
            "met",
            "batch: linked",
            "batch: linked incl. D005/D006",
        ],
        rows,
    )
    doc.p(f"Batch run: {fmt_s(run.wall)}, findings {codes_cell(code_counts(run.report))}.")


# -- synthetic sizes -----------------------------------------------------------------------


def synthetic_part(
    doc: Doc,
    work: Path,
    sizes: Sequence[int],
    quick: bool,
    parts: Parts,
    workers: int,
    stages_max: int,
) -> dict[int, dict]:
    doc.h("Synthetic libraries: full pipeline")
    out: dict[int, dict] = {}
    rows, recall_tables, stage_rows, cand_rows = [], [], [], []
    for size in sizes:
        runs = 1 if quick or size > 1000 else 3
        folder = work / f"lib{size}"
        log(f"generating {size} guides")
        start = time.perf_counter()
        plants_file, info = generate_library.write(size, folder)
        gen = time.perf_counter() - start
        parts.times[f"size {size}: generate"] = gen
        plants = json.loads(plants_file.read_text())["plants"]
        checks = []
        for n in range(runs):
            log(f"size {size}: contentqa check run {n + 1}/{runs}")
            checks.append(run_check(folder, work / f"report{size}.json", work))
        log(f"size {size}: contentqa check under the memory sampler")
        memory = run_check(folder, work / f"report{size}.json", work, sample_memory=True)
        parts.times[f"size {size}: contentqa check ×{runs + 1}"] = sum(
            c.wall for c in [*checks, memory]
        )
        report = checks[-1].report
        wall = median([c.wall for c in checks])
        rss = [c.max_rss_kb for c in [*checks, memory] if c.max_rss_kb]
        pss = [memory.peak_pss_kb] if memory.peak_pss_kb else []
        words = total_words(report)
        counts = code_counts(report)
        rows.append(
            [
                fmt_n(size),
                fmt_n(info["paragraphs"]),
                fmt_n(words),
                runs,
                fmt_s(wall),
                " / ".join(f"{c.wall:.1f}" for c in checks),
                fmt_mib(median(pss)) if pss else "–",
                fmt_mib(median(rss)) if rss else "–",
                fmt_n(words / wall),
                fmt_n(len(report["findings"])),
                codes_cell(counts),
            ]
        )
        recall_rows, unplanted = plant_recall(report, plants)
        recall_tables.append((size, recall_rows, unplanted))
        log(f"size {size}: in-process stages")
        with_library = size <= stages_max
        stages = parts.timed(
            f"size {size}: in-process stages",
            lambda folder=folder, lib=with_library: in_process_stages(folder, workers, lib),
        )
        lib_time = stages["library"]
        skipped = f"skipped (> {stages_max:,} guides)"
        stage_rows.append(
            [
                fmt_n(size),
                stages["workers"],
                fmt_s(stages["per_file"]),
                fmt_s(lib_time) if lib_time is not None else skipped,
                fmt_s(stages["duplicates"]) if lib_time is not None else "–",
                f"{lib_time / (stages['per_file'] + lib_time):.0%}"
                if lib_time is not None
                else "–",
            ]
        )
        pools = stages["pools"]
        log(f"size {size}: candidate pairs")
        cand = parts.timed(
            f"size {size}: candidate pairs", lambda pools=pools: candidate_stage(pools)
        )
        cand_rows += [[fmt_n(size), *r] for r in cand]
        out[size] = {"pools": pools, "plants": plants, "places": stages["paragraph_places"]}
        del stages
    doc.p(
        "`contentqa check LIB --output R.json -q --fail-on never` in a subprocess, from a temp "
        "folder (default configuration). Wall time is the median of the runs listed. Peak "
        "memory: the summed PSS of all the run's processes, sampled every 0.2 s in one more "
        "run (sampling slows the run it samples, by 8% at 10,000 guides; what the run "
        "holds: shared pages are split among their sharers), and the largest single process "
        "(`/usr/bin/time -v`), which counts shared pages in full and misses the other "
        "processes. Words are the report's per-guide `words` metric."
    )
    doc.table(
        [
            "guides",
            "paragraphs",
            "words",
            "runs",
            "wall (median)",
            "runs (s)",
            "peak memory (PSS, all)",
            "peak RSS (largest)",
            "words/s",
            "findings",
            "findings per code",
        ],
        rows,
    )
    doc.h("Recall of planted duplicates", 3)
    doc.p(
        "A plant is found when one finding's locations (primary + related) cover all its "
        "places. *Expected code* counts only the rule named; *any D code* accepts any "
        "duplicate rule. *Unplanted* duplicate (D) findings touch no planted place: chance "
        "matches between generated texts (the generator makes every sentence, title and "
        "item unique, so these are near-duplicate findings between unrelated texts)."
    )
    for size, recall_rows, unplanted in recall_tables:
        doc.p(f"**{fmt_n(size)} guides** — unplanted findings: {codes_cell(unplanted)}")
        doc.table(
            [
                "plant kind",
                "expected code",
                "planted",
                "found (expected code)",
                "found (any D code)",
            ],
            recall_rows,
        )
    doc.h("Stage split (in-process)", 3)
    doc.p(
        "Per-file stage = load, validate, segment (spaCy) and per-guide rules, in the main "
        "process and `processes - 1` workers as the CLI does; library stage = "
        "`build_report` (every library rule, the findings made from their results, "
        "suppressions, metrics, the per-file results unpacked). *Duplicate rules*: the part "
        "of the library stage spent in the library rules of category `duplicate` (the "
        "duplicate engine's analysis, which they share, and their diagnostics): the "
        "cross-library duplicate stage, whose target is at most 15 s at 10,000 guides. Above "
        "`--stages-max-size` guides only the per-file stage "
        "runs in-process (to get the token pools below)."
    )
    header = ["guides", "processes", "per-file stage", "library stage", "duplicate rules"]
    doc.table([*header, "library share"], stage_rows)
    doc.h("Near-duplicate blocking: `minhash.candidate_pairs` over whole pools", 3)
    doc.p(
        "Each pool's distinct token sequences (as the engine dedups them) through "
        "`candidate_pairs(threshold=0.4)`: as called by default (word 2-gram shingles) and, "
        "when the engine calls it differently, the engine's way. *Scoring est.* = candidates "
        "× the measured time to score one pair with the pool's rule scorer (D009, D011, D010 "
        "defaults; batched with `score_pairs` when the engine has it), the rapidfuzz work those "
        "candidates "
        "cost."
    )
    doc.table(
        [
            "guides",
            "pool",
            "blocking",
            "texts",
            "distinct",
            "LSH time",
            "candidates",
            "cand./text",
            "scoring est.",
        ],
        cand_rows,
    )
    return out


# -- main ----------------------------------------------------------------------------------


# Parts of this run that raised: the others still run, and the command exits with 1.
failed: list[str] = []


def attempt(doc: Doc, name: str, part: Callable[[], Any]) -> Any:
    """``part()``, or None when it raises: the error goes into the document and to stderr,
    and the run goes on with the next part (one bug should not cost the whole run)."""
    try:
        return part()
    except Exception as exc:
        log(f"{name}: FAILED")
        traceback.print_exc()
        failed.append(name)
        doc.p(f"**{name} failed**: `{type(exc).__name__}: {exc}`.")
        return None


def blocking_recall_part(
    doc: Doc, synthetic: dict[int, dict], quick: bool, parts: Parts, rng: random.Random
) -> None:
    """Recall of the LSH blocking against exhaustive scoring, on a sample of the largest
    synthetic library's paragraphs and of MyFixit's steps."""
    doc.h("LSH blocking recall against exhaustive scoring")
    sample_size = 500 if quick else 2000
    recall_rows = []
    biggest = max(synthetic)
    data = synthetic[biggest]
    seqs = data["pools"]["paragraphs"]
    # The paragraphs of each plant go in together first, so the sample holds positives.
    index = data["places"]
    plant_of: dict[tuple[str, str], int] = {}
    for n, plant in enumerate(data["plants"]):
        if "paragraph" in plant["kind"] or "step" in plant["kind"]:
            for f, p in plant["locations"]:
                plant_of[(f, p)] = n
    groups: dict[int, list[int]] = collections.defaultdict(list)
    for i, (f, p) in enumerate(index):
        for q in _parts(p):
            if (f, q) in plant_of:
                groups[plant_of[(f, q)]].append(i)
                break
    texts = sample_texts(seqs, list(groups.values()), sample_size, rng)
    scorer, threshold, min_words = paragraph_rule()
    files_of: dict[tuple[str, ...], set[str]] = collections.defaultdict(set)
    for tokens, (file, _) in zip(seqs, index, strict=True):
        if len(tokens) >= min_words:
            files_of[tuple(tokens)].add(file)
    # A generator of its own: the samples above stay as they were.
    uniform = random.Random(11).sample(
        sorted(files_of), min(len(files_of), 3000 if quick else 36000)
    )
    log("LSH recall (synthetic, uniform sample)")
    uniform_rows = parts.timed(
        "LSH recall: synthetic, uniform sample",
        lambda: uniform_recall(
            f"synthetic {fmt_n(biggest)}",
            uniform,
            [frozenset(files_of[t]) for t in uniform],
            threshold,
            scorer,
        ),
    )
    log("LSH recall (synthetic)")
    recall_rows += parts.timed(
        "LSH recall: synthetic", lambda: lsh_recall(f"synthetic {fmt_n(biggest)}", texts)
    )
    myfixit_texts = None
    try:
        records = list(corpora.myfixit_records())
        steps = list(
            dict.fromkeys(
                " ".join(corpora.myfixit_step_text(s).split()) for r in records for s in r["steps"]
            )
        )
        from contentqa.normalize import normalized_tokens

        # First: groups of texts sharing their first five words (likely edits of one text).
        pool = list(range(len(steps)))
        rng.shuffle(pool)
        pool = pool[: (3000 if quick else 12000)]
        toks = [normalized_tokens(steps[i]) for i in pool]
        heads: dict[tuple[str, ...], list[int]] = collections.defaultdict(list)
        for k, t in enumerate(toks):
            heads[tuple(t[:5])].append(k)
        related = [g for g in heads.values() if len(g) > 1]
        myfixit_texts = sample_texts(toks, related, sample_size, rng)
        log("LSH recall (MyFixit)")
        recall_rows += parts.timed(
            "LSH recall: MyFixit", lambda: lsh_recall("MyFixit steps", myfixit_texts)
        )
        every_step = list(dict.fromkeys(tuple(t) for t in toks if len(t) >= min_words))
        log("LSH recall (MyFixit, uniform sample)")
        uniform_rows += parts.timed(
            "LSH recall: MyFixit, uniform sample",
            lambda: uniform_recall("MyFixit steps", every_step, None, threshold, scorer),
        )
    except corpora.CorpusMissing as exc:
        doc.p(f"MyFixit sample skipped: {exc}.")
    doc.p(
        f"A sample of about {sample_size:,} distinct paragraphs of at least 6 words (half "
        "from planted places, each plant's paragraphs together, or, for MyFixit, from "
        "groups of steps sharing their first five words, the rest at random); every pair "
        "scored with `set-and-sort` (rapidfuzz `cdist`, token-set and token-sort); *true "
        "pairs* score ≥ 0.8. Recall = share of true pairs that "
        "`candidate_pairs(threshold=0.4)` returns. When the near-duplicate-paragraph rule "
        "(D009) defaults to another scorer, rows with that scorer and its threshold as the "
        "truth follow. *Same numbers*: recall over the true pairs whose numbers agree, "
        "the only ones the engine can report (texts whose numbers differ are different "
        "instructions, never near-duplicates)."
    )
    doc.table(
        [
            "sample",
            "blocking",
            "truth",
            "texts",
            "true pairs",
            "recall",
            "recall, same numbers",
            "recall below 0.9",
            "recall ≥ 0.9",
            "candidates",
            "exhaustive time",
            "LSH time",
        ],
        recall_rows,
    )
    doc.p(
        "The samples above hold related texts on purpose, so they measure recall on planted "
        "and edited copies. Below, a uniform random sample of the distinct paragraphs of at "
        "least the paragraph rule's fewest words (for MyFixit, of the random steps above), "
        "every pair scored with the paragraph rule's scorer: recall over all the pairs a "
        "library holds by chance or by copy, by the length of the pair's shorter text, and "
        "across guides (pairs of texts that no guide holds together; each guide's own texts "
        "are all compared with one another, whatever the blocking)."
    )
    doc.table(
        [
            "sample",
            "blocking",
            "truth",
            "texts",
            "recall",
            f"shorter text < {SHORT_WORDS} words",
            f"shorter text ≥ {SHORT_WORDS} words",
            "across guides",
            "candidates per text",
            "exhaustive time",
            "LSH time",
        ],
        uniform_rows,
    )


def minhash_speed_part(doc: Doc, seqs: Sequence[Sequence[str]], quick: bool, parts: Parts) -> None:
    """The numpy MinHash signatures against datasketch's, on texts of ``seqs``."""
    doc.h("MinHash speed: numpy against datasketch")
    mh_texts = list(dict.fromkeys(tuple(s) for s in seqs if s))[: 2000 if quick else 20000]
    log("MinHash speed")
    mh_rows, note = parts.timed("MinHash speed", lambda: minhash_speed(mh_texts))
    doc.table(["implementation", "texts", "time", "texts/s", "time vs numpy"], mh_rows)
    if note:
        doc.p(
            note + " (it is not a dependency; install it in a side folder, e.g. "
            "`pip install --target /tmp/bench-deps datasketch scipy`, and run with "
            "`PYTHONPATH=/tmp/bench-deps`)."
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="100,1000,10000",
        help="comma-separated library sizes (default 100,1000,10000)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="size 100 only, one run, corpus subsets (under a minute)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="processes for the in-process per-file stage (default: cores)",
    )
    parser.add_argument(
        "--stages-max-size",
        type=int,
        default=10000,
        help="largest size whose library stage is also timed in-process "
        "(it repeats the CLI's slowest part; default 10000)",
    )
    parser.add_argument(
        "--snapshot",
        action="store_true",
        help="benchmark the committed HEAD (contentqa/ and schemas/ exported to a temp folder "
        "and put first on the path), so edits made while it runs do not mix into the figures",
    )
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "latest.md")
    args = parser.parse_args(argv)
    command = argv if argv is not None else sys.argv[1:]
    snapshot_ctx = None
    if args.snapshot:
        snapshot_ctx = tempfile.TemporaryDirectory(prefix="contentqa-snapshot-")
        use_snapshot(Path(snapshot_ctx.name))
    sizes = [100] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()
    parts = Parts()
    failed.clear()
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        or "unknown"
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "contentqa"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    import contentqa

    where = Path(contentqa.__file__).resolve().parent.parent
    source = "committed HEAD (snapshot)" if args.snapshot else f"working tree `{where}`"
    doc = Doc()
    doc.h("contentqa benchmarks", 1)
    doc.p(
        f"Commit `{commit}`"
        f"{' (with uncommitted changes in contentqa/)' if dirty and not args.snapshot else ''}, "
        f"code from the {source}, "
        f"contentqa {contentqa.__version__}, "
        f"{dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s). "
        f"Command: `{' '.join(['benchmarks/run.py', *command])}`."
    )
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        work_ctx = None
        work = args.keep
    else:
        work_ctx = tempfile.TemporaryDirectory(prefix="contentqa-bench-")
        work = Path(work_ctx.name)
    rng = random.Random(7)
    try:
        synthetic = attempt(
            doc,
            "synthetic libraries",
            lambda: synthetic_part(
                doc, work, sizes, args.quick, parts, args.workers, args.stages_max_size
            ),
        )

        if synthetic:
            attempt(
                doc,
                "LSH blocking recall",
                lambda: blocking_recall_part(doc, synthetic, args.quick, parts, rng),
            )
            biggest = synthetic[max(synthetic)]["pools"]["paragraphs"]
            attempt(
                doc, "MinHash speed", lambda: minhash_speed_part(doc, biggest, args.quick, parts)
            )
        log("MyFixit")
        attempt(doc, "MyFixit", lambda: myfixit_part(doc, work, args.quick, parts))
        log("Clough & Stevenson")
        attempt(doc, "Clough & Stevenson", lambda: clough_part(doc, work, args.quick, parts))
        attempt(doc, "seed guide", lambda: seed_part(doc, work, args.quick, parts))
        scaling_size = max((n for n in synthetic or {} if n <= 1000), default=None)
        if scaling_size is None:
            doc.h("Process scaling: one process against two")
            doc.p("Skipped: no library of at most 1,000 guides was generated.")
        else:
            attempt(
                doc,
                "process scaling",
                lambda: scaling_part(doc, work, scaling_size, 1 if args.quick else 3, parts),
            )
            attempt(
                doc,
                "HTML report",
                lambda: html_part(doc, work, scaling_size, 1 if args.quick else 2, parts),
            )
    finally:
        if work_ctx is not None:
            work_ctx.cleanup()
        if snapshot_ctx is not None:
            snapshot_ctx.cleanup()
    total = time.perf_counter() - started
    doc.h("Wall time of each part")
    doc.table(
        ["part", "wall time"],
        [*([k, fmt_s(v)] for k, v in parts.times.items()), ["**total**", fmt_s(total)]],
    )
    if failed:
        doc.p(f"**Failed parts**: {', '.join(failed)} (tracebacks on stderr).")
    text = doc.text()
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    log(f"written to {args.output}")
    return 1 if failed else 0


def use_snapshot(folder: Path) -> None:
    """Export HEAD's ``contentqa/`` and ``schemas/`` to ``folder`` and import from there (this
    process, its workers and the ``contentqa check`` subprocesses)."""
    import io
    import tarfile

    if "contentqa" in sys.modules:
        raise RuntimeError("contentqa was imported before the snapshot was set up")
    archive = subprocess.run(
        ["git", "archive", "HEAD", "contentqa", "schemas"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    sys.path.insert(0, str(folder))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(folder), os.environ.get("PYTHONPATH", "")) if p
    )


def _parts(pointer: str) -> list[str]:
    """``/steps/3/body/0`` -> ``["/steps/3/body/0", "/steps/3/body", "/steps/3", "/steps"]``."""
    pieces = pointer.split("/")
    return ["/".join(pieces[:k]) for k in range(len(pieces), 1, -1)]


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception:
        traceback.print_exc()
        sys.exit(1)
