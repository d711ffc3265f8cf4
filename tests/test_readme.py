from __future__ import annotations

import re

from conftest import ROOT

from contentqa.cli import main


def test_readme_rule_table_is_generated_from_the_registry(capsys):
    main(["rules", "--format", "markdown"])
    generated = capsys.readouterr().out.strip()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- rules:start -->\n(.*?)\n<!-- rules:end -->", readme, re.S)
    assert block, "README lacks the rules markers"
    assert block.group(1).strip() == generated, "README rule table is stale: run `make readme`"


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make report" in readme and "make test" in readme
