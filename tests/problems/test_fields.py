"""grader.problems.fields and placeholders: formulas and numbers of a problem file read with the
error at their key path and line, and ``{name}`` filled in the texts students read."""

from __future__ import annotations

import math

import pytest
import sympy

from grader.errors import GradquizError
from grader.problems.fields import Where, formula, number, unique
from grader.problems.placeholders import bracketed, fill
from grader.problems.yamlio import Positions

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass


@pytest.fixture
def where(tmp_path):
    return Where(tmp_path / "p.yaml", Positions({(): 1, ("tasks",): 2, ("tasks", 0): 3, ("tasks", 0, "f"): 4}))


def message(call) -> str:
    with pytest.raises(GradquizError) as info:
        call()
    return f"{info.value.line}|{info.value.message}"


def test_formulas_and_numbers(where):
    f = formula("x^2 + 1", ("tasks", 0, "f"), where, symbols=("x",))
    assert isinstance(f, sympy.Expr) and str(f) == "x**2 + 1"
    assert number("pi/2", ("tasks", 0, "at"), where, {}) == pytest.approx(math.pi / 2)
    assert number(3, ("tasks", 0, "at"), where, {}) == 3.0


def test_errors_name_the_key_path_and_line(where):
    assert message(lambda: formula("x +* 2", ("tasks", 0, "f"), where)).startswith(
        "4|tasks[0].f: cannot read formula 'x +* 2': ")
    assert message(lambda: number("x + 1", ("tasks", 0, "at"), where, {})).startswith("3|tasks[0].at: ")
    assert message(lambda: number(float("inf"), ("tasks", 0, "at"), where, {})) == (
        "3|tasks[0].at: expected a finite number, got inf")
    assert message(lambda: unique(["a", "b", "a"], "tasks", "id", where)) == "2|tasks[2].id: duplicate id 'a'"
    unique(["a", "b"], "tasks", "id", where)  # no error


def test_placeholders_are_filled_and_negatives_bracketed():
    assert fill("Differentiate {a}x^{n} at {point}.", {"a": -2, "n": 3}) == "Differentiate (-2)x^3 at {point}."
    assert fill("f = {f}", {"f": "x^2"}) == "f = x^2"  # text is put as it is
    assert fill("{a}", {"a": 0.5}, show=lambda v: f"<{v}>") == "<0.5>"
    assert fill("{ a } {1a} {}", {"a": 1}) == "{ a } {1a} {}"
    assert fill(None, {"a": 1}) is None
    assert (bracketed("-1.5"), bracketed("2")) == ("(-1.5)", "2")
