from __future__ import annotations

import re

import pytest

from contentqa.config import (
    Config,
    ConfigError,
    config_relative,
    find_config_file,
    key_position,
    load_config,
    parse_config,
)
from contentqa.model import Severity
from contentqa.registry import get_rule


def test_defaults_without_a_configuration_file(in_tmp_cwd):
    config = load_config()
    assert config.source is None
    assert config.fail_on == "error"
    assert config.max_file_size == 5_000_000


def test_found_by_walking_up_and_contentqa_toml_wins(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.contentqa]\nfail-on = "warning"\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config_file(deep) == tmp_path / "pyproject.toml"
    assert load_config(start=deep).fail_on == "warning"
    (tmp_path / "contentqa.toml").write_text('fail-on = "info"\n')
    assert load_config(start=deep).fail_on == "info"


def test_pyproject_without_our_table_is_skipped(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config_file(tmp_path) is None


def test_pyproject_whose_table_is_not_a_table_is_located(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[tool]\ncontentqa = 5\n")
    with pytest.raises(ConfigError, match=r"pyproject.toml:5:1: `tool.contentqa` must be a table"):
        load_config(start=tmp_path)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"fail_on": "error"}, "unknown key `fail_on` — did you mean `fail-on`?"),
        ({"fail-on": "sometimes"}, "`fail-on` must be one of error, warning, info, never"),
        ({"max-file-size": "big"}, "`max-file-size` must be a positive whole number"),
        ({"select": "Q"}, "`select`: no rule code starts with `Q`"),
        (
            {"rules": {"D006": {}, "near-duplicate-step": {}}},
            "`rules.near-duplicate-step` and `rules.D006` both set rule D006",
        ),
        (
            {"suppress": [{"codes": ["D001"], "pointer": "steps"}]},
            "`suppress[0].pointer` must be a JSON pointer starting with /",
        ),
        ({"rules": {"nope": {}}}, "`rules.nope`: no such rule"),
        ({"rules": {"S006": {"severity": "fatal"}}}, "`rules.S006.severity` must be error"),
        ({"rules": {"S006": {"colour": 1}}}, "`rules.S006.colour`: unknown option"),
        ({"format": ["pdf"]}, "unknown format `pdf`"),
        (
            {"rules": {"near-duplicate-step": {"scorer": "foo"}}},
            "`rules.near-duplicate-step.scorer` must be one of ratio, token-sort, token-set, "
            'set-and-sort, not "foo"',
        ),
        (
            {"rules": {"D009": {"threshold": 7}}},
            "`rules.D009.threshold` must be from 0 to 1, not 7.0",
        ),
        (
            {"rules": {"D006": {"max-matches": -2}}},
            "`rules.D006.max-matches` must be 0 or more, not -2",
        ),
        ({"rules": {"boilerplate": {"min-units": 1}}}, "must be 2 or more, not 1"),
        ({"per-file-ignores": {"*": ["ZZZ"]}}, '`per-file-ignores "*"`: no rule code starts'),
        ({"suppress": [{"codes": ["Q1"], "files": "*"}]}, "`suppress[0]`: no rule code starts"),
        ({"max-file-size": 10**20}, "`max-file-size` must be at most"),
        ({"format": []}, "`format` names no format"),
    ],
)
def test_bad_configuration_names_the_key(table, message):
    with pytest.raises(ConfigError, match=None) as info:
        parse_config(table)
    assert message in str(info.value)


def test_rule_severity_override_by_code_or_name():
    config = parse_config({"rules": {"schema-violation": {"severity": "warning"}}})
    assert config.severity(get_rule("S006")) is Severity.WARNING


def test_select_and_ignore_by_prefix():
    config = parse_config({"select": ["S"], "ignore": ["S00"]})
    assert not config.enabled("S001")
    config = parse_config({"select": ["S006"]})
    assert config.enabled("S006") and not config.enabled("S005")


def test_a_format_listed_twice_in_the_file_is_kept_once():
    assert parse_config({"format": ["json", "html", "json"]}).formats == ("json", "html")


def test_globs_see_paths_from_the_configuration_file_whatever_the_working_folder(
    tmp_path, monkeypatch
):
    (tmp_path / "sub").mkdir()
    source = tmp_path / "contentqa.toml"
    monkeypatch.chdir(tmp_path)
    assert config_relative("b.json", source) == "b.json"
    monkeypatch.chdir(tmp_path / "sub")
    assert config_relative("b.json", source) == "sub/b.json"
    assert config_relative("../guides/a.json", source) == "guides/a.json"


