"""Unit tests for the names a formula may use (grader.maths.parser.names: Names, the checks of
an author's names and constants, the classification and splitting of typed names)."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from grader.maths.functions import helper, helpers
from grader.maths.parser.lexer import Lexer
from grader.maths.parser.names import Names, as_constant, check_name
from grader.maths.parser.syntax import symbol


def classified(names: Names, text: str) -> list[tuple[str, str, int]]:
    return [(t.kind, t.text, t.col) for t in names.classify(Lexer(text).lex())]


def test_names_given_are_checked_and_kept_in_order_once():
    names = Names.given(["y", "x", "y"], {"k": 2})
    assert names.symbols == ("y", "x") and names.restricted
    assert names.symbol_set == {"x", "y"} and names.value_names == {"x", "y", "k"}
    assert names.constants == {"k": sympy.Integer(2)}
    assert Names.given("t", None).symbols == ("t",)  # one name as a string
    free = Names.given(None, None)
    assert free.symbols == () and not free.restricted


@pytest.mark.parametrize("bad", ["2x", "x y", "λ", "", 3, None])
def test_a_bad_variable_name_is_a_type_error(bad):
    with pytest.raises(TypeError, match="invalid variable name"):
        check_name(bad)


def test_a_keyword_cannot_be_a_variable():
    with pytest.raises(TypeError, match="'lambda' is a Python keyword"):
        Names.given(["lambda"], None)


def test_constants_are_exact_and_real():
    assert as_constant("a", 0.1) == sympy.Rational(1, 10)
    assert as_constant("a", Fraction(2, 3)) == sympy.Rational(2, 3)
    assert as_constant("a", sympy.pi) is sympy.pi
    assert as_constant("a", symbol("b")) == symbol("b")
    for value, message in [
        (True, "not bool"),
        (float("inf"), "must be finite"),
        ("2", "must be an int, Fraction, float or SymPy expression, not str"),
        (sympy.Symbol("z"), "non-real symbol z"),
        (sympy.Eq(symbol("b"), 1), "must be a SymPy expression"),
    ]:
        with pytest.raises(TypeError, match=message):
            as_constant("a", value)


def test_what_an_unknown_name_message_says_may_be_used():
    assert Names.given([], None).allowed_text() == "this formula cannot use any variables"
    assert Names.given(["x"], None).allowed_text() == "this formula can use x"
    assert Names.given(["x", "y"], {"k": 2, "x": 1}).allowed_text() == "this formula can use x, y and k"


def test_names_are_classified_and_unknown_ones_split_when_the_variables_are_listed():
    names = Names.given(["x", "y"], None)
    assert classified(names, "xy + sinx + lambda") == [
        ("name", "x", 0), ("name", "y", 1), ("op", "+", 3), ("func", "sin", 5), ("name", "x", 8),
        ("op", "+", 10), ("kw", "lambda", 12),
    ]
    assert names.split("sin2x") == [(0, "sin", "func"), (3, "2", "num"), (4, "x", "name")]
    assert names.split("x2") is None  # a digit only right after a function's name
    assert names.split("zz") is None
    assert names.split("x" * 201) is None  # too long to try
    # without a list of variables any name is a variable: nothing is split
    assert classified(Names.given(None, None), "xy") == [("name", "xy", 0)]


def test_fewest_pieces_win_and_a_helper_is_a_function_while_in_use():
    names = Names.given(["e", "x", "ex"], None)
    assert names.split("exx") == [(0, "ex", "name"), (2, "x", "name")]
    plain = Names.given(["x"], None)
    assert classified(plain, "s(x)")[0] == ("name", "s", 0)
    with helpers({"s": helper("s", symbol("x") ** 2, symbol("x"), "x^2")}):
        assert classified(plain, "s(x)")[0] == ("func", "s", 0)
        assert plain.split("sx") == [(0, "s", "func"), (1, "x", "name")]
