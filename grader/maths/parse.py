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

Conventions worth knowing (they show in :func:`format_math` previews and in the
"Read as ..." line that :class:`Reading` gives whenever the reading differs from the text):

* ``^`` and ``**`` are both powers and bind tightest (``-x^2`` is ``-(x^2)``,
  ``2x^2`` is ``2*(x^2)``, ``e^2x`` is ``e^2 * x``: write ``e^(2x)``).
* Implicit multiplication has the precedence of ``*`` and reads left to right, as
  SymPy's and most tools' parsers do: ``1/2x`` is ``x/2``, ``1/2 x^(-1/2)`` is
  ``x^(-1/2)/2``, ``1/2 sqrt(x)`` is ``sqrt(x)/2``, ``2/3 x^3`` is ``(2/3)*x^3``.  A
  student's answer is also read the other ways (``1/(2x)``, ``e^(2x)``) so feedback can say
  when the other reading would have been right and ask for brackets.
* Function application without brackets takes the juxtaposed factors right
  after the name: ``sin 2x`` is ``sin(2*x)``, ``ln x + 1`` is ``ln(x) + 1``,
  ``sin x cos x`` is ``sin(x)*cos(x)``, ``sin^2 x`` is ``sin(x)^2`` and
  ``sin^-1 x`` is ``asin(x)``.
* Decimals are exact: ``0.5`` is ``1/2``, ``0.33`` is ``33/100``.
* ``cbrt(x)`` is SymPy's principal cube root ``x**(1/3)``.
* Any exponent may be written (``(x-a)^6000``); only numbers SymPy would compute eagerly are
  capped (``9^9^9^9`` is refused, it would have millions of digits).
* Common LaTeX is read (``\\frac{1}{x}``, ``\\sqrt{x}``, ``\\pi``, ``\\sin x``, ``\\cdot``,
  ``\\left( \\right)``, ``e^{2x}``).
* Real domains are kept: every square root, fractional power, logarithm and inverse
  trigonometric function records the condition for a real value (``Reading.guards``), which
  SymPy's automatic simplification (``sqrt(x)^2`` -> ``x``) would otherwise lose.
