"""The app as several processes behind nginx, started by deploy/serve-behind-nginx."""

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import streamlit
from playwright.sync_api import Browser

from bench import browser, server
from bench.cases import LANDING

SCRIPT = server.PROJECT_DIR / "deploy" / "serve-behind-nginx"
# Installs what the browser tests and these benchmarks need from Debian, as root.
ENSURE = server.PROJECT_DIR / "scripts" / "ensure-browser"
# Streamlit's web client, as files: a URL /static/js/x.js is static/static/js/x.js.
STATIC_DIR = Path(streamlit.__file__).parent / "static"
INSTALL_HINT = "nginx is missing: install it with 'apt-get install -y nginx' (as root)"
# The WebSocket's log line is written when it closes, a moment after the tab does.
LOG_WAIT_SECONDS = 5.0


def nginx_path() -> str | None:
    """Where nginx is installed, if it is."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


# Debian's brotli module: deploy/serve-behind-nginx loads it when it is installed.
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")


def compression() -> str:
    """What nginx compresses with here: "brotli" (and gzip), or "gzip" only."""
    return "brotli" if BROTLI_MODULE.is_file() else "gzip"


def ensure_installed() -> None:
    """Install nginx when missing (with scripts/ensure-browser), or say how."""
    if nginx_path() and BROTLI_MODULE.is_file():
        return
    subprocess.run(["bash", str(ENSURE)], check=False)
    if not nginx_path():
        raise RuntimeError(INSTALL_HINT)


@dataclass
class Proxy:
    """nginx on `port` in front of the app processes on `app_ports`."""

    port: int
    app_ports: tuple[int, ...]
    run_dir: Path

    @property
    def url(self) -> str:
        """nginx's base URL, with a trailing slash."""
        return f"http://{server.HOST}:{self.port}/"

    @property
    def log(self) -> Path:
        """nginx's access log: one line per request with its bytes on the wire."""
        return self.run_dir / "access.log"

    def log_lines(self, offset: int = 0) -> list[list[str]]:
        """The access log's lines from byte `offset`, split into their fields."""
        with open(self.log) as log:
            log.seek(offset)
            return [_fields(line) for line in log if line.strip()]


def _fields(line: str) -> list[str]:
    # msec route upstream "request" status bytes_sent request_time
    head, request, tail = line.split('"')
    return [*head.split(), request, *tail.split()]


@contextlib.contextmanager
def behind_nginx(
    port: int, app_ports: tuple[int, ...], script: Path = server.APP
) -> Iterator[Proxy]:
    """Run deploy/serve-behind-nginx (serving `script`) for the duration of the
    block, then stop it."""
    for used in (port, *app_ports):
        if not server.port_free(used):
            raise RuntimeError(f"port {used} is already in use")
    with tempfile.TemporaryDirectory(prefix="kigyojin-nginx-") as run_dir:
        process = subprocess.Popen(
            [str(SCRIPT), str(port), *map(str, app_ports)],
            cwd=server.PROJECT_DIR,
            env={**_env(), "RUN_DIR": run_dir, "APP": str(script)},
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.perf_counter() + server.START_TIMEOUT
            while not all(server.healthy(p) for p in (*app_ports, port)):
                if process.poll() is not None:
                    raise RuntimeError("deploy/serve-behind-nginx stopped at start")
                if time.perf_counter() > deadline:
                    raise TimeoutError("the app did not start behind nginx")
                time.sleep(0.1)
            yield Proxy(port, app_ports, Path(run_dir))
        finally:
            # The script stops its app processes and nginx when it is told to stop.
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    subprocess.run(["kill", "-KILL", f"-{process.pid}"], check=False)
                    process.wait(timeout=10)


def _env() -> dict[str, str]:
    return {**os.environ, "STREAMLIT": str(server.STREAMLIT)}


def landing_wire_bytes(
    chromium: Browser,
    proxy: Proxy,
    settle: float = browser.SETTLE_SECONDS,
    url_path: str | None = LANDING,
) -> dict[str, int]:
    """Bytes on the wire of a first visit to the landing page through nginx.

    A new browser context (empty cache) opens the landing page and waits until it
    is drawn; the tab is then closed so that the WebSocket's line is logged. Every
    request's `$bytes_sent` (headers and compressed bodies) is added up, split into
    the WebSocket and everything else.
    """
    offset = proxy.log.stat().st_size
    context = chromium.new_context(viewport=browser.VIEWPORT)
    try:
        page = context.new_page()
        page.goto(proxy.url, timeout=browser.TIMEOUT_MS)
        browser.wait_ready(page, url_path)
        page.wait_for_timeout(settle * 1000)
    finally:
        context.close()
    deadline = time.perf_counter() + LOG_WAIT_SECONDS
    while True:
        lines = proxy.log_lines(offset)
        socket = [f for f in lines if "/_stcore/stream" in f[3]]
        if socket or time.perf_counter() > deadline:
            break
        time.sleep(0.1)
    if not socket:
        raise RuntimeError("nginx logged no WebSocket for the visit")
    other = [f for f in lines if "/_stcore/stream" not in f[3]]
    scripts = [f for f in other if f[3].split()[1].endswith(".js")]
    return {
        "websocket": sum(int(f[5]) for f in socket),
        "http": sum(int(f[5]) for f in other),
        "requests": len(other),
        # The JavaScript as sent, and as the files Streamlit serves it from.
        "javascript_sent": sum(int(f[5]) for f in scripts),
        "javascript_files": sum(
            (STATIC_DIR / f[3].split()[1].lstrip("/")).stat().st_size for f in scripts
        ),
    }


def sessions_per_process(proxy: Proxy, offset: int = 0) -> dict[str, int]:
    """How many WebSocket sessions each app process held, from nginx's log."""
    counts: dict[str, int] = {}
    for f in proxy.log_lines(offset):
        if "/_stcore/stream" in f[3]:
            counts[f[2]] = counts.get(f[2], 0) + 1
    return dict(sorted(counts.items()))
