"""Time grading a 50-question expression quiz, by the command and in process.

Builds the quiz and a right answers file in a temporary folder (derivatives of
polynomials, exponentials, logarithms, trigonometric and hyperbolic functions, typed
the friendly way: `3x^2`, `e^(2x)`, `ln x`...), then prints:

* the median wall time of `gradquiz check answers.yaml` and of the floor
  `python -c "import sympy, numpy"`, with the peak memory (max RSS) of each;
* the in-process time to load the quiz and to grade all answers (right ones, then
  wrong ones, which also look for a counterexample and a mistake), per question,
  and the peak memory of this process.

    python benchmarks/quiz_bench.py [--runs 5] [--questions 50]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_bench import median_of  # noqa: E402  (one timing probe for every benchmark)

# (f, the derivative typed by a student, a wrong answer)
FUNCTIONS = [
    ("x**{n}", "{n}x^{m}", "{n}x^{n}"),
    ("exp({n}*x)", "{n}e^({n}x)", "e^({n}x)"),
    ("log(x**2 + {n})", "2x/(x^2 + {n})", "1/(x^2 + {n})"),
    ("sin({n}*x)", "{n} cos({n}x)", "cos({n}x)"),
    ("x*cos(x) + {n}", "cos x - x sin x", "-sin x"),
    ("tanh({n}*x)", "{n} sech({n}x)^2", "sech({n}x)^2"),
    ("(x**2 + 1)**{n}", "{k}x(x^2+1)^{m}", "{n}(x^2+1)^{m}"),
    ("sqrt(x**2 + {n})", "x/sqrt(x^2 + {n})", "1/(2 sqrt(x^2 + {n}))"),
    ("tan(x) + x**{n}", "sec^2 x + {n}x^{m}", "sec^2 x"),
    ("1/(1 + exp(-{n}*x))", "{n} e^(-{n}x)/(1 + e^(-{n}x))^2", "e^(-{n}x)/(1 + e^(-{n}x))^2"),
]
def build(folder: Path, count: int) -> tuple[Path, Path, Path]:
    questions, right, wrong = [], {}, {}
    for i in range(count):
        f, good, bad = FUNCTIONS[i % len(FUNCTIONS)]
        n = 2 + i // len(FUNCTIONS)
        fill = {"n": n, "m": n - 1, "k": 2 * n}
        qid = f"q{i + 1:02d}"
        questions.append({"id": qid, "kind": "expression", "f": f.format(**fill)})
        right[qid], wrong[qid] = good.format(**fill), bad.format(**fill)
    quiz = folder / "bench.yaml"
    quiz.write_text(yaml.safe_dump({"id": "bench", "title": "Benchmark", "questions": questions}, sort_keys=False))
    paths = []
    for name, answers in (("right", right), ("wrong", wrong)):
        path = folder / f"{name}.answers.yaml"
        path.write_text(yaml.safe_dump({"quiz": "bench", "answers": answers}, sort_keys=False))
        paths.append(path)
    return quiz, paths[0], paths[1]


def in_process(quiz_path: Path, right: Path, wrong: Path) -> dict:
    from grader.quiz import load_quiz
    from grader.quiz.grade import check_answers

    start = time.perf_counter()
    quiz = load_quiz(quiz_path, "")
    loaded = time.perf_counter() - start
    out = {"load": loaded, "questions": len(quiz.questions)}
    for name, path in (("right", right), ("wrong", wrong)):
        start = time.perf_counter()
        report = check_answers(path, problems=[quiz_path], student="")
        out[name] = time.perf_counter() - start
        out[f"{name}_score"] = f"{report.score:g}/{report.max_score:g}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--questions", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        quiz, right, wrong = build(Path(tmp), args.questions)
        gradquiz = shutil.which("gradquiz")
        base = [gradquiz] if gradquiz else [sys.executable, "-m", "grader"]
        check = [*base, "check", str(right), "--problems", str(quiz)]
        floor_t, _, floor_rss = median_of([sys.executable, "-c", "import sympy, numpy"], args.runs)
        check_t, code, check_rss = median_of(check, args.runs)
        inside = in_process(quiz, right, wrong)
    n = inside["questions"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"floor      python -c 'import sympy, numpy'       {floor_t * 1000:7.0f} ms   peak {floor_rss / 1024:6.1f} MiB")
    print(f"command    gradquiz check ({n} expressions)      {check_t * 1000:7.0f} ms   peak {check_rss / 1024:6.1f} MiB  (exit {code})")
    print(f"           {(check_t - floor_t) * 1000 / n:.1f} ms per question above the floor, median of {args.runs} runs")
    print(f"in process load the quiz                          {inside['load'] * 1000:7.0f} ms")
    print(
        f"in process grade right answers ({inside['right_score']})       {inside['right'] * 1000:7.0f} ms"
        f"   {inside['right'] * 1000 / n:5.1f} ms/question"
    )
    print(
        f"in process grade wrong answers ({inside['wrong_score']})        {inside['wrong'] * 1000:7.0f} ms"
        f"   {inside['wrong'] * 1000 / n:5.1f} ms/question (counterexample + mistake)"
    )
    print(f"in process peak memory                             {peak:7.1f} MiB")


if __name__ == "__main__":
    main()
