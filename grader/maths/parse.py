"""Safe parser for typed maths (instructor formulas and student answers).

Nothing here ever hands user text to ``eval``/``exec`` or to SymPy's own
string parsers (``sympify``, ``parse_expr``, ``S(str)``, ``Rational(str)``...).
The pipeline is:

1. a small hand-written lexer (friendly typing: ``^``, unicode ``−·×²³√π``,
   ``|x|``, decimal literals kept as text),
2. name classification (functions, allowed symbols, splitting ``xy`` into
   ``x*y`` when only ``x`` and ``y`` are allowed),
3. a bracket tree with a nesting cap,
4. friendly rewrites on that tree (``sin x``, ``sin^2 x``, implicit
   multiplication ``2x``, ``(x+1)(x-1)``, ``|x|`` -> ``abs(x)``),
5. ``ast.parse(..., mode="eval")`` of the rewritten, plain Python text,
6. a whitelist walk over the AST that builds the SymPy expression node by
   node, with size checks done *before* SymPy computes any numeric power.

Conventions worth knowing (they show in :func:`format_math` previews):

* ``^`` and ``**`` are both powers and bind tightest (``-x^2`` is ``-(x^2)``,
  ``2x^2`` is ``2*(x^2)``, ``e^2x`` is ``e^2 * x``).
* Implicit multiplication binds tighter than ``/``: ``1/2x`` is ``1/(2*x)``.
* Function application without brackets takes the juxtaposed factors right
  after the name: ``sin 2x`` is ``sin(2*x)``, ``ln x + 1`` is ``ln(x) + 1``,
  ``sin x cos x`` is ``sin(x)*cos(x)``, ``sin^2 x`` is ``sin(x)^2`` and
  ``sin^-1 x`` is ``asin(x)``.
* Decimals are exact: ``0.5`` is ``1/2``, ``0.33`` is ``33/100``.
* ``cbrt(x)`` is SymPy's principal cube root ``x**(1/3)``.
"""

from __future__ import annotations

import ast
import keyword
import math
from bisect import bisect_right
from fractions import Fraction
from typing import Iterable, Mapping

import sympy
from sympy.printing.str import StrPrinter

from grader.maths.build import Builder
from grader.maths.functions import FUNCTIONS, MathFunction
from grader.maths.lexer import _lex
from grader.maths.rewrite import Rewriter
from grader.maths.syntax import MAX_NESTING, MathSyntaxError, _short, symbol

__all__ = [
    "FUNCTIONS",
    "MathFunction",
    "MathSyntaxError",
    "format_math",
    "parse_math",
    "symbol",
]



class _Parser(Rewriter, Builder):
    def __init__(self, text: str, symbols, constants):
        self.text = text
        self.restricted = symbols is not None
        self.symbols: tuple[str, ...] = symbols if symbols is not None else ()
        self.symbol_set = frozenset(self.symbols)
        self.constants: dict[str, sympy.Expr] = constants
        # names that are variables/values (never functions)
        self.value_names = self.symbol_set | frozenset(constants)
        self.src = ""
        self.starts: list[int] = []
        self.cols: list[int] = []

    def run(self) -> sympy.Expr:
        toks = _lex(self.text)
        if not toks:
            raise MathSyntaxError("the formula is empty", 0)
        toks = self._classify(toks)
        tree = self._tree(toks)
        items = self._apply(tree.items, 0)
        emitted: list = []
        self._emit_seq(items, emitted)
        parts = []
        pos = 0
        for text, col, _kind, _shown in emitted:
            self.starts.append(pos)
            self.cols.append(col)
            parts.append(text)
            pos += len(text) + 1
        self.src = " ".join(parts)
        self.shown = [e[3] for e in emitted]
        try:
            tree_ast = ast.parse(self.src, mode="eval")
        except SyntaxError as exc:
            reserved = next((e for e in emitted if e[2] == "kw"), None)
            if reserved is not None:
                raise MathSyntaxError(
                    f"'{reserved[0]}' is not allowed in a formula", reserved[1]
                ) from None
            if "too many nested" in str(exc.msg):
                raise MathSyntaxError(
                    f"the formula is nested too deeply (more than {MAX_NESTING} levels)"
                ) from None
            offset = (exc.offset - 1) if exc.offset else None
            if offset is not None and offset >= len(self.src):
                raise MathSyntaxError("the formula ends too early", len(self.text)) from None
            col = self._col(offset)
            near = ""
            if offset is not None and self.starts:
                k = max(bisect_right(self.starts, offset) - 1, 0)
                if self.shown[k]:
                    near = f" near '{_short(self.shown[k])}'"
            raise MathSyntaxError(f"could not read the formula{near}", col) from None
        except (ValueError, MemoryError, RecursionError, OverflowError):
            raise MathSyntaxError("the formula is too complicated to read") from None
        self._check_size(tree_ast)
        result = self._build(tree_ast.body)
        return self._final_check(result)



def _as_constant(name: str, value) -> sympy.Expr:
    if isinstance(value, bool):
        raise TypeError(f"constant {name!r} must be a number or SymPy expression, not bool")
    if isinstance(value, sympy.Basic):
        expr = value
    elif isinstance(value, int):
        expr = sympy.Integer(value)
    elif isinstance(value, Fraction):
        expr = sympy.Rational(value.numerator, value.denominator)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"constant {name!r} must be finite, not {value!r}")
        frac = Fraction(repr(value))  # exact decimal text: 0.1 -> 1/10
        expr = sympy.Rational(frac.numerator, frac.denominator)
    else:
        raise TypeError(
            f"constant {name!r} must be an int, Fraction, float or SymPy expression, "
            f"not {type(value).__name__}"
        )
    if not isinstance(expr, sympy.Expr):
        raise TypeError(f"constant {name!r} must be a SymPy expression")
    for sym in expr.free_symbols:
        if sym.is_real is not True:
            raise TypeError(f"constant {name!r} contains a non-real symbol {sym}")
    return expr


def _check_name(name) -> str:
    if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
        raise TypeError(f"invalid variable name {name!r}")
    if keyword.iskeyword(name):
        raise TypeError(f"{name!r} is a Python keyword and cannot be a variable name")
    return name


def parse_math(
    text: str,
    *,
    symbols: Iterable[str] | None = None,
    constants: Mapping[str, object] | None = None,
    max_length: int = 2000,
) -> sympy.Expr:
    """Parse typed maths into a SymPy expression with real symbols.

    ``symbols=None`` (instructor mode): any identifier that is not a function
    or constant becomes ``symbol(name)``.  Otherwise only the listed names
    (plus ``constants``, ``pi`` and ``e``) may appear.  ``constants`` maps
    names to values substituted where the name appears; they win over ``e``.
    Raises :class:`MathSyntaxError` for anything that is not a formula.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise TypeError(f"parse_math expects a string, not {type(text).__name__}")
    if not isinstance(text, str):
        text = repr(text) if isinstance(text, float) else str(text)
    if len(text) > max_length:
        raise MathSyntaxError(
            f"the formula is too long ({len(text)} characters; the limit is {max_length})",
            max_length,
        )
    if symbols is not None:
        if isinstance(symbols, str):
            symbols = (symbols,)
        symbols = tuple(dict.fromkeys(_check_name(s) for s in symbols))
    consts: dict[str, sympy.Expr] = {}
    if constants:
        for name, value in constants.items():
            consts[_check_name(name)] = _as_constant(name, value)
    parser = _Parser(text, symbols, consts)
    try:
        return parser.run()
    except RecursionError:
        raise MathSyntaxError("the formula is too complicated to read") from None


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
