"""Chromium from the system (Debian's package), driven by Playwright; nothing downloaded.

Tests that need it are skipped when ``/usr/bin/chromium`` is missing, unless
``VIDGATE_REQUIRE_BROWSER=1`` (set by CI) makes that an error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    if os.environ.get("VIDGATE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"VIDGATE_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
    pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")


@contextmanager
def chromium_browser() -> Iterator[Browser]:
    """The system Chromium, headless, on a fresh temporary profile (Playwright makes one per
    launch and deletes it on close). Give each test its own ``browser.new_context()``: a
    context starts with empty storage, cookies and cache."""
    executable = chromium_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()
