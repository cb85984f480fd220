"""Which slip a wrong answer shows: ``match``, free of SymPy (a compiled task's slips are programs).

``grader.maths.mistakes`` works the slips out with SymPy and re-exports ``match``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def match(slips, values_of: Callable, got: np.ndarray, want: np.ndarray, same: Callable):
    """The first slip whose values (``values_of(slip.expr)``: k x m, or None) equal the student's
    ``got`` but not the right ``want``; an antiderivative may differ by a constant."""
    for slip in slips:
        values = values_of(slip.expr)
        if values is None or values.shape != got.shape or not np.all(np.isfinite(values)):
            continue
        if slip.up_to_constant:
            values = values + (got - values)[0]
        if not same(values, want) and same(got, values):
            return slip
    return None
