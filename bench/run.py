"""Every benchmark in turn, as many times as a `Plan` says; the raw numbers as a dict.

The numbers are per run (seconds, bytes); `bench.report` turns them into the table.
"""

import contextlib
import datetime
import logging
import os
import platform
import subprocess
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from statistics import median

import streamlit

from bench import browser, cases, load, nginx, server

logger = logging.getLogger(__name__)
# App tests run the pages outside a server; Streamlit warns about it on every log
# line the app writes while they do.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(
    logging.ERROR
)


@dataclass(frozen=True)
class Plan:
    """How many times each benchmark runs, and on which loopback ports."""

    cold_runs: int = 5
    rerun_rounds: int = 3
    reruns: int = 20  # warm reruns per page and round; the round's median is kept
    rerun_seconds: float = 10.0  # ... or as many as fit in this many seconds
    bytes_runs: int = 2
    memory_runs: int = 2
    memory_sessions: tuple[int, ...] = (1, 10, 30)
    load_sessions: int = 30
    load_seconds: float = 120.0
    domain_calls: int = 50
    domain_rounds: int = 5
    nginx: bool = True
    pages: tuple[str, ...] = ()  # URL paths of the pages to measure; () for all
    # Seconds to wait for stragglers: frames after a render, memory after sessions.
    settle_seconds: float = 1.0
    # New servers for each benchmark (clean figures), or one pair for all (quick).
    fresh_servers: bool = True
    app_port: int = 8680
    empty_port: int = 8681
    cold_ports: tuple[int, int] = (8682, 8683)  # the app's, the empty app's
    nginx_port: int = 8690
    nginx_app_ports: tuple[int, ...] = (8691, 8692)

    @classmethod
    def smoke(cls, ports: tuple[int, ...]) -> "Plan":
        """Each benchmark once, as small as it goes, on the 7 loopback `ports`."""
        app, empty, cold_app, cold_empty, proxy, *backends = ports
        return cls(
            cold_runs=1,
            rerun_rounds=1,
            reruns=1,
            bytes_runs=1,
            memory_runs=1,
            memory_sessions=(1, 2),
            load_sessions=2,
            load_seconds=1.0,
            domain_calls=1,
            domain_rounds=1,
            pages=(cases.LANDING,),
            settle_seconds=0.2,
            fresh_servers=False,
            app_port=app,
            empty_port=empty,
            cold_ports=(cold_app, cold_empty),
            nginx_port=proxy,
            nginx_app_ports=tuple(backends),
        )


class Servers:
    """The app's and the empty app's servers for the benchmarks that need them."""

    def __init__(self, plan: Plan, stack: contextlib.ExitStack) -> None:
        self._plan = plan
        self._stack = stack
        self._kept: dict[str, server.Server] = {}

    @contextlib.contextmanager
    def get(self, name: str) -> Iterator[server.Server]:
        """The server of "app" or "empty": a new one, or the one kept for the run."""
        script, port = {
            "app": (server.APP, self._plan.app_port),
            "empty": (server.EMPTY_APP, self._plan.empty_port),
        }[name]
        if self._plan.fresh_servers:
            with server.serve(script, port) as running:
                yield running
            return
        if name not in self._kept:
            self._kept[name] = self._stack.enter_context(server.serve(script, port))
        yield self._kept[name]


def machine() -> dict:
    """What the numbers were measured on."""
    with open("/proc/meminfo") as meminfo:
        total_kb = int(meminfo.readline().split()[1])
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="minutes"),
        "cpus": os.cpu_count(),
        "memory_gb": round(total_kb / 1024**2, 1),
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "nginx": _nginx_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _nginx_version() -> str | None:
    path = nginx.nginx_path()
    if not path:
        return None
    done = subprocess.run([path, "-v"], capture_output=True, text=True)
    return done.stderr.strip().removeprefix("nginx version: nginx/")


def cold_start(plan: Plan, _servers: Servers) -> dict:
    """Seconds to a drawn landing page, app and empty app alternately."""
    app, empty = [], []
    with browser.chromium() as chromium:
        for _ in range(plan.cold_runs):
            app_port, empty_port = plan.cold_ports
            app.append(cases.cold_start(chromium, server.APP, app_port))
            empty.append(cases.cold_start(chromium, server.EMPTY_APP, empty_port))
    return {"app": app, "empty": empty}


