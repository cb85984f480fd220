"""Time the quick commands: `gradquiz --version`, `gradquiz -h` and `gradquiz list` (issue 19's
goal: under 0.15 s each), beside the floor `python -c pass`.

Prints the median and the fastest wall time of each over several runs, and what each imports
the most of (cumulative microseconds from `python -X importtime -m grader ...`, one run).

    python benchmarks/startup_bench.py [--runs 20]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = [["--version"], ["-h"], ["list"]]


def wall(cmd: list[str], runs: int, cwd: str) -> list[float]:
    subprocess.run(cmd, cwd=cwd, capture_output=True, check=True)  # warm the file cache
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        out.append(time.perf_counter() - start)
    return out


def heaviest(args: list[str], cwd: str, top: int = 4) -> list[tuple[int, str]]:
    """The top-level imports that cost the most (cumulative microseconds), one run."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "grader", *args], cwd=cwd,
                          capture_output=True, text=True, check=True)
    found = []
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)$", line)  # top level: no indent
        if match and not match.group(2):
            found.append((int(match.group(1)), match.group(3)))
    return sorted(found, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    exe = shutil.which("gradquiz") or sys.exit("the gradquiz command is not on PATH")
    with tempfile.TemporaryDirectory() as cwd:  # no ./exercises here: list shows the bundled course
        floor = wall([sys.executable, "-c", "pass"], options.runs, cwd)
        print(f"{'python -c pass':<22} median {statistics.median(floor):.3f} s  fastest {min(floor):.3f} s")
        for args in COMMANDS:
            times = wall([exe, *args], options.runs, cwd)
            costs = ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in heaviest(args, cwd))
            print(f"{'gradquiz ' + ' '.join(args):<22} median {statistics.median(times):.3f} s  "
                  f"fastest {min(times):.3f} s  (imports: {costs})")


if __name__ == "__main__":
    main()
