"""Time hostile answers files through `gradquiz check` (goal: each within a second or two).

Prints, per case, the wall time of the whole command, its exit code and the first line of
its stderr, beside a well-formed answers file as the floor.

    python benchmarks/hostile_answers_bench.py [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUIZ = """\
id: hq
title: Hostile answers
questions:
  - {id: num, kind: number, prompt: two, answer: 2}
  - {id: expr, kind: expression, f: x**2}
  - {id: rises, kind: interval, prompt: where, answer: "(0, oo)"}
  - {id: stat, kind: stationary_points, prompt: where, answer: [-1, 1]}
  - {id: pick, kind: choice, prompt: pick, choices: [a, b], answer: 0}
"""
DIGITS = "9" * 5000
LAUGHS = "\n".join(["l0: &l0 [" + ", ".join(["x"] * 9) + "]"]
                   + [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)])
CASES = {
    "well-formed (floor)": "quiz: hq\nanswers: {num: 2, expr: 2x, rises: '(0, oo)', stat: '-1, 1', pick: 0}\n",
    "nan and inf": "quiz: hq\nanswers: {num: .nan, expr: .inf, rises: -.inf, stat: .nan, pick: .inf}\n",
    "5000-digit integer": f"quiz: hq\nanswers: {{num: {DIGITS}}}\n",
    "5000-digit strings": f"quiz: hq\nanswers: {{num: '{DIGITS}', expr: '{DIGITS}', stat: '{DIGITS}'}}\n",
    "nested 5000 deep": "quiz: hq\nanswers: {num: " + "[" * 5000 + "]" * 5000 + "}\n",
    "billion laughs": f"quiz: hq\n{LAUGHS}\nanswers: {{num: *l8}}\n",
    "self-referential alias": "quiz: hq\nanswers: &x {num: *x}\n",
    "20000-item list": "quiz: hq\nanswers: {num: [" + ", ".join(["1"] * 20000) + "]}\n",
    "20000 unknown ids": "quiz: hq\nanswers: {" + ", ".join(f"k{i}: 1" for i in range(20000)) + "}\n",
    "undecidable interval ends": "quiz: hq\nanswers: {rises: '(cos(1)^2 + sin(1)^2, 1]'}\n",
    "huge interval end": "quiz: hq\nanswers: {rises: '(0, 10^16]'}\n",
    "900 KB answer": "quiz: hq\nanswers: {expr: '" + "x+" * 450_000 + "x'}\n",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    exe = shutil.which("gradquiz") or sys.exit("the `gradquiz` command is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "hq.yaml").write_text(QUIZ)
        print(f"{'case':28} {'median s':>9} {'exit':>5}  stderr")
        for name, text in CASES.items():
            path = folder / "case.answers.yaml"
            path.write_text(text)
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                proc = subprocess.run([exe, "check", str(path), "--problems", str(folder / "hq.yaml"), "--format", "json"],
                                      capture_output=True, text=True, cwd=folder)
                times.append(time.perf_counter() - start)
            first = (proc.stderr.strip().splitlines() or [""])[-1].replace(str(path), "FILE")[:70]
            print(f"{name:28} {statistics.median(times):9.2f} {proc.returncode:5}  {first}")


if __name__ == "__main__":
    main()