def rerun(plan: Plan, _servers: Servers) -> dict:
    """Median script seconds of a warm rerun per round: each page, the empty app;
    on the clock ("wall") and on the script thread's CPU ("cpu")."""
    with cases.server_script_cache():
        return _rerun(plan)


def _rerun(plan: Plan) -> dict:
    apps = {url: cases.warm_app(script) for script, url in cases.page_paths(plan.pages)}
    empty_app = cases.warm_app(None)
    result = {
        clock: {"empty": [], "pages": {url: [] for url in apps}}
        for clock in ("wall", "cpu")
    }
    for _ in range(plan.rerun_rounds):
        timings = cases.rerun_seconds(empty_app, plan.reruns, plan.rerun_seconds)
        for clock in result:
            result[clock]["empty"].append(median(getattr(timings, clock)))
        for url, at in apps.items():
            timings = cases.rerun_seconds(at, plan.reruns, plan.rerun_seconds)
            for clock in result:
                result[clock]["pages"][url].append(median(getattr(timings, clock)))
    return result


def round_trip(plan: Plan, servers: Servers) -> dict:
    """Median seconds of a warm rerun as served, per round: each page, the empty
    app, from the rerun request to 'script finished' over the WebSocket."""
    urls = [url for _, url in cases.page_paths(plan.pages)]
    result = {"empty": [], "pages": {url: [] for url in urls}}
    with servers.get("app") as app, servers.get("empty") as empty:
        for _ in range(plan.rerun_rounds):
            floor = load.round_trips(empty.url, [""], plan.reruns)
            result["empty"].append(median(floor[""]))
            # The landing page is the first of ui.PAGES, served at "".
            paths = ["" if url == cases.LANDING else url for url in urls]
            timed = load.round_trips(app.url, paths, plan.reruns)
            for url, path in zip(urls, paths, strict=True):
                result["pages"][url].append(median(timed[path]))
    return result


def websocket_bytes(plan: Plan, servers: Servers) -> dict:
    """Bytes over the WebSocket per page: first render and a filter change."""
    empty: list[int] = []
    pages = {
        url: {"first": [], "change": []} for _, url in cases.page_paths(plan.pages)
    }
    views = {
        name: view
        for name, view in cases.EXTRA_VIEWS.items()
        if view[0] in pages  # the page is registered and measured
    }
    extra = {name: [] for name in views}
    settle = plan.settle_seconds
    with (
        browser.chromium() as chromium,
        servers.get("app") as app,
        servers.get("empty") as floor,
    ):
        for _ in range(plan.bytes_runs):
            empty.append(cases.websocket_bytes(chromium, floor.url, None, settle)[0])
            for url, sizes in pages.items():
                first, change = cases.websocket_bytes(chromium, app.url, url, settle)
                sizes["first"].append(first)
                if change is not None:
                    sizes["change"].append(change)
            for name, (url, query) in views.items():
                extra[name].append(
                    cases.websocket_bytes(chromium, app.url, url, settle, query)[0]
                )
    return {"empty": empty, "pages": pages, "views": extra}


def memory(plan: Plan, servers: Servers) -> dict:
    """Server memory by number of open sessions, for the app and the empty app."""
    result = {"app": [], "empty": [], "errors": []}
    for _ in range(plan.memory_runs):
        for name in ("app", "empty"):
            with servers.get(name) as running:
                sizes, errors = load.memory_by_sessions(
                    running.url, running.pid, plan.memory_sessions, plan.settle_seconds
                )
            result[name].append({str(n): size for n, size in sizes.items()})
            result["errors"] += errors
    return result


def _load_summary(result: load.LoadResult, **extra) -> dict:
    return {
        "sessions": result.sessions,
        "seconds": result.seconds,
        "first": [run.seconds for run in result.first],
        "switches": [run.seconds for run in result.switches],
        "by_page": {
            url: [run.seconds for run in result.switches if run.url_path == url]
            for url in sorted({run.url_path for run in result.switches})
        },
        "errors": result.errors,
        "client_cpu_seconds": result.client_cpu_seconds,
        **extra,
    }


