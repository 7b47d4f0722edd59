"""Shared fixtures: the default data set, small data sets built in code, and a real browser.

The browser fixtures drive the system Chromium (Debian package ``chromium``) through
Playwright, with every request that is not to localhost or a file aborted, so a
test that passes proves the page works with no network.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

import geo
from tests.factories import tiny_files, valid_layers, write_dataset

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "data"

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The default data set's directory (read-only: copy it before changing anything)."""
    return DATA_DIR


@pytest.fixture(scope="session")
def default_dataset() -> geo.Dataset:
    """The default data set, loaded once."""
    return geo.load(DATA_DIR)


def page_payload(page: str) -> dict[str, Any]:
    """The data a map page draws from: its data island (``geo.web.script.MapData``).

    The island is ``<script type="application/json" id="pm-data-...">`` holding plain JSON
    (``geo.web.escape.json_island``), exactly one per page.
    """
    island = r'<script type="application/json" id="pm-data-\w+">(.*?)</script>'
    islands = re.findall(island, page, re.S)
    assert len(islands) == 1, "the map's payload is in the page, once"
    return json.loads(islands[0])


@pytest.fixture
def tiny() -> geo.Dataset:
    """The tiny data set loaded from bytes (as an upload is)."""
    dataset = geo.load_bytes(tiny_files())
    assert dataset.problems == []
    return dataset


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    """A small valid data directory written to a temporary folder."""
    return write_dataset(tmp_path / "tiny", valid_layers())


# --- browser ------------------------------------------------------------------------


LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def is_local(url: str) -> bool:
    """True for file:, data:, blob:, about: URLs and anything on localhost."""
    parsed = urlparse(url)
    if parsed.scheme in ("file", "data", "blob", "about"):
        return True
    return parsed.hostname in LOCAL_HOSTS


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless system Chromium driven by Playwright (skips when Chromium is missing)."""
    from geo.slides.browser import BrowserNotFound, find_chromium

    try:
        executable = find_chromium()
    except BrowserNotFound as error:
        pytest.skip(str(error))
    from playwright.sync_api import sync_playwright

    from geo.slides.browser import LAUNCH_ARGS

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            args=list(LAUNCH_ARGS),
        )
        yield launched
        launched.close()


class PageLog:
    """What happened in a page: console errors, page errors, dialogs and blocked requests."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self.blocked: list[str] = []


@pytest.fixture
def offline_page(browser: Any) -> Iterator[tuple[Any, PageLog]]:
    """A fresh page where every request outside localhost/file is aborted and logged.

    Alert/confirm/prompt dialogs are recorded (and dismissed): a test for injected
    script asserts ``log.dialogs == []``.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log = PageLog()

    def route(route_: Any) -> None:
        if is_local(route_.request.url):
            route_.continue_()
        else:
            log.blocked.append(route_.request.url)
            route_.abort()

    page.route("**/*", route)
    page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))

    def on_dialog(dialog: Any) -> None:
        log.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page, log
    context.close()


@pytest.fixture
def run_cli() -> Callable[..., tuple[int, str, str]]:
    """Run ``python -m geo`` in-process; return (exit code, stdout, stderr)."""
    import contextlib
    import io

    from geo.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(list(args))
        return code, stdout.getvalue(), stderr.getvalue()

    return run
