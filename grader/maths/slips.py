"""Which slip a wrong answer shows: ``match``, free of SymPy (a compiled task's slips are programs).

``grader.maths.mistakes`` works the slips out with SymPy and re-exports ``match``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt


class Slip(Protocol):
    """What ``match`` reads of a slip: its formula (or program) and whether a constant is free."""

    @property
    def expr(self) -> Any: ...

    @property
    def up_to_constant(self) -> bool: ...


S = TypeVar("S", bound=Slip)
Floats = npt.NDArray[np.float64]


def match(slips: Iterable[S], values_of: Callable[[Any], Floats | None], got: Floats, want: Floats,
          same: Callable[[Floats, Floats], bool]) -> S | None:
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
