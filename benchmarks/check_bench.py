"""One `gradquiz check` beside plain pytest running the lesson's three asserts (issue 19).

Runs, in one process tree and in interleaved rounds (each round runs every command once, in
turn, so load on the machine weighs on all of them alike):

- ``gradquiz check`` of a right and of a wrong submission, with a warm cache (the problem's
  compiled form already in ``GRADQUIZ_CACHE``), a cold one (an empty cache folder each run) and
  none (``GRADQUIZ_CACHE=off``: SymPy on every check, as before the cache);
- ``python -m pytest -q`` of a file holding the lesson's three asserts, in a venv with nothing
  but pytest (made once under the cache folder, ``pip install pytest``; ``--pytest PYTHON``
  names another interpreter);
- ``python -c "import numpy"``, the floor of anything that grades with NumPy;
- the same warm check of a right answer through the library (``grader.api.check`` and the text
  report, no command-line layer), to show what the command's own start costs.

Prints the median wall time of each and its ratio to pytest. Goal: a warm check of a right
answer at most 1.0x pytest, of a wrong one at most 1.5x.

    python benchmarks/check_bench.py [--rounds 7] [--pytest PYTHON]

The grader's bytecode is compiled first, as pip compiles an installed package's (an editable
install run with PYTHONDONTWRITEBYTECODE=1 compiles every module it imports on every run).

Figures (2026-12-04, 18:40 UTC, issue 19's work; the 2-core machine shared with five other
engineers' test runs, load average 5 to 9, 7 rounds: wall times inflated, CPU times steadier):

| command | wall | x pytest | CPU | x pytest |
| --- | --- | --- | --- | --- |
| check right, warm cache | 301 ms | 0.86 | 177 ms | 1.04 |
| check wrong, warm cache | 285 ms | 0.82 | 186 ms | 1.09 |
| check right, cold cache | 978 ms | 2.81 | 472 ms | 2.78 |
| check wrong, cold cache | 1015 ms | 2.91 | 528 ms | 3.11 |
| check right, no cache (off) | 796 ms | 2.28 | 452 ms | 2.66 |
| check wrong, no cache (off) | 883 ms | 2.53 | 506 ms | 2.98 |
| pytest, three asserts | 348 ms | 1.00 | 170 ms | 1.00 |
| python -c "import numpy" | 197 ms | 0.57 | 101 ms | 0.60 |
| library check right, warm | 363 ms | 1.04 | 219 ms | 1.29 |

Before this work (main at 550ef7b, its bytecode compiled too, interleaved with this branch in one
run at load ~5): a warm check 584 ms wall (1.59x) and 316 ms CPU (1.79x) for a right answer,
563 ms and 323 ms for a wrong one; this branch 301 ms (0.82x) and 182 ms (1.03x), 338 ms and
192 ms. Goal met: a warm right check at most 1.0x pytest, a wrong one at most 1.5x. Where the
time went, and what took it off the path:

- the command layer (~60 ms of CPU: Typer, click, pydantic, rich): a plain `check FILE
  [options]` is parsed and run without them (``grader.cli.quickcheck``), and the text report on
  a pipe is made without rich (``grader.reports.text``);
- the sandbox child's start (an interpreter, NumPy), which the grader waited for after finding
  the exercise: it is started first of all (``grader.sandbox.spare.prestart``) and loads NumPy
  while the grader imports its own code; it preloads nothing more (NumPy's random, fft and
  polynomial and the standard modules it used to preload import once it is confined, for the
  submissions that use them: ~20 ms); its memory cgroup is made in a thread (moving a process
  into a cgroup waits ~10-20 ms for the kernel);
- the grader's NumPy started two OpenBLAS threads that spun (~40 ms of CPU): the command sets
  OPENBLAS_NUM_THREADS=1 unless it is set.

What is left is two interpreters and two NumPy imports side by side (the grader's, to compute the
scores, and the child's), which is why the CPU time stays near pytest's while the wall time, on
two cores, is below it: the library row, which starts the child only once it has found the
exercise, shows what the early start is worth.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RIGHT, WRONG = ROOT / "solutions" / "exercise1.py", ROOT / "solutions" / "exercise1_wrong.py"
TESTS = '''from exercise1 import derivative


def test_derivative():
    assert derivative(-0.5) == -1.0
    assert derivative(0.5) == 1.0
    assert derivative(0.0) == 0.0
'''

LIBRARY = "import sys; from grader.api import check; from grader.reports.text import plain_text; " \
          "r = check(sys.argv[1]); print(plain_text(r)); sys.exit(0 if r.passed else 1)"


def pytest_python(given: str | None, work: Path) -> str:
    """An interpreter with pytest and nothing else: ``given``, else a venv made once."""
    if given:
        return given
    venv = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gradquiz-bench" / "pytest-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"making {venv} (pip install pytest) ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "pytest"], check=True)
    return str(python)


def compile_bytecode() -> None:
    """The grader's bytecode, as pip compiles it when it installs the package: an editable install
    run with PYTHONDONTWRITEBYTECODE=1 would compile every module it imports on every run."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("grader")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def timed(cmd: list[str], env: dict, cwd: Path, before=None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the command and the processes it waited for, exit code)."""
    if before:
        before()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_utime + usage.ru_stime, proc.returncode


