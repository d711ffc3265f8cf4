from __future__ import annotations

import dataclasses
import json
import pickle

import pytest
from conftest import FIXTURES, GUIDES, SEED_GUIDE, load_json

from contentqa.config import Config, parse_config
from contentqa.load import discover, display_name
from contentqa.pipeline import build_report, check_file, effective_jobs, run, stow
from contentqa.report.json_report import render

DUPLICATE_FIXTURES = FIXTURES / "duplicates" / "guides"


def _library(tmp_path, copies: int = 6):
    """A small library: the shipped guides plus renamed copies of the seed guide."""
    for path in GUIDES.glob("*.json"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    seed = load_json(SEED_GUIDE)
    for i in range(copies):
        seed["id"] = f"copy-{i}"
        (tmp_path / f"copy-{i}.json").write_text(json.dumps(seed, indent=1), encoding="utf-8")
    return discover([tmp_path])


def _bytes(report) -> str:
    return render(dataclasses.replace(report, generated_at="-"))


@pytest.mark.parametrize("jobs", [2, 3])
def test_output_is_identical_for_any_process_count(tmp_path, jobs):
    """This process checks a share of the files and the workers the rest, in chunks of one
    file here: the report and the order files are reported in never change."""
    paths = _library(tmp_path)
    seen: list[str] = []
    one = _bytes(run(paths, dataclasses.replace(Config(), jobs=1)))
    more = _bytes(
        run(paths, dataclasses.replace(Config(), jobs=jobs), on_file=lambda r: seen.append(r.file))
    )
    assert one == more
    assert '"code": "D001"' in one
    assert seen == [display_name(path) for path in paths]


def test_stowed_results_give_the_same_report(tmp_path):
    """Results held packed while the library stage runs: the same report, the parsed guide
    kept once (by the guide, for library rules) and given back to the guide report."""
    paths = [*_library(tmp_path, copies=2), FIXTURES / "load" / "syntax-error.json"]
    config = Config()
    results = [check_file(path, config) for path in paths]
    stowed = [stow(result) for result in results]
    restored = stowed[0].restore()
    assert restored.findings == results[0].findings
    assert restored.report.metrics == results[0].report.metrics
    assert restored.report.data is stowed[0].guide.data
    assert pickle.loads(stowed[0].packed)[0].data is None  # not pickled a second time
    assert stowed[-1].guide is None and stowed[-1].restore().findings == results[-1].findings
    assert _bytes(build_report(stowed, config)) == _bytes(build_report(results, config))


def test_results_handed_over_give_the_same_report(tmp_path):
    """run() hands its results to build_report, which lets go of each guide as it unpacks
    the file's findings: the same report, and the list left empty."""
    paths = [*_library(tmp_path, copies=2), FIXTURES / "load" / "syntax-error.json"]
    config = Config()
    kept = [stow(check_file(path, config)) for path in paths]
    handed = [stow(check_file(path, config)) for path in paths]
    expected = _bytes(build_report(kept, config))
    assert _bytes(build_report(handed, config, hand_over=True)) == expected
    assert handed == [] and len(kept) == len(paths)
    assert expected == _bytes(run(paths, config))


def test_sketches_made_in_the_workers_change_nothing(tmp_path):
    """Band keys computed per guide in the per-file stage give the same report as keys
    computed in the library stage, masked texts (recomputed there) included."""
    paths = _library(tmp_path, copies=3) + discover([DUPLICATE_FIXTURES])
    config = dataclasses.replace(Config(), all_pairs_limit=0)
    prepared = [check_file(path, config, prepare=True) for path in paths]
    assert all(r.guide.prepared["duplicates.sketches"] for r in prepared)
    plain = [check_file(path, config, prepare=False) for path in paths]
    assert not any(r.guide.prepared for r in plain)
    with_sketches = _bytes(build_report(prepared, config))
    assert all(r.guide.prepared["duplicates.sketches"] for r in prepared)  # left as given
    assert with_sketches == _bytes(build_report(plain, config))
    assert '"code": "D006"' in with_sketches and '"code": "D009"' in with_sketches


APPROVED = "This approved paragraph is fine to repeat in every single guide we publish."
EMPTY_TEXTS = {  # a paragraph masked to nothing, an item of no words, both compared
    "approved-boilerplate": [{"text": APPROVED, "reason": "house style"}],
    "rules": {"D009": {"threshold": 0.0, "min-words": 0}, "D010": {"min-words": 0}},
}


@pytest.mark.parametrize(
    "table",
    [{}, {"rules": {"crowded-guide": {"max-pairs": 2}}}, EMPTY_TEXTS],
    ids=["defaults", "max-pairs", "empty-texts"],
)
def test_pairs_scored_in_the_workers_change_nothing(tmp_path, monkeypatch, table):
    """A guide's pairs of paragraphs, items, sentences and parts scored in the per-file stage
    are taken as they are, and the library stage scores the rest (texts masking changed,
    levels over the guide's limit of pairs): the same report as scoring every guide there."""
    from contentqa.duplicates import engine

    paths = _library(tmp_path, copies=3) + discover([DUPLICATE_FIXTURES])
    # In place of a guide whose texts no other guide holds and no masking changes.
    guide = DUPLICATE_FIXTURES / "bake-a-loaf-of-bread.json"
    edited = load_json(guide)
    edited["intro"].append(APPROVED)
    edited["steps"][0]["action_items"].append("—")
    (tmp_path / "bake-edited.json").write_text(json.dumps(edited), encoding="utf-8")
    paths = [tmp_path / "bake-edited.json", *(p for p in paths if p != guide)]
    config = dataclasses.replace(parse_config(table), all_pairs_limit=0)
    prepared = [check_file(path, config, prepare=True) for path in paths]
    plain = [check_file(path, config, prepare=False) for path in paths]
    calls: list[int] = []
    scored = engine._pairs_within
    part_pairs: list[int] = []  # pairs of composite parts scored part by part
    part_scores = engine._part_scores

    def counted(scorer, texts, cutoff, limit):
        calls.append(len(texts))
        return scored(scorer, texts, cutoff, limit)

    def counted_parts(composites, parts, scorer, left, right):
        part_pairs.append(len(left))
        return part_scores(composites, parts, scorer, left, right)

    monkeypatch.setattr(engine, "_pairs_within", counted)
    monkeypatch.setattr(engine, "_part_scores", counted_parts)
    with_pairs = _bytes(build_report(prepared, config))
    taken_over, parts_taken_over = len(calls), sum(part_pairs)
    assert with_pairs == _bytes(build_report(plain, config))
    assert 0 < taken_over < len(calls) - taken_over  # scored here for some guides only
    # Parts scored where their guide was checked come with their final scores: here, only
    # the pairs that pass are scored again, for the parts the finding names.
    assert parts_taken_over < sum(part_pairs) - parts_taken_over
    if "crowded-guide" in table.get("rules", {}):
        assert '"code": "D015"' in with_pairs
    for code in ("D006", "D009", "D010", "D011"):
        assert f'"code": "{code}"' in with_pairs


def test_pairs_scored_one_by_one_match_the_score_matrix(tmp_path, monkeypatch):
    """Guides holding a very long text have their within-guide pairs scored one by one
    instead of in a matrix (which also scores each text against itself): same report."""
    from contentqa.duplicates import engine

    paths = _library(tmp_path, copies=3) + discover([DUPLICATE_FIXTURES])
    config = dataclasses.replace(Config(), all_pairs_limit=0)
    results = [check_file(path, config) for path in paths]
    in_matrices = _bytes(build_report(results, config))
    monkeypatch.setattr(engine, "MATRIX_MAX_CHARS", 0)
    assert _bytes(build_report(results, config)) == in_matrices
    assert '"code": "D006"' in in_matrices and '"code": "D011"' in in_matrices


def test_a_paragraph_of_a_million_characters_is_checked(tmp_path):
    """spaCy refuses texts over its max_length (1,000,000) unless told otherwise, and a
    score matrix would compare the paragraph with itself for most of a minute."""
    guide = load_json(SEED_GUIDE)
    guide["intro"].append("Breathe in slowly. " * 60_000)
    guide["intro"].append("Breathe in slowly. " * 60_000 + "Then rest.")
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(guide), encoding="utf-8")
    report = run([path], Config())
    codes = {f.code for f in report.findings}
    assert "S007" not in codes  # no internal error
    assert "D002" in codes  # the first long paragraph stands inside the second


