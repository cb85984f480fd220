"""The numbers behind a picture: reference and student values over a grid, check points, failures.

The student's grid values come from one extra ``sandbox.run`` of the task's function on
the grid points, in the child process, and are read like any reply: floats of the
expected shape, NaN for anything else. Nothing here imports matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from grader.maths import close

CURVE_POINTS = 241
FIELD_POINTS = 11


@dataclass
class Picture:
    id: str
    kind: str  # "curve" | "field" | "heatmap"
    title: str
    variables: tuple[str, ...]
    data: dict = field(default_factory=dict)
    note: str = ""  # e.g. why the student's curve is missing


def collect(exercise, results, sandbox) -> list:
    """A Picture per graded task (in order), using ``sandbox`` for the student's grid values."""
    by_id = {r.id: r for r in results}
    out = []
    for task in exercise.tasks:
        result = by_id.get(task.id)
        if result is None:
            continue
        picture = picture_for(task, result, sandbox)
        if picture is not None:
            out.append(picture)
    return out


def picture_for(task, result, sandbox):
    if task.call == "args":  # the methods' kinds (error against h, a descent's path), arrays (errors by entry)
        from grader.plots import methods

        if getattr(task, "arrays", ()):
            return methods.array_picture(task, result, Picture) if task.kind.name == "gradient" else None
        return methods.picture_for(task, result, sandbox, Picture)
    kind = task.kind.name
    trace = result.trace or {}
    title = f"{task.id}: {_what(task)}"
    if len(task.shape) == 2:
        return _heatmap(task, trace, title)
    if len(task.shape) == 1 and len(task.variables) >= 2:
        return _field(task, trace, title, sandbox)
    if kind in ("function", "derivative", "second_derivative", "partial") or len(task.shape) <= 1:
        return _curve(task, trace, title, sandbox)
    return None


def _what(task) -> str:
    from grader.maths import written

    f = ", ".join(written(e) for e in task.f)  # as people write it: x^2, e^(-x)
    return {
        "function": f"f = {f}",
        "derivative": f"f' for f = {f}",
        "second_derivative": f"f'' for f = {f}",
        "partial": f"df/d{task.variables[task.wrt]} for f = {f}",
        "gradient": f"gradient of f = {f}",
        "hessian": f"Hessian of f = {f}",
        "jacobian": f"Jacobian of f = [{f}]",
    }.get(task.kind.name, task.kind.name)


def _student(task, sandbox, points: np.ndarray) -> np.ndarray | None:
    """The student's values at ``points`` (k x n) from the sandbox: k x shape floats, NaN where
    a call failed or returned the wrong shape; None when nothing came back."""
    if sandbox is None:
        return None
    run = sandbox.run(task.spec.function, task.call, points.tolist(), max(task.spec.timeout, 1.0) * 2)
    if run.results is None:
        return None
    size = int(np.prod(task.shape)) if task.shape else 1
    out = np.full((len(points), size), np.nan)
    for i, item in enumerate(run.results):
        if not isinstance(item, dict) or not item.get("ok"):
            continue
        try:
            data = np.asarray(item.get("data", []), dtype=float).ravel()
        except (TypeError, ValueError):
            continue
        if data.size == size:
            out[i] = data
    return out.reshape((len(points),) + task.shape)


def _reference(task, points: np.ndarray) -> np.ndarray:
    out = np.full((len(points),) + task.shape, np.nan)
    with np.errstate(all="ignore"):
        for i, x in enumerate(points):
            try:
                out[i] = task.reference_numeric(x)
            except (ArithmeticError, ValueError, TypeError):
                pass
    return out


def _trace(trace, task):
    x = np.asarray(trace.get("x", np.empty((0, len(task.variables)))), dtype=float)
    values = trace.get("values")
    ok = np.asarray(trace.get("ok", np.ones(len(x), bool)), dtype=bool)
    expected = np.asarray(trace.get("expected", np.empty((0,) + task.shape)), dtype=float)
    return x, expected, values, ok


