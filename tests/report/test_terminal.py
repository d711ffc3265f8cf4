from __future__ import annotations

import json

from conftest import FIXTURES

from contentqa.cli import main
from contentqa.report.terminal import safe

HOSTILE = FIXTURES / "hostile" / "hostile-guide.json"


def test_control_characters_are_escaped():
    assert safe("a\x1b[2Jb\rc\x9bd\te") == "a\\x1b[2Jb\\x0dc\\u009bd\te"


def test_characters_that_reorder_or_hide_text_are_escaped():
    assert safe("a\u202egnp.json") == "a\\u202egnp.json"
    assert safe("x\u200by\u2066z\u2028\ufeff") == "x\\u200by\\u2066z\\u2028\\ufeff"
    assert safe("café — naïve “quotes”") == "café — naïve “quotes”"
    # joiners and direction marks are part of ordinary text (Persian, emoji sequences)
    assert safe("می\u200cخواهم 👩\u200d💻 \u200e") == "می\u200cخواهم 👩\u200d💻 \u200e"


def test_hostile_guide_cannot_drive_the_terminal(tmp_path, capsys):
    out = tmp_path / "r.json"
    main(["check", str(HOSTILE), "--fail-on", "never", "--output", str(out)])
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\r" not in printed
    assert "\\x1b[2J" in printed
    # The JSON report keeps the text exactly, as data.
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["guides"][0]["valid"] is True
