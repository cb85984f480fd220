"""What grading a gradient over data costs (issue 20's goal: under 100 ms a task, warm).

Two tasks over array parameters: a 3x2 softmax classifier's gradient over 8 data points, and
a two-layer tanh network's backprop (W1 2x3, b1, W2, b2: 13 entries) over 8 points. Prints
the compile time (the array formula expanded and differentiated by SymPy, once per exercise)
and the median time of ``grade_task`` once compiled, with the sandbox child already loaded
(warm): the check points, the reference and finite differences there, the 20 calls in the
sandbox and the verdict. Also one ``numerical_gradient`` and one ``gradient_descent`` task.
Each task is timed twice: as SymPy compiled it (lambdified) and in its compiled form (the
cache's entry, issue 19: programs run by ``grader.maths.program``, no SymPy), with the time to
make that entry and to read, validate and restore it.

    python benchmarks/ml_bench.py [--runs 20]

Figures (2026-12-04, 18:30 UTC, 2 shared cores, load ~5, median of 20): compile 543 ms; the
compiled form made in 568 ms (85 KiB), read, validated and restored in 7.3 ms;

| task | lambdified (SymPy) | compiled form |
| --- | --- | --- |
| softmax 3x2 over 8 points | 4.0 ms | 4.3 ms |
| two-layer backprop, 13 entries | 8.3 ms | 9.8 ms |
| numerical_gradient | 1.1 ms | 1.1 ms |
| gradient_descent | 0.8 ms | 0.9 ms |
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from grader.exercise import compiled as compiled_form
from grader.exercise.grading import grade_task
from grader.exercise.problem import load_exercise
from grader.sandbox import Sandbox

X8 = [
    [0.5, -1.2, 1.0],
    [1.5, 0.3, 1.0],
    [-0.7, 0.8, 1.0],
    [0.2, 2.1, 1.0],
    [-1.1, -0.4, 1.0],
    [0.9, 1.3, 1.0],
    [2.0, -0.6, 1.0],
    [-0.3, 0.1, 1.0],
]
TASKS = [
    {
        "id": "softmax",
        "kind": "gradient",
        "function": "softmax_grad",
        "variables": {"W": [3, 2]},
        "data": {"X": X8, "y": [0, 1, 1, 0, 1, 0, 0, 1]},
        "f": "-mean(sum(onehot(y, 2) * log_softmax(X @ W), 1))",
        "domain": [-1, 1],
    },
    {
        "id": "two_layer",
        "kind": "gradient",
        "function": "net_grad",
        "variables": {"W1": [2, 3], "b1": [3], "W2": [3], "b2": [1]},
        "data": {"X": [row[:2] for row in X8], "y": [0.3, -0.2, 0.8, 0.1, -0.5, 0.4, 0.9, 0.0]},
        "f": "mean((tanh(X @ W1 + b1) @ W2 + b2 - y)**2)",
        "domain": [-1, 1],
        "timeout": 4,
    },
    {
        "id": "numerical_gradient",
        "kind": "numerical_gradient",
        "function": "numerical_gradient",
        "functions": ["x0**2*x1 + x1**3", "sin(x0)*exp(x1)"],
        "variables": ["x0", "x1"],
        "at": [[0.5, -0.2], [1.0, 2.0]],
        "h": [1e-4],
    },
    {
        "id": "gradient_descent",
        "kind": "gradient_descent",
        "function": "gradient_descent",
        "f": "(x0 - 1)**2 + 10*(x1 + 2)**2",
        "variables": ["x0", "x1"],
        "start": [[0, 0], [3, 1]],
        "lr": [0.01, 0.04],
        "steps": [25],
    },
]
SOURCE = """
import numpy as np

def softmax_grad(W, X, y):
    Z = X @ W
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    return X.T @ (P - np.eye(W.shape[1])[y.astype(int)]) / len(y)

def net_grad(W1, b1, W2, b2, X, y):
    H = np.tanh(X @ W1 + b1)
    d = 2 * (H @ W2 + b2 - y) / len(y)
    dA = np.outer(d, W2) * (1 - H**2)
    return X.T @ dA, dA.sum(axis=0), H.T @ d, np.array([d.sum()])

def numerical_gradient(f, x, h):
    g = np.zeros(len(x))
    for i in range(len(x)):
        e = np.zeros(len(x)); e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g

def gradient_descent(grad, x0, lr, steps):
    x = x0
    for _ in range(steps):
        x = x - lr * grad(x)
    return x
"""


def _median_ms(task, exercise, sandbox, runs: int) -> tuple[float, float, float]:
    result = grade_task(task, exercise, sandbox)  # warm: the child loaded, lambdified once
    assert result.passed, result.feedback
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        grade_task(task, exercise, sandbox)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3, min(times) * 1e3, max(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.yaml"
        path.write_text(yaml.safe_dump({"id": "bench", "title": "Bench", "tasks": TASKS}, sort_keys=False))
        start = time.perf_counter()
        exercise = load_exercise(path)
        compiled = time.perf_counter() - start
        print(f"compile (SymPy: expand, differentiate) all {len(TASKS)} tasks: {compiled * 1e3:.0f} ms")
        start = time.perf_counter()
        data = json.dumps(compiled_form.dump(exercise, [], []))
        dumped = time.perf_counter() - start
        start = time.perf_counter()
        body = json.loads(data)
        compiled_form.validate(body)
        restored = compiled_form.restore(body, path, "")
        read = time.perf_counter() - start
        print(f"compiled form (the cache's entry, {len(data) / 1024:.0f} KiB): made in {dumped * 1e3:.0f} ms, "
              f"read, validated and restored in {read * 1e3:.1f} ms")
        with Sandbox(SOURCE, "bench.py") as sandbox:
            for task, cached in zip(exercise.tasks, restored.tasks, strict=True):
                sympy_ms, low, high = _median_ms(task, exercise, sandbox, args.runs)
                cached_ms, cached_low, cached_high = _median_ms(cached, restored, sandbox, args.runs)
                print(
                    f"{task.id:>20}: {sympy_ms:7.1f} ms a task, warm (min {low:.1f}, max {high:.1f}); "
                    f"compiled form {cached_ms:7.1f} ms (min {cached_low:.1f}, max {cached_high:.1f})"
                )


if __name__ == "__main__":
    main()
