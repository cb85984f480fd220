"""Reading a problem file's fields: formulas and numbers, with errors at their key path."""

from __future__ import annotations

import numpy as np
import sympy

from grader.errors import GradquizError
from grader.maths import MathSyntaxError, parse_math
from grader.problems import schema


class Where:
    """Raise errors at a key path of one file."""

    def __init__(self, path, positions):
        self.path, self.positions = path, positions

    def error(self, loc, message):
        raise GradquizError(f"{schema.key_path(loc)}: {message}", self.path, self.positions.line_of(loc))


def unique(values, section, key, where):
    seen = set()
    for i, value in enumerate(values):
        if value in seen:
            where.error((section, i, key), f"duplicate {key} '{value}'")
        seen.add(value)


def formula(text, loc, where, *, symbols=None, constants=None) -> sympy.Expr:
    try:
        return parse_math(str(text), symbols=symbols, constants=constants)
    except MathSyntaxError as exc:
        where.error(loc, f"cannot read formula {str(text)!r}: {exc}")


def number(text, loc, where, constants) -> float:
    """A domain end or check point: a number or a constant expression such as pi/2."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        value = formula(text, loc, where, symbols=(), constants=constants)
        try:
            value = float(value)
        except TypeError:
            where.error(loc, f"expected a number, got {text!r}")
    if not np.isfinite(value):
        where.error(loc, f"expected a finite number, got {text!r}")
    return value
