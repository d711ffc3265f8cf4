"""Headless Chromium for the browser tests: Debian's ``/usr/bin/chromium`` driven by Playwright
(no browser is downloaded). On a developer machine without it the tests skip with a clear
message; in CI (``CI=true``) a missing browser is a failure, never a silent skip."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# Debian's Chromium; CONTENTQA_CHROMIUM only exists to try the skip/fail logic.
CHROMIUM = Path(os.environ.get("CONTENTQA_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it in CI)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def playwright_chromium() -> Iterator[Any]:
    problem = _missing()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {problem}", pytrace=False)
        pytest.skip(f"browser tests need Chromium: {problem}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright.chromium


@dataclass
class BrowserSession:
    """One fresh browser profile and page, with everything it asked for recorded."""

    context: Any
    page: Any
    requests: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # url -> why (e.g. "csp")
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture
def open_browser(playwright_chromium, tmp_path):
    """``open_browser(width=1280, height=900, javascript=True)`` -> a new :class:`BrowserSession`
    in a new empty user data directory; every context is closed after the test."""
    sessions: list[BrowserSession] = []

    def open_(width: int = 1280, height: int = 900, javascript: bool = True) -> BrowserSession:
        profile = tmp_path / f"chromium-profile-{len(sessions)}"
        profile.mkdir()
        context = playwright_chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=LAUNCH_ARGS,
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
        )
        page = context.pages[0] if context.pages else context.new_page()
        session = BrowserSession(context, page)
        context.on("request", lambda request: session.requests.append(request.url))
        context.on(
            "requestfailed",
            lambda request: session.failed.__setitem__(request.url, request.failure or ""),
        )

        def on_dialog(dialog):
            session.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on(
            "console",
            lambda msg: session.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda error: session.page_errors.append(str(error)))
        sessions.append(session)
        return session

    yield open_
    for session in sessions:
        session.context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
