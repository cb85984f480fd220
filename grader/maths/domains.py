"""Real domains, and the points where a difference shows.

The rule (docs/authoring.md, "How typed answers are read"): two formulas are equal when
they have the same real values on the same real domain, up to isolated points.  SymPy
simplifies as it builds (``sqrt(x)^2`` is ``x`` for real x), so the domain is kept apart:
a *guard* is an expression that must be >= 0 for the formula to be real.  Guards come
from the parser (``Reading.guards``: what the typed text had, even when SymPy dropped it)
and from a walk over the expression (square roots, fractional powers, logarithms, inverse
trigonometric functions); poles are isolated points and need none.

Also here: a wider search for the points where a key is real (a key real only for t > 25),
and the far points where a difference hidden near the origin shows (``e^(x-200)``,
``relu(x-1000)``).  Nothing here imports the rest of ``grader.maths.equivalence``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np
import numpy.typing as npt
import sympy

from grader.maths.printing import format_math

Guard = tuple[sympy.Expr, sympy.Basic, str]  # (condition >= 0, culprit, culprit as text)
Interval = tuple[float, float]
Points = Sequence[Sequence[float]]
Floats = npt.NDArray[np.float64]

WIDER = (100, 10_000, 1_000_000)  # half-widths tried when the key is real at too few points
FAR = (57.3, 311.7, 2003.1, 10007.3, 1000003.7)  # far probes, both signs
MAX_FAR = 14


def unpack(obj: object) -> tuple[sympy.Expr, tuple[Guard, ...]]:
    """(expression, guards) of a Reading or a plain SymPy expression."""
    expr: sympy.Expr = getattr(obj, "expr", obj)
    guards: list[Guard] = list(getattr(obj, "guards", ()))
    seen = {g[0] for g in guards}
    for guard in walk(expr):
        if guard[0] not in seen:
            seen.add(guard[0])
            guards.append(guard)
    return expr, tuple(guards)


def walk(expr: sympy.Basic) -> list[Guard]:
    """Guards read off the expression tree: (condition >= 0, culprit, culprit as text)."""
    out: list[Guard] = []
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Pow):
            base, exp = node.args
            if not exp.is_integer and base.free_symbols and not base.is_nonnegative:
                out.append((base, node, format_math(node)))
        elif isinstance(node, sympy.log) and node.args[0].free_symbols:
            out.append((node.args[0], node, format_math(node)))
        elif isinstance(node, (sympy.asin, sympy.acos, sympy.atanh)) and node.args[0].free_symbols:
            out.append((1 - node.args[0] ** 2, node, format_math(node)))
        elif isinstance(node, sympy.acosh) and node.args[0].free_symbols:
            out.append((node.args[0] - 1, node, format_math(node)))
    return out


def real_mask(guards: Iterable[Guard], symbols: Sequence[sympy.Symbol], pts: Points,
              evaluate: Callable[[sympy.Expr, Sequence[sympy.Symbol], Points], Floats]) -> npt.NDArray[np.bool_]:
    """True at the points where every guard holds (the formula can be real there)."""
    ok = np.ones(len(pts), dtype=bool)
    for condition, _, _ in guards:
        if not condition.free_symbols <= set(symbols):
            continue
        values = evaluate(condition, symbols, pts)
        with np.errstate(invalid="ignore"):
            ok &= values >= -1e-12 * (1 + np.abs(values))
    return ok


def failing(guards: Iterable[Guard], symbols: Sequence[sympy.Symbol], point: Sequence[object]) -> str | None:
    """The text of the first part of the formula that is not real at this exact point."""
    subs = {symbol: _exact(value) for symbol, value in zip(symbols, point, strict=False)}
    for condition, _, text in guards:
        try:
            value = condition.xreplace(subs).evalf(30)
            real, imag = value.as_real_imag()
            if bool(abs(imag) > 1e-20) or bool(real < 0):
                return text
        except (TypeError, ValueError, ArithmeticError, AttributeError):
            return text
    return None


def _exact(value: object) -> sympy.Basic:
    """A point's coordinate as a SymPy number: plain ints (and numpy's) exactly, floats as floats.

    Without it ``xreplace`` leaves a plain Python number, which has no ``evalf``, and every
    guard looked broken at an integer point."""
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, numbers.Integral):
        return sympy.Integer(int(value))
    if isinstance(value, numbers.Rational):
        return sympy.Rational(int(value.numerator), int(value.denominator))
    if isinstance(value, numbers.Real):
        return sympy.Float(float(value))
    raise TypeError(f"a point's coordinate must be a real number, not {type(value).__name__}")


def holds(guards: Iterable[Guard], symbols: Sequence[sympy.Symbol], point: Sequence[object]) -> bool:
    return failing(guards, symbols, point) is None


# --------------------------------------------------------------------------- where to look


def wider_boxes(names: Iterable[str], domain: Mapping[str, Interval]) -> Iterator[dict[str, Interval]]:
    """Boxes to search when the key is real at too few of the usual points."""
    for half in WIDER:
        yield {n: domain.get(n, (-half, half)) for n in names}


def box_of(names: Iterable[str], pts: Points, domain: Mapping[str, Interval]) -> dict[str, Interval]:
    """The bounding box of points where the key is real, each variable's given domain kept."""
    box: dict[str, Interval] = {}
    for j, name in enumerate(names):
        if name in domain:
            box[name] = domain[name]
            continue
        values = [float(p[j]) for p in pts]
        lo, hi = min(values), max(values)
        pad = 0.02 * (hi - lo) if hi > lo else 1.0
        box[name] = (lo - pad, hi + pad)
    return box


def far_points(names: Sequence[str], domain: Mapping[str, Interval], base_point: Sequence[sympy.Expr],
               difference: sympy.Basic) -> list[tuple[sympy.Expr, ...]]:
    """Exact points far from the origin (and round the constants of the difference) for the
    variables without a given domain; the others keep their value from ``base_point``."""
    free = [j for j, n in enumerate(names) if n not in domain]
    if not free:
        return []
    values: list[float] = []
    for number in _constants(difference):  # round where the difference's constants act first
        values += [abs(number) * 2 + 0.37, abs(number) + 1.37]
    values += list(FAR)
    out: list[tuple[sympy.Expr, ...]] = []
    for v in values:
        for sign in (1, -1):
            r = sympy.Rational(str(round(sign * v, 2)))
            point = list(base_point)
            for j in free:
                point[j] = r
            out.append(tuple(point))
            if len(free) > 1:  # one variable far, the others as they were
                for j in free:
                    single = list(base_point)
                    single[j] = r
                    out.append(tuple(single))
    return out[:MAX_FAR]


def _constants(expr: sympy.Basic) -> list[float]:
    out: list[float] = []
    for atom in expr.atoms(sympy.Number):
        try:
            value = float(atom)
        except (TypeError, ValueError, OverflowError):
            continue
        if 10 < abs(value) < 1e12 and math.isfinite(value):
            out.append(value)
    return sorted(set(out))[:4]