def _curve(task, trace, title, sandbox) -> Picture:
    x, expected, values, ok = _trace(trace, task)
    axis = task.wrt if len(task.variables) > 1 else 0
    lo, hi = task.bounds[axis]
    grid = np.tile(x[0] if len(x) else task.bounds.mean(axis=1), (CURVE_POINTS, 1))
    grid[:, axis] = np.linspace(lo, hi, CURVE_POINTS)
    keep = np.ones(len(x), bool)
    if len(task.variables) > 1 and len(x):  # a slice through the first failing (else first) point
        anchor = x[int(np.argmin(ok))] if not ok.all() else x[0]
        grid = np.tile(anchor, (CURVE_POINTS, 1))
        grid[:, axis] = np.linspace(lo, hi, CURVE_POINTS)
        keep = np.all(np.isclose(np.delete(x, axis, 1), np.delete(anchor, axis)), axis=1)
    student = _student(task, sandbox, grid)
    note = "" if student is not None else "your function gave no values on the grid"
    data = {
        "grid": grid[:, axis],
        "reference": _reference(task, grid).reshape(-1),
        "student": None if student is None else student.reshape(-1),
        "check_x": x[keep, axis] if len(x) else np.empty(0),
        "check_expected": expected[keep].reshape(-1) if len(x) else np.empty(0),
        "check_got": None if values is None else np.asarray(values, dtype=float)[keep].reshape(-1),
        "check_ok": ok[keep] if len(x) else np.empty(0, bool),
        "axis": task.variables[axis],
    }
    return Picture(task.id, "curve", title, task.variables, data, note)


def _field(task, trace, title, sandbox) -> Picture:
    x, expected, values, ok = _trace(trace, task)
    (xlo, xhi), (ylo, yhi) = task.bounds[0], task.bounds[1]
    gx, gy = np.meshgrid(np.linspace(xlo, xhi, FIELD_POINTS), np.linspace(ylo, yhi, FIELD_POINTS))
    base = x[0] if len(x) else task.bounds.mean(axis=1)
    grid = np.tile(base, (gx.size, 1))
    grid[:, 0], grid[:, 1] = gx.ravel(), gy.ravel()
    reference = _reference(task, grid)
    student = _student(task, sandbox, grid)
    wrong = None
    if student is not None:
        scale = 1e-9 * (1 + float(np.nanmax(np.abs(reference)))) if np.isfinite(reference).any() else 1e-9
        wrong = ~np.all(close(student, reference, 1e-6, scale), axis=1)
    data = {
        "x": gx.ravel(), "y": gy.ravel(),
        "reference": reference[:, :2], "student": None if student is None else student[:, :2],
        "wrong": wrong,
        "check_x": x[:, :2] if len(x) else np.empty((0, 2)),
        "check_ok": ok,
    }
    note = "" if student is not None else "your function gave no values on the grid"
    if len(task.variables) > 2:
        title += " at " + ", ".join(f"{v} = {base[i]:.3g}" for i, v in enumerate(task.variables) if i >= 2)
    return Picture(task.id, "field", title, task.variables, data, note)


def _heatmap(task, trace, title) -> Picture:
    x, expected, values, ok = _trace(trace, task)
    if values is None or not len(x):
        return Picture(task.id, "heatmap", title, task.variables, {"error": None},
                       "no picture: your function gave no values of the right shape (see the feedback)")
    values = np.asarray(values, dtype=float)
    with np.errstate(all="ignore"):
        error = np.nanmax(np.abs(values - expected), axis=0)
        scale = 1e-9 * (1 + float(np.max(np.abs(expected))))
        wrong = ~np.all(close(values, expected, 1e-6, scale), axis=0)
    rows = [f"f{i}" for i in range(task.shape[0])] if task.kind.vector_f else [f"d/d{v}" for v in task.variables]
    return Picture(task.id, "heatmap", title, task.variables, {"error": error, "wrong": wrong, "rows": rows, "cols": [f"d/d{v}" for v in task.variables]})