def test_automatic_job_count_uses_one_process_for_small_runs(monkeypatch):
    monkeypatch.setattr("contentqa.parallel.cores", lambda: 2)
    assert effective_jobs(0, 3) == 1
    assert effective_jobs(4, 2) == 2
    assert effective_jobs(1, 1000) == 1
    assert effective_jobs(0, 1000) == 2
    assert effective_jobs(100, 1000) == 2  # more processes than cores only take turns


def test_results_do_not_depend_on_the_candidate_method(tmp_path):
    paths = _library(tmp_path, copies=3)
    exhaustive = run(paths, dataclasses.replace(Config(), all_pairs_limit=10**9))
    blocked = run(paths, dataclasses.replace(Config(), all_pairs_limit=0))
    key = [
        (f.code, f.file, f.pointer, tuple(r.pointer for r in f.related))
        for f in exhaustive.findings
    ]
    assert key == [
        (f.code, f.file, f.pointer, tuple(r.pointer for r in f.related)) for f in blocked.findings
    ]


def test_approved_boilerplate_is_listed_not_counted(tmp_path):
    passage = "This helps your nervous system feel safe while staying connected."
    config = parse_config({"approved-boilerplate": [{"text": passage, "reason": "house style"}]})
    report = run([SEED_GUIDE], config)
    approved = [f for f in report.findings if f.code == "D012"]
    assert len(approved) == 1 and approved[0].severity.value == "info"
    assert "house style" in approved[0].message
    assert all(passage not in f.message for f in report.findings if f.code == "D005")
    baseline = run([SEED_GUIDE], Config())
    assert (
        report.guides[0].metrics["duplication_ratio"]
        < baseline.guides[0].metrics["duplication_ratio"]
    )


