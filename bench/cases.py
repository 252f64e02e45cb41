"""The benchmarks that need one server or none: start, rerun, bytes, domain functions.

Each returns plain numbers (seconds, bytes) per run; `bench.report` summarizes them.
The app and the empty app are measured alternately, so that whatever else the
machine is doing weighs on both.
"""

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

import ui
from bench import browser, server

# URL path of the landing page (the first of ui.PAGES, served at "/").
LANDING = ui.PAGES[0][2]
# A page's first run imports and loads everything; on a busy machine, minutes.
APP_TEST_TIMEOUT = 300


def page_paths(only: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(script, URL path) of the pages in ui.PAGES (those in `only`, if given)."""
    return [
        (script, url_path)
        for script, _, url_path, _ in ui.PAGES
        if not only or url_path in only
    ]


# --- cold start --------------------------------------------------------------------


def cold_start(chromium: Browser, script: Path, port: int) -> float:
    """Seconds from starting the server to its landing page drawn in a new browser.

    The browser is already running (its own start is not the app's); the page waits
    until the script has finished and the landing page's main element is visible.
    """
    url_path = LANDING if script == server.APP else None
    with server.serve(script, port, wait=False) as running:
        server.wait_healthy(running)
        context = chromium.new_context(viewport=browser.VIEWPORT)
        try:
            page = context.new_page()
            page.goto(running.url, timeout=browser.TIMEOUT_MS)
            browser.wait_ready(page, url_path)
            return time.perf_counter() - running.started
        finally:
            context.close()


# --- warm rerun --------------------------------------------------------------------


@dataclass
class Timings:
    """Seconds of each timed call: on the clock, and on the CPU of its thread."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


@contextlib.contextmanager
def script_timer() -> Iterator[Timings]:
    """Times every script run started in this process (filled in as they end).

    It wraps ScriptRunner._run_script: the run of app.py and its page, from the
    start of the script to its last element queued, without AppTest's own work of
    building its element tree afterwards. The CPU time is the script thread's own,
    which other processes waiting for the same cores do not inflate.
    """
    original = ScriptRunner._run_script
    timings = Timings()

    def timed(self, rerun_data):
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(self, rerun_data)
        finally:
            timings.cpu.append(time.thread_time() - cpu)
            timings.wall.append(time.perf_counter() - started)

    ScriptRunner._run_script = timed
    try:
        yield timings
    finally:
        ScriptRunner._run_script = original


@contextlib.contextmanager
def server_script_cache() -> Iterator[None]:
    """App tests compiling each script once, as a server does.

    An app test makes a new ScriptCache for every run, so each rerun would compile
    app.py and its page again; a server keeps one for its lifetime. Within this
    context every app test shares one, and a warm rerun is timed as served.
    """
    shared = ScriptCache()
    modules = (app_test, local_script_runner)
    originals = [module.ScriptCache for module in modules]
    for module in modules:
        module.ScriptCache = lambda: shared
    try:
        yield
    finally:
        for module, original in zip(modules, originals, strict=True):
            module.ScriptCache = original


def warm_app(script: str | None) -> AppTest:
    """An app test of the app on page `script` (or of the empty app), run once."""
    if script is None:
        at = AppTest.from_file(str(server.EMPTY_APP), default_timeout=APP_TEST_TIMEOUT)
        at.run()
        return at
    at = AppTest.from_file(str(server.APP), default_timeout=APP_TEST_TIMEOUT)
    at.run()
    if script != ui.PAGES[0][0]:
        at.switch_page(script).run()
    for failure in (*at.exception, *at.error):
        raise RuntimeError(f"{script} does not run clean: {failure.value}")
    return at


def rerun_seconds(at: AppTest, reruns: int, within: float = float("inf")) -> Timings:
    """The script time of `reruns` warm reruns of the page `at` shows, or of as many
    as `within` seconds allow (at least one): a page that takes seconds is timed
    well enough by a few runs."""
    deadline = time.perf_counter() + within
    with script_timer() as timings:
        for _ in range(reruns):
            at.run()
            if time.perf_counter() > deadline:
                break
    return timings


# --- bytes over the WebSocket ------------------------------------------------------


def _change_first_choice(page: Page) -> bool:
    # The first segmented control, radio or pills of the page: pick another option;
    # failing that, the next option of its first selectbox.
    options = page.locator(
        '[data-testid="stMain"] [role="radiogroup"] [aria-checked="false"]'
    )
    if options.count():
        options.first.click()
        return True
    selects = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]')
    if selects.count():
        selects.first.click()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        return True
    return False


# Views opened by URL beside the pages themselves: name -> (URL path, query).
# 北海道 has the most municipalities, so the heaviest prefecture map.
EXTRA_VIEWS: dict[str, tuple[str, str]] = {"map_prefecture": ("map", "?pref=01")}

# URL path -> how a user changes that page's first filter; True when it did.
# Pages without an entry use the first segmented control, radio or pills.
FILTER_CHANGES: dict[str, Callable[[Page], bool]] = {}


def websocket_bytes(
    chromium: Browser,
    base_url: str,
    url_path: str | None,
    settle: float = browser.SETTLE_SECONDS,
    query: str = "",
) -> tuple[int, int | None]:
    """Bytes the browser receives for a page's first render, and for a filter change.

    `url_path` None means the empty app; the filter change is None for a page with
    nothing to change. Frame payloads are counted as the page receives them.
    """
    context = chromium.new_context(viewport=browser.VIEWPORT)
    try:
        page = context.new_page()
        frames = browser.FrameCounter(page)
        path = "" if url_path in (None, LANDING) else url_path
        page.goto(base_url + path + query, timeout=browser.TIMEOUT_MS)
        browser.wait_ready(page, url_path)
        page.wait_for_timeout(settle * 1000)
        first = frames.received_bytes
        if url_path is None:
            return first, None
        runs_before, bytes_before = frames.finished_runs, frames.received_bytes
        change = FILTER_CHANGES.get(url_path, _change_first_choice)
        if not change(page):
            return first, None
        frames.wait_for_run(page, runs_before, settle)
        return first, frames.received_bytes - bytes_before
    finally:
        context.close()


# --- domain functions --------------------------------------------------------------


def timed_calls(function: Callable[[], object], calls: int, before=None) -> Timings:
    """Seconds of each of `calls` calls of `function`, `before()` run untimed first."""
    timings = Timings()
    for _ in range(calls):
        if before is not None:
            before()
        started, cpu = time.perf_counter(), time.thread_time()
        function()
        timings.cpu.append(time.thread_time() - cpu)
        timings.wall.append(time.perf_counter() - started)
    return timings
