"""Check points and number comparison.

Points are seeded per exercise, task and student; random ones keep away from
0, +-1, other integers and multiples of pi, where wrong answers often agree with
right ones. Values are compared per point with
``|s - r| <= atol * (1 + max|r|) + rtol * max(|s|, |r|)``.
"""

from __future__ import annotations

import numpy as np

from grader.maths.seeds import rng

SPECIAL_GAP = 0.02  # fraction of the interval's width kept clear of special values


def sample_points(bounds: np.ndarray, count: int, *seed_parts) -> np.ndarray:
    """``count`` seeded points in the box ``bounds`` (n x 2), clear of special values."""
    generator = rng("points", *seed_parts)
    n = len(bounds)
    lo, hi = bounds[:, 0], bounds[:, 1]
    gap = SPECIAL_GAP * (hi - lo)
    out = []
    for _ in range(50):
        if len(out) >= count:
            break
        batch = lo + (hi - lo) * generator.random((max(count, 8), n))
        for point in batch:
            if len(out) < count and not _near_special(point, gap):
                out.append(point)
    while len(out) < count:  # a box too small to avoid every special value
        out.append(lo + (hi - lo) * generator.random(n))
    return np.array(out, dtype=float).reshape(len(out), n)


def _near_special(point: np.ndarray, gap: np.ndarray) -> bool:
    near_int = np.abs(point - np.round(point)) < np.minimum(gap, 0.05)
    near_pi = np.abs(point / np.pi - np.round(point / np.pi)) * np.pi < np.minimum(gap, 0.05)
    return bool(np.any(near_int | near_pi))


def close(s: np.ndarray, r: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    """Elementwise closeness; NaN and inf only match themselves."""
    with np.errstate(all="ignore"):
        ok = np.abs(s - r) <= atol + rtol * np.maximum(np.abs(s), np.abs(r))
        ok &= np.isfinite(s) & np.isfinite(r)  # else inf <= rtol * inf: inf would match anything
    return ok | ((s == r) & ~np.isnan(s))


def fmt(value, digits: int = 6) -> str:
    """A number or array for feedback: 6 significant digits, -0 shown as 0."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        v = float(array)
        return "0" if v == 0 else f"{v:.{digits}g}"
    return "[" + ", ".join(fmt(v, digits) for v in array) + "]"


def fmt_pair(got, want) -> tuple[str, str]:
    """Two values with enough digits to tell them apart (a wrong 1.06865e+13 vs 1.06865e+13)."""
    for digits in (6, 9, 12, 17):
        a, b = fmt(got, digits), fmt(want, digits)
        if a != b:
            break
    return a, b


def lambdify(symbols, expr):
    """``sympy.lambdify`` on NumPy without ``from numpy import *`` (which loads f2py & co.)."""
    import sympy
    from sympy.printing.numpy import NumPyPrinter

    printer = NumPyPrinter({"fully_qualified_modules": True, "inline": True, "allow_unknown_functions": True})
    import functools

    namespace = {"numpy": np, "functools": functools}  # Max/Min print as functools.reduce(...)
    return sympy.lambdify(symbols, expr, modules=[namespace], printer=printer)
