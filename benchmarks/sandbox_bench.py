"""What the sandbox costs: per submission (start, confine, load, one task, close) and per task.

Compares, on this machine:
- before: the sandbox of commit 033da6d (no Landlock, no seccomp; read from git), if git has it;
- Sandbox: today's, a fresh interpreter per submission, confined (Landlock, seccomp, ...);
- ForkServer: one warm zygote, a confined fork per submission (batch grading).
Goal (issue 8): under 20 ms per submission on top of the old check.

    python benchmarks/sandbox_bench.py [--runs 15] [--tasks 50]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.sandbox import ForkServer, Sandbox  # noqa: E402

BEFORE = "033da6d"
SOURCE = "import math\nimport numpy as np\n\n\ndef f(x):\n    return 3 * x**2 + math.cos(x)\n"
POINTS = [[i / 10] for i in range(20)]


def old_sandbox():
    """The Sandbox class of commit BEFORE, or None when git does not have it."""
    folder = Path(tempfile.mkdtemp(prefix="gradquiz-bench-"))
    try:
        for name in ("parent.py", "child.py"):
            text = subprocess.run(["git", "-C", str(ROOT), "show", f"{BEFORE}:grader/sandbox/{name}"],
                                  capture_output=True, text=True, check=True).stdout
            (folder / name).write_text(text)
    except (OSError, subprocess.CalledProcessError):
        return None
    spec = importlib.util.spec_from_file_location("old_sandbox_parent", folder / "parent.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return lambda source, name: module.Sandbox(source, name)


def one_submission(make, i: int = 0) -> float:
    """Seconds from opening a sandbox to the first task's results, closed."""
    start = time.perf_counter()
    with make(SOURCE, f"s{i}.py") as sb:
        run = sb.run("f", "scalars", POINTS, 30)
    assert run.results is not None, run
    return time.perf_counter() - start


def per_submission(makers: dict, runs: int) -> dict:
    """Median seconds per submission of each maker, runs interleaved (a machine whose load
    drifts then favours none of them); the first round warms the file cache."""
    times = {name: [] for name in makers}
    for i in range(runs + 1):
        for name, make in makers.items():
            times[name].append(one_submission(make, i))
    return {name: statistics.median(values[1:]) for name, values in times.items()}


def per_task(make, tasks: int) -> float:
    with make(SOURCE, "tasks.py") as sb:
        sb.run("f", "scalars", POINTS, 30)
        start = time.perf_counter()
        for _ in range(tasks):
            sb.run("f", "scalars", POINTS, 30)
        return (time.perf_counter() - start) / tasks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tasks", type=int, default=50)
    args = parser.parse_args()
    old = old_sandbox()
    start = time.perf_counter()
    with ForkServer() as zygote:
        warm = time.perf_counter() - start
        makers = {"Sandbox": Sandbox, "ForkServer": zygote.sandbox}
        if old is not None:
            makers = {f"before ({BEFORE})": old, **makers}
        submission = per_submission(makers, args.runs)
        rows = [(name, submission[name], per_task(make, args.tasks)) for name, make in makers.items()]
    with Sandbox(SOURCE, "iso.py") as sb:
        isolation = sb.isolation
    print(f"{'':24} {'per submission':>15} {'per task':>10}   ({len(POINTS)} points a task)")
    for name, submission, task in rows:
        print(f"{name:24} {submission * 1000:12.1f} ms {task * 1000:7.2f} ms")
    if old is not None:
        print(f"Sandbox - before: {(rows[1][1] - rows[0][1]) * 1000:+.1f} ms per submission (goal: < +20 ms)")
        print(f"ForkServer - before: {(rows[2][1] - rows[0][1]) * 1000:+.1f} ms per submission")
    print(f"ForkServer start-up: {warm * 1000:.0f} ms, once per batch")
    print("isolation:", isolation)


if __name__ == "__main__":
    main()