def _unreachable_after_checking(paths) -> int:
    """Objects only the cycle collector could free, left by checking ``paths`` three times
    with it off (after a first round that fills caches and imports modules)."""
    import gc

    for path in paths:
        stow(check_file(path, Config()))
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            for path in paths:
                stow(check_file(path, Config()))
        return gc.collect()
    finally:
        gc.enable()


def test_checking_guides_leaves_no_reference_cycles():
    """The run turns the cycle collector off (pipeline.run, the CLI): that is only safe while
    checking a guide, JSON or Markdown, good or broken, leaves no garbage that only the
    collector can free."""
    folders = [GUIDES, *(FIXTURES / name for name in ("load", "hostile", "markdown"))]
    paths = discover(folders)
    assert any(path.suffix == ".md" for path in paths)
    assert _unreachable_after_checking(paths) == 0


def test_a_crashing_rule_leaves_no_reference_cycles(monkeypatch):
    """A rule whose frame holds its exception (a cycle through the traceback) is reported
    as S007 without keeping that frame, and the guide it holds, alive."""
    from contentqa.registry import get_rule

    def explode(self, guide):
        try:
            raise KeyError("body")
        except KeyError as exc:
            error = exc
        raise error

    monkeypatch.setattr(get_rule("T005"), "check", explode)
    assert any(f.code == "S007" for f in check_file(SEED_GUIDE, Config()).findings)
    assert _unreachable_after_checking([SEED_GUIDE]) == 0


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_run_gives_the_collector_back_as_it_found_it(jobs):
    import gc

    paths = [*discover([GUIDES])] * 30  # 90 files: two jobs start a pool
    assert gc.isenabled()
    run(paths, dataclasses.replace(Config(), jobs=jobs))
    assert gc.isenabled()
    gc.disable()
    try:
        run(paths[:1], Config())
        assert not gc.isenabled()
    finally:
        gc.enable()
