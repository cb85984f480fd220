"""What the buggy differentiator costs: slips made per function and the time to make them
and to name a wrong answer (an expression question's diagnose: the slips, then one NumPy
evaluation each until one matches), for the functions of the course and of machine learning.

    python benchmarks/mistakes_bench.py            # this checkout
    PYTHONPATH=/path/to/other/checkout python benchmarks/mistakes_bench.py

Prints, per function, the number of slips, ms to make them, ms to compare a wrong answer
(the chain-rule slip when there is one) and the name it gets.
"""

from __future__ import annotations

import time

import sympy

CASES = [  # (f, a wrong derivative typed by a student)
    ("x**3", "3*x**3"),
    ("sin(3*x)", "cos(3*x)"),
    ("x*exp(x)", "exp(x)"),
    ("1/(1 + exp(-x))", "-exp(-x)/(1 + exp(-x))**2"),
    ("1/(1 + exp(-2*x))", "exp(-2*x)/(1 + exp(-2*x))**2"),
    ("log(1 + exp(2*x))", "exp(2*x)/(1 + exp(2*x))"),
    ("tanh(x)", "1 + tanh(x)**2"),
    ("(2*x - 1)**2 + (3*x + 2)**2 + (x + 5)**2", "2*(2*x - 1) + 2*(3*x + 2) + 2*(x + 5)"),
    ("log(1 + exp(-2*x)) + log(1 + exp(3*x - 1)) + log(1 + exp(x/2))", "-1/(1 + exp(2*x)) + 1/(1 + exp(1 - 3*x)) + 1/(1 + exp(-x/2))"),
]


def main() -> None:
    from grader.maths import mistakes
    from grader.maths.equivalence import compare
    from grader.maths.parser import parse_math

    x = sympy.Symbol("x", real=True)
    total_make = total_compare = 0.0
    print(f"{'f':62} {'slips':>5} {'make ms':>8} {'name ms':>8}  mistake")
    for f_text, wrong in CASES:
        f = parse_math(f_text)
        start = time.perf_counter()
        slips = mistakes.derivative_slips(f, x)
        made = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        verdict = compare(parse_math(wrong), sympy.diff(f, x), ("x",), domain={"x": (-2, 2)}, f=f)
        named = (time.perf_counter() - start) * 1000
        total_make, total_compare = total_make + made, total_compare + named
        print(f"{f_text:62} {len(slips):5} {made:8.1f} {named:8.1f}  {verdict.mistake[0] if verdict.mistake else '-'}")
    print(f"{'total':62} {'':5} {total_make:8.1f} {total_compare:8.1f}")


if __name__ == "__main__":
    main()
