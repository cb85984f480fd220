"""What notebooks, pictures and the rule diagnosis cost: median wall times of `gradquiz`
commands on the lesson's exercise, and of naming a mistake in process.

    python benchmarks/notebook_bench.py [--runs 5]

Prints: check of a .py, of the same code as a .ipynb, with --plot PNG and SVG, `show`,
and the time of feedback.diagnose (the buggy differentiator) for a wrong derivative.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = "def derivative(x):\n    return x * 2.0\n"


def median_seconds(cmd, cwd, runs) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    exe = shutil.which("gradquiz")
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "exercise1.py").write_text(CODE)
        nbformat.write(new_notebook(cells=[new_code_cell("%matplotlib inline\nimport numpy as np"), new_code_cell(CODE)]),
                       str(root / "exercise1.ipynb"))
        rows = [
            ("check exercise1.py", [exe, "check", "exercise1.py"]),
            ("check exercise1.ipynb", [exe, "check", "exercise1.ipynb"]),
            ("check exercise1.py --plot p.png", [exe, "check", "exercise1.py", "--plot", "p.png"]),
            ("check exercise1.py --plot p.svg", [exe, "check", "exercise1.py", "--plot", "p.svg"]),
            ("show exercise1", [exe, "show", "exercise1"]),
        ]
        for name, cmd in rows:
            print(f"{name:<36} {median_seconds(cmd, root, runs):6.2f} s")
    print(f"{'diagnose a chain-rule slip (in process)':<36} {_diagnose(runs) * 1000:6.1f} ms")


def _diagnose(runs) -> float:
    import numpy as np

    from grader.api import load_problem
    from grader.exercise import feedback
    from grader.exercise.grading import Points

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_text("id: t\ntitle: t\ntasks:\n  - {id: d, kind: derivative, function: d, f: sin(x**2 + 1)*exp(2*x), domain: [-1, 1]}\n")
        task = load_problem(path).tasks[0]
    x = np.linspace(-0.9, 0.9, 23).reshape(-1, 1)
    expected = np.array([task.reference_numeric(p) for p in x])
    wrong = np.array([[np.cos(p[0] ** 2 + 1) * np.exp(2 * p[0]) + np.sin(p[0] ** 2 + 1) * 2 * np.exp(2 * p[0])] for p in x]).reshape(expected.shape)
    points = Points(x, 0, expected, expected, np.ones(len(x)), 0)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        found = feedback.diagnose(task, points, wrong)
        times.append(time.perf_counter() - start)
    assert found and found[0] == "chain_rule", found
    return statistics.median(times)


if __name__ == "__main__":
    main()
