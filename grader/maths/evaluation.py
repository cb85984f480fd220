"""Values of a formula at points: float64 for many points at once (``evaluate``), and the
real value at one exact point to ``DIGITS`` digits (``precise``), each under a time budget."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import sympy

from grader.maths import domains
from grader.maths.domains import Guard, Points
from grader.maths.limits import STEP_SECONDS, _clock, attempt
from grader.maths.numerics import lambdify

DIGITS = 50
Floats = npt.NDArray[np.float64]
MAX_TOWER = 3  # nested non-constant powers beyond which high precision is not tried


class _Budget:
    def __init__(self, seconds: float) -> None:
        self.deadline = _clock() + seconds

    def left(self) -> float:
        return max(0.0, float(self.deadline - _clock()))


def evaluate(expr: sympy.Expr, symbols: Sequence[sympy.Symbol], pts: Points) -> Floats:
    """float64 values at the points; NaN where not a finite real number."""
    n = len(pts)
    if not symbols:
        value = _precise(expr, symbols, (), _Budget(STEP_SECONDS))
        return np.full(n, float(value) if value is not None and _finite(value) else np.nan)
    columns = [np.array([float(p[j]) for p in pts]) for j in range(len(symbols))]
    with np.errstate(all="ignore"):
        try:
            values = _as_floats(lambdify(symbols, expr)(*columns), n)
        except Exception:  # a function NumPy lacks, or an odd expression: point by point
            values = _as_floats([_point_value(expr, symbols, p) for p in pts], n)
    finite: Floats = np.where(np.isfinite(values), values, np.nan)
    return finite


def _as_floats(raw: object, n: int) -> Floats:
    """n float64 values from what a lambdified function returned (NaN where not real, inf where huge)."""
    try:
        values = np.broadcast_to(np.asarray(raw), (n,))
        if values.dtype == object:
            raise TypeError
    except (TypeError, ValueError, OverflowError):
        items = list(np.broadcast_to(np.asarray(raw, dtype=object), (n,)))
        values = np.array([_one_float(v) for v in items], dtype=complex)
    if np.iscomplexobj(values):
        values = np.where(np.abs(values.imag) <= 1e-12 * (1 + np.abs(values.real)), values.real, np.nan)
    return np.asarray(values, dtype=float)


def _one_float(value: Any) -> complex:
    try:
        return complex(value)
    except OverflowError:
        return complex(math.inf)
    except (TypeError, ValueError):
        return complex(math.nan)


def _point_value(expr: sympy.Expr, symbols: Sequence[sympy.Symbol], point: Sequence[float]) -> complex:
    value = attempt(lambda: complex(expr.evalf(17, subs=dict(zip(symbols, point, strict=False)))), default=None)
    return complex(math.nan) if value is None else value


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (OverflowError, TypeError, ValueError):
        return False


def _precise(expr: sympy.Expr, symbols: Sequence[sympy.Symbol], point: Sequence[sympy.Expr], budget: _Budget,
             guards: Sequence[Guard] = ()) -> sympy.Expr | None:
    """The real value at an exact point to DIGITS digits; None if undefined (a guard fails),
    complex or out of time."""
    if _tower(expr) > MAX_TOWER or budget.left() <= 0:
        return None
    if guards and not domains.holds(guards, symbols, point):
        return None

    def compute() -> sympy.Expr | None:
        value = expr.xreplace(dict(zip(symbols, point, strict=False))).evalf(DIGITS)
        if value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or not value.is_number:
            return None
        real, imag = value.as_real_imag()
        if bool(abs(imag) > sympy.Float(10) ** (15 - DIGITS) * max(1, abs(real))):
            return None
        return cast(sympy.Expr, real)

    return attempt(compute, min(STEP_SECONDS, budget.left()))


def _tower(expr: sympy.Basic) -> int:
    """How deeply powers with variable exponents nest (x^x^x^x is 3)."""
    if not expr.args:
        return 0
    inner = max(_tower(a) for a in expr.args)
    if isinstance(expr, sympy.Pow) and expr.exp.free_symbols or isinstance(expr, sympy.exp):
        return inner + 1
    return inner


def exact_value(expr: sympy.Expr, symbols: Sequence[sympy.Symbol], point: Sequence[sympy.Expr],
                budget: _Budget) -> sympy.Rational | None:
    """The exact rational value of a rational function (numbers, symbols, +, *, integer powers)
    at a rational point, or None (another kind of formula, or out of time)."""
    if not all(isinstance(v, sympy.Rational) for v in point) or not _rational_function(expr):
        return None

    def compute() -> sympy.Rational | None:
        value = expr.xreplace(dict(zip(symbols, point, strict=False)))
        return value if isinstance(value, sympy.Rational) else None

    return attempt(compute, min(STEP_SECONDS, budget.left()))


def _rational_function(expr: sympy.Basic) -> bool:
    for node in sympy.preorder_traversal(expr):
        if node.is_Atom:
            if not (node.is_Symbol or node.is_Rational):
                return False
        elif node.is_Pow:
            if not node.exp.is_Integer:
                return False
        elif not (node.is_Add or node.is_Mul):
            return False
    return True
