"""grader.exercise.calls (what the sandbox returned, checked before grading trusts it: hostile
shapes and values become a garbled run) and grader.exercise.dual (derivatives by dual numbers
over a formula's tree, with one rule of calculus broken at a time)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from grader.exercise.calls import _call_error, _fit_shape, _value, checked_run, garbled
from grader.exercise.dual import Unknown, derivative
from grader.sandbox import Run

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass


def test_a_run_is_trusted_only_in_the_shape_grading_expects():
    good = checked_run(Run(results=[{"ok": True}, {"ok": False}]), 2)
    assert good.failure is None and len(good.results) == 2
    assert checked_run(Run(results=[{"ok": True}]), 2).detail == {"reason": "results"}  # one reply short
    assert checked_run(Run(results=[{"ok": True}, "forged"]), 2).failure == "garbled"
    assert checked_run(Run(failure="pwned"), 1).detail == {"reason": "unknown failure"}
    timeout = checked_run(Run(failure="timeout", detail={"timeout": float("nan"), "returncode": True, "x": 1}), 1)
    assert (timeout.failure, timeout.detail) == ("timeout", {"x": 1})  # non-numbers dropped
    assert checked_run("not a run", 1).failure == "garbled"
    assert garbled("why").detail == {"reason": "why"}


@pytest.mark.parametrize(
    "item",
    [
        {"shape": [2], "data": [1.0]},  # data does not fill the shape
        {"shape": [-1], "data": []},
        {"shape": [1] * 9, "data": [1.0]},  # too many dimensions
        {"shape": [2_000_000], "data": []},
        {"shape": [1], "data": [True]},
        {"shape": [1], "data": ["1"]},
        {"shape": "()", "data": [1]},
        {"shape": [1], "data": [10**400]},  # an integer too large for a float
    ],
)
def test_a_returned_value_that_is_not_plain_numbers_is_none(item):
    assert _value(item) is None


def test_a_returned_value_read_and_fitted_to_the_tasks_shape():
    data, shape = _value({"shape": [2, 2], "data": [1, 2, 3, 4]})
    assert shape == (2, 2) and data.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert _fit_shape(data, shape, (2, 2)).tolist() == [[1, 2], [3, 4]]
    assert _fit_shape(np.array([5.0]), (1,), ()).shape == ()  # a scalar task accepts [v]
    assert _fit_shape(data, shape, (4,)) is None
    assert _call_error({"returned": "x" * 500})["returned"] == "x" * 200
    assert _call_error({}) == {"error": {"type": "Error", "message": "(no description)"}}
    assert _call_error({"error": {"type": "E", "message": "a\nb", "junk": 1}}) == {
        "error": {"type": "E", "message": "a\\nb"}}  # one line: the break shown, never made


def test_dual_numbers_give_the_derivative_and_each_broken_rule_its_own():
    f = "sin(x) * x**3"
    x = 0.7
    right = math.cos(x) * x**3 + math.sin(x) * 3 * x**2
    assert derivative(f, "x", x) == pytest.approx(right)
    assert derivative(f, "x", x, ("product_rule", "left")) != pytest.approx(right)
    assert derivative("x**3", "x", 2.0, ("power_rule", "no_factor")) != pytest.approx(12.0)
    assert derivative("sin(2*x)", "x", 0.3) == pytest.approx(2 * math.cos(0.6))
    assert derivative("sin(2*x)", "x", 0.3, ("chain_rule", "no_inner")) == pytest.approx(math.cos(0.6))
    with pytest.raises(Unknown):
        derivative("mystery(x)", "x", 1.0)
