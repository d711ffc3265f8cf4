"""The benchmark's own machinery: the parts that decide what its figures mean."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from conftest import ROOT, SEED_GUIDE

from contentqa.config import Config
from contentqa.pipeline import run
from contentqa.registry import all_rules


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules["bench_run"]


def _methods() -> dict:
    return {rule: ("check_library" in vars(rule), rule.check_library) for rule in all_rules()}


def _findings(report) -> list:
    return [f.to_json() for f in report.findings]


def test_timed_rules_times_the_duplicate_rules_and_puts_them_back(bench):
    before = _methods()
    plain = run([SEED_GUIDE], Config())
    with bench.timed_rules("duplicate") as times:
        timed = run([SEED_GUIDE], Config())
    assert _methods() == before
    assert _findings(timed) == _findings(plain)
    # D001 runs the shared analysis; D009 inherits its check from a base class.
    assert {"D001", "D009"} <= times.keys() and all(code.startswith("D") for code in times)
    assert times["D001"] > 0 and all(seconds >= 0 for seconds in times.values())


def test_a_rule_inheriting_from_a_timed_rule_is_timed_once(bench, monkeypatch):
    from contentqa import registry
    from contentqa.model import Category

    class Parent:
        code, scope = "D900", "library"
        category = Category.DUPLICATE

        def check_library(self, library):
            return ["parent"]

    class Child(Parent):
        code = "D901"

    monkeypatch.setattr(registry, "all_rules", lambda: [Parent, Child])
    with bench.timed_rules("duplicate") as times:
        assert Child().check_library(None) == ["parent"]
        assert "D900" not in times and "D901" in times
    assert "check_library" not in vars(Child) and Parent.check_library(None, None) == ["parent"]


def test_a_failing_part_is_written_down_and_the_run_goes_on(bench, monkeypatch):
    monkeypatch.setattr(bench, "failed", [])
    doc = bench.Doc()

    def broken():
        raise RuntimeError("planted")

    assert bench.attempt(doc, "broken part", broken) is None
    assert bench.attempt(doc, "working part", lambda: 42) == 42
    assert bench.failed == ["broken part"]
    assert "**broken part failed**: `RuntimeError: planted`." in doc.text()


def test_labeled_pairs_match_findings_and_d016_pairs_either_way_round(bench, tmp_path, monkeypatch):
    steps, sentences = tmp_path / "steps.json", tmp_path / "sentences.json"
    pair = {
        "file_a": "a.json",
        "pointer_a": "/steps/1",
        "file_b": "b.json",
        "pointer_b": "/steps/4",
    }
    steps.write_text(
        bench.json.dumps(
            {
                "pairs": [
                    {**pair, "label": "dup"},
                    {**pair, "pointer_b": "/steps/5", "label": "not"},
                    {**pair, "file_b": "a.json", "label": "not"},
                    {**pair, "pointer_a": "/steps/2", "file_b": "c.json", "label": "dup"},
                ]
            }
        ),
        encoding="utf-8",
    )
    sentence = {"file_a": "a.json", "pointer_a": "/intro/0", "span_a": [0, 10]}
    sentence |= {"file_b": "a.json", "pointer_b": "/intro/2"}
    sentences.write_text(
        bench.json.dumps(
            {
                "pairs": [
                    {**sentence, "span_b": span, "label": label}
                    for span, label in (([5, 20], "dup"), ([0, 5], "not"))
                ]
            }
        ),
        encoding="utf-8",
    )
    step = {"code": "D006", "file": "dir/b.json", "pointer": "/steps/4", "score": 0.7}
    copies = {"code": "D006", "file": "dir/b.json", "pointer": "/steps/0", "score": 1.0}
    report = {
        "findings": [
            {**step, "related": [{"file": "dir/a.json", "pointer": "/steps/1"}]},
            {  # an identical step in three places: its copies are pairs too
                **copies,
                "related": [
                    {"file": "dir/a.json", "pointer": "/steps/2"},
                    {"file": "dir/c.json", "pointer": "/steps/4"},
                ],
            },
            {
                "code": "D016",
                "file": "dir/a.json",
                "pointer": "/steps",
                "score": 1.0,
                "related": [
                    {"file": "dir/a.json", "pointer": "/steps/1"},
                    {"file": "dir/b.json", "pointer": "/steps/5"},
                ],
            },
            {
                "code": "D011",
                "file": "dir/a.json",
                "pointer": "/intro/2",
                "span": [5, 20],
                "score": 0.8,
                "related": [{"file": "dir/a.json", "pointer": "/intro/0", "span": [0, 10]}],
            },
        ]
    }
    doc = bench.Doc()
    monkeypatch.setattr(bench, "LABELS", {"D006": steps, "D011": sentences})
    bench.labeled_pairs(doc, report, {"a.json", "b.json", "c.json"})
    rows = [line for line in doc.text().splitlines() if line.startswith("| `")]
    # The pair within one guide is not reported: no precision, nothing lost (it is `not`).
    assert rows[0].startswith("| `D006`, within one guide | 1 | 0 | 0 / 0 / 0 | ")
    assert rows[1] == (
        "| `D006`, across guides | 3 | 3 | 2 / 1 / 0 | 66.7% (2/3) | 0 "
        "| 0.7+: 1/1; 0.9+: 1/1; D016: 0/1 |"
    )
    # Sentences are told apart by their spans: the `not` pair is not the reported one.
    assert (
        rows[3] == "| `D011`, within one guide | 2 | 1 | 1 / 0 / 0 | 100.0% (1/1) | 0 | 0.8+: 1/1 |"
    )


def _sentences(count: int) -> list[tuple[str, ...]]:
    """Texts where each is a light edit of the one before every third text."""
    line = "lift remove slide the cover screws battery cable board case from left right"
    words = line.split(" ")
    texts = []
    for k in range(count):
        base = [words[(k // 3 + i) % len(words)] for i in range(8 + k % 7)]
        if k % 3 == 1:
            base[-1] = "edge"
        texts.append(tuple(base))
    return list(dict.fromkeys(texts))


def test_exhaustive_pairs_block_by_block_finds_what_one_matrix_finds(bench, monkeypatch):
    texts = _sentences(60)
    whole = bench.exhaustive_pairs(texts, 0.78, "ratio")
    assert whole  # the edits score above the threshold
    averaged = bench.exhaustive_pairs(texts, 0.8, "set-and-sort")  # two scorers, no cutoff
    monkeypatch.setattr(bench, "_EXHAUSTIVE_ROWS", 7)
    assert bench.exhaustive_pairs(texts, 0.78, "ratio") == whole
    assert bench.exhaustive_pairs(texts, 0.8, "set-and-sort") == averaged
    assert all(i < j for i, j in averaged)


def test_uniform_recall_counts_each_pair_in_its_length_and_guide_columns(bench, monkeypatch):
    lines = [
        "remove the screws from the left side",
        "remove the rest of the left side screws",
        "lift the battery out of the case and set it on a soft clean cloth now",
        "lift the battery out of the case and set it on a soft dry cloth now",
    ]
    texts = [tuple(line.split(" ")) for line in lines]
    files = [frozenset({"a"}), frozenset({"b"}), frozenset({"a"}), frozenset({"a"})]
    # A blocking that proposes only the long pair: the short one is missed.
    monkeypatch.setattr(bench._minhash(), "candidate_pairs", lambda seqs, params: [(2, 3)])
    [row] = bench.uniform_recall("sample", texts, files, 0.78, "ratio")
    recall, short, long, across = row[4:8]
    assert (recall, short, long) == ("50.0% (1/2)", "0.0% (0/1)", "100.0% (1/1)")
    assert across == "0.0% (0/1)"  # texts 0 and 1 are in no guide together
    [row] = bench.uniform_recall("sample", texts, None, 0.78, "ratio")
    assert row[7] == "n/a"


def test_a_faq_entry_finding_finds_a_planted_pair_of_its_answers(bench):
    plant = {
        "kind": "near-paragraph-cross",
        "expect": "D009",
        "locations": [["a.json", "/faq/1/answer"], ["b.json", "/faq/2/answer"]],
    }

    def recall(code, first, second):
        finding = {
            "code": code,
            "file": "lib/a.json",
            "pointer": first,
            "related": [{"file": "lib/b.json", "pointer": second}],
        }
        rows, _ = bench.plant_recall({"findings": [finding]}, [plant])
        return rows[0][3:5]

    assert recall("D008", "/faq/1", "/faq/2") == ["0.0% (0/1)", "100.0% (1/1)"]
    assert recall("D009", "/faq/1/answer", "/faq/2/answer") == ["100.0% (1/1)"] * 2
    # A whole collection, or another entry, does not hold the planted answer.
    assert recall("D008", "/faq", "/faq/2")[1] == "0.0% (0/1)"
    assert recall("D008", "/faq/10", "/faq/2")[1] == "0.0% (0/1)"
