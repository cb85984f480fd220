"""Unit tests for the parser's entry points as read (grader.maths.parser.reading: a Reading,
its shown grouping, its notes and the other readings of an ambiguous answer)."""

from __future__ import annotations

import sympy

from grader.maths.parser.reading import MAX_LENGTH, Reading, read_math
from grader.maths.parser.syntax import symbol

x = symbol("x")


def test_the_reading_shows_the_grouping_and_says_when_it_differs():
    reading = read_math("1/2 x^(-1/2)", symbols=["x"])
    assert reading.shown == "(1/2)*x^(-1/2)"
    assert reading.differs and reading.read_as() == "Read as (1/2)*x^(-1/2)."
    plain = read_math("x^2 + 1", symbols=["x"])
    assert not plain.differs and plain.read_as() == ""
    assert Reading(x, "x", "x", notes=("from LaTeX",)).read_as() == "Read as x (from LaTeX)."


def test_an_answer_is_also_read_the_other_ways():
    assert read_math("e^2x", symbols=["x"], answer=True).alternatives == (("e^(2*x)", sympy.exp(2 * x)),)
    assert read_math("1/2x", symbols=["x"], answer=True).alternatives == (("1/(2*x)", 1 / (2 * x)),)
    fraction = read_math("2x/x^2+1", symbols=["x"], answer=True)
    assert ("2*x/(x^2 + 1)", 2 * x / (x**2 + 1)) in fraction.alternatives
    assert read_math("e^2x", symbols=["x"]).alternatives == ()  # an author's formula: one reading


def test_an_answer_loses_its_name_in_front_and_its_decimal_comma_with_a_note():
    reading = read_math("f'(x) = 0,5x", symbols=["x"], answer=True)
    assert reading.expr == x / 2
    assert reading.notes == ("without the 'f'(x) =' in front", "the decimal comma read as a point")
    assert reading.decimals == ("0.5",)
    assert reading.text == "f'(x) = 0,5x"


def test_guards_and_the_length_limit():
    assert [g[2] for g in read_math("sqrt(x)^2", symbols=["x"]).guards] == ["sqrt(x)"]
    assert MAX_LENGTH == 2000
