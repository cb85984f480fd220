"""Pictures of the methods' tasks: the error against h on a log-log plot (numerical kinds),
the descent path on the contours of f (gradient descent); for a gradient over array
parameters, the error of each entry of one parameter's gradient (a heat map).

The student's values come from one extra ``sandbox.run`` (``"args"`` calls, as in grading)
and are read like any reply: a number (or an array of the task's shape), NaN for anything
else. Nothing here imports matplotlib (``plots.draw`` draws the Pictures).
"""

from __future__ import annotations

import numpy as np

STEPS = tuple(float(h) for h in np.logspace(-1, -9, 17))  # h on the log-log plot
MAX_PATH = 60  # steps of a drawn descent path


def picture_for(task, result, sandbox, Picture):
    if task.kind.name in ("numerical_derivative", "numerical_gradient"):
        return _loglog(task, result, sandbox, Picture)
    if task.kind.name == "gradient_descent":
        return _path(task, result, sandbox, Picture)
    return None


def _values(task, sandbox, calls: list) -> np.ndarray:
    """The student's results of ``calls``: one row per call, NaN where a call failed."""
    size = int(np.prod(task.shape)) if task.shape else 1
    out = np.full((len(calls), size), np.nan)
    if sandbox is None:
        return out
    run = sandbox.run(task.spec.function, "args", calls, max(task.spec.timeout, 1.0) * 2)
    for i, item in enumerate(run.results or []):
        if not isinstance(item, dict) or not item.get("ok"):
            continue
        try:
            data = np.asarray(item.get("data", []), dtype=float).ravel()
        except (TypeError, ValueError):
            continue
        if data.size == size:
            out[i] = data
    return out


def _loglog(task, result, sandbox, Picture):
    from grader.exercise import point_arg, stencil, stencil_formulas

    x = np.array(task.at[0], dtype=float)
    calls = [[{"source": task.sources[0]}, point_arg(task, x), {"number": h}] for h in STEPS]
    got = _values(task, sandbox, calls)
    mine, method = [], []
    with np.errstate(all="ignore"):
        for h, row in zip(STEPS, got, strict=False):
            s = stencil(task, 0, x, h)
            forms = stencil_formulas(s, h)
            asked = forms["central"][0] if task.order == 2 else forms["one_sided"][0]
            method.append(float(np.max(np.abs(asked - s["exact"]))))
            mine.append(float(np.max(np.abs(row - s["exact"]))))
    where = f"x = {x[0]:g}" if len(x) == 1 else f"x = ({', '.join(f'{v:g}' for v in x)})"
    name = "central difference" if task.order == 2 else "forward difference"
    data = {
        "h": np.array(STEPS),
        "yours": np.array(mine),
        "method": np.array(method),
        "method_name": name,
        "passed": result.passed,
    }
    return Picture(task.id, "loglog", f"{task.id}: error against h for f = {task.texts[0]} at {where}", ("h",), data)


def _path(task, result, sandbox, Picture):
    from grader.exercise import descend, point_arg

    x0, lr = np.array(task.at[0], dtype=float), task.lr[0]
    count = min(max(task.steps[0], 1), MAX_PATH)
    calls = [[{"source": task.sources[0]}, point_arg(task, x0), {"number": lr}, {"int": k}] for k in range(count + 1)]
    with np.errstate(all="ignore"):
        mine = _values(task, sandbox, calls)
        right = np.array([descend(task, x0, lr, k) for k in range(count + 1)]).reshape(count + 1, -1)
    f = task.f_numeric[0]
    mine = _near(mine, right)
    finite = np.vstack([right, mine[np.isfinite(mine).all(axis=1)]])
    lo, hi = finite.min(axis=0), finite.max(axis=0)
    pad = 0.15 * np.maximum(hi - lo, 1e-3)
    lo, hi = lo - pad, hi + pad
    data = {"right": right, "yours": mine, "passed": result.passed, "lr": lr, "steps": count}
    if len(task.variables) == 2:
        gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 80), np.linspace(lo[1], hi[1], 80))
        with np.errstate(all="ignore"):
            data["f"] = np.broadcast_to(np.asarray(f(gx, gy), dtype=float), gx.shape)
        data["gx"], data["gy"] = gx, gy
    elif len(task.variables) == 1:
        grid = np.linspace(lo[0], hi[0], 200)
        with np.errstate(all="ignore"):
            data["grid"] = grid
            data["f"] = np.broadcast_to(np.asarray(f(grid), dtype=float), grid.shape)
            data["f_right"] = np.asarray(f(right[:, 0]), dtype=float)
            data["f_yours"] = np.asarray(f(mine[:, 0]), dtype=float)
    else:
        return Picture(
            task.id,
            "heatmap",
            f"{task.id}: a descent in {len(task.variables)} variables",
            task.variables,
            {"error": None},
            "no picture beyond two variables",
        )
    title = f"{task.id}: the first {count} steps from x0 = {', '.join(f'{v:g}' for v in x0)}, lr = {lr:g}"
    return Picture(task.id, "path", title, task.variables, data)


def _near(mine: np.ndarray, right: np.ndarray, spans: float = 100.0) -> np.ndarray:
    """The student's points with those far outside the reference path's box (``spans`` times its
    size away) made NaN, so not drawn: a submission returning 1e308 would otherwise stretch the
    axes and the contour grid past what floats hold, and the drawing fail."""
    with np.errstate(all="ignore"):
        lo, hi = right.min(axis=0), right.max(axis=0)
        span = spans * np.maximum(hi - lo, 1.0)
        inside = ((mine >= lo - span) & (mine <= hi + span)).all(axis=1)
    return np.where(inside[:, None], mine, np.nan)


def array_picture(task, result, Picture):
    """A gradient over array parameters: the largest error of each entry at the check points,
    for the parameter with the most wrong entries (else the first), in its shape."""
    from grader.maths import close

    trace = result.trace or {}
    values, expected = trace.get("values"), trace.get("expected")
    title = f"{task.id}: the error by entry"
    if values is None or expected is None or not len(expected) or task.kind.name != "gradient":
        return Picture(task.id, "heatmap", title, task.variables, {"error": None},
                       "no picture: your function gave no values of the right shape (see the feedback)")
    values, expected = np.asarray(values, dtype=float), np.asarray(expected, dtype=float)
    with np.errstate(all="ignore"):
        error = np.nanmax(np.abs(values - expected), axis=0)
        atol = task.spec.atol * (1 + float(np.max(np.abs(expected))))
        wrong = ~np.all(close(values, expected, max(task.spec.rtol, 1e-9), atol), axis=0)
    parts, start = [], 0
    for name, shape in task.arrays:
        size = int(np.prod(shape))
        parts.append((name, tuple(shape), slice(start, start + size)))
        start += size
    name, shape, where = max(parts, key=lambda part: int(wrong[part[2]].sum()))
    grid = shape if len(shape) == 2 else (1, int(np.prod(shape)))
    rows = [f"{name}[{i}]" for i in range(grid[0])] if len(shape) == 2 else [name]
    cols = [f"[{j}]" for j in range(grid[1])] if len(shape) == 2 else [f"[{j}]" for j in range(grid[1])]
    data = {"error": error[where].reshape(grid), "wrong": wrong[where].reshape(grid), "rows": rows, "cols": cols}
    return Picture(task.id, "heatmap", f"{title} of the gradient by {name}", task.variables, data)
