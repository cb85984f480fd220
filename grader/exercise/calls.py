"""What the sandbox returned for a task's calls, checked before grading trusts any of it.

``checked_run`` turns whatever came back into a ``Run`` the grading relies on (else a garbled
one); ``_value`` reads one returned value; ``_call_error`` keeps only what feedback shows of a
failed call; ``_fit_shape`` fits a value to the task's shape. Shared by the formula kinds
(``grading``) and the methods' kinds (``method_grading``).
"""

from __future__ import annotations

import numpy as np

from grader.exercise import feedback
from grader.reports import one_line
from grader.sandbox import Run

FAILURES = ("import", "missing", "timeout", "crash", "garbled")
MAX_DIMS, MAX_VALUES = 8, 1_000_000  # of one returned value


def garbled(why: str) -> Run:
    return Run(failure="garbled", detail={"reason": why})


def checked_run(run, count: int) -> Run:
    """The sandbox's Run as this module relies on it, else a garbled one: the parent trusts
    nothing that came from the child's side, whatever shape it has (defence in depth: the
    sandbox validates replies too)."""
    results = getattr(run, "results", None)
    failure = getattr(run, "failure", None)
    detail = getattr(run, "detail", None)
    detail = dict(detail) if isinstance(detail, dict) else {}
    if results is None:
        if failure not in FAILURES:
            return garbled("unknown failure")
        for key in ("timeout", "returncode"):
            value = detail.get(key)
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if value is not None and not (number and np.isfinite(value)):
                detail.pop(key)
        return Run(failure=failure, detail=detail)
    if not isinstance(results, list) or len(results) != count or not all(isinstance(r, dict) for r in results):
        return garbled("results")
    return Run(results=results)


def _value(item: dict):
    """(data, shape) of one returned value, or None when the reply does not hold one."""
    shape, data = item.get("shape", ()), item.get("data", [])
    if not isinstance(shape, (list, tuple)) or len(shape) > MAX_DIMS or not isinstance(data, list):
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_VALUES for n in shape):
        return None
    if len(data) > MAX_VALUES or len(data) != int(np.prod(shape, dtype=float)):
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in data):
        return None
    try:
        return np.array(data, dtype=float), tuple(shape)
    except (OverflowError, ValueError):  # an integer too large for a float
        return None


def _call_error(item: dict) -> dict:
    """A failed call's description with only the keys and types feedback uses."""
    out = {}
    returned = item.get("returned")
    if isinstance(returned, str):
        out["returned"] = one_line(returned[:200])  # a type name of the submission's: one line
    error = item.get("error")
    if isinstance(error, dict):
        out["error"] = feedback.clean_error(error)
    elif "returned" not in out:
        out["error"] = {"type": "Error", "message": "(no description)"}
    return out


def _fit_shape(data: np.ndarray, shape: tuple, want: tuple):
    if shape == want:
        return data.reshape(want)
    if not want and data.size == 1:  # a scalar task: [v] and [[v]] are fine too
        return data.reshape(())
    return None
