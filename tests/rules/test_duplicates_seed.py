"""The seed guide's duplicate findings, against a golden set reviewed by hand."""

from __future__ import annotations

import json

import pytest
from conftest import CLEAN_GUIDES, ROOT, SEED_GUIDE, UPDATE_GOLDEN, load_json

from contentqa.config import Config
from contentqa.load import discover
from contentqa.pipeline import run

GOLDEN = ROOT / "tests" / "golden" / "heal-anxious-attachment.duplicates.json"


def duplicate_findings(*paths, config: Config | None = None) -> list[dict]:
    report = run(discover(paths), config or Config())
    return [
        {
            "code": f.code,
            "severity": f.severity.value,
            "pointer": f.pointer,
            "span": f.span.to_json() if f.span else None,
            "related": sorted({r.pointer for r in f.related}),
            **({"score": round(f.score, 2)} if f.score is not None else {}),
        }
        for f in report.findings
        if f.category == "duplicate"
    ]


@pytest.fixture(scope="module")
def seed_findings(request):
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return duplicate_findings(SEED_GUIDE.relative_to(ROOT))
    finally:
        os.chdir(cwd)


def test_seed_duplicates_match_golden(seed_findings):
    if UPDATE_GOLDEN:
        GOLDEN.write_text(json.dumps(seed_findings, indent=1) + "\n", encoding="utf-8")
    assert seed_findings == load_json(GOLDEN)


def by_code(findings, code):
    return [f for f in findings if f["code"] == code]


def test_intro_paragraphs_pasted_three_times_are_three_clusters(seed_findings):
    clusters = by_code(seed_findings, "D001")
    assert [(f["pointer"], f["related"]) for f in clusters] == [
        ("/intro/1", ["/intro/4", "/intro/7"]),
        ("/intro/2", ["/intro/5", "/intro/8"]),
        ("/intro/3", ["/intro/6", "/intro/9"]),
    ]


def test_truncated_last_intro_paragraph_is_contained(seed_findings):
    [found] = by_code(seed_findings, "D004")
    assert found["pointer"] == "/intro/10" and found["related"] == ["/intro/1"]


def test_repeated_sentence_across_paragraphs(seed_findings):
    sentences = {f["pointer"]: f["related"] for f in by_code(seed_findings, "D002")}
    assert sentences["/intro/0"] == ["/intro/3"]
    assert sentences["/summary"] == ["/takeaways/0"]
    assert sentences["/takeaways/3"] == ["/sections/0/body/0"]


def test_step_boilerplate_is_one_finding_listing_every_step(seed_findings):
    [passage] = by_code(seed_findings, "D005")
    assert passage["pointer"] == "/steps/0/body/0"
    assert passage["related"] == [f"/steps/{i}/body/0" for i in range(8)]


def test_action_item_in_five_steps(seed_findings):
    [item] = by_code(seed_findings, "D003")
    assert item["pointer"] == "/steps/0/action_items/2"
    assert item["related"] == [f"/steps/{i}/action_items/2" for i in range(1, 5)]


def test_near_duplicate_steps_and_not_the_boilerplate_only_pair(seed_findings):
    steps = {(f["pointer"], f["related"][0]): f["severity"] for f in by_code(seed_findings, "D006")}
    assert steps[("/steps/7", "/steps/2")] == "error"
    assert steps[("/steps/6", "/steps/1")] == "error"
    assert steps[("/steps/5", "/steps/0")] == "warning"
    assert ("/steps/4", "/steps/3") not in steps


def test_near_duplicate_items_are_named_in_their_step_finding():
    report = run(discover([SEED_GUIDE]), Config())
    [step7] = [f for f in report.findings if f.code == "D006" and f.pointer == "/steps/6"]
    assert "“Try a 90-second breathing practice” ~ “Try a 90-second breath reset”" in step7.message
    assert "matching: body, action items" in step7.message
    # ...and not reported again one by one inside the step pair
    assert not [f for f in report.findings if f.code in ("D009", "D010", "D011")]


def test_clean_guides_have_no_duplicate_findings():
    assert duplicate_findings(*CLEAN_GUIDES) == []


