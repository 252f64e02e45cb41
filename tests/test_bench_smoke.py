"""Every benchmark of `bench/` run once, small, so that they keep working as the app
changes; and the results table they write. Pass or fail says nothing of speed.

The smoke run measures the landing page only (every page runs in test_app.py), with
two sessions for a second, on loopback ports the system says are free (several test
runs may share the machine). nginx comes from scripts/ensure-browser, which
`make test` runs.
"""

import json
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

import ui
from bench import report, run, server
from bench.cases import LANDING
from kigyojin import figures
from kigyojin.charts import overview

PLAN = run.Plan.smoke(server.free_ports(7))


@pytest.fixture(scope="module")
def results() -> dict:
    """One smoke run of every benchmark.

    In a thread of its own: the browser tests' Playwright may still be running in
    this one, and Playwright's sync API refuses to start inside another's loop.
    """
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(run.run_all, PLAN).result()


@pytest.mark.browser
def test_every_benchmark_ran(results: dict) -> None:
    """Each benchmark left its results, measured on the landing page."""
    assert set(run.BENCHMARKS) <= set(results)
    assert results["pages"] == [LANDING]


@pytest.mark.browser
def test_start_and_rerun_are_timed(results: dict) -> None:
    """One cold start and one warm rerun each, for the app and the empty app."""
    cold, rerun = results["cold_start"], results["rerun"]
    assert [len(cold["app"]), len(cold["empty"])] == [1, 1]
    assert cold["empty"][0] > 0 and cold["app"][0] > 0
    for clock in ("wall", "cpu"):
        assert list(rerun[clock]["pages"]) == [LANDING]
        assert rerun[clock]["empty"][0] > 0
    # A page with charts costs more CPU than a script that draws nothing.
    assert rerun["cpu"]["empty"][0] < rerun["cpu"]["pages"][LANDING][0]
    # And more as served, from the rerun request to 'script finished'.
    served = results["round_trip"]
    assert list(served["pages"]) == [LANDING]
    assert 0 < served["empty"][0] < served["pages"][LANDING][0]


@pytest.mark.browser
def test_bytes_of_first_render_and_filter_change(results: dict) -> None:
    """The landing page sends more than the empty app, and its filter change sends
    something."""
    sizes = results["bytes"]
    (empty,) = sizes["empty"]
    (first,) = sizes["pages"][LANDING]["first"]
    (change,) = sizes["pages"][LANDING]["change"]
    assert 0 < empty < first
    assert change > 0


@pytest.mark.browser
def test_memory_is_read_per_session_count(results: dict) -> None:
    """Memory with 1 and 2 sessions open, for both servers, and no page failed."""
    memory = results["memory"]
    for name in ("app", "empty"):
        (sizes,) = memory[name]
        assert list(sizes) == ["1", "2"]
        assert all(s["rss"] >= s["pss"] > 0 for s in sizes.values())
    assert memory["errors"] == []


@pytest.mark.browser
def test_load_without_errors_on_one_process_and_behind_nginx(results: dict) -> None:
    """Both sessions opened the landing page without an error, and nginx kept each
    on one process."""
    loads = {**results["load"], "nginx": results["nginx"]["load"]}
    for name, outcome in loads.items():
        assert outcome["errors"] == [], name
        assert len(outcome["first"]) == PLAN.load_sessions, name
    per_process = loads["nginx"]["sessions_per_process"]
    assert sum(per_process.values()) == PLAN.load_sessions
    assert set(per_process) <= {f"127.0.0.1:{p}" for p in PLAN.nginx_app_ports}


@pytest.mark.browser
def test_landing_through_nginx_is_compressed(results: dict) -> None:
    """The first visit through nginx logs HTTP and WebSocket bytes, and gzip shrinks
    the JavaScript."""
    (landing,) = results["nginx"]["landing"]
    assert landing["websocket"] > 0 and landing["requests"] > 10
    assert landing["javascript_sent"] < landing["javascript_files"] / 2
    # The empty app behind the same nginx is the floor the page is set beside.
    (empty,) = results["nginx"]["empty_landing"]
    assert 0 < empty["http"] < landing["http"]
    assert results["nginx"]["compression"] == "brotli"


@pytest.mark.browser
def test_domain_functions_are_timed(results: dict) -> None:
    """Eligibility cold and warm, and one estimate, each timed once."""
    for clock in ("wall", "cpu"):
        timed = results["domain"][clock]
        assert {name: len(v) for name, v in timed.items()} == {
            "host_verdicts_cold": 1,
            "host_verdicts_warm": 1,
            "estimate": 1,
        }


@pytest.mark.browser
def test_report_has_a_section_per_benchmark(results: dict) -> None:
    """The table names the machine, the landing page and every budget's verdict."""
    text = report.render(results)
    for heading in (
        "### Cold start",
        "### Warm rerun",
        "### Warm rerun as served",
        "### Bytes over the WebSocket",
        "### Server memory",
        "### 2 sessions switching pages",
        "### Landing page, first visit through nginx",
        "### Domain functions",
    ):
        assert heading in text
    assert f"| `{LANDING}` |" in text
    assert text.count("met (") + text.count("missed") >= 6


