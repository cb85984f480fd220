"""Time the typed-maths parser on 10,000 typed answers, and fingerprint what it read.

The answers are the typed answers and keys of the held-out corpus (tests/data/typed_pairs.yaml)
and the friendly forms of benchmarks/quiz_bench.py, each with its question's variables, repeated
to the count asked for.  Prints, for ``parse_math`` (an instructor's formula) and for
``read_math(..., answer=True)`` (a student's answer: also the other readings of an ambiguous
text), the best of ``--runs`` CPU times, the time per answer, and a fingerprint of every result
and error message (column included); then the fingerprint of ``--fuzz`` seeded random texts (half
random pieces, right and wrong, half random friendly formulas) read as answers, with or without
listed variables and constants. Two versions of the parser that read alike print the same
fingerprints.

    python benchmarks/parse_bench.py [--answers 10000] [--runs 3] [--fuzz 10000]
    PYTHONPATH=/path/to/other/checkout python benchmarks/parse_bench.py   # another version
"""

from __future__ import annotations

import argparse
import hashlib
import random
import time
from collections.abc import Callable
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "tests" / "data" / "typed_pairs.yaml"


# (f, the derivative typed by a student, a wrong answer): benchmarks/quiz_bench.py's forms
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


def answers(count: int) -> list[tuple[str, tuple[str, ...] | None]]:
    """(typed text, the variables it may use), repeated to ``count``."""
    pairs = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["pairs"]
    texts: list[tuple[str, tuple[str, ...] | None]] = []
    for pair in pairs:
        variables = tuple(pair.get("variables") or ("x",))
        if isinstance(pair.get("answer"), str):
            texts.append((pair["answer"], variables))
        if isinstance(pair.get("key"), str):
            texts.append((pair["key"], None))
    for n in range(2, 6):
        fill = {"n": n, "m": n - 1, "k": 2 * n}
        for f, good, bad in FUNCTIONS:
            texts += [(f.format(**fill), None), (good.format(**fill), ("x",)), (bad.format(**fill), ("x",))]
    return [texts[i % len(texts)] for i in range(count)]


# pieces of typed text, right and wrong, for the fuzzed fingerprint
PIECES = ["x", "y", "2", "0.5", "e", "pi", "sin", "cos", "ln", "sqrt", "abs", "relu", "xy", "sinx", "log", "tan", "asin",
          "(", ")", "|", "^", "**", "*", "/", "+", "-", " ", ",", "²", "⁻¹", "√", "π", "·", "−", "[", "]", "{", "}",
          "\\frac{1}{x}", "\\sqrt{x}", "\\sin", "=", "f'(x) =", "0,5", "1e5", "lambda", "@", "//", "!", "'", "1/2x",
          "e^2x", "sin^2", "sin^-1", "Cos", "oo", "_a", "k", "9^9^9", "a", "t", ";", "..."]
FUNCS = ["sin", "cos", "ln", "sqrt", "exp", "tanh", "relu", "abs", "asin", "log", "sec", "cbrt", "sigmoid"]


def formula(rnd: random.Random, depth: int = 0) -> str:
    """A random formula of the friendly forms (most of them read, some do not)."""
    r = rnd.random()
    if depth > 3 or r < 0.3:
        return rnd.choice(["x", "y", "2", "3", "0.5", "e", "pi", "2x", "xy", "x^2", "x²", "10", "k", "1.25"])
    if r < 0.45:
        return f"{formula(rnd, depth + 1)}{rnd.choice(['+', '-', '*', '/', '^', ' ', ''])}{formula(rnd, depth + 1)}"
    if r < 0.6:
        f, arg = rnd.choice(FUNCS), formula(rnd, depth + 1)
        return rnd.choice([f"{f}({arg})", f"{f} {arg}", f"{f}^2 {arg}", f"{f}^-1 x", f"\\{f} x" if f in ("sin", "cos") else f"{f}(x)"])
    if r < 0.75:
        return f"({formula(rnd, depth + 1)})" + rnd.choice(["", "^2", "(x+1)", " x", "^(1/2)", "^-1"])
    if r < 0.85:
        return f"|{formula(rnd, depth + 1)}|"
    if r < 0.92:
        return f"\\frac{{{formula(rnd, depth + 1)}}}{{{formula(rnd, depth + 1)}}}"
    return f"{formula(rnd, depth + 1)}/{formula(rnd, depth + 1)}+{formula(rnd, depth + 1)}"


def fuzzed(count: int, read_math: Callable[..., object], error: type[Exception]) -> tuple[int, str]:
    """How many of ``count`` seeded random texts read, and a fingerprint of every reading or error."""
    rnd = random.Random(18)
    digest, read = hashlib.sha256(), 0
    for i in range(count):
        text = formula(rnd) if i % 2 else "".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 9)))
        symbols = rnd.choice([None, ("x",), ("x", "y"), ("t",)])
        constants = rnd.choice([None, {"k": 3}, {"a": 0.1}])
        try:
            out = repr(read_math(text, symbols=symbols, constants=constants, answer=rnd.random() < 0.6))
            read += 1
        except error as exc:
            out = f"error: {exc} at {getattr(exc, 'column', None)}"
        digest.update(f"{text!r} {out}".encode())
    return read, digest.hexdigest()[:16]


def entry_points() -> tuple[Callable[..., object], Callable[..., object], type[Exception]]:
    try:
        from grader.maths.parser import MathSyntaxError, parse_math, read_math
    except ImportError:  # a version from before the parser was a subpackage
        from grader.maths.parse import MathSyntaxError, parse_math, read_math  # type: ignore[no-redef]
    return parse_math, read_math, MathSyntaxError


def run(call: Callable[[str, tuple[str, ...] | None], object], texts: list, error: type[Exception]) -> tuple[float, str]:
    """CPU seconds (the machine is shared: wall time is mostly the neighbours') and the fingerprint."""
    from sympy.core.cache import clear_cache

    clear_cache()  # each run starts as a fresh process would
    digest = hashlib.sha256()
    start = time.process_time()
    for text, variables in texts:
        try:
            out = call(text, variables)
        except error as exc:
            out = f"error: {exc} at {getattr(exc, 'column', None)}"
        digest.update(repr(out).encode())
    return time.process_time() - start, digest.hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fuzz", type=int, default=10_000, help="random texts read for the fingerprint only")
    args = parser.parse_args()
    parse_math, read_math, error = entry_points()
    texts = answers(args.answers)
    calls = {
        "parse_math": lambda text, variables: parse_math(text, symbols=variables),
        "read_math(answer=True)": lambda text, variables: read_math(text, symbols=variables, answer=True),
    }
    import grader

    print(f"{len(texts)} typed answers, CPU time, best of {args.runs} runs, grader from {Path(grader.__file__).parent}")
    for name, call in calls.items():
        times, prints = zip(*(run(call, texts, error) for _ in range(args.runs)), strict=True)
        best = min(times)
        print(f"{name:24} {best:7.2f} s CPU   {best * 1e6 / len(texts):7.0f} us/answer   fingerprint {prints[0]}")
    if args.fuzz:
        read, fingerprint = fuzzed(args.fuzz, read_math, error)
        print(f"{args.fuzz} fuzzed texts, {read} read{'':13} fingerprint {fingerprint}")


if __name__ == "__main__":
    main()