def test_cross_file_copy_points_into_the_other_file(tmp_path):
    clean = load_json(CLEAN_GUIDES[0])
    other = load_json(CLEAN_GUIDES[1])
    other["intro"].append(clean["intro"][0])
    (tmp_path / "a.json").write_text(json.dumps(clean), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(other), encoding="utf-8")
    report = run(discover([tmp_path]), Config())
    [finding] = [f for f in report.findings if f.code == "D001"]
    assert finding.file.endswith("a.json") and finding.pointer == "/intro/0"
    [copy] = finding.related
    assert copy.file.endswith("b.json") and copy.pointer == f"/intro/{len(other['intro']) - 1}"
    # A guide cannot just drop what another guide also says.
    assert finding.message.endswith("keep it in one guide, or rewrite the copies")
    ratios = {g.file.rsplit("/", 1)[-1]: g.metrics["duplication_ratio"] for g in report.guides}
    assert ratios["a.json"] == 0 and ratios["b.json"] > 0


def test_a_step_copied_whole_into_several_guides_is_one_cluster(tmp_path):
    donor = load_json(CLEAN_GUIDES[0])
    for i in range(3):
        guide = load_json(CLEAN_GUIDES[1])
        guide["id"] = f"copy-{i}"
        guide["steps"] = [*guide["steps"][2 * i : 2 * i + 2], donor["steps"][2]]
        (tmp_path / f"copy-{i}.json").write_text(json.dumps(guide), encoding="utf-8")
    report = run(discover([tmp_path]), Config())
    [cluster] = [f for f in report.findings if f.code == "D006" and len(f.related) == 2]
    assert cluster.score == 1.0 and "appears 3 times with the same text" in cluster.message
    assert cluster.message.endswith("keep it in one guide, or rewrite the copies")
    assert {r.file.rsplit("/", 1)[-1] for r in cluster.related} == {"copy-1.json", "copy-2.json"}
    assert not [
        f for f in report.findings if f.code == "D006" and f is not cluster and f.score == 1.0
    ]


def test_a_paragraph_inside_another_guide_is_rewritten_or_linked_not_removed(tmp_path):
    clean = load_json(CLEAN_GUIDES[0])
    other = load_json(CLEAN_GUIDES[1])
    other["intro"].append(clean["intro"][0].split(". ")[0] + ".")
    (tmp_path / "a.json").write_text(json.dumps(clean), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(other), encoding="utf-8")
    report = run(discover([tmp_path]), Config())
    [contained] = [f for f in report.findings if f.code == "D004"]
    assert contained.file.endswith("b.json") and contained.related[0].file.endswith("a.json")
    assert contained.message.endswith("rewrite it, or link to the other guide")


def test_copies_within_one_place_say_how_many_times(tmp_path):
    guide = load_json(CLEAN_GUIDES[0])
    sentence = "Turn the pot a quarter turn every week."
    guide["steps"][0]["body"][0] += f" {sentence} {sentence} {sentence}"
    path = tmp_path / "g.json"
    path.write_text(json.dumps(guide), encoding="utf-8")
    [copies] = [f for f in run([path], Config()).findings if f.code == "D002"]
    assert copies.message.endswith(
        "appears 3 times, word for word: step 1 › paragraph 1 (3 times); keep one"
    )


@pytest.mark.parametrize(
    ("where", "severity"),
    [
        ("own", "info"),  # a heading and its first line
        ("other", "error"),  # another step's body: pasted
    ],
)
def test_a_body_restating_its_own_title_is_a_note(tmp_path, where, severity):
    guide = load_json(CLEAN_GUIDES[0])
    title = guide["steps"][1]["title"] = "Read about the company and its people"
    step = guide["steps"][1 if where == "own" else 2]
    step["body"][0] = f"{title}. {step['body'][0]}"
    path = tmp_path / "g.json"
    path.write_text(json.dumps(guide), encoding="utf-8")
    [copies] = [f for f in run([path], Config()).findings if f.code == "D002"]
    assert copies.severity.value == severity
    if where == "own":
        assert copies.message.startswith("step 2's body repeats its title")
