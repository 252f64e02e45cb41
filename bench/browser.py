"""Debian's headless Chromium through Playwright: readiness and WebSocket bytes."""

import contextlib
import importlib.util
import logging
import time
from collections.abc import Iterator

from playwright.sync_api import Browser, Page, sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.server import PROJECT_DIR

logger = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
SCRIPT_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# The empty app draws nothing; its main area being laid out is all there is to see.
EMPTY_MAIN = '[data-testid="stMain"]'
TIMEOUT_MS = 60_000
# Frames that arrive after the script finished still belong to the render (a large
# table's rows are fetched in chunks once it is drawn); this long after, none came.
SETTLE_SECONDS = 1.0


def _main_elements() -> dict[str, str]:
    # The browser tests' registry of each page's main element: one list for both.
    path = PROJECT_DIR / "tests" / "browser" / "main_elements.py"
    spec = importlib.util.spec_from_file_location("bench_main_elements", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.MAIN_ELEMENTS)


MAIN_ELEMENTS = _main_elements()


def main_selector(url_path: str | None) -> str:
    """The main element of the app's page `url_path`, or of the empty app for None."""
    if url_path is None:
        return EMPTY_MAIN
    if url_path not in MAIN_ELEMENTS:
        # A page whose browser tests are not written yet: its content area will do.
        logger.warning("page %r has no entry in tests/browser/main_elements", url_path)
        return '[data-testid="stMainBlockContainer"]'
    selectors = MAIN_ELEMENTS[url_path].split(",")
    return ", ".join(f'[data-testid="stMain"] {s.strip()}' for s in selectors)


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, with the flags this machine needs."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def wait_ready(page: Page, url_path: str | None) -> None:
    """Wait until the script has run and the page's main element is visible."""
    page.wait_for_selector(SCRIPT_DONE, timeout=TIMEOUT_MS)
    page.locator(main_selector(url_path)).first.wait_for(
        state="visible", timeout=TIMEOUT_MS
    )


class FrameCounter:
    """Counts what the server sends over a page's WebSocket(s), frame by frame."""

    def __init__(self, page: Page) -> None:
        self.received_bytes = 0
        self.finished_runs = 0
        page.on("websocket", self._watch)

    def _watch(self, socket) -> None:
        socket.on("framereceived", self._frame)

    def _frame(self, payload: bytes | str) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        self.received_bytes += len(data)
        message = ForwardMsg()
        message.ParseFromString(data)
        if message.WhichOneof("type") == "script_finished":
            self.finished_runs += 1

    def wait_for_run(
        self, page: Page, runs_before: int, settle: float = SETTLE_SECONDS
    ) -> None:
        """Wait until a script run after `runs_before` finished, then for stragglers."""
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while self.finished_runs <= runs_before:
            if time.monotonic() > deadline:
                raise TimeoutError("the page did not rerun after the change")
            page.wait_for_timeout(20)
        page.wait_for_selector(SCRIPT_DONE, timeout=TIMEOUT_MS)
        page.wait_for_timeout(settle * 1000)
