"""The parser's entry points: :func:`parse_math` (a formula to a SymPy expression) and
:func:`read_math` (a :class:`Reading`: also how the text was read, its guards and notes, and the
other readings of an ambiguous text), and the shown form of a reading with its grouping made
explicit (``(1/2)*x^(-1/2)``)."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sympy

from grader.maths.parser.builder import Guard
from grader.maths.parser.core import Parsed, parse
from grader.maths.parser.friendly import decimal_comma, drop_name_prefix
from grader.maths.parser.rewriter import Mode
from grader.maths.parser.syntax import MathSyntaxError
from grader.maths.parser.tokens import Source
from grader.maths.printing import format_math

MAX_LENGTH = 2000  # characters of typed maths read at most (a longer text is one clear error)


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
    guards: tuple[Guard, ...] = ()
    notes: tuple[str, ...] = ()
    decimals: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, sympy.Expr], ...] = ()  # (shown, expr) of the other readings, where they differ

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
    notes: list[str] = []
    plain = text
    if answer:
        plain, prefix = drop_name_prefix(plain, tuple(symbols or ()) or ("x",))
        if prefix:
            notes.append(f"without the '{prefix}' in front")
        plain, comma = decimal_comma(plain)
        if comma:
            notes.append("the decimal comma read as a point")
    parsed = parse(plain, symbols, constants, max_length, "standard")
    shown = _shown(parsed)
    if parsed.latex:
        notes.append("from LaTeX")
    alternatives: list[tuple[str, sympy.Expr]] = []
    if answer:
        modes: tuple[Mode, ...] = ("tight", "greedy")
        for mode in modes:
            try:
                other = parse(plain, symbols, constants, max_length, mode)
            except MathSyntaxError:
                continue
            if mode == "greedy" and not other.greedy_used:
                continue
            if other.expr != parsed.expr and all(other.expr != e for _, e in alternatives):
                alternatives.append((_shown(other), other.expr))
        for bracketed in _bracketings(plain):  # 2x/x^2+1 meant as 2x/(x^2+1)
            try:
                other = parse(bracketed, symbols, constants, max_length, "standard")
            except MathSyntaxError:
                continue
            if other.expr != parsed.expr and all(other.expr != e for _, e in alternatives):
                alternatives.append((_shown(other), other.expr))
    return Reading(
        parsed.expr,
        text.strip(),
        shown,
        parsed.guards,
        tuple(notes),
        parsed.decimals,
        tuple(alternatives),
    )


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
    return parse(text, symbols, constants, max_length, "standard").expr


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


def _shown(parsed: Parsed) -> str:
    try:
        return _show(parsed.tree, parsed.source)
    except RecursionError:  # pragma: no cover - the size caps keep trees shallow
        return format_math(parsed.expr)


_OPS: dict[type[ast.operator], str] = {ast.Add: " + ", ast.Sub: " - ", ast.Mult: "*", ast.Div: "/"}
_SUMS = (ast.Add, ast.Sub)


def _show(node: ast.expr, src: Source, followed: bool = False) -> str:  # noqa: C901 - one case per node
    """The rewritten text with its grouping made explicit: (1/2)*x, (e^2)*x, 1/(2*x).

    ``followed``: a factor comes right after this one in a product (so ``e^2`` before ``x``
    shows as ``(e^2)``)."""
    if type(node) is ast.BinOp and type(node.op) in _OPS:
        op = type(node.op)
        implicit = op is ast.Mult and _implicit(node, src)
        left = _show(node.left, src, followed=implicit)
        right = _show(node.right, src, followed=followed and op is ast.Mult)
        lt, rt = node.left, node.right
        if op in (ast.Mult, ast.Div):
            if type(lt) is ast.BinOp and type(lt.op) in _SUMS + (ast.Div,):
                left = f"({left})"
            if type(rt) is ast.BinOp and type(rt.op) in _SUMS + ((ast.Mult, ast.Div) if op is ast.Div else (ast.Div,)):
                right = f"({right})"
            if type(rt) is ast.UnaryOp:
                right = f"({right})"
        elif op is ast.Sub and type(rt) is ast.BinOp and type(rt.op) in _SUMS:
            right = f"({right})"
        return left + _OPS[op] + right
    if type(node) is ast.BinOp and type(node.op) is ast.Pow:
        base, exp = _show(node.left, src), _show(node.right, src)
        if not _atomic(node.left) and type(node.left) is not ast.Call:
            base = f"({base})"
        if not _atomic(node.right):
            exp = f"({exp})"
        return f"({base}^{exp})" if followed and _atomic(node.right) else f"{base}^{exp}"
    if type(node) is ast.UnaryOp:
        inner = _show(node.operand, src, followed)
        if type(node.operand) is ast.BinOp and type(node.operand.op) in _SUMS:
            inner = f"({inner})"
        return ("-" if type(node.op) is ast.USub else "+") + inner
    if type(node) is ast.Call:
        return f"{_show(node.func, src)}({', '.join(_show(a, src) for a in node.args)})"
    if type(node) is ast.Name:
        return node.id
    return " ".join(src.text[node.col_offset: node.end_col_offset].split())


def _implicit(node: ast.BinOp, src: Source) -> bool:
    star = src.text.find("*", node.left.end_col_offset or 0, node.right.col_offset)
    return star in src.implicit


def _atomic(node: ast.expr) -> bool:
    return type(node) in (ast.Name, ast.Constant)
