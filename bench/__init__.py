"""Benchmarks of the dashboard against an empty Streamlit app measured in the same run.

Run them with `make bench` (or `.venv/bin/python -m bench`); the results table goes
into `docs/performance.md`. `tests/test_bench_smoke.py` runs each one once, so they
keep working as the app changes.
"""