def median_of(cmd: list[str], runs: int) -> tuple[float, int, int]:
    """(median wall seconds, the last exit code, the largest peak RSS in KiB) of ``runs`` runs of
    ``cmd`` after one to warm the file cache: quiz_bench.py's probe."""
    results = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        results.append((time.perf_counter() - start, os.waitstatus_to_exitcode(status), usage.ru_maxrss))
    results = results[1:]
    return statistics.median(r[0] for r in results), results[-1][1], max(r[2] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pytest", help="a Python with pytest installed (default: a venv of its own)")
    args = parser.parse_args()
    compile_bytecode()
    gradquiz = shutil.which("gradquiz")
    command = [gradquiz] if gradquiz else [sys.executable, "-m", "grader"]
    work = Path(tempfile.mkdtemp(prefix="gradquiz-bench-"))
    warm, cold = work / "warm-cache", work / "cold-cache"
    shutil.copy(RIGHT, work / "exercise1.py")
    (work / "test_exercise1.py").write_text(TESTS)
    base = {k: v for k, v in os.environ.items() if not k.startswith("GRADQUIZ_")}
    warm_env, cold_env = {**base, "GRADQUIZ_CACHE": str(warm)}, {**base, "GRADQUIZ_CACHE": str(cold)}
    python = pytest_python(args.pytest, work)

    def empty_cold() -> None:
        shutil.rmtree(cold, ignore_errors=True)

    rows = {
        "check right, warm cache": (command + ["check", str(RIGHT)], warm_env, None),
        "check wrong, warm cache": (command + ["check", str(WRONG)], warm_env, None),
        "check right, cold cache": (command + ["check", str(RIGHT)], cold_env, empty_cold),
        "check wrong, cold cache": (command + ["check", str(WRONG)], cold_env, empty_cold),
        "check right, no cache (off)": (command + ["check", str(RIGHT)], {**base, "GRADQUIZ_CACHE": "off"}, None),
        "check wrong, no cache (off)": (command + ["check", str(WRONG)], {**base, "GRADQUIZ_CACHE": "off"}, None),
        "pytest, three asserts": ([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_exercise1.py"], base, None),
        'python -c "import numpy"': ([sys.executable, "-c", "import numpy"], base, None),
        "library check right, warm": ([sys.executable, "-c", LIBRARY, str(RIGHT)], warm_env, None),
    }
    for cmd, env, before in rows.values():  # warm the file cache and the compiled entries
        timed(cmd, env, work, before)
    times: dict[str, list[float]] = {name: [] for name in rows}
    cpu: dict[str, list[float]] = {name: [] for name in rows}
    codes = {}
    for _ in range(args.rounds):
        for name, (cmd, env, before) in rows.items():
            elapsed, used, codes[name] = timed(cmd, env, work, before)
            times[name].append(elapsed)
            cpu[name].append(used)
    median = {name: statistics.median(values) for name, values in times.items()}
    median_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    floor, floor_cpu = median["pytest, three asserts"], median_cpu["pytest, three asserts"]
    print(f"median of {args.rounds} interleaved rounds: wall time, its ratio to pytest's, (exit code), CPU time "
          "(the command and the processes it waited for), its ratio:")
    for name, value in median.items():
        print(f"  {name:<30} {value * 1000:7.0f} ms {value / floor:5.2f}x  ({codes[name]})   "
              f"cpu {median_cpu[name] * 1000:6.0f} ms {median_cpu[name] / floor_cpu:5.2f}x")
    right, wrong = median["check right, warm cache"] / floor, median["check wrong, warm cache"] / floor
    print(f"goal: warm right <= 1.00x pytest ({right:.2f}x: {'met' if right <= 1.0 else 'NOT met'}), "
          f"warm wrong <= 1.50x ({wrong:.2f}x: {'met' if wrong <= 1.5 else 'NOT met'})")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
