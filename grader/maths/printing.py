"""One-line readable forms of SymPy expressions for previews and feedback (``3*x^2``,
``exp(2*x)``, ``relu(x)``)."""

from __future__ import annotations

import re
from fractions import Fraction

import sympy
from sympy.printing.precedence import precedence
from sympy.printing.str import StrPrinter


# --------------------------------------------------------------------------
# preview formatting
# --------------------------------------------------------------------------
class _PreviewPrinter(StrPrinter):  # type: ignore[misc]  # sympy.printing has no type information
    def _print_Exp1(self, expr: sympy.Basic) -> str:
        return "e"

    def _print_Abs(self, expr: sympy.Abs) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_Max(self, expr: sympy.Max) -> str:
        args = expr.args
        if len(args) == 2 and sympy.S.Zero in args:
            other = args[1] if args[0] is sympy.S.Zero else args[0]
            return f"relu({self._print(other)})"
        return f"max({', '.join(self._print(arg) for arg in args)})"

    def _print_Min(self, expr: sympy.Min) -> str:
        return f"min({', '.join(self._print(arg) for arg in expr.args)})"


_PRINTER = _PreviewPrinter()


def format_math(expr: object) -> str:
    """One-line readable form for previews: ``3*x^2``, ``exp(2*x)``, ``sqrt(x)/2``."""
    if isinstance(expr, bool):
        raise TypeError("format_math expects a SymPy expression")
    if isinstance(expr, int):
        expr = sympy.Integer(expr)
    elif isinstance(expr, Fraction):
        expr = sympy.Rational(expr.numerator, expr.denominator)
    elif not isinstance(expr, sympy.Basic):
        raise TypeError(f"format_math expects a SymPy expression, not {type(expr).__name__}")
    return str(_PRINTER.doprint(expr)).replace("**", "^")


# --------------------------------------------------------------------------
# maths as people write it (prompts, authors' messages, named mistakes)
# --------------------------------------------------------------------------
class _HandPrinter(_PreviewPrinter):
    """The preview's form, with the constant of a sum of functions first, as written by hand:
    ``1 + tanh(x)^2``, ``log(1 + exp(x))`` (a polynomial keeps it last: ``x^2 + 1``)."""

    def __init__(self, e_powers: bool = False) -> None:
        super().__init__()
        self.e_powers = e_powers

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> str:
        terms = list(self._as_ordered_terms(expr, order=order))
        numbers = [t for t in terms if t.is_Number]
        if len(numbers) == 1 and not any(t.is_polynomial() for t in terms if not t.is_Number):
            terms = numbers + [t for t in terms if not t.is_Number]
        pieces: list[str] = []
        for term in terms:
            text = self._print(term)
            sign = "-" if text.startswith("-") and not term.is_Add else "+"
            text = text[1:] if sign == "-" else text
            wrapped = precedence(term) < precedence(expr) or term.is_Add
            pieces += [sign, f"({text})" if wrapped else text]
        first = pieces.pop(0)
        return ("" if first == "+" else first) + " ".join(pieces)

    def _print_exp(self, expr: sympy.exp) -> str:
        if not self.e_powers:
            return str(super()._print_Function(expr))
        arg = expr.args[0]
        inner = self._print(arg)
        return f"e^{inner}" if arg.is_Symbol or (arg.is_Integer and arg >= 0) else f"e^({inner})"


_HAND = _HandPrinter()
_WRITTEN = _HandPrinter(e_powers=True)
_IMPLICIT = re.compile(r"(?<![\w.^])(\d+)\*(?=[A-Za-z(])")


def hand_written(expr: sympy.Basic | float, e_powers: bool = False) -> str:
    """A formula as people write it: ``3x^2``, ``sin(3x)``, ``1 + tanh(x)^2``; with
    ``e_powers``, ``e^(-x)`` for exp(-x) (prompts: ``f(x) = 1/(1 + e^(-x))``)."""
    text = (_WRITTEN if e_powers else _HAND).doprint(sympy.sympify(expr)).replace("**", "^")
    return _IMPLICIT.sub(r"\1", text)


def written(expr: sympy.Basic | float) -> str:
    """A formula in a prompt or an author's message, as people write it: ``x^3``, ``e^(-x)``."""
    return hand_written(expr, e_powers=True)
