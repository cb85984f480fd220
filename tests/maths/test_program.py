"""Expressions as data (grader.maths.program): the same values as lambdify, bit for bit, and a
program outside the whitelist refused before anything runs."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from grader.maths.functions import FUNCTIONS
from grader.maths.numerics import lambdify
from grader.maths.parser import parse_math, symbol
from grader.maths.program import (
    ProgramError,
    check,
    compile_expression,
    evaluate,
    function,
    run_rows,
)

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

X, Y = symbol("x"), symbol("y")
POINTS = np.array([[-2.3, 0.7], [-1.0, 1.0], [-0.4, -1.9], [0.0, 0.0], [0.35, 2.2], [1.0, -0.5], [2.9, 3.1]])
TEXTS = [
    "x**2", "3*x*y - y**3/7", "1/x", "x**(1/3)", "2**x", "x**x", "exp(-x**2/2)/sqrt(2*pi)", "log(x, 10) + log2(y)",
    "abs(x) * sign(y)", "relu(x - y)", "sigmoid(3x)", "softplus(x*y)", "sec(x) + csc(y) + cot(x*y)",
    "sech(x) + csch(y) + coth(x + 1)", "asin(x/3) + acos(y/4) + atan(x*y)", "asinh(x) + acosh(y + 3) + atanh(x/5)",
    "cbrt(x - 1)", "e^x + pi", "(x + 1)/(y**2 + 1)", "tanh(x)**2 + cosh(y)", "0.1*x + 1e-3",
]


def no_delta(expr):
    return expr.replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)  # as problem.py does


def expressions():
    for text in TEXTS:
        expr = parse_math(text, symbols=("x", "y"))
        yield text, expr
        yield f"d/dx {text}", no_delta(sympy.diff(expr, X))
        yield f"d2/dxdy {text}", no_delta(sympy.diff(expr, X, Y))


@pytest.mark.parametrize("name, expr", list(expressions()), ids=lambda v: v if isinstance(v, str) else "")
def test_a_program_gives_lambdifys_values_bit_for_bit(name, expr):
    program = compile_expression(("x", "y"), expr)
    with np.errstate(all="ignore"):
        want = np.broadcast_to(np.asarray(lambdify([X, Y], expr)(*POINTS.T), dtype=float), (len(POINTS),))
        got = run_rows([program], POINTS, ())
        closures = run_rows([function(program)], POINTS, ())  # the same program made into closures once
    assert np.array_equal(got, want, equal_nan=True), name
    assert np.array_equal(closures, want, equal_nan=True), name


def test_every_whitelisted_function_of_one_variable_compiles():
    for fn in FUNCTIONS.values():
        if 1 in fn.arity:
            compile_expression(("x",), no_delta(sympy.diff(fn.build(X), X)))


@pytest.mark.parametrize("program, why", [
    (["f", "system", ["n", 1]], "unknown function"),
    (["f", "sin", ["v", 0], ["v", 0]], "arity"),
    (["f", "__import__", ["n", 1]], "unknown function"),
    (["v", 2], "bad variable"),
    (["v", True], "bad variable"),
    (["n", "1"], "bad number"),
    (["n", 2**70], "bad number"),
    (["n", float("nan")], "bad number"),
    (["c", "__class__"], "unknown constant"),
    (["+", ["v", 0]], "unknown node"),
    (["getattr", ["v", 0], ["n", 1]], "unknown node"),
    ({"op": "+"}, "malformed"),
    ([], "malformed"),
    (["select", [["v", 0]], [], ["n", 0]], "bad select"),
])
def test_a_program_off_the_whitelist_is_refused(program, why):
    with pytest.raises(ProgramError, match=why):
        check(program, 1)


def test_size_and_depth_are_bounded():
    deep = ["v", 0]
    for _ in range(250):
        deep = ["neg", deep]
    with pytest.raises(ProgramError, match="too deep"):
        check(deep, 1)
    wide = ["max", *[["v", 0]] * 60_000]
    with pytest.raises(ProgramError, match="too large"):
        check(wide, 1)


def test_an_integer_power_cannot_grow_without_bound():
    program = ["**", ["n", 10], ["n", 10**9]]
    check(program, 1)  # well formed...
    with pytest.raises(ProgramError, match="integer power"):
        evaluate(program, [np.zeros(1)])  # ...but never computed
    with pytest.raises(ProgramError, match="integer power"):
        function(program)([np.zeros(1)])


def test_a_program_is_plain_json():
    import json

    program = compile_expression(("x", "y"), parse_math("sin(x)*exp(y) + relu(x)", symbols=("x", "y")))
    assert json.loads(json.dumps(program)) == program
