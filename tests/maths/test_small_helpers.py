"""The maths wing's small modules, each through its functions: text.shorten, printing.format_math,
syntax.symbol, seeds, limits (CPU-time limits), functions (the whitelist), friendly (LaTeX,
decimal commas, ``f'(x) =`` prefixes) and evaluation (values at points, NaN off the reals)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy

from grader.maths.evaluation import evaluate
from grader.maths.functions import FUNCTIONS
from grader.maths.limits import TimeLimit, attempt, time_limit
from grader.maths.parser import MathSyntaxError, symbol
from grader.maths.parser.friendly import decimal_comma, drop_name_prefix, from_latex, lower_case_suggestion
from grader.maths.printing import format_math
from grader.maths.seeds import grading_salt, rng, seed
from grader.maths.text import shorten

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

x, y = symbol("x"), symbol("y")


def test_shorten_keeps_the_limit():
    assert shorten("short") == "short"
    assert shorten("a" * 25) == "a" * 17 + "..." and len(shorten("a" * 25)) == 20
    assert shorten("abcdefgh", 5) == "ab..."


def test_format_math_reads_as_typed():
    assert format_math(3 * x**2) == "3*x^2"
    assert format_math(sympy.exp(2 * x)) == "exp(2*x)"
    assert format_math(sympy.E) == "e"
    assert format_math(sympy.Max(0, x)) == "relu(x)" and format_math(sympy.Max(0, x - 1)) == "relu(x - 1)"
    assert format_math(sympy.Max(1, x)) == "max(1, x)" and format_math(sympy.Min(1, x)) == "min(1, x)"
    assert format_math(sympy.Max(0, x, sympy.Symbol("y"))) == "max(0, x, y)"
    assert format_math(sympy.Abs(x)) == "abs(x)"
    assert format_math(3) == "3" and format_math(Fraction(1, 2)) == "1/2"
    with pytest.raises(TypeError):
        format_math(True)
    with pytest.raises(TypeError, match="not str"):
        format_math("x")


def test_symbols_are_real_and_one_per_name():
    assert symbol("x") is x and x.is_real
    assert sympy.sqrt(x**2) == sympy.Abs(x)
    with pytest.raises(TypeError):
        symbol("")
    error = MathSyntaxError("unexpected ')'", 3)
    assert (str(error), error.column, isinstance(error, ValueError)) == ("unexpected ')'", 3, True)


def test_seeds_are_reproducible_and_apart(monkeypatch):
    assert seed("ex", "f", "ada") == seed("ex", "f", "ada") != seed("ex", "f", "bo")
    assert seed("ab", "c") != seed("a", "bc")  # parts joined by a separator, not run together
    assert rng("ex", 1).random() == rng("ex", 1).random()
    monkeypatch.setenv("GRADQUIZ_SECRET", "class-secret")
    assert grading_salt() == grading_salt() and grading_salt()[0] == "grading-secret"
    kept = grading_salt()
    monkeypatch.delenv("GRADQUIZ_SECRET")
    assert grading_salt() != grading_salt() != kept  # fresh randomness without the secret


def test_time_limits_count_cpu_time_and_attempt_gives_the_default():
    def spin():
        while True:
            pass

    with pytest.raises(TimeLimit), time_limit(0.05):
        spin()
    assert attempt(spin, seconds=0.05, default="gave up") == "gave up"
    assert attempt(lambda: 1 / 0, default="no") == "no"
    assert attempt(lambda: 42) == 42
    with time_limit(None):
        assert sum(range(10)) == 45


def test_the_function_whitelist():
    assert {"sin", "ln", "log", "relu", "sigmoid", "softplus", "abs", "sqrt"} <= set(FUNCTIONS)
    assert {"eval", "exec", "open", "__import__", "sympify", "Symbol"}.isdisjoint(FUNCTIONS)
    assert FUNCTIONS["log"].arity == (1, 2) and FUNCTIONS["sin"].arity == (1,)
    assert FUNCTIONS["relu"].build(x) == sympy.Max(0, x)
    assert FUNCTIONS["sigmoid"].build(sympy.Integer(0)) == sympy.Rational(1, 2)
    assert FUNCTIONS["log2"].build(sympy.Integer(8)).equals(3)


def test_friendly_forms():
    assert from_latex("\\frac{1}{2} x^{2}") == ("((1)/(2)) x^(2)", True)
    assert from_latex("\\sin(x) \\cdot \\sqrt{x}") == ("sin (x) * sqrt(x)", True)
    assert from_latex("2x") == ("2x", False)
    assert decimal_comma("0,5x") == ("0.5x", True)
    assert decimal_comma("log(x,2)") == ("log(x,2)", False)
    with pytest.raises(MathSyntaxError, match="could be a decimal or a thousand"):
        decimal_comma("1,000")
    assert drop_name_prefix("f'(x) = 2x", ["x"]) == ("2x", "f'(x) =")
    assert drop_name_prefix("x = 2", ["x"]) == ("x = 2", None)
    assert drop_name_prefix("df/dx = 2x", ["x"]) == ("2x", "df/dx =")
    assert lower_case_suggestion("Cos", {"x"}) == "cos" and lower_case_suggestion("PI", {"pi"}) == "pi"
    assert lower_case_suggestion("cos", {"x"}) is None


def test_evaluate_gives_floats_and_nan_off_the_reals():
    values = evaluate(sympy.sqrt(x) + y, [x, y], [(4, 1), (-1, 0), (0.25, 2)])
    assert values[0] == 3.0 and math.isnan(values[1]) and values[2] == 2.5
    assert evaluate(sympy.pi, [], [(), ()]).tolist() == [math.pi, math.pi]
    assert np.isnan(evaluate(1 / x, [x], [(0,)]))[0]
