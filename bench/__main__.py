"""`python -m bench`: run the benchmarks and write the results table.

    .venv/bin/python -m bench                  # all (15 min on an idle machine)
    .venv/bin/python -m bench --only rerun     # one benchmark (several: repeat)
    .venv/bin/python -m bench --quick          # each once, to see that they work

The table goes into docs/performance.md (between its markers), the raw numbers into
bench/results.json. Servers listen on loopback ports 8680-8692 only.
"""

import argparse
import json
import logging
import signal
import sys
from dataclasses import replace

from bench import report
from bench.run import BENCHMARKS, Plan, run_all
from bench.server import PROJECT_DIR

RESULTS = PROJECT_DIR / "bench" / "results.json"


def main(argv: list[str] | None = None) -> int:
    """Run what the command line asks for; 0 when it ran."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", action="append", choices=list(BENCHMARKS), default=[])
    parser.add_argument(
        "--quick", action="store_true", help="each benchmark once; writes nothing"
    )
    parser.add_argument("--no-nginx", action="store_true", help="skip nginx")
    parser.add_argument(
        "--load-seconds", type=float, help="length of the load test (default 120)"
    )
    args = parser.parse_args(argv)
    # Stopped from outside, it stops the servers it started on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    plan = Plan.smoke(tuple(range(8693, 8700))) if args.quick else Plan()
    if args.no_nginx:
        plan = replace(plan, nginx=False)
    if args.load_seconds:
        plan = replace(plan, load_seconds=args.load_seconds)
    results = run_all(plan, tuple(args.only))
    print(report.render(results))
    if args.quick:
        return 0
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if args.only:
        # A partial run updates its benchmarks and keeps the others' last results.
        results = {**previous, **results}
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    report.write(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
