from __future__ import annotations

import json

import pytest
from conftest import CLEAN_GUIDES, FIXTURES, GUIDES, load_json

from contentqa.load import load_text
from contentqa.model import Document
from contentqa.readability.audience import BUILTIN_AUDIENCES
from contentqa.sourcemap import SourceMap
from contentqa.validate import _validator, is_valid, load_schema, validate, validate_settings


def _validate(data: dict) -> list[str]:
    return [d.message for d in validate(_document(data))]


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
        (
            {"description": "x"},
            "unknown field `description` in the guide — did you mean `summary`?",
        ),
        ({"id": "Not A Slug"}, '`id` is "Not A Slug", which is not allowed here'),
        ({"title": "   "}, "`title` must not be empty"),
        ({"schema_version": 2}, "`schema_version` must be 1, not 2"),
        ({"reading_time_minutes": 0}, "`reading_time_minutes` is 0, but it must be greater than 0"),
        ({"updated": "May 2024"}, '`updated` is "May 2024"; write a date as YYYY-MM-DD'),
        ({"updated": "2024-02-30"}, '`updated` is "2024-02-30", a day that does not exist'),
        (
            {"id": "A" * 200_000},
            f'`id` is "{"A" * 59}… (200,000 characters)", which is not allowed here',
        ),
        ({"intro": "text"}, "`intro` should be a list, but it is text"),
        ({"steps": []}, "`steps` needs at least 1 item, but it is empty"),
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


def test_a_value_of_the_wrong_type_is_one_finding():
    assert _validate(_minimal(schema_version=True)) == [
        "`schema_version` should be a whole number, but it is true/false"
    ]


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


def _guide_fixtures() -> list:
    """Every JSON object under tests/fixtures that looks like a guide, and the shipped guides."""
    found = []
    for path in sorted([*FIXTURES.rglob("*.json"), *GUIDES.glob("*.json")]):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):  # the load fixtures
            continue
        if isinstance(data, dict) and ("title" in data or "steps" in data):
            found.append(pytest.param(data, id=str(path.relative_to(FIXTURES.parent.parent))))
    return found


# Characters that one regex dialect or another counts as whitespace, around the text a
# title needs: the fast check and jsonschema must agree on each.
BLANK_OR_NOT = ["\x1c\x1d", "\x85", "\xa0\u3000", "\u2028", "\ufeff", " \ufeff ", "\t\n"]
BLANK_OR_NOT += ["\u200b", "\u180e", "\x00", "\x1ca", "a", "😀"]


def _python_verdict(data: dict) -> bool:
    return not any(True for _ in _validator().iter_errors(data))


@pytest.mark.parametrize("data", _guide_fixtures())
def test_fast_check_agrees_with_jsonschema_on_every_fixture(data):
    assert is_valid(data) is _python_verdict(data)


@pytest.mark.parametrize("title", BLANK_OR_NOT, ids=ascii)
def test_fast_check_agrees_with_jsonschema_on_blank_looking_text(title):
    data = _minimal(title=title, updated="2024-02-29", reading_time_minutes=5.0)
    assert is_valid(data) is _python_verdict(data)


def test_text_the_fast_check_cannot_read_goes_to_jsonschema():
    # Loading a file refuses a lone surrogate (S002); a guide made another way may hold one.
    assert is_valid(_minimal(title="\ud800 x")) is None
    assert validate(_document(_minimal(title="\ud800 x"))) == []
    messages = _validate(_minimal(title="\ud800 x", summary="\ud800", id="Bad Id"))
    assert any(m.startswith('`id` is "Bad Id"') for m in messages), messages


def _document(data: dict) -> Document:
    source = json.dumps(data, indent=2)
    return Document(file="g.json", path="g.json", data=data, source_map=SourceMap(source))


def test_one_reason_gives_one_message_when_two_keywords_fail():
    messages = _validate(_minimal(title=""))
    assert messages.count("`title` must not be empty") == 1, messages


@pytest.mark.parametrize(
    ("settings", "pointer", "message"),
    [
        ({"ignroe": ["R"]}, "/x-contentqa/ignroe", "did you mean `ignore`?"),
        ({"ignore": "R001"}, "/x-contentqa/ignore", "must be a list of rule codes"),
        ({"ignore": ["R9"]}, "/x-contentqa/ignore", "no rule code starts with `R9`"),
        ({"ignore": ["R"], "expires": "soon"}, "/x-contentqa/expires", "YYYY-MM-DD"),
        ({"ignore": ["R"], "expires": "2027-02-30"}, "/x-contentqa/expires", "YYYY-MM-DD"),
        ({"ignore": ["R"], "reason": 5}, "/x-contentqa/reason", "must be text"),
        ({"audience": "kids"}, "/x-contentqa/audience", 'unknown audience "kids"'),
        ("R", "/x-contentqa", "must be an object of settings"),
    ],
)
def test_a_guides_own_settings_are_checked(settings, pointer, message):
    data = load_json(CLEAN_GUIDES[0])
    data["x-contentqa"] = settings
    [problem] = validate_settings(data, BUILTIN_AUDIENCES)
    assert problem.pointer == pointer and message in problem.message


def test_settings_that_can_be_used_are_not_reported():
    data = load_json(CLEAN_GUIDES[0])
    data["x-contentqa"] = {"audience": "expert", "ignore": ["R", "leftover-placeholder"]}
    data["steps"][0]["x-contentqa"] = {"ignore": ["D0"], "reason": "x", "expires": "2027-01-31"}
    assert list(validate_settings(data, BUILTIN_AUDIENCES)) == []
    data["steps"][0]["x-contentqa"]["audience"] = "expert"
    [below] = validate_settings(data, BUILTIN_AUDIENCES)
    assert below.pointer == "/steps/0/x-contentqa/audience" and "top-level" in below.message