def concurrent_load(plan: Plan, servers: Servers) -> dict:
    """`load_sessions` users switching pages on one process: the app, the empty app."""
    results = {}
    for name in ("app", "empty"):
        with servers.get(name) as running:
            outcome = load.switching_load(
                running.url, plan.load_sessions, plan.load_seconds
            )
            results[name] = _load_summary(outcome, memory=server.memory(running.pid))
    return results


def behind_nginx(plan: Plan, _servers: Servers) -> dict:
    """The app as several processes behind nginx: a first visit's bytes on the wire
    (brotli or gzip), beside the empty app's behind the same nginx, then the same
    load as on one process."""
    nginx.ensure_installed()
    landing, empty_landing = [], []
    empty = nginx.behind_nginx(plan.nginx_port, plan.nginx_app_ports, server.EMPTY_APP)
    with empty as proxy, browser.chromium() as chromium:
        for _ in range(plan.bytes_runs):
            empty_landing.append(
                nginx.landing_wire_bytes(
                    chromium, proxy, plan.settle_seconds, url_path=None
                )
            )
    with nginx.behind_nginx(plan.nginx_port, plan.nginx_app_ports) as proxy:
        with browser.chromium() as chromium:
            for _ in range(plan.bytes_runs):
                landing.append(
                    nginx.landing_wire_bytes(chromium, proxy, plan.settle_seconds)
                )
        offset = proxy.log.stat().st_size
        outcome = load.switching_load(
            proxy.url, plan.load_sessions, plan.load_seconds, sticky=True
        )
        # The sessions' WebSockets are logged once they have closed.
        time.sleep(1.0)
        per_process = nginx.sessions_per_process(proxy, offset)
    return {
        "landing": landing,
        "empty_landing": empty_landing,
        "compression": nginx.compression(),
        "load": _load_summary(
            outcome,
            processes=len(plan.nginx_app_ports),
            sessions_per_process=per_process,
        ),
    }


def domain(plan: Plan, _servers: Servers) -> dict:
    """Seconds per call of the domain functions the pages lean on, per round."""
    from kigyojin import eligibility, subsidy

    calls = {
        "host_verdicts_cold": (eligibility.host_verdicts, eligibility.clear_cache),
        "host_verdicts_warm": (eligibility.host_verdicts, None),
        "estimate": (
            lambda: subsidy.estimate(
                "dispatch",
                date(2025, 10, 1),
                date(2027, 3, 31),
                contribution=6_000_000,
            ),
            None,
        ),
    }
    eligibility.host_verdicts()  # the tables are read once, as the server does
    result = {clock: {name: [] for name in calls} for clock in ("wall", "cpu")}
    for _ in range(plan.domain_rounds):
        for name, (function, before) in calls.items():
            timings = cases.timed_calls(function, plan.domain_calls, before)
            for clock in result:
                result[clock][name].append(median(getattr(timings, clock)))
    return result


BENCHMARKS = {
    "cold_start": cold_start,
    "rerun": rerun,
    "round_trip": round_trip,
    "bytes": websocket_bytes,
    "memory": memory,
    "load": concurrent_load,
    "nginx": behind_nginx,
    "domain": domain,
}


def run_all(plan: Plan, only: tuple[str, ...] = ()) -> dict:
    """Run the benchmarks (all, or those named in `only`); their raw results."""
    results = {
        "machine": machine(),
        "plan": asdict(plan),
        "pages": [url for _, url in cases.page_paths(plan.pages)],
    }
    with contextlib.ExitStack() as stack:
        servers = Servers(plan, stack)
        for name, benchmark in BENCHMARKS.items():
            if only and name not in only:
                continue
            if name == "nginx" and not plan.nginx:
                continue
            logger.info("running %s", name)
            started = time.perf_counter()
            results[name] = benchmark(plan, servers)
            logger.info("%s took %.0f s", name, time.perf_counter() - started)
    results["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return results
