"""Shared pieces of the browser tests: a loopback server for a built site, headless Chromium.

Debian's `chromium` is driven through Playwright's Python package (Playwright's own
browser download is not used). Outside CI a missing browser skips the tests; under
CI (the `CI` variable set) it fails them, so they are never silently lost.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--headless",
]


def unavailable(reason: str) -> None:
    """Skip on a developer's machine; fail under CI, where the browser must be installed."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests (.ci/run installs chromium)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    """Debian's Chromium, wherever PATH has it."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep request logs out of the test output."""


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """`folder` served on the loopback while the block runs; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium, or a skip (a failure under CI) when it cannot be started."""
    executable = chromium_path()
    if executable is None:
        unavailable("chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def open_offline(
    browser: Browser, url: str, width: int = 1280
) -> tuple[Page, list[str], list[str]]:
    """The page loaded with only the test server reachable: (page, script errors, blocked URLs)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    blocked = keep_local(page, "/".join(url.split("/", 3)[:3]) + "/")
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(url, wait_until="load")
    return page, errors, blocked


def keep_local(target: Page | BrowserContext, base: str) -> list[str]:
    """Let `target` reach only the test server at `base`, as a reader offline would: every
    other request is refused, and listed in the returned list as it happens."""
    blocked: list[str] = []

    def route(request_route: Route) -> None:
        if request_route.request.url.startswith(base):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    target.route("**/*", route)
    return blocked


def luminance(colour: str) -> float:
    """The relative luminance (0 dark, 1 light) of a computed `rgb(…)`/`rgba(…)` colour."""
    channels = [float(part) for part in colour[colour.index("(") + 1 : -1].split(",")[:3]]
    return sum(
        weight * value / 255
        for weight, value in zip((0.2126, 0.7152, 0.0722), channels, strict=True)
    )
