"""Check points and number comparison.

Points are seeded per exercise, task and student (the same seed, the same points) and
keep away from 0, +-1, other integers and multiples of pi, where wrong answers often
agree with right ones. Their pattern leaves no stretch of the domain unchecked:

- edge points: for each variable and each end of its interval, a point at the end
  (a seeded 0.2% to 0.8% of the width inside it) and one near it (1% to 2.4% inside),
  so that a function wrong only in the last few percent of the domain fails (the other
  coordinates of these points come from the sequence below); at most half of the
  points are edge points, those at the ends first;
- the rest: a Halton low-discrepancy sequence (bases 2, 3, 5, ...), started at a seeded
  index and shifted by a seeded vector modulo 1 (a Cranley-Patterson rotation), so
  that points fill the box evenly instead of clumping as uniform draws do; a point
  near a special value is moved just clear of it rather than dropped, so the spread
  stays even (with 20 points on one variable no gap exceeds about 1/8 of the domain,
  where 20 uniform draws leave gaps of a third).

Values are compared per point with ``|s - r| <= atol * (1 + max|r|) + rtol * max(|s|, |r|)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import sympy

from grader.maths.seeds import rng

SPECIAL_GAP = 0.02  # fraction of the interval's width kept clear of special values
EDGE_OFFSETS = ((0.002, 0.008), (0.01, 0.024))  # edge points "at" and "near" each end: fractions of the width
EDGE_STEP = 0.0005  # fraction of the width an edge point moves inward to clear a special value
PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97)


def sample_points(bounds: npt.ArrayLike, count: int, *seed_parts: object) -> npt.NDArray[np.float64]:
    """``count`` seeded points in the box ``bounds`` (n x 2), clear of special values:
    edge points at and near each end of each variable's interval, then a shifted Halton
    sequence (see the module's docstring). Plain floats, one coordinate at a time: a few
    dozen points cost well under a millisecond (NumPy's per-call cost on 1-element arrays
    was most of the grading of a submission)."""
    generator = rng("points", *seed_parts)
    box = np.asarray(bounds, dtype=float)
    n = len(box)
    lo, hi = [float(v) for v in box[:, 0]], [float(v) for v in box[:, 1]]
    width = [h - a for a, h in zip(lo, hi, strict=False)]
    sequence = _Halton(n, generator)
    gap = [SPECIAL_GAP * w for w in width]
    out = []
    for dim, end, (low, high) in _edges(n)[: count // 2]:
        point = [a + w * u for a, w, u in zip(lo, width, sequence.clear(lo, width, gap), strict=False)]
        point[dim] = _edge(lo[dim], hi[dim], end, low + (high - low) * generator.random(), gap[dim])
        out.append(point)
    for _ in range(count - len(out)):
        out.append([a + w * u for a, w, u in zip(lo, width, sequence.clear(lo, width, gap), strict=False)])
    return np.array(out, dtype=float).reshape(len(out), n)


def _edges(n: int) -> list[tuple[int, int, tuple[float, float]]]:
    """(variable, end 0 low / 1 high, range of the offset), those at the ends first."""
    return [(dim, end, offset) for offset in EDGE_OFFSETS for dim in range(n) for end in (0, 1)]


def _edge(lo: float, hi: float, end: int, offset: float, gap: float) -> float:
    """A coordinate ``offset`` of the width inside one end, moved further in while it sits on
    a special value (an end at an integer is common: the point keeps the same clearance as
    the others, which is under 2% of the width, so it stays in the last 2.5%)."""
    width = hi - lo
    for k in range(60):
        inside = (offset + k * EDGE_STEP) * width
        value = lo + inside if end == 0 else hi - inside
        if not _near_special(value, gap):
            return value
    return lo + offset * width if end == 0 else hi - offset * width


class _Halton:
    """A Halton sequence in [0, 1)^n from a seeded start, rotated by a seeded shift."""

    def __init__(self, n: int, generator: np.random.Generator) -> None:
        self.bases = [PRIMES[i % len(PRIMES)] for i in range(n)]
        self.index = int(generator.integers(1, 1 << 16))
        self.shift = [float(v) for v in generator.random(n)]
        self.n = n

    def next(self) -> list[float]:
        self.index += 1
        return [(_radical_inverse(self.index, b) + s) % 1.0 for b, s in zip(self.bases, self.shift, strict=False)]

    def clear(self, lo: list[float], width: list[float], gap: list[float]) -> list[float]:
        """The next point (as fractions of the box) clear of special values: moved just out of
        a special value's clearance when that keeps it in the box (the sequence stays even),
        else skipped for the next one."""
        for _ in range(200):
            u = self.next()
            point = _moved_clear([a + w * v for a, w, v in zip(lo, width, u, strict=False)], lo, width, gap)
            if point is not None:
                return [(p - a) / w for p, a, w in zip(point, lo, width, strict=False)]
        return self.next()  # a box too small to avoid every special value


def _moved_clear(point: list[float], lo: list[float], width: list[float], gap: list[float]) -> list[float] | None:
    """``point`` with each coordinate near 0, an integer or a multiple of pi moved just clear
    of it (to the nearer side, as far beyond the clearance as it was inside it, so two
    seeds never share a point), or None when that leaves the box or meets another."""
    out = []
    for k, value in enumerate(point):
        clear = min(gap[k], 0.05) * 1.001
        for special in (float(round(value)), math.pi * float(round(value / math.pi))):
            if abs(value - special) < clear:  # out by as much as it was in: the seed's randomness stays
                value = special + (clear + abs(value - special)) * (1 if value >= special else -1)
        if not lo[k] < value < lo[k] + width[k] or _near_special(value, gap[k]):
            return None
        out.append(value)
    return out


def _radical_inverse(i: int, base: int) -> float:
    out, scale = 0.0, 1.0 / base
    while i:
        i, digit = divmod(i, base)
        out += digit * scale
        scale /= base
    return out


def _near_special(value: float, gap: float) -> bool:
    """Within ``gap`` (at most 0.05) of an integer or a multiple of pi."""
    gap = min(gap, 0.05)
    return abs(value - round(value)) < gap or abs(value / math.pi - round(value / math.pi)) * math.pi < gap


def close(s: npt.NDArray[Any], r: npt.NDArray[Any], rtol: float, atol: float) -> npt.NDArray[np.bool_]:
    """Elementwise closeness; NaN and inf only match themselves."""
    with np.errstate(all="ignore"):
        ok = np.abs(s - r) <= atol + rtol * np.maximum(np.abs(s), np.abs(r))
        ok &= np.isfinite(s) & np.isfinite(r)  # else inf <= rtol * inf: inf would match anything
    same: npt.NDArray[np.bool_] = ok | ((s == r) & ~np.isnan(s))
    return same


def fmt(value: object, digits: int = 6) -> str:
    """A number or array for feedback: 6 significant digits, -0 shown as 0."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        v = float(array)
        return "0" if v == 0 else f"{v:.{digits}g}"
    return "[" + ", ".join(fmt(v, digits) for v in array) + "]"


def fmt_pair(got: object, want: object) -> tuple[str, str]:
    """Two values with enough digits to tell them apart (a wrong 1.06865e+13 vs 1.06865e+13)."""
    for digits in (6, 9, 12, 17):
        a, b = fmt(got, digits), fmt(want, digits)
        if a != b:
            break
    return a, b


def lambdify(symbols: Sequence[sympy.Symbol], expr: sympy.Basic) -> Callable[..., Any]:
    """``sympy.lambdify`` on NumPy without ``from numpy import *`` (which loads f2py & co.)."""
    import sympy
    from sympy.printing.numpy import NumPyPrinter

    printer = NumPyPrinter({"fully_qualified_modules": True, "inline": True, "allow_unknown_functions": True})
    import functools

    namespace = {"numpy": np, "functools": functools}  # Max/Min print as functools.reduce(...)
    symbols, expr = _named(symbols, expr)
    function: Callable[..., Any] = sympy.lambdify(symbols, expr, modules=[namespace], printer=printer)
    return function


def _named(symbols: Any, expr: Any) -> tuple[Any, Any]:
    """Symbols whose names are not Python names (an array task's entries, ``W[0, 1]``) renamed
    by their place: lambdify would put Dummies there, whose numbering (so the printed order of
    a sum's terms, so its last bit) depends on what ran before in the process."""
    import keyword

    import sympy

    args = list(symbols) if isinstance(symbols, (list, tuple)) else [symbols]
    renamed = {s: sympy.Symbol(f"_entry{i:04d}") for i, s in enumerate(args)
               if isinstance(s, sympy.Symbol) and not (s.name.isidentifier() and not keyword.iskeyword(s.name))}
    if not renamed:
        return symbols, expr

    def replace(item: Any) -> Any:
        if isinstance(item, (list, tuple)):
            return type(item)(replace(e) for e in item)
        return item.xreplace(renamed) if hasattr(item, "xreplace") else item

    new = [renamed.get(s, s) for s in args]
    return (new if isinstance(symbols, (list, tuple)) else new[0]), replace(expr)
