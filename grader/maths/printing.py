"""One-line readable forms of SymPy expressions for previews and feedback (``3*x^2``,
``exp(2*x)``, ``relu(x)``)."""

from __future__ import annotations

from fractions import Fraction

import sympy
from sympy.printing.str import StrPrinter


# --------------------------------------------------------------------------
# preview formatting
# --------------------------------------------------------------------------
class _PreviewPrinter(StrPrinter):
    def _print_Exp1(self, expr):
        return "e"

    def _print_Abs(self, expr):
        return f"abs({self._print(expr.args[0])})"

    def _print_Max(self, expr):
        args = expr.args
        if len(args) == 2 and sympy.S.Zero in args:
            other = args[1] if args[0] is sympy.S.Zero else args[0]
            return f"relu({self._print(other)})"
        return super()._print_Max(expr)


_PRINTER = _PreviewPrinter()


def format_math(expr) -> str:
    """One-line readable form for previews: ``3*x^2``, ``exp(2*x)``, ``sqrt(x)/2``."""
    if isinstance(expr, bool):
        raise TypeError("format_math expects a SymPy expression")
    if isinstance(expr, int):
        expr = sympy.Integer(expr)
    elif isinstance(expr, Fraction):
        expr = sympy.Rational(expr.numerator, expr.denominator)
    elif not isinstance(expr, sympy.Basic):
        raise TypeError(f"format_math expects a SymPy expression, not {type(expr).__name__}")
    return _PRINTER.doprint(expr).replace("**", "^")
