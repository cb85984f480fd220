"""Unit tests for the rewriting stage (grader.maths.parser.rewriter: the Rewriter's bracket tree
and its plain Python text in each mode, and the errors it names at their columns)."""

from __future__ import annotations

import pytest

from grader.maths.parser.lexer import Lexer
from grader.maths.parser.names import Names
from grader.maths.parser.rewriter import Rewriter
from grader.maths.parser.syntax import MAX_NESTING, MathSyntaxError
from grader.maths.parser.tokens import Call, Group, Tok

XY = Names.given(["x", "y"], None)


def rewritten(text: str, mode: str = "standard", names: Names = XY) -> str:
    return Rewriter(text, names, mode).rewrite(names.classify(Lexer(text).lex())).text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text, python",
    [
        ("2x", "2 * x"),
        ("(x+1)(x-1)", "( x + 1 ) * ( x - 1 )"),
        ("sin 2x", "sin ( 2 * x )"),
        ("sin^2 x", "( sin ( x ) ** 2 )"),
        ("sin^-1 x", "asin ( x )"),
        ("|x| + 1", "abs ( x ) + 1"),
        ("ln x + 1", "ln ( x ) + 1"),
        ("sin x cos x", "sin ( x ) * cos ( x )"),
        ("e^{2x}", "e ** ( 2 * x )"),
        ("[x]", "[ x ]"),  # passed on: the whitelist refuses it
    ],
)
def test_friendly_forms_become_plain_python(text, python):
    assert rewritten(text) == python


def test_the_three_readings_of_an_implicit_product():
    assert rewritten("1/2x + e^2x") == "1 / 2 * x + e ** 2 * x"
    assert rewritten("1/2x + e^2x", "tight") == "1 / ( 2 * x ) + ( e ** 2 * x )"
    assert rewritten("1/2x + e^2x", "greedy") == "1 / 2 * x + e ** ( 2 * x )"


def test_the_rewriter_keeps_its_own_state():
    names = XY
    greedy = Rewriter("e^2x", names, "greedy")
    assert not greedy.greedy_used
    greedy.rewrite(names.classify(Lexer("e^2x").lex()))
    assert greedy.greedy_used  # the greedy reading changed something: read_math offers it
    plain = Rewriter("e^(2x)", names, "greedy")
    plain.rewrite(names.classify(Lexer("e^(2x)").lex()))
    assert not plain.greedy_used


def test_the_source_knows_the_stars_nobody_typed():
    names = XY
    source = Rewriter("2x*y", names).rewrite(names.classify(Lexer("2x*y").lex()))
    assert source.text == "2 * x * y"
    assert source.implicit == frozenset({2})  # the first '*' only
    assert [source.col(k) for k in (0, 2, 4, 6, 8)] == [0, 1, 1, 2, 3]


def test_the_bracket_tree():
    text = "(x|y|)"
    root = Rewriter(text, XY).tree(XY.classify(Lexer(text).lex()))
    assert root.kind == "root" and len(root.items) == 1
    paren = root.items[0]
    assert type(paren) is Group and paren.kind == "paren" and paren.end_col == 5
    assert [type(i).__name__ for i in paren.items] == ["Tok", "Group"]
    bars = paren.items[1]
    assert type(bars) is Group and bars.kind == "abs" and (bars.col, bars.end_col) == (2, 4)
    assert isinstance(Call(Tok("func", "abs", 0), Group("paren", 0)).func, Tok)


@pytest.mark.parametrize(
    "text, message, column",
    [
        ("x)", "')' has no matching '('", 1),
        ("(x]", "'(' at column 1 is closed by ']' instead of ')'", 2),
        ("(x", "'(' at column 1 is never closed (missing ')')", 0),
        ("|x", "the '|' at column 1 has no closing '|'", 0),
        ("(|x)", "the '|' at column 2 is not closed before ')'", 1),
        ("||", "the '|' at column 2 has no closing '|'", 1),  # a bar after a bar opens a new one
        ("sin()", "'sin' needs something inside its brackets, e.g. sin(x)", 0),
        ("sin", "'sin' needs an argument, e.g. sin(x)", 0),
        ("sin^", "'^' needs something on its right", 3),
        ("sin^ x", "'sin' needs an argument, e.g. sin(x)", 0),  # x is the power
        ("^x", "'^' needs something on its left", 0),
        ("*x", "'*' needs something on its left", 0),
        ("x+", "'+' needs something on its right", 1),
        ("2 3", "two numbers in a row ('2 3'): put an operator between them", 2),
        ("Sin(x)", "unknown function 'Sin': did you mean sin?", 0),
        ("(" * (MAX_NESTING + 1) + "x" + ")" * (MAX_NESTING + 1), f"the formula is nested too deeply (more than {MAX_NESTING} levels)", MAX_NESTING),
    ],
)
def test_errors_are_named_at_their_column(text, message, column):
    with pytest.raises(MathSyntaxError) as info:
        rewritten(text)
    assert (info.value.message, info.value.column) == (message, column)