def test_write_keeps_what_surrounds_the_results(tmp_path) -> None:
    """Only the part between the markers is replaced; the rest of the file stays."""
    document = tmp_path / "performance.md"
    before = f"# Performance\n\nintro\n\n{report.START}\nstale table\n{report.END}\n"
    document.write_text(before + "\n## Map\nkept\n", encoding="utf-8")
    results = {
        "machine": {
            "date": "2026-01-01T00:00+09:00",
            "cpus": 2,
            "memory_gb": 23.5,
            "python": "3.11.7",
            "streamlit": "1.67.0",
            "load_average": [0.5],
        },
        "plan": run.Plan().__dict__,
        "pages": [LANDING],
        "domain": {
            "cpu": {"estimate": [0.004, 0.006, 0.005]},
            "wall": {"estimate": [0.005, 0.007, 0.006]},
        },
    }
    report.write(results, document)
    text = document.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n\nintro\n\n" + report.START)
    assert text.endswith(report.END + "\n\n## Map\nkept\n")
    assert "stale table" not in text
    row = "| `subsidy.estimate(...)`, 18 months | 5.000 (4.000–6.000) | 6.000 "
    assert row + "(5.000–7.000) | ≤ 5 ms | met (100% of budget) |" in text


@pytest.mark.parametrize(
    ("value", "budget", "expected"),
    [
        (1.0, 2.0, "met (50% of budget)"),
        (2.0, 2.0, "met (100% of budget)"),
        (2.5, 2.0, "**missed by 25%**"),
    ],
)
def test_verdict(value: float, budget: float, expected: str) -> None:
    """A figure within its budget is met with its share; above, missed by how much."""
    assert report.verdict(value, budget) == expected


def test_percentile_is_nearest_rank() -> None:
    """p50 and p95 of 1..20 are the 10th and 19th values; one value is every
    percentile."""
    values = [float(v) for v in range(20, 0, -1)]
    assert [report.percentile(values, 0.5), report.percentile(values, 0.95)] == [
        10.0,
        19.0,
    ]
    assert report.percentile([3.0], 0.95) == 3.0


def test_chart_spec_is_built_once_per_arguments() -> None:
    """ui.altair_chart builds a spec once for equal arguments, again for others."""
    calls = []

    def counted(frame: pd.DataFrame, lang: str):
        calls.append(lang)
        return overview.origins_chart(frame, lang)

    frame = figures.agreement_origins()
    name = "tests.counted_origins"
    first, drawn = ui._chart_specs(name, counted, frame, "ja")
    again, _ = ui._chart_specs(name, counted, frame.copy(), "ja")
    english, _ = ui._chart_specs(name, counted, frame, "en")
    assert calls == ["ja", "en"]
    # As drawn, its rows are already Arrow; the spec itself keeps them as JSON.
    assert all(isinstance(v, bytes) for v in drawn["datasets"].values())
    assert all(isinstance(v, list) for v in first["datasets"].values())
    # As JSON: the data holds NaN, which is not equal to itself in a dict.
    built = overview.origins_chart(frame, "ja").to_dict()
    assert json.dumps(first) == json.dumps(again) == json.dumps(built)
    assert json.dumps(english) != json.dumps(first)


def test_a_shared_frame_is_keyed_by_its_serial_not_its_values() -> None:
    """A frame `ui.computed` shares is known without hashing its values; a copy,
    or a frame that changes, is keyed by its contents; a frame gone is forgotten."""
    import gc

    frame = ui._shared(figures.agreement_origins().copy())
    kind, serial = ui._frame_token(frame)
    assert kind == "shared"
    assert ui._frame_token(frame) == ("shared", serial)
    copied = frame.copy()
    assert ui._frame_token(copied)[0] == "contents"
    changed = copied.assign(people=copied["people"] + 1)
    assert ui._frame_token(changed) != ui._frame_token(copied)
    with_lists = pd.DataFrame({"a": [[1], [2]]})
    assert ui._frame_token(with_lists)[0] == "contents"
    key = id(frame)
    del frame
    gc.collect()
    assert key not in ui._shared_frames


def test_computed_once_per_arguments_and_data_version(data_copy) -> None:
    """ui.computed runs a function once for equal arguments (frames by contents,
    lists as tuples), again for others and after a data file changes."""
    calls = []

    def counted(frame: pd.DataFrame, names: list[str]) -> int:
        calls.append(tuple(names))
        return len(frame)

    counted.__qualname__ = "test_computed_once.counted"
    frame = pd.DataFrame({"a": [1, 2]})
    assert ui.computed(counted, frame, ["x"]) == 2
    assert ui.computed(counted, frame.copy(), ["x"]) == 2
    assert ui.computed(counted, frame, ["y"]) == 2
    assert calls == [("x",), ("y",)]
    path = data_copy / "national_totals.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    ui.computed(counted, frame, ["x"])
    assert calls == [("x",), ("y",), ("x",)]
