"""Near-duplicate rules report each text's closest earlier matches, not every combination:
a guide of templated steps would otherwise give a finding per pair of steps."""

from __future__ import annotations

import json

from contentqa.config import parse_config
from contentqa.pipeline import run

PARTS = ("hinge", "latch", "panel", "cover", "bolt", "clamp", "strap")


def _templated_guide(tmp_path):
    steps = [
        {
            "title": f"Tighten the {part} on the left side",
            "body": [f"Tighten the {part} on the left side of the case until it stops moving."],
        }
        for part in PARTS
    ]
    guide = {"schema_version": 1, "id": "templated", "title": "Tighten the case", "steps": steps}
    path = tmp_path / "templated.json"
    path.write_text(json.dumps(guide, indent=1), encoding="utf-8")
    return path


def _near_steps(path, table: dict):
    report = run([path], parse_config(table))
    return [f for f in report.findings if f.code == "D006"]


def test_each_step_reports_its_three_closest_earlier_steps(tmp_path):
    path = _templated_guide(tmp_path)
    every_pair = _near_steps(path, {"rules": {"near-duplicate-step": {"max-matches": 0}}})
    assert len(every_pair) == len(PARTS) * (len(PARTS) - 1) // 2  # 21: all alike

    capped = _near_steps(path, {})
    per_step: dict[str, list] = {}
    for finding in capped:
        per_step.setdefault(finding.pointer, []).append(finding)
    assert {pointer: len(found) for pointer, found in per_step.items()} == {
        "/steps/1": 1,
        "/steps/2": 2,
        **{f"/steps/{k}": 3 for k in range(3, len(PARTS))},
    }
    # Each finding of a step says how many of its matches are not listed.
    for k in range(3, len(PARTS)):
        unlisted = k - 3
        for finding in per_step[f"/steps/{k}"]:
            assert ("not listed" in finding.message) == (unlisted > 0)
    assert all(
        f.message.endswith("; 3 more earlier matches not listed (max-matches)")
        for f in per_step[f"/steps/{len(PARTS) - 1}"]
    )
    assert all(
        f.message.endswith("; 1 more earlier match not listed (max-matches)")
        for f in per_step["/steps/4"]
    )
    # The ones kept are the closest: none left out scores higher than one kept.
    for pointer, found in per_step.items():
        kept = min(f.score for f in found)
        left_out = [
            f.score
            for f in every_pair
            if f.pointer == pointer and f.related[0] not in {g.related[0] for g in found}
        ]
        assert all(score <= kept for score in left_out)


def test_a_guide_with_more_similar_pairs_than_max_pairs_gets_one_finding(tmp_path):
    """Over ``max-pairs``, a level's texts are not compared within the guide: one D015
    finding instead of its near-duplicate pairs; the exact-duplicate rules still run."""
    path = _templated_guide(tmp_path)
    assert not [f for f in run([path], parse_config({})).findings if f.code == "D015"]
    table = {"rules": {"crowded-guide": {"max-pairs": 20}}}  # the 7 steps make 21 pairs
    findings = run([path], parse_config(table)).findings
    crowded = [f for f in findings if f.code == "D015"]
    # One per level over the limit: the steps, and their bodies as paragraphs and sentences.
    assert (
        "near-duplicate steps were not compared within this guide: the 7 steps it has to "
        "compare hold more than 20 similar pairs (max-pairs); they repeat one template"
    ) in [f.message for f in crowded]
    assert sorted(f.message.split()[1] for f in crowded) == ["paragraphs", "sentences", "steps"]
    assert crowded[0].severity.value == "warning" and crowded[0].line == 1
    # Nor are the pairs of their paragraphs and sentences listed one by one instead.
    near = {"D006", "D007", "D008", "D009", "D010", "D011", "D014"}
    assert not [f for f in findings if f.code in near]
    unlimited = run([path], parse_config({"rules": {"crowded-guide": {"max-pairs": 0}}}))
    assert {f.code for f in unlimited.findings} & near == {"D006"}
    assert [f.code for f in findings if f.code not in near | {"D015"}] == [
        f.code for f in unlimited.findings if f.code not in near
    ]
    # A limit on cost: it holds when only D006 is selected, with no notice.
    selected = run([path], parse_config({**table, "select": ["D006"]})).findings
    assert selected == ()
    at_the_limit = {"rules": {"crowded-guide": {"max-pairs": 21}}}
    assert _near_steps(path, at_the_limit) == _near_steps(path, {}) != []
