"""Unit tests for the building stage (grader.maths.parser.builder: the Builder's whitelist walk,
size caps and guards) and for the Parser that composes the stages (grader.maths.parser.core)."""

from __future__ import annotations

import ast

import pytest
import sympy

from grader.maths.parser.builder import Builder
from grader.maths.parser.core import Parser, parse
from grader.maths.parser.names import Names
from grader.maths.parser.syntax import MAX_AST_DEPTH, MAX_NODES, MathSyntaxError, symbol
from grader.maths.parser.tokens import Source

x = symbol("x")
FREE = Names.given(None, None)


def built(pieces: list[tuple[str, int, str, str]], names: Names = FREE) -> tuple[sympy.Expr, Builder]:
    """The Builder on a Source made by hand (as the rewriter would): each piece at its column."""
    source = Source.join(pieces)
    builder = Builder(source, names)
    tree = ast.parse(source.text, mode="eval")
    builder.check_size(tree)
    return builder.build(tree.body), builder


def test_the_builder_reads_numbers_as_typed_and_keeps_its_guards():
    expr, builder = built([("sqrt", 0, "func", "√"), ("(", 1, "open", ""), ("x", 1, "name", "x"), (")", 1, "close", ""),
                           ("+", 3, "op", "+"), ("0.1", 5, "num", "0.1")])
    assert expr == sympy.sqrt(x) + sympy.Rational(1, 10)
    assert builder.guards == [(x, ("pow", x, sympy.Rational(1, 2)), "sqrt(x)")]
    assert Builder(Source.join([]), FREE).guards == []  # each builder starts with none


@pytest.mark.parametrize(
    "pieces, message, column",
    [
        ([("x", 0, "name", "x"), ("@", 2, "py", "@"), ("y", 4, "name", "y")], "'@' is not allowed in a formula", 0),
        ([("1", 0, "num", "1"), ("/", 1, "op", "/"), ("0", 2, "num", "0")], "division by zero", 2),
        ([("x", 0, "name", "x"), ("if", 2, "kw", "if"), ("x", 5, "name", "x"), ("else", 7, "kw", "else"), ("1", 12, "num", "1")],
         "'if ... else' is not allowed in a formula", 0),
        ([("oo", 3, "name", "oo")], "infinity ('oo') is not allowed in a formula", 3),
        ([("_x", 1, "name", "_x")], "names cannot start with '_' ('_x')", 1),
        ([("sin", 0, "name", "sin")], "'sin' is a function: write sin(x)", 0),
        ([("9", 0, "num", "9"), ("**", 1, "op", "^"), ("9", 2, "num", "9"), ("**", 3, "op", "^"), ("9", 4, "num", "9")],
         "that power is too large (the result would have more than 2000 digits)", 0),
        ([("log", 0, "func", "log"), ("(", 3, "open", "("), ("0", 4, "num", "0"), (",", 5, "comma", ","), ("2", 6, "num", "2"),
          (")", 7, "close", ")")], "log(0) is undefined", 0),
    ],
)
def test_the_whitelist_names_what_it_refuses_at_the_typed_column(pieces, message, column):
    with pytest.raises(MathSyntaxError) as info:
        built(pieces)
    assert (info.value.message, info.value.column) == (message, column)


def test_an_unknown_name_is_refused_only_when_the_variables_are_listed():
    piece = [("y", 0, "name", "y")]
    assert built(piece)[0] == symbol("y")
    with pytest.raises(MathSyntaxError, match=r"unknown name 'y' \(this formula can use x\)"):
        built(piece, Names.given(["x"], None))


def test_the_size_of_a_tree_is_checked_before_it_is_built():
    wide = "sin(" + ", ".join(["x"] * MAX_NODES) + ")"
    with pytest.raises(MathSyntaxError, match=f"too long \\(more than {MAX_NODES} parts\\)"):
        Builder(Source.join([(wide, 0, "func", wide)]), FREE).check_size(ast.parse(wide, mode="eval"))
    deep = " + ".join(["x"] * (MAX_AST_DEPTH + 1))
    with pytest.raises(MathSyntaxError, match="the formula is nested too deeply"):
        Builder(Source.join([(deep, 0, "name", deep)]), FREE).check_size(ast.parse(deep, mode="eval"))


def test_the_parser_composes_the_stages():
    names = Names.given(["x"], {"k": 3})
    parsed = Parser("sqrt(x-1) + k*0.5", names).run()
    assert parsed.expr == sympy.sqrt(x - 1) + sympy.Rational(3, 2)
    assert parsed.source.text == "sqrt ( x - 1 ) + k * 0.5"
    assert type(parsed.tree) is ast.BinOp
    assert [g[2] for g in parsed.guards] == ["sqrt(x - 1)"]
    assert parsed.decimals == ("0.5",) and not parsed.greedy_used and not parsed.latex
    assert Parser("e^2x", names, "greedy").run().greedy_used


@pytest.mark.parametrize(
    "text, message, column",
    [
        ("", "the formula is empty", 0),
        ("x +", "'+' needs something on its right", 2),
        ("x lambda", "'lambda' is not allowed in a formula", 2),
        ("x, x", "several values separated by ',' are not allowed here", 0),
    ],
)
def test_the_parser_says_what_python_could_not_read_in_the_typed_terms(text, message, column):
    with pytest.raises(MathSyntaxError) as info:
        Parser(text, Names.given(["x"], None)).run()
    assert (info.value.message, info.value.column) == (message, column)


def test_parse_reads_latex_first_and_says_so_in_its_errors():
    assert parse(r"\frac{1}{x}", ["x"], None, 2000).latex
    with pytest.raises(MathSyntaxError) as info:
        parse(r"\frac{1}{y}", ["x"], None, 2000)
    assert info.value.message == "unknown name 'y' (this formula can use x) (in the LaTeX read as '((1)/(y))')"
    with pytest.raises(MathSyntaxError, match=r"too long \(11 characters; the limit is 10\)"):
        parse("x + x + x x", ["x"], None, 10)
