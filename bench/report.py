"""The results table: each figure as median (min–max) of its runs, beside the empty app.

`write()` replaces only the part of docs/performance.md between the two markers, so
what people wrote around it (analysis, profiles, the map's own notes) stays.
"""

import math
import re
from pathlib import Path
from statistics import median

from bench.server import PROJECT_DIR

DOCUMENT = PROJECT_DIR / "docs" / "performance.md"
START = "<!-- bench:results:start (written by `make bench`; edit outside) -->"
END = "<!-- bench:results:end -->"

# Budgets of issue 10, as ratios to the empty app or as absolute amounts.
COLD_START_RATIO = 1.3
RERUN_RATIO = 15.0
MAP_RERUN_RATIO = 30.0
MAP_PAGE = "map"
MAP_NATIONAL_BYTES = 600_000
MAP_PREFECTURE_BYTES = 400_000
MAP_PREFECTURE_VIEW = "map_prefecture"
SESSION_MEMORY_BYTES = 5_000_000
LOAD_P95_SECONDS = 2.0
LANDING_WIRE_BYTES = 1_200_000
ELIGIBILITY_SECONDS = 0.020
ESTIMATE_SECONDS = 0.005


def spread(values: list[float], scale: float = 1.0, digits: int = 1) -> str:
    """'median (min–max)' of `values` × `scale`; a single value alone."""
    if not values:
        return "—"
    shown = [v * scale for v in values]
    middle = f"{median(shown):,.{digits}f}"
    if len(shown) == 1:
        return middle
    return f"{middle} ({min(shown):,.{digits}f}–{max(shown):,.{digits}f})"


def verdict(value: float, budget: float) -> str:
    """'met (62 % of budget)' or 'missed by 23 %'."""
    if value <= budget:
        return f"met ({value / budget:.0%} of budget)"
    return f"**missed by {value / budget - 1:.0%}**"


