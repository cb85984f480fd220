"""What a sandbox child loads before it reads its config (and so before it knows the submission):
numpy, always (an exercise cannot forbid it), and ``PRELOAD``, the standard modules and parts of
numpy students use, unless the exercise forbids one of them.

The grader names them on the child's command line (``child.py``, ``--zygote`` too): a child
started before its exercise is known (``spare.prestart``) loads them all while the grader finds
the exercise, and is taken only for an exercise that forbids none of them.
"""

from __future__ import annotations

from collections.abc import Iterable

PRELOAD = (
    "math", "cmath", "random", "statistics", "functools", "itertools", "operator", "fractions", "decimal", "heapq",
    "bisect", "string", "array", "struct", "textwrap", "collections", "numbers", "copy", "re", "typing", "dataclasses",
    "warnings", "numpy", "numpy.linalg", "numpy.random", "numpy.polynomial", "numpy.fft",
)
NUMPY = tuple(name for name in PRELOAD if name.split(".")[0] == "numpy")


def preloads(forbid: Iterable[str] = ()) -> tuple[str, ...]:
    """``PRELOAD``, or only its numpy when ``forbid`` names one of its modules: a module in memory can
    be reached whatever ``sys.modules`` says (``gc.get_objects()``), and so can what imports it
    (``statistics`` imports ``fractions``)."""
    if set(forbid) & {name.split(".")[0] for name in PRELOAD}:
        return NUMPY
    return PRELOAD
