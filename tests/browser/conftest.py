"""Fixtures of the browser tests: the app on a free loopback port, one headless
Chromium for the whole session, and a fresh browser context for every test.

Debian's Chromium is used (Playwright's own browser download cannot work offline);
`scripts/ensure-browser`, which `make test` runs first, installs it with a Japanese
font and axe-core. Nothing here skips: a missing piece fails with what to run.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from harness import (
    ARTIFACTS,
    AXE,
    CHROMIUM,
    CHROMIUM_ARGS,
    LOCALES,
    VIEWPORTS,
    Visit,
)
from playwright.sync_api import Browser, Playwright, sync_playwright

from kigyojin.paths import PROJECT_DIR

START_TIMEOUT_S = 60
SETUP_HINT = "run `bash scripts/ensure-browser` (`make test` does it first)"


@dataclass(frozen=True)
class App:
    """The running app: where to reach it."""

    origin: str
    port: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(origin: str) -> bool:
    try:
        with urllib.request.urlopen(f"{origin}/_stcore/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


@contextmanager
def serve_app(log_name: str = "streamlit.log") -> Iterator[App]:
    """`streamlit run app.py` with the project's own config, on a free port, its
    output in test-artifacts/`log_name`; stopped on leaving."""
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / log_name
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--browser.serverPort",
        str(port),
        "--server.headless",
        "true",
    ]
    with log_path.open("w") as log:
        server = subprocess.Popen(
            command, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _healthy(origin):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"the app did not start on {origin}; its output "
                    f"({log_path}):\n{log_path.read_text()[-3000:]}",
                    pytrace=False,
                )
            time.sleep(0.2)
        yield App(origin, port)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def app() -> Iterator[App]:
    """The app shared by the session's tests."""
    with serve_app() as running:
        yield running


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright, driving the system's Chromium."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            f"package; {SETUP_HINT}",
            pytrace=False,
        )
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium shared by all tests; each test gets its own context."""
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def visit(chromium: Browser, app: App) -> Iterator[Callable[..., Visit]]:
    """Open a page in a fresh context at a viewport size, recording what it does."""
    contexts = []

    def open_page(
        url_path: str | None,
        lang: str,
        viewport: str = "laptop",
        browser: Browser = chromium,
    ) -> Visit:
        """A new context in `lang`'s locale; `url_path` opened there unless None."""
        context = browser.new_context(
            viewport=VIEWPORTS[viewport], locale=LOCALES[lang]
        )
        contexts.append(context)
        page = context.new_page()
        opened = Visit(context, page, app.origin, app.port)
        opened.record()
        if url_path is not None:
            opened.open(url_path, lang)
        return opened

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe-core's browser bundle, installed from the npm registry."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: {SETUP_HINT}", pytrace=False)
    return str(AXE)
