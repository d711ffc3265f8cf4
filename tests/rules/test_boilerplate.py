"""Boilerplate (D005) and its approval (D012): what the messages count, and passages of
several sentences approved."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, SEED_GUIDE, load_json

from contentqa.cli import main
from contentqa.config import Config, ConfigError, parse_config
from contentqa.pipeline import run

UNEVEN = FIXTURES / "rules" / "boilerplate-uneven.json"
SEED_PASSAGE = (
    "This helps your nervous system feel safe while staying connected. It reduces the pull "
    "toward hyperactivate attachment and seek proximity during stress. Over time, this builds "
    "trust that closeness can be steady."
)


def messages(path, code, config: Config | None = None) -> list[str]:
    return [f.message for f in run([path], config or Config()).findings if f.code == code]


def test_a_passage_whose_sentences_recur_unevenly_says_how_often_each():
    # "Always wear safety glasses." 5 times, "Keep children away ..." 3 times.
    (message,) = messages(UNEVEN, "D005")
    assert "recurs 3 to 5 times (counted by sentence) in 3 parts" in message


def test_a_sentence_recurring_alone_says_how_often():
    texts = ["Keep children away from the work area."]
    config = parse_config({"approved-boilerplate": [{"text": t, "reason": "r"} for t in texts]})
    (message,) = messages(UNEVEN, "D005", config)
    assert "the sentence “Always wear safety glasses.” recurs 5 times in 3 parts" in message


def test_a_passage_of_several_sentences_is_approved_sentence_by_sentence():
    config = parse_config({"approved-boilerplate": [{"text": SEED_PASSAGE, "reason": "house"}]})
    report = run([SEED_GUIDE], config)
    assert not [f for f in report.findings if f.code == "D005"]
    (approval,) = [f for f in report.findings if f.code == "D012"]
    assert approval.message.startswith("approved passage (house) “This helps your nervous")
    assert "appears in 8 part(s)" in approval.message
    plain = run([SEED_GUIDE], Config())
    assert report.library_metrics["duplication_ratio"] < plain.library_metrics["duplication_ratio"]


def test_a_hash_printed_by_the_hash_command_approves_its_text(capsys):
    assert main(["hash", "always wear  SAFETY glasses"]) == 0
    digest = capsys.readouterr().out.split()[0]
    config = parse_config({"approved-boilerplate": [{"hash": digest, "reason": "shop rule"}]})
    (message,) = messages(UNEVEN, "D005", config)
    assert message.startswith("boilerplate: the sentence “Keep children away")
    (approval,) = messages(UNEVEN, "D012", config)
    assert "“Always wear safety glasses.” appears in 3 part(s)" in approval


@pytest.mark.parametrize("digest", ["always wear safety glasses", "12ab", "0123456789abcdeg"])
def test_an_approved_hash_that_no_text_can_have_is_a_configuration_error(digest):
    with pytest.raises(ConfigError, match="must be the 16 hexadecimal digits"):
        parse_config({"approved-boilerplate": [{"hash": digest, "reason": "r"}]})


@pytest.mark.parametrize("text", ["", " ... "])
def test_a_text_without_words_has_no_hash(capsys, text):
    assert main(["hash", text]) == 2
    assert "has no words to hash" in capsys.readouterr().err


def test_an_approved_hash_may_be_written_in_capitals(capsys):
    main(["hash", "Always wear safety glasses."])
    digest = capsys.readouterr().out.split()[0].upper()
    config = parse_config({"approved-boilerplate": [{"hash": digest, "reason": "shop rule"}]})
    assert messages(UNEVEN, "D012", config)


def test_an_approved_paragraph_is_listed_once_not_with_its_sentences(tmp_path):
    notice = "Always wear safety glasses. Keep children away from the work area."
    guide = load_json(UNEVEN)
    for step in guide["steps"]:
        step["body"] = [step["body"][0].split(" Always")[0], notice]
    path = tmp_path / "g.json"
    path.write_text(json.dumps(guide), encoding="utf-8")
    config = parse_config({"approved-boilerplate": [{"text": notice, "reason": "shop rule"}]})
    (approval,) = [f for f in run([path], config).findings if f.code == "D012"]
    assert [r.pointer for r in approval.related] == ["/steps/1/body/1", "/steps/2/body/1"]
    assert approval.span is None
