"""Unit tests for the parser's first stage (grader.maths.parser.lexer: the Lexer, number
literals) and the data it hands on (grader.maths.parser.tokens: tokens, Source)."""

from __future__ import annotations

import pytest
import sympy

from grader.maths.parser.lexer import Lexer, check_literal, literal_value
from grader.maths.parser.syntax import MathSyntaxError
from grader.maths.parser.tokens import Call, Group, Source, Tok, is_op, is_operand


def lexed(text: str) -> list[tuple[str, str, int, str]]:
    return [(t.kind, t.text, t.col, t.shown) for t in Lexer(text).lex()]


def test_tokens_keep_what_goes_to_python_and_what_was_typed():
    assert lexed("2x²") == [("num", "2", 0, "2"), ("name", "x", 1, "x"), ("op", "**", 2, "²"), ("num", "2", 2, "²")]
    assert lexed("√x·π") == [("name", "sqrt", 0, "√"), ("name", "x", 1, "x"), ("op", "*", 2, "·"), ("name", "pi", 3, "π")]
    assert lexed("a**b//c") == [
        ("name", "a", 0, "a"), ("op", "**", 1, "**"), ("name", "b", 3, "b"), ("py", "//", 4, "//"), ("name", "c", 6, "c"),
    ]
    assert lexed("|x| , 007") == [
        ("bar", "|", 0, "|"), ("name", "x", 1, "x"), ("bar", "|", 2, "|"), ("comma", ",", 4, ","), ("num", "7", 6, "007"),
    ]
    assert lexed("3 − x ÷ 2") == [("num", "3", 0, "3"), ("op", "-", 2, "−"), ("name", "x", 4, "x"), ("op", "/", 6, "÷"), ("num", "2", 8, "2")]


def test_a_negative_superscript_is_a_bracketed_power():
    assert lexed("x⁻¹") == [
        ("name", "x", 0, "x"), ("op", "**", 1, "⁻¹"), ("open", "(", 1, "⁻¹"), ("op", "-", 1, "⁻"),
        ("num", "1", 2, "¹"), ("close", ")", 2, "⁻¹"),
    ]


def test_decimals_and_exponents_stay_as_typed():
    assert lexed("0.50e1 .5") == [("num", "0.50e1", 0, "0.50e1"), ("num", ".5", 7, ".5")]
    assert lexed("x ... y")[1] == ("py", "...", 2, "...")  # passed on for the whitelist to name


def test_the_lexer_holds_its_own_state():
    lexer = Lexer("x + 1")
    assert lexer.tokens == []
    toks = lexer.lex()
    assert toks is lexer.tokens and [t.text for t in toks] == ["x", "+", "1"]
    assert [t.text for t in Lexer("y").lex()] == ["y"]  # a second lexer starts afresh


@pytest.mark.parametrize(
    "text, message, column",
    [
        ("y = 2x", "'=' is not allowed: type only the expression (for example 2*x, not y = 2*x)", 2),
        ("3!", "'!' (factorial) is not supported in a formula", 1),
        ("f'", "a prime (') may appear only in a name in front, such as f'(x) = ...: type only the expression", 1),
        ("'x'", "text in quotes is not allowed in a formula", 0),
        ("x $ 1", "the character '$' is not allowed in a formula", 2),
        ("x€", "the character '€' is not allowed in a formula", 1),
        ("x\u200b", "the character U+200B is not allowed in a formula", 1),  # a zero-width space does not print
        ("x⁻", "the superscript '⁻' needs a superscript digit after it", 1),
        ("x¹²³⁴⁵", "that superscript exponent is too large", 1),
    ],
)
def test_what_is_not_maths_is_named_at_its_column(text, message, column):
    with pytest.raises(MathSyntaxError) as info:
        Lexer(text).lex()
    assert (info.value.message, info.value.column) == (message, column)


def test_number_literals_are_checked_before_any_conversion():
    check_literal("1e100", 0)
    with pytest.raises(MathSyntaxError, match=r"too large or too small \(exponents up to e100"):
        check_literal("1e101", 3)
    with pytest.raises(MathSyntaxError, match="has too many digits") as info:
        check_literal("1" * 101, 4)
    assert info.value.column == 4
    assert literal_value("0.5") == sympy.Rational(1, 2)
    assert literal_value("1e-3") == sympy.Rational(1, 1000)
    assert literal_value("2.50") == sympy.Rational(5, 2)


def test_operands_and_operators():
    two, plus = Tok("num", "2", 0), Tok("op", "+", 1)
    paren, bracket = Group("paren", 2), Group("bracket", 3)
    call = Call(Tok("func", "sin", 4), Group("paren", 7))
    assert [is_operand(i) for i in (two, plus, paren, bracket, call)] == [True, False, True, False, True]
    assert is_op(plus, "+", "-") and not is_op(plus, "*") and not is_op(two, "2") and not is_op(None, "+")
    assert call.col == 4 and paren.closer == ")" and Group("abs", 0).closer == "|"


def test_source_maps_the_rewritten_text_back_to_the_typed_columns():
    # "2x" rewritten: 2 * x, the '*' added by the rewriter (nothing shown), empty brackets dropped
    source = Source.join([("", 0, "open", ""), ("2", 0, "num", "2"), ("*", 1, "op", ""), ("x", 1, "name", "x"), ("", 1, "close", "")])
    assert source.text == "2 * x"
    assert source.starts == (0, 2, 4)
    assert source.implicit == frozenset({2})
    assert [source.col(k) for k in range(5)] == [0, 0, 1, 1, 1]
    assert source.col(None) is None and Source.join([]).col(3) is None
    typed = Source.join([("2", 0, "num", "2"), ("*", 2, "op", "*"), ("x", 4, "name", "x")])
    assert typed.implicit == frozenset()
