"""Per-student variants: ``params:`` drawn once per student, reproducibly.

The same (problem id, student id) always gives the same values, in ``starter``,
``check`` and ``quiz``. Values are exact SymPy numbers so formulas stay exact.
"""

from __future__ import annotations

import os
from fractions import Fraction

import sympy

from grader.maths import rng, seed  # noqa: F401  (re-exported for variants' users)


def student_id(explicit: str | None = None) -> str:
    """``--student ID``, else ``GRADQUIZ_STUDENT``, else '' (the default variant)."""
    if explicit:
        return explicit
    return os.environ.get("GRADQUIZ_STUDENT", "")


def exact(value) -> sympy.Expr:
    if isinstance(value, bool):
        raise TypeError("not a number")
    if isinstance(value, int):
        return sympy.Integer(value)
    frac = Fraction(repr(float(value)))
    return sympy.Rational(frac.numerator, frac.denominator)


def draw(params: dict, problem_id: str, student: str, attempt: int = 0) -> dict[str, sympy.Expr]:
    """One value per parameter, seeded by problem and student (and the redraw ``attempt``)."""
    generator = rng("params", problem_id, student, *([attempt] if attempt else []))
    values = {}
    for name, spec in params.items():
        if spec.choice is not None:
            values[name] = exact(spec.choice[int(generator.integers(len(spec.choice)))])
        elif spec.integer is not None:
            lo, hi = sorted(spec.integer)
            values[name] = sympy.Integer(int(generator.integers(lo, hi + 1)))
        else:
            lo, hi = sorted(spec.number)
            values[name] = exact(round(float(generator.uniform(lo, hi)), spec.decimals))
    return values
