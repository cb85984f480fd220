"""grader.maths.domains: the guards that keep a formula's real domain (square roots, logs,
inverse trigonometry), where they fail, and the far points where a hidden difference shows."""

from __future__ import annotations

import sympy

from grader.maths.domains import MAX_FAR, box_of, failing, far_points, holds, real_mask, unpack, walk, wider_boxes
from grader.maths.evaluation import evaluate
from grader.maths.parser import read_math, symbol

x, y = symbol("x"), symbol("y")


def test_guards_come_from_roots_logs_and_inverse_trigonometry():
    expr = sympy.sqrt(x - 1) + sympy.log(y) + sympy.asin(x / 2) + x**2
    conditions = {g[0] for g in walk(expr)}
    assert conditions == {x - 1, y, 1 - x**2 / 4}
    assert walk(x**2 + sympy.sqrt(2)) == []  # no variable under the root: nothing to guard
    assert {text for _, _, text in walk(sympy.log(x))} == {"log(x)"}


def test_unpack_keeps_the_readings_guards_first_and_adds_the_trees():
    reading = read_math("sqrt(x)^2", symbols=("x",))  # SymPy made it x; the typed text keeps x >= 0
    expr, guards = unpack(reading)
    assert expr == x and [(g[0], g[2]) for g in guards] == [(x, "sqrt(x)")]
    expr, guards = unpack(sympy.log(x) + sympy.sqrt(x))
    assert [g[0] for g in guards] == [x]  # one guard per condition


def test_where_a_guard_fails():
    _, guards = unpack(sympy.sqrt(x - 1) + sympy.log(y))
    one, two, zero = sympy.Integer(1), sympy.Integer(2), sympy.Integer(0)  # exact points, as the callers pass
    assert failing(guards, (x, y), (two, one)) is None and holds(guards, (x, y), (two, one))
    assert failing(guards, (x, y), (zero, one)) == "sqrt(x - 1)"
    assert failing(guards, (x, y), (two, -one)) == "log(y)" and not holds(guards, (x, y), (two, -one))
    mask = real_mask(guards, (x, y), [(2, 1), (0, 1), (2, -1), (1, 1e-3)], evaluate)
    assert mask.tolist() == [True, False, False, True]


def test_where_to_look_for_a_difference():
    boxes = list(wider_boxes(["x", "t"], {"x": (0, 1)}))
    assert boxes[0] == {"x": (0, 1), "t": (-100, 100)} and boxes[-1]["t"] == (-1_000_000, 1_000_000)
    box = box_of(["x", "t"], [(0.5, 2.0), (0.7, 4.0)], {"x": (0, 1)})
    assert box["x"] == (0, 1) and box["t"] == (2.0 - 0.04, 4.0 + 0.04)
    points = far_points(["x"], {}, (0,), sympy.Max(0, x - 1000))
    assert len(points) == MAX_FAR and points[0] == (sympy.Rational("2000.37"),)  # near the difference's 1000 first
    assert (sympy.Rational("-1001.37"),) in points
    assert far_points(["x"], {"x": (0, 1)}, (0,), x) == []
