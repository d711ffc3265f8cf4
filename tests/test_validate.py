from __future__ import annotations

import json

import pytest
from conftest import CLEAN_GUIDES, GUIDES, load_json

from contentqa.load import load_text
from contentqa.validate import load_schema, validate


def _validate(data: dict) -> list[str]:
    loaded = load_text("g.json", "g.json", json.dumps(data, indent=2))
    return [d.message for d in validate(loaded.document)]


def _minimal(**extra) -> dict:
    guide = {
        "schema_version": 1,
        "id": "ok-guide",
        "title": "A guide",
        "steps": [{"title": "Do it", "body": ["Just do it."]}],
    }
    guide.update(extra)
    return guide


@pytest.mark.parametrize("path", sorted(GUIDES.glob("*.json")), ids=lambda p: p.name)
def test_shipped_guides_are_valid(path):
    loaded = load_text(path.name, str(path), path.read_text(encoding="utf-8"))
    assert validate(loaded.document) == []


def test_clean_guides_exist():
    assert len(CLEAN_GUIDES) >= 2


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"stpes": []}, "unknown field `stpes` in the guide — did you mean `steps`?"),
        ({"id": "Not A Slug"}, '`id` is "Not A Slug", which is not allowed here'),
        ({"title": "   "}, "`title` must not be empty"),
        ({"schema_version": 2}, "`schema_version` must be 1, not 2"),
        ({"reading_time_minutes": 0}, "`reading_time_minutes` is 0, but it must be greater than 0"),
        ({"updated": "May 2024"}, '`updated` is "May 2024"; write a date as YYYY-MM-DD'),
        ({"intro": "text"}, "`intro` should be a list, but it is text"),
        ({"steps": []}, "`steps` needs at least 1 item(s), but it is empty"),
        ({"steps": [{"title": "x"}]}, "missing required field `body` in step 1"),
        (
            {"steps": [{"title": "x", "body": [3]}]},
            "step 1 › paragraph 1 should be text, but it is a number",
        ),
    ],
)
def test_schema_errors_are_worded_for_editors(change, expected):
    messages = _validate(_minimal(**change))
    assert any(m.startswith(expected) for m in messages), messages


def test_all_errors_are_reported_not_only_the_first():
    messages = _validate(_minimal(stpes=[], id="BAD", updated="soon", intro="x"))
    assert len(messages) == 4


def test_extension_keys_are_allowed_everywhere():
    guide = _minimal(**{"x-contentqa": {"ignore": ["D001"]}})
    guide["steps"][0]["x-note"] = "free"
    assert _validate(guide) == []


def test_schema_documents_every_property():
    missing = []

    def walk(node, path):
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if "description" not in sub or "title" not in sub:
                    missing.append(f"{path}/{name}")
            for key, sub in node.items():
                walk(sub, f"{path}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{path}/{i}")

    schema = load_schema("guide.schema.json")
    walk(schema, "")
    assert schema["$id"].endswith("guide.schema.json")
    assert missing == []


def test_schema_has_no_remote_references():
    text = json.dumps(load_json(GUIDES.parent / "schemas" / "guide.schema.json"))
    refs = [part.split('"')[0] for part in text.split('"$ref": "')[1:]]
    assert refs and all(ref.startswith("#/") for ref in refs)
