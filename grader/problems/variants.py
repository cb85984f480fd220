"""Per-student variants: ``params:`` drawn once per student, reproducibly.

The same (problem id, student id) always gives the same values, in ``starter``,
``check`` and ``quiz``. Values are exact SymPy numbers so formulas stay exact.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

import sympy

from grader.maths import rng, seed  # noqa: F401  (re-exported for variants' users)

if TYPE_CHECKING:
    from grader.problems.schema import Param

__all__ = ["draw", "exact", "rng", "seed", "student_id"]


def student_id(explicit: str | None = None) -> str:
    """``--student ID``, else ``GRADQUIZ_STUDENT``, else '' (the default variant)."""
    if explicit:
        return explicit
    return os.environ.get("GRADQUIZ_STUDENT", "")


def exact(value: float | str) -> sympy.Expr:
    if isinstance(value, bool):
        raise TypeError("not a number")
    if isinstance(value, int):
        return sympy.Integer(value)
    frac = Fraction(repr(float(value)))
    return sympy.Rational(frac.numerator, frac.denominator)


def draw(params: Mapping[str, Param], problem_id: str, student: str, attempt: int = 0) -> dict[str, sympy.Expr]:
    """One value per parameter, seeded by problem and student (and the redraw ``attempt``)."""
    generator = rng("params", problem_id, student, *([attempt] if attempt else []))
    values: dict[str, sympy.Expr] = {}
    for name, spec in params.items():
        if spec.choice is not None:
            values[name] = exact(spec.choice[int(generator.integers(len(spec.choice)))])
        elif spec.integer is not None:
            lo, hi = sorted(spec.integer)
            values[name] = sympy.Integer(int(generator.integers(lo, hi + 1)))
        else:
            assert spec.number is not None  # a Param has exactly one of choice, integer, number
            low, high = sorted(spec.number)
            values[name] = exact(round(float(generator.uniform(low, high)), spec.decimals))
    return values
