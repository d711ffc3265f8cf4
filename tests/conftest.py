from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
GUIDES = ROOT / "guides"
SEED_GUIDE = GUIDES / "heal-anxious-attachment.json"
CLEAN_GUIDES = sorted(p for p in GUIDES.glob("*.json") if p != SEED_GUIDE)
SHARED = ROOT.parent / "shared"
UPDATE_GOLDEN = os.environ.get("CONTENTQA_UPDATE_GOLDEN") == "1"


def load_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def text_between(path: Path, line: int, start_column: int, end_column: int) -> str:
    """What a range of one line of a JSON file says, its escapes read (1-based columns,
    end excluded): a finding's range must hold exactly its span's text."""
    raw = path.read_text(encoding="utf-8").split("\n")[line - 1][start_column - 1 : end_column - 1]
    return json.loads(f'"{raw}"')


def shared_or_skip(relative: str) -> Path:
    """A file of ../shared/, or a clean skip on a clone without it."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} is not available on this machine")
    return path


@pytest.fixture
def in_tmp_cwd(tmp_path, monkeypatch):
    """Run in an empty working directory (no configuration file found upwards)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(autouse=True)
def _no_github_actions(monkeypatch):
    """Tests run the same in GitHub Actions: no automatic annotations."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture(autouse=True)
def _processes_as_asked(monkeypatch):
    """--jobs is capped at the cores; tests that ask for 2 or 3 processes get them on any
    machine, so the parallel paths run (and are compared) on one core too."""
    monkeypatch.setattr("contentqa.parallel.cores", lambda: 4)


def check_to(out_dir: Path, formats: str, *args: str, cwd: Path = ROOT) -> int:
    """Run ``contentqa check ARGS --format FORMATS`` from ``cwd``, reports in ``out_dir``."""
    from contentqa.cli import main

    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return main(["check", *args, "--format", formats, "--output-dir", str(out_dir), "-q"])
    finally:
        os.chdir(previous)