def percentile(values: list[float], share: float) -> float:
    """The `share` percentile (0–1) of `values`, nearest rank."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def ratios(app: list[float], empty: list[float]) -> list[float]:
    """The app over the empty app, run by run (they were measured alternately)."""
    return [a / e for a, e in zip(app, empty, strict=True)]


def render(results: dict) -> str:
    """The Markdown of the results: machine, then one table per benchmark."""
    parts = [_machine(results)]
    for name, section in (
        ("cold_start", _cold_start),
        ("rerun", _rerun),
        ("round_trip", _round_trip),
        ("bytes", _bytes),
        ("memory", _memory),
        ("load", _load),
        ("nginx", _nginx_landing),
        ("domain", _domain),
    ):
        if name in results:
            parts.append(section(results[name], results))
    return "\n\n".join(parts)


def write(results: dict, document: Path = DOCUMENT) -> None:
    """Put the rendered results between the markers of `document` (made if missing)."""
    block = f"{START}\n\n{render(results)}\n\n{END}"
    if document.exists():
        text = document.read_text(encoding="utf-8")
    else:
        text = "# Performance\n\n"
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    document.write_text(text, encoding="utf-8")


def _machine(results: dict) -> str:
    m = results["machine"]
    plan = results["plan"]
    return (
        f"Measured {m['date']} on {m['cpus']} cores and {m['memory_gb']} GB of "
        f"memory, Python {m['python']}, Streamlit {m['streamlit']}, nginx "
        f"{m.get('nginx') or '—'}; load average {m['load_average'][0]} before and "
        f"{m.get('load_average_after', ['?'])[0]} after. Pages: "
        + ", ".join(f"`{p}`" for p in results["pages"])
        + f". Runs: cold start {plan['cold_runs']}, rerun {plan['rerun_rounds']} "
        f"rounds × up to {plan['reruns']} (or {plan['rerun_seconds']:.0f} s) a "
        f"page, bytes {plan['bytes_runs']}, memory "
        f"{plan['memory_runs']}, load {plan['load_sessions']} sessions × "
        f"{plan['load_seconds']:.0f} s. Figures are median (min–max) over the runs; "
        "KB and MB are 1,000 and 1,000,000 bytes."
    )


def _cold_start(data: dict, _results: dict) -> str:
    ratio = ratios(data["app"], data["empty"])
    return "\n".join(
        [
            "### Cold start: process start to the landing page drawn in Chromium",
            "",
            "| | app (s) | empty app (s) | ratio | budget | |",
            "|---|---|---|---|---|---|",
            f"| landing page | {spread(data['app'], digits=2)} | "
            f"{spread(data['empty'], digits=2)} | {spread(ratio, digits=2)}× | "
            f"≤ {COLD_START_RATIO}× | {verdict(median(ratio), COLD_START_RATIO)} |",
        ]
    )


def _rerun(data: dict, _results: dict) -> str:
    cpu, wall = data["cpu"], data["wall"]
    rows = [
        "### Warm rerun: script time of one rerun of each page (server side)",
        "",
        "CPU is the script thread's own time, which other processes competing for "
        "the cores do not inflate; the verdict is on its ratio. Wall is the clock. "
        f"Empty app: CPU {spread(cpu['empty'], 1000, 2)} ms, wall "
        f"{spread(wall['empty'], 1000, 2)} ms.",
        "",
        "| page | CPU (ms) | ratio (CPU) | wall (ms) | ratio (wall) | budget | |",
        "|---|---|---|---|---|---|---|",
    ]
    for url, seconds in cpu["pages"].items():
        ratio = ratios(seconds, cpu["empty"])
        clock = wall["pages"][url]
        budget = MAP_RERUN_RATIO if url == MAP_PAGE else RERUN_RATIO
        rows.append(
            f"| `{url}` | {spread(seconds, 1000)} | {spread(ratio, digits=0)}× | "
            f"{spread(clock, 1000)} | "
            f"{spread(ratios(clock, wall['empty']), digits=0)}× "
            f"| ≤ {budget:.0f}× | {verdict(median(ratio), budget)} |"
        )
    return "\n".join(rows)


def _round_trip(data: dict, _results: dict) -> str:
    rows = [
        "### Warm rerun as served: request to 'script finished' over the WebSocket",
        "",
        "The server's whole share of a rerun, which the script time above leaves "
        "out: the rerun request, the script, serialising and sending every element "
        "(to a client that parses them and draws nothing). Empty app: "
        f"{spread(data['empty'], 1000, 2)} ms.",
        "",
        "| page | round trip (ms) | ratio | budget | |",
        "|---|---|---|---|---|",
    ]
    for url, seconds in data["pages"].items():
        ratio = ratios(seconds, data["empty"])
        budget = MAP_RERUN_RATIO if url == MAP_PAGE else RERUN_RATIO
        rows.append(
            f"| `{url}` | {spread(seconds, 1000)} | {spread(ratio, digits=0)}× | "
            f"≤ {budget:.0f}× | {verdict(median(ratio), budget)} |"
        )
    return "\n".join(rows)


def _bytes(data: dict, _results: dict) -> str:
    empty = data["empty"]
    rows = [
        "### Bytes over the WebSocket (frame payloads the browser received)",
        "",
        f"Empty app, first render: {spread(empty, 1 / 1000, 2)} KB.",
        "",
        "| page | first render (KB) | ratio | filter change (KB) | budget | |",
        "|---|---|---|---|---|---|",
    ]
    for url, sizes in data["pages"].items():
        first = sizes["first"]
        budget, judged = "—", "—"
        if url == MAP_PAGE:
            budget = f"≤ {MAP_NATIONAL_BYTES / 1000:.0f} KB"
            judged = verdict(median(first), MAP_NATIONAL_BYTES)
        rows.append(
            f"| `{url}` | {spread(first, 1 / 1000)} | "
            f"{spread(ratios(first, empty), digits=0)}× | "
            f"{spread(sizes['change'], 1 / 1000)} | {budget} | {judged} |"
        )
    for name, first in data.get("views", {}).items():
        budget, judged = "—", "—"
        if name == MAP_PREFECTURE_VIEW:
            budget = f"≤ {MAP_PREFECTURE_BYTES / 1000:.0f} KB"
            judged = verdict(median(first), MAP_PREFECTURE_BYTES)
        rows.append(
            f"| {name} | {spread(first, 1 / 1000)} | "
            f"{spread(ratios(first, empty), digits=0)}× | — | {budget} | {judged} |"
        )
    return "\n".join(rows)


def _memory(data: dict, _results: dict) -> str:
    counts = list(data["app"][0])
    first, last = counts[0], counts[-1]
    extra = int(last) - int(first)
    rows = [
        "### Server memory with sessions open on the landing page",
        "",
        "| | "
        + " | ".join(f"RSS, {n} session(s) (MB)" for n in counts)
        + " | per extra session (MB) | budget | |",
        "|---|" + "---|" * (len(counts) + 3),
    ]
    for name in ("app", "empty"):
        runs = data[name]
        per_session = [(r[last]["rss"] - r[first]["rss"]) / extra for r in runs]
        cells = [spread([r[n]["rss"] for r in runs], 1e-6) for n in counts]
        budget, judged = "—", "—"
        if name == "app":
            budget = f"≤ {SESSION_MEMORY_BYTES / 1e6:.0f} MB"
            judged = verdict(median(per_session), SESSION_MEMORY_BYTES)
        rows.append(
            f"| {'app' if name == 'app' else 'empty app'} | "
            + " | ".join(cells)
            + f" | {spread(per_session, 1e-6, 2)} | {budget} | {judged} |"
        )
    if data["errors"]:
        rows += ["", f"Errors while opening sessions: {len(data['errors'])}."]
    return "\n".join(rows)


def _load(data: dict, results: dict) -> str:
    plan = results["plan"]
    rows = [
        f"### {plan['load_sessions']} sessions switching pages for "
        f"{plan['load_seconds']:.0f} s",
        "",
        "Latency is from the page request leaving a session to the server's "
        "'script finished': waiting for a core, the script run, serializing and "
        "sending every element, and the client parsing them. It leaves out the "
        "browser drawing the page (on each attendee's own laptop) and loading the "
        "JavaScript (once per visit, cached after). All sessions open the landing "
        "page at the same moment, then each switches to another page at random "
        "every 0.5–2.5 s.",
        "",
        "| server | landing p50 / p95 (s) | switch p50 / p95 / max (s) | switches | "
        "errors | budget (p95 ≤ 2 s, no error) |",
        "|---|---|---|---|---|---|",
    ]
    names = {
        "app": "app, one process",
        "nginx": "app, 2 processes behind nginx",
        "empty": "empty app, one process",
    }
    loads = dict(data)
    if "nginx" in results:
        loads["nginx"] = results["nginx"]["load"]
    for name, label in names.items():
        if name not in loads:
            continue
        d = loads[name]
        first, switches = d["first"], d["switches"]
        judged = "no switch measured"
        if switches:
            judged = verdict(percentile(switches, 0.95), LOAD_P95_SECONDS)
        if d["errors"]:
            judged = f"**missed: {len(d['errors'])} error(s)**"
        if name == "empty":
            judged = "(floor)"
        rows.append(
            f"| {label} | {_p(first, 0.5)} / {_p(first, 0.95)} | "
            f"{_p(switches, 0.5)} / {_p(switches, 0.95)} / "
            f"{max(switches, default=0):.2f} | {len(switches)} | "
            f"{len(d['errors'])} | {judged} |"
        )
    for name in ("app", "nginx"):
        by_page = loads.get(name, {}).get("by_page", {})
        if by_page:
            rows += [
                "",
                f"Switch p50 / p95 by page ({names[name]}, s): "
                + ", ".join(
                    f"`{url or 'landing'}` {_p(v, 0.5)} / {_p(v, 0.95)}"
                    for url, v in by_page.items()
                )
                + ".",
            ]
    if "nginx" in loads:
        per = loads["nginx"]["sessions_per_process"]
        rows += [
            "",
            "Sessions per process behind nginx (sticky by cookie): "
            + ", ".join(f"{addr} {n}" for addr, n in per.items())
            + ".",
        ]
    return "\n".join(rows)


def _p(values: list[float], share: float) -> str:
    return f"{percentile(values, share):.2f}" if values else "—"


def _nginx_landing(data: dict, _results: dict) -> str:
    compression = data.get("compression", "gzip")
    rows = [
        f"### Landing page, first visit through nginx ({compression} on): "
        "bytes on the wire",
        "",
        "| | HTTP (MB) | of it JavaScript (MB) | WebSocket (MB) | total (MB) | "
        "budget | |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, key, judged in (
        ("landing page", "landing", True),
        ("empty app", "empty_landing", False),
    ):
        runs = data.get(key) or []
        if not runs:
            continue
        total = [r["websocket"] + r["http"] for r in runs]
        rows.append(
            f"| {label} | {spread([r['http'] for r in runs], 1e-6, 2)} | "
            f"{spread([r['javascript_sent'] for r in runs], 1e-6, 2)} | "
            f"{spread([r['websocket'] for r in runs], 1e-6, 3)} | "
            f"{spread(total, 1e-6, 2)} | "
            + (
                f"≤ {LANDING_WIRE_BYTES / 1e6} MB | "
                f"{verdict(median(total), LANDING_WIRE_BYTES)} |"
                if judged
                else "(floor) | — |"
            )
        )
    return "\n".join(rows)


def _domain(data: dict, _results: dict) -> str:
    rows = [
        "### Domain functions (one call; verdict on the CPU time)",
        "",
        "| function | CPU (ms) | wall (ms) | budget | |",
        "|---|---|---|---|---|",
    ]
    labels = {
        "host_verdicts_cold": (
            "`eligibility.host_verdicts()`, all municipalities, computed",
            ELIGIBILITY_SECONDS,
        ),
        "host_verdicts_warm": (
            "`eligibility.host_verdicts()`, cached",
            ELIGIBILITY_SECONDS,
        ),
        "estimate": ("`subsidy.estimate(...)`, 18 months", ESTIMATE_SECONDS),
    }
    cpu, wall = data["cpu"], data["wall"]
    for name, (label, budget) in labels.items():
        if name in cpu:
            rows.append(
                f"| {label} | {spread(cpu[name], 1000, 3)} | "
                f"{spread(wall[name], 1000, 3)} | ≤ {budget * 1000:.0f} ms | "
                f"{verdict(median(cpu[name]), budget)} |"
            )
    return "\n".join(rows)