@pytest.mark.parametrize(
    ("glob", "file", "excluded"),
    [
        ("**/README.md", "README.md", True),
        ("**/README.md", "guides/README.md", True),
        ("./guides/drafts", "guides/drafts/d.json", True),
        ("guides/drafts/", "guides/drafts/a/d.json", True),
        ("guides/drafts", "guides/drafts-old/d.json", False),
        ("*.md", "guides/g.json", False),
        ("drafts/", "guides/drafts/d.json", True),  # a name alone: at any depth
        ("drafts", "guides/drafts.json", False),
        ("guides/**/old.json", "guides/a/b/old.json", True),
        ("./README.md", "README.md", True),  # "./": the configuration's folder only
        ("./README.md", "guides/README.md", False),
        ("*.md", "../elsewhere/a.md", False),  # outside the configuration's folder
    ],
)
def test_exclude_globs_name_files_and_folders(in_tmp_cwd, glob, file, excluded):
    assert Config(exclude=(glob,)).excludes(file) is excluded


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (".", '"." would leave out every file'),
        ("**", '"**" would leave out every file'),
        ("#drafts", "is a comment in .gitignore syntax"),
        ("./", '"./" would leave out every file'),
        ("\\", '"\\\\" is not a valid pattern'),
    ],
)
def test_exclude_patterns_that_cannot_be_meant_are_errors(pattern, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_config({"exclude": [pattern]})


@pytest.mark.parametrize(
    ("written", "where", "message"),
    [
        ("jobs = 2\n[rules.D006]\n  threshold = 1.5\n", "3:3", "`rules.D006.threshold`"),
        ("[rules]\nD006 = { threshold = 1.5 }\n", "2:10", "must be from 0 to 1, not 1.5"),
        ('fail-on = "eror"\n', "1:1", 'not "eror"'),
        ("\nfoo = 1\n", "2:1", "unknown key `foo`"),
        ("[audiences.kids]\nmin-reading-ease = 500\n", "1:1", "from 0 to 100"),
        ('fail-on = "error\n', "1:17", "not valid TOML: Illegal character"),
    ],
)
def test_configuration_errors_say_where_in_the_file(tmp_path, written, where, message):
    path = tmp_path / "contentqa.toml"
    path.write_text(f"# contentqa\n{written}", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    line, column = where.split(":")
    assert str(raised.value).startswith(f"{path}:{int(line) + 1}:{column}: ")
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("lines", "key", "pyproject", "where"),
    [
        (["[rules]", "D006 = { threshold = 1.5 }"], "rules.D006.threshold", False, (2, 10)),
        (["rules.D006.threshold = 1.5"], "rules.D006.threshold", False, (1, 12)),
        (
            ["[tool.ruff.lint]", 'ignore = ["E"]', "[tool.contentqa]", 'ignore = ["Z"]'],
            "ignore",
            True,
            (4, 1),
        ),
        (
            ["[[suppress]]", 'pointer = "/a"', "[[suppress]]", 'pointer = "b"'],
            "suppress[1].pointer",
            False,
            (4, 1),
        ),
        (
            [
                "[tool.ruff.lint.per-file-ignores]",
                '"a.json" = ["E"]',
                "[tool.contentqa.per-file-ignores]",
                '"a.json" = ["W"]',
            ],
            'per-file-ignores "a.json"',
            True,
            (4, 1),
        ),
        (["[audiences.kids]", "max-grade = 40"], "audiences.kids", False, (1, 1)),
        (["[rules.D001]", "threshold = 1"], "rules.D006.threshold", False, None),
    ],
)
def test_keys_are_found_in_their_own_table(lines, key, pyproject, where):
    assert key_position(lines, key, pyproject) == where


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'select = ["\xe9"]\n', r"contentqa.toml:1:12: not UTF-8 text \(byte 0xE9\)"),
        (b"a = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "not valid TOML: nested too deeply"),
        (b"jobs = 1" + b"0" * 5000 + b"\n", "not valid TOML: a number has too many digits"),
        (b"jobs = 2\nfail-on = \n", r"contentqa.toml:2:11: not valid TOML: Invalid value"),
    ],
)
def test_a_configuration_no_reader_takes_is_one_error_not_a_traceback(tmp_path, content, message):
    (tmp_path / "contentqa.toml").write_bytes(content)
    with pytest.raises(ConfigError, match=message):
        load_config(start=tmp_path)


def test_a_configuration_name_that_is_not_a_file_stops_the_run(tmp_path):
    # Not the defaults while the user's settings sit somewhere the run cannot read.
    (tmp_path / "contentqa.toml").mkdir()
    with pytest.raises(ConfigError, match=r"contentqa\.toml: the configuration file is a folder"):
        load_config(start=tmp_path)
    with pytest.raises(ConfigError, match="the configuration file is a folder"):
        load_config(tmp_path)
    (tmp_path / "contentqa.toml").rmdir()
    (tmp_path / "contentqa.toml").symlink_to("elsewhere.toml")
    with pytest.raises(ConfigError, match="is a link to nothing"):
        load_config(start=tmp_path)
