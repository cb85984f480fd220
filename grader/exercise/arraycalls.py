"""Grading a task over array parameters, without SymPy: its calls, its replies, its slips.

A task over array parameters (``grader.exercise.arraytasks`` compiles it with SymPy; the cache
restores it, ``grader.exercise.compiled_formulas``) calls the student's function ``name(W, b, X, y)``
with the parameters' entries in their shapes, then the data (``arguments``); ``fit`` reads the
reply, one array per parameter, and names a transposed or unsummed gradient by its shape;
``diagnose`` names a missing 1/n of a mean or a softmax gradient without its one-hot term.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

ARRAY_SLIPS = {
    "missing_mean": "Your values are n times the right ones (n = {n}, the number of data rows): the 1/n of the mean "
    "is missing.",
    "transposed_product": "Your {name} has the shape of its transpose: a product is transposed (for a loss of "
    "X @ W, the gradient by W is X.T @ (...), shape {shape}).",
    "bias_not_summed": "Your {name} has one row per data point, shape {got}: a bias gradient is summed (or averaged, "
    "as the loss is) over the batch, axis 0, to shape {shape}.",
    "missing_onehot": "Your values are those of the softmax gradient without its one-hot term: the gradient of "
    "cross-entropy by the scores is softmax(Z) - onehot(y, k), not softmax(Z) alone.",
}


def arguments(task: Any, x: Any) -> list[dict[str, Any]]:
    """One call's arguments: each parameter's entries in its shape, then the data arrays."""
    out: list[dict[str, Any]] = []
    start = 0
    for _, shape in task.arrays:
        size = int(np.prod(shape))
        out.append({"array": np.asarray(x[start : start + size], dtype=float).reshape(shape).tolist()})
        start += size
    out += [{"array": np.asarray(v).tolist()} for _, v in task.data]
    return out


def fit(task: Any, data: np.ndarray, shape: tuple[int, ...],
        parts: Any) -> tuple[np.ndarray | None, str | None, str | None]:
    """(the entries in order, or None), a shape problem's text and its mistake."""
    want = [s for _, s in task.arrays]
    got = [tuple(p) for p in parts] if parts is not None else [tuple(shape)]
    if task.kind.name == "function":
        return (data.reshape(()) if data.size == 1 else None), (None if data.size == 1 else "f is one number"), "shape"
    if got == want:
        return data.reshape(-1), None, None
    if len(got) != len(want):
        return (
            None,
            (
                f"returned {len(got)} array{'s' if len(got) != 1 else ''}; it should return {len(want)} "
                f"(one per parameter: {', '.join(n for n, _ in task.arrays)}, in that order)"
            ),
            "shape",
        )
    rows = [np.shape(v)[0] for _, v in task.data if np.ndim(v) >= 1]
    for (name, w), g in zip(task.arrays, got, strict=False):
        if g == w:
            continue
        if len(w) == 2 and g == w[::-1] and w[0] != w[1]:
            return (
                None,
                ARRAY_SLIPS["transposed_product"].format(name=f"gradient by {name}", shape=w),
                "transposed_product",
            )
        if len(w) == 1 and len(g) == 2 and g[1:] == w and rows and g[0] == rows[0]:
            return (
                None,
                ARRAY_SLIPS["bias_not_summed"].format(name=f"gradient by {name}", got=g, shape=w),
                "bias_not_summed",
            )
        return None, f"the gradient by {name} has shape {g}; it should have the shape of {name}, {w}", "shape"
    return None, "the arrays returned do not have the parameters' shapes", "shape"


def diagnose(task: Any, points: Any, values: np.ndarray) -> tuple[str, str] | None:
    """(note, sentence) for a missing 1/n or a softmax gradient without its one-hot term, or None."""
    from grader.maths import close

    rows = [np.shape(v)[0] for _, v in task.data if np.ndim(v) >= 1]
    want = points.expected.reshape(len(values), -1)
    got = values.reshape(len(values), -1)
    atol = 1e-7 * (1 + np.abs(want).max())
    if rows and rows[0] > 1 and np.abs(want).max() > atol and close(got, rows[0] * want, 1e-6, atol).all():
        return "missing_mean", ARRAY_SLIPS["missing_mean"].format(n=rows[0])
    if "softmax" in str(task.spec.f):
        alt = _without_onehot(task, points.x)
        if alt is not None and close(got, alt.reshape(len(values), -1), 1e-6, atol).all():
            return "missing_onehot", ARRAY_SLIPS["missing_onehot"]
    return None


def _without_onehot(task: Any, x: np.ndarray) -> np.ndarray | None:
    """The gradient of f without its one-hot term at the rows of x: a compiled task's programs
    (no SymPy), else worked out from the SymPy task (``arraytasks``); None if it fails."""
    rows = getattr(task, "without_onehot_rows", None)
    if not callable(rows):
        from grader.exercise.arraytasks import without_onehot

        rows = functools.partial(without_onehot, task)
    found: np.ndarray | None = rows(x)
    return found


def _returns(task: Any) -> str:
    if task.kind.name == "function":
        return "f, a number"
    if len(task.arrays) == 1:
        return f"the gradient by {task.arrays[0][0]}, an array of shape {tuple(task.arrays[0][1])}"
    return "a tuple of the gradients by " + ", ".join(f"{n} (shape {tuple(s)})" for n, s in task.arrays)


def missing(task: Any) -> str:
    return (
        f"Your file does not define a function named `{task.spec.function}`. Add "
        f"`def {task.spec.function}({task.arguments}):` returning {_returns(task)}."
    )


def not_written(task: Any) -> str:
    return (
        f"`{task.spec.function}` is not written yet (it raises NotImplementedError): replace "
        f"`raise NotImplementedError` with code that returns {_returns(task)}."
    )