"""

from __future__ import annotations

import ast
import keyword
import math
from bisect import bisect_right
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Mapping

import sympy

from grader.maths.build import Builder
from grader.maths.friendly import decimal_comma, drop_name_prefix, from_latex
from grader.maths.functions import FUNCTIONS, MathFunction
from grader.maths.printing import format_math
from grader.maths.lexer import _lex
from grader.maths.rewrite import Rewriter
from grader.maths.syntax import MAX_NESTING, MAX_NODES, MathSyntaxError, _short, symbol

__all__ = [
    "FUNCTIONS",
    "MathFunction",
    "MathSyntaxError",
    "Reading",
    "format_math",
    "parse_math",
    "read_math",
    "symbol",
]

MAX_LENGTH = 2000  # characters of typed maths read at most (a longer text is one clear error)


class _Parser(Rewriter, Builder):
    def __init__(self, text: str, symbols, constants, mode: str = "standard"):
        self.text = text
        self.mode = mode  # standard | tight (1/2x is 1/(2x)) | greedy (e^2x is e^(2x))
        self.greedy_used = False
        self.guards: list = []  # (expression that must be >= 0, culprit, source text)
        self.decimals: list[str] = []  # decimal literals as typed
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
        if len(toks) > 4 * MAX_NODES + 4 * MAX_NESTING:  # far more than MAX_NODES parts: say so before any work
            raise MathSyntaxError(f"the formula is too long (more than {MAX_NODES} parts)")
        toks = self._classify(toks)
        tree = self._tree(toks)
        items = self._apply(tree.items, 0)
        emitted: list = []
        self._emit_seq(items, emitted)
        emitted = [e for e in emitted if e[0]]  # implicit products leave empty brackets
        parts = []
        pos = 0
        for text, col, _kind, _shown in emitted:
            self.starts.append(pos)
            self.cols.append(col)
            parts.append(text)
            pos += len(text) + 1
        self.src = " ".join(parts)
        # where the rewriter put a '*' the student did not type (2x, e^2 x)
        self.implicit = frozenset(self.starts[k] for k, e in enumerate(emitted) if e[0] == "*" and not e[3])
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
        self.tree = tree_ast.body
        self.decimals = [t.shown for t in toks if t.kind == "num" and "." in t.shown]
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


@dataclass(frozen=True)
class Reading:
    """A typed formula as read: the expression, how it was read (``shown``, with the grouping
    made explicit: ``(1/2)*x^(-1/2)``), the conditions for a real value that SymPy's
    simplification may have dropped (``sqrt(x)^2`` keeps ``x >= 0``), the notes on what was
    changed (a LaTeX command, a ``f'(x) =`` prefix, a decimal comma), the decimals as typed,
    and the other readings of an ambiguous text (``e^2x`` as ``e^(2x)``)."""

    expr: sympy.Expr
    text: str
    shown: str
    guards: tuple = ()
    notes: tuple[str, ...] = ()
    decimals: tuple[str, ...] = ()
    alternatives: tuple = ()  # (shown, expr) of the other readings, where they differ

    @property
    def differs(self) -> bool:
        """The reading shows something the typed text does not (grouping, a function's brackets)."""
        return bool(self.notes) or _normal(self.shown) != _normal(self.text)

    def read_as(self) -> str:
        """'Read as ...' when that differs from what was typed, else ''."""
        if not self.differs:
            return ""
        notes = "".join(f" ({note})" for note in self.notes)
        return f"Read as {self.shown}{notes}."


def _normal(text: str) -> str:
    return "".join(text.replace("**", "^").replace("*", "").split())


def read_math(
    text: str,
    *,
    symbols: Iterable[str] | None = None,
    constants: Mapping[str, object] | None = None,
    max_length: int = MAX_LENGTH,
    answer: bool = False,
) -> Reading:
    """Parse like :func:`parse_math` and say how the text was read.

    ``answer=True`` (a student's typed answer) also drops a ``f'(x) =`` prefix, reads a decimal
    comma (``0,5``) and works out the other readings of an ambiguous text.
    """
    if not isinstance(text, str):
        text = repr(text) if isinstance(text, float) else str(text)
    notes, plain = [], text
    if answer:
        plain, prefix = drop_name_prefix(plain, tuple(symbols or ()) or ("x",))
        if prefix:
            notes.append(f"without the '{prefix}' in front")
        plain, comma = decimal_comma(plain)
        if comma:
            notes.append("the decimal comma read as a point")
    parser = _run(plain, symbols, constants, max_length, "standard")
    shown = _shown(parser)
    if parser.latex:
        notes.append("from LaTeX")
    alternatives = []
    if answer:
        for mode in ("tight", "greedy"):
            try:
                other = _run(plain, symbols, constants, max_length, mode)
            except MathSyntaxError:
                continue
            if mode == "greedy" and not other.greedy_used:
                continue
            if other.result != parser.result and all(other.result != e for _, e in alternatives):
                alternatives.append((_shown(other), other.result))
        for bracketed in _bracketings(plain):  # 2x/x^2+1 meant as 2x/(x^2+1)
            try:
                other = _run(bracketed, symbols, constants, max_length, "standard")
            except MathSyntaxError:
                continue
            if other.result != parser.result and all(other.result != e for _, e in alternatives):
                alternatives.append((_shown(other), other.result))
    return Reading(
        parser.result,
        text.strip(),
        shown,
        tuple(parser.guards),
        tuple(notes),
        tuple(parser.decimals),
        tuple(alternatives),
    )


def _bracketings(text: str) -> list[str]:
    """Other bracketings of a fraction typed on one line: ``2x/x^2+1`` as ``2x/(x^2+1)``,
    ``x+1/x-1`` as ``(x+1)/(x-1)``, ``(x+1)/x-1`` and ``x+1/(x-1)`` (one '/' outside brackets)."""
    depth, slashes = 0, []
    for i, c in enumerate(text):
        depth += c in "([{"
        depth -= c in ")]}"
        if c == "/" and depth == 0:
            slashes.append(i)
    if len(slashes) != 1:
        return []
    top, bottom = text[: slashes[0]].strip(), text[slashes[0] + 1:].strip()
    if not top or not bottom:
        return []
    out = [f"{top}/({bottom})", f"({top})/{bottom}", f"({top})/({bottom})"]
    return [o for o in out if o.replace(" ", "") != text.replace(" ", "")]


def _run(text, symbols, constants, max_length, mode) -> "_Parser":
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
    plain, latex = from_latex(text)
    parser = _Parser(plain, symbols, consts, mode)
    parser.latex = latex
    try:
        parser.result = parser.run()
    except RecursionError:
        raise MathSyntaxError("the formula is too complicated to read") from None
    except MathSyntaxError as exc:
        if latex:
            raise MathSyntaxError(f"{exc.message} (in the LaTeX read as '{_short(plain, 40)}')") from None
        raise
    return parser


def _shown(parser) -> str:
    try:
        return _show(parser.tree, (parser.src, parser.implicit))
    except RecursionError:  # pragma: no cover - the size caps keep trees shallow
        return format_math(parser.result)


_OPS = {ast.Add: " + ", ast.Sub: " - ", ast.Mult: "*", ast.Div: "/"}


def _show(node, src: str, followed: bool = False) -> str:
    """The rewritten text with its grouping made explicit: (1/2)*x, (e^2)*x, 1/(2*x).

    ``followed``: a factor comes right after this one in a product (so ``e^2`` before ``x``
    shows as ``(e^2)``)."""
    t = type(node)
    if t is ast.BinOp and type(node.op) in _OPS:
        op, sums = type(node.op), (ast.Add, ast.Sub)
        implicit = op is ast.Mult and _implicit(node, src)
        left = _show(node.left, src, followed=implicit)
        right = _show(node.right, src, followed=followed and op is ast.Mult)
        lt, rt = type(node.left), type(node.right)
        if op in (ast.Mult, ast.Div):
            if lt is ast.BinOp and type(node.left.op) in sums + (ast.Div,):
                left = f"({left})"
            if rt is ast.BinOp and type(node.right.op) in sums + ((ast.Mult, ast.Div) if op is ast.Div else (ast.Div,)):
                right = f"({right})"
            if rt is ast.UnaryOp:
                right = f"({right})"
        elif op is ast.Sub and rt is ast.BinOp and type(node.right.op) in sums:
            right = f"({right})"
        return left + _OPS[op] + right
    if t is ast.BinOp and type(node.op) is ast.Pow:
        base, exp = _show(node.left, src), _show(node.right, src)
        if not _atomic(node.left) and type(node.left) is not ast.Call:
            base = f"({base})"
        if not _atomic(node.right):
            exp = f"({exp})"
        return f"({base}^{exp})" if followed and _atomic(node.right) else f"{base}^{exp}"
    if t is ast.UnaryOp:
        inner = _show(node.operand, src, followed)
        if type(node.operand) is ast.BinOp and type(node.operand.op) in (ast.Add, ast.Sub):
            inner = f"({inner})"
        return ("-" if type(node.op) is ast.USub else "+") + inner
    if t is ast.Call:
        return f"{_show(node.func, src)}({', '.join(_show(a, src) for a in node.args)})"
    if t is ast.Name:
        return node.id
    return " ".join(src[0][node.col_offset: node.end_col_offset].split())


def _implicit(node, src) -> bool:
    text, implicit = src
    star = text.find("*", node.left.end_col_offset, node.right.col_offset)
    return star in implicit


def _atomic(node) -> bool:
    return type(node) in (ast.Name, ast.Constant)


def parse_math(
    text: str,
    *,
    symbols: Iterable[str] | None = None,
    constants: Mapping[str, object] | None = None,
    max_length: int = MAX_LENGTH,
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
    return _run(text, symbols, constants, max_length, "standard").result
