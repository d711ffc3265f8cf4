"""The README's copy-paste snippets: valid YAML and TOML, and commands that run."""

from __future__ import annotations

import re
import shlex
import tomllib

import pytest
import yaml
from conftest import ROOT

from contentqa.cli import build_parser
from contentqa.config import parse_config

README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


@pytest.mark.parametrize("snippet", blocks("yaml"), ids=lambda s: s.splitlines()[0][:40])
def test_yaml_snippets_parse(snippet):
    assert yaml.safe_load(snippet)


def test_toml_snippets_are_valid_configuration():
    for snippet in blocks("toml"):
        table = tomllib.loads(snippet)
        parse_config(table.get("tool", {}).get("contentqa", table))


def test_commands_in_ci_snippets_parse_with_the_real_cli():
    parser = build_parser()
    commands = re.findall(r"- (?:run: )?(contentqa [^\n]+)", README)
    assert len(commands) >= 2
    for command in commands:
        args = parser.parse_args(shlex.split(command)[1:])
        assert args.command == "check"
        for fmt in (args.format or "json").split(","):
            from contentqa.report import FORMATS

            assert fmt in FORMATS, command
