"""What answering call by call costs: ``grading.run_calls`` sends a task's points in one
request that the child answers one call at a time (``Sandbox.run_each``), so that a timeout
can tell one hung call from calls that are each too slow; ``Sandbox.run`` answers all at once.

Prints the median time of one task's 20 calls both ways, over several runs.

    python benchmarks/calls_bench.py [--runs 50] [--points 20]
"""

from __future__ import annotations

import argparse
import statistics
import time

from grader.exercise.grading import run_calls
from grader.sandbox import Sandbox

SOURCE = "import numpy as np\ndef gradient(p):\n    x, y = p\n    return np.array([2 * x * y, x**2])\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--points", type=int, default=20)
    args = parser.parse_args()
    points = [[0.1 * i, 0.2] for i in range(args.points)]
    with Sandbox(SOURCE, "bench.py") as sandbox:
        sandbox.run("gradient", "vector", points[:1], 10)  # the child is loaded
        batch, each = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            sandbox.run("gradient", "vector", points, 10)
            batch.append(time.perf_counter() - start)
            start = time.perf_counter()
            run_calls(sandbox, "gradient", "vector", points, 10)
            each.append(time.perf_counter() - start)
    one, many = statistics.median(batch), statistics.median(each)
    print(f"{args.points} points in one request:  {one * 1e3:.3f} ms")
    print(f"{args.points} points, answered call by call: {many * 1e3:.3f} ms ({many / args.points * 1e3:.3f} ms a call)")


if __name__ == "__main__":
    main()
