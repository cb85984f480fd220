"""Time one `gradquiz check` beside the floor `python -c "import sympy, numpy"`.

Prints the median wall time of each over several runs, their ratio (goal: <= 1.5),
and the peak memory (max RSS) of the grader and of the submission's child.

    python benchmarks/check_bench.py [--runs 7] [SUBMISSION]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import resource, subprocess, sys, json;"
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
    "print(json.dumps([p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))"
)


def timed(cmd: list[str]) -> tuple[float, int, int]:
    """(seconds, exit code, peak RSS in KiB of the largest process it ran)."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", PROBE, *cmd], capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - start
    code, rss = json.loads(out.stdout)
    return elapsed, code, rss


def median_of(cmd, runs):
    timed(cmd)  # warm the file cache
    results = [timed(cmd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), results[-1][1], max(r[2] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submission", nargs="?", default=str(ROOT / "solutions" / "exercise1.py"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    gradquiz = shutil.which("gradquiz")
    check = [gradquiz, "check", args.submission] if gradquiz else [sys.executable, "-m", "grader", "check", args.submission]
    floor_t, _, floor_rss = median_of([sys.executable, "-c", "import sympy, numpy"], args.runs)
    check_t, code, check_rss = median_of(check, args.runs)
    print(f"floor  python -c 'import sympy, numpy'   {floor_t * 1000:7.0f} ms   peak {floor_rss / 1024:6.1f} MiB")
    print(f"check  gradquiz check {Path(args.submission).name:<18} {check_t * 1000:7.0f} ms   peak {check_rss / 1024:6.1f} MiB  (exit {code})")
    print(f"ratio  {check_t / floor_t:.2f}x the floor (goal <= 1.50x), median of {args.runs} runs")


if __name__ == "__main__":
    main()
