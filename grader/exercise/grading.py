"""Grade an exercise: run the submission in the sandbox, check each task two ways.

Check 1: the student's values against the SymPy reference at the shown (`at:`) and
seeded random points. Check 2: against central finite differences of ``f``, which
need no reference. A task passes when both agree at every usable point.

A vector or matrix answer is also judged component by component (entry by entry): the
feedback names those right at every check point by both checks, and a task with
``partial: true`` earns ``points / (number of entries)`` for each of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from grader.exercise import feedback
from grader.exercise.calls import (  # noqa: F401  (grading.checked_run & co. as before)
    FAILURES,
    MAX_DIMS,
    MAX_VALUES,
    _call_error,
    _fit_shape,
    _value,
    checked_run,
    garbled,
)
from grader.exercise.kinds import METHODS
from grader.maths import close, sample_points
from grader.reports import Result
from grader.sandbox import Run, Sandbox

if TYPE_CHECKING:  # a loaded exercise (problem.py, SymPy) or a compiled one (compiled.py), alike
    from grader.exercise.problem import Exercise, Task


def _arraytasks():
    """Tasks over array parameters (SymPy at import): only for a task that has them."""
    from grader.exercise import arraytasks

    return arraytasks


FD_TOL = {1: (1e-5, 1e-6), 2: (1e-4, 1e-4)}  # (rtol, atol per unit of |f|) by derivative order


@dataclass
class Points:
    """The usable check points of one task and what is expected there."""

    x: np.ndarray  # k x n
    shown: int  # the first `shown` rows are the task's `at:` points
    expected: np.ndarray  # k x shape
    fd: np.ndarray  # k x shape, NaN where finite differences are unreliable
    fscale: np.ndarray  # k: 1 + max|f| at the point
    disagree: int  # points where the reference and finite differences disagree


def check_points(task: Task, exercise: Exercise, salt: tuple = ()) -> Points:
    """``salt``: further seed parts (grading mode's secret, ``seeds.grading_salt``).

    Every point is evaluated in one NumPy call per expression (a point where the reference or
    ``f`` raises is dropped: then the points are evaluated one by one)."""
    sample = sample_points(task.bounds, task.spec.samples, exercise.id, task.id, exercise.student, *salt)
    n = len(task.variables)
    x = np.asarray(np.vstack([task.at, sample]) if len(task.at) else sample, dtype=float).reshape(-1, n)
    kept = np.arange(len(x))
    with np.errstate(all="ignore"):
        try:
            ref, fx = task.reference_rows(x), task.f_rows(x)
        except (ArithmeticError, ValueError, TypeError):
            kept, ref, fx = _one_by_one(task, x)
    finite = _each(np.isfinite(ref)) & _each(np.isfinite(fx))
    kept, ref, fx = kept[finite], ref[finite], fx[finite]
    x = x[kept]
    fd = _finite_difference(task, x, fx)
    scales = 1 + np.abs(fx).max(axis=1, initial=0.0)
    usable = _each(np.isfinite(fd))
    rtol, atol = FD_TOL[max(task.kind.fd_order, 1)]
    agree = _each(close(fd, ref, rtol, _per_point(atol * scales, task)))
    disagree = usable & ~agree
    fd[disagree] = np.nan
    return Points(x, int((kept < len(task.at)).sum()), ref, fd, scales, int(disagree.sum()))


def _one_by_one(task: Task, x: np.ndarray):
    """(indices, reference, f) of the points where neither raises."""
    kept, refs, fs = [], [], []
    for i in range(len(x)):
        try:
            ref, fx = task.reference_rows(x[i : i + 1]), task.f_rows(x[i : i + 1])
        except (ArithmeticError, ValueError, TypeError):
            continue
        kept.append(i)
        refs.append(ref)
        fs.append(fx)
    if not kept:
        return np.arange(0), np.zeros((0,) + task.shape), np.zeros((0, task.outputs))
    return np.array(kept), np.concatenate(refs), np.concatenate(fs)


def _each(ok: np.ndarray) -> np.ndarray:
    """Per point (the first axis): whether every entry is true."""
    return ok.reshape(len(ok), -1).all(axis=1) if ok.size else np.zeros(len(ok), dtype=bool)


def _per_point(values: np.ndarray, task: Task) -> np.ndarray:
    """One value per point, shaped to broadcast over the entries of an answer."""
    return values.reshape((-1,) + (1,) * len(task.shape))


def _finite_difference(task: Task, x: np.ndarray, fx: np.ndarray) -> np.ndarray:
    """The finite-difference estimate at each point, NaN where it is unstable (kink, pole, edge)."""
    k = len(x)
    nan = np.full((k,) + task.shape, np.nan)
    if task.kind.fd_order == 0:
        return fx[:, 0].copy() if not task.shape else nan
    with np.errstate(all="ignore"):
        try:
            one = np.asarray(task.kind.finite_difference(task.f_rows, x, task.wrt), dtype=float).reshape(nan.shape)
            two = np.asarray(task.kind.finite_difference(_stretched(task.f_rows, x), x, task.wrt), dtype=float)
            two = two.reshape(nan.shape) / 2.0**task.kind.fd_order  # the chain rule of the stretch
        except (ArithmeticError, ValueError, TypeError):
            if k <= 1:
                return nan
            return np.concatenate([_finite_difference(task, x[i : i + 1], fx[i : i + 1]) for i in range(k)])
    rtol, atol = FD_TOL[task.kind.fd_order]
    scale = _per_point(1 + np.abs(fx).max(axis=1, initial=0.0), task)
    stable = _each(np.isfinite(one) & close(one, two, rtol, atol * scale))
    one[~stable] = np.nan
    return one


def _stretched(fnum, x0):
    """f seen through a doubled step: the same estimate with h -> 2h, to test stability."""
    return lambda x: fnum(x0 + 2 * (x - x0))


def grade(exercise: Exercise, sandbox: Sandbox, *, include_hidden: bool = True, salt: tuple = ()) -> list[Result]:
    results = []
    for task in exercise.tasks:
        if task.spec.visibility == "hidden" and not include_hidden:
            continue
        results.append(grade_task(task, exercise, sandbox, salt))
    return results


def grade_task(task: Task, exercise: Exercise, sandbox: Sandbox, salt: tuple = ()) -> Result:
    if task.kind.name in METHODS:  # the student's function takes a function
        from grader.exercise import method_grading

        return method_grading.grade_task(task, exercise, sandbox, salt)  # type: ignore[arg-type]
    points = check_points(task, exercise, salt)
    spec = task.spec
    hidden = spec.visibility == "hidden"
    if len(points.x) == 0:
        return Result(spec.id, 0.0, spec.points, False, feedback.no_points(task), hidden)
    calls = points.x.tolist()
    if task.arrays:  # name(W, b, X, y): the parameters' entries in their shapes, then the data
        calls = [_arraytasks().arguments(task, x) for x in points.x]
    run = checked_run(run_calls(sandbox, spec.function, task.call, calls, spec.timeout, len(task.arrays)), len(points.x))
    if task.arrays and run.failure == "timeout":
        run.detail["point"] = points.x[run.detail["done"]].tolist()
    verdict = judge(task, points, run)
    score = spec.points if verdict.passed else verdict.earned
    return Result(spec.id, float(score), float(spec.points), verdict.passed, verdict.text, hidden, verdict.extra, verdict.trace)


def run_calls(sandbox: Sandbox, function: str, call: str, points: list, timeout: float, parts: int = 0) -> Run:
    """All the task's calls within ``timeout`` seconds together, in one request answered call by
    call, so that a timeout tells a single call that never returns from calls that are each too slow.

    A timeout's ``detail`` gains ``done`` (calls that returned), ``points``, ``elapsed``
    (seconds those calls took) and ``point`` (the call that was running). The clock starts
    once the file is loaded: loading has its own limit (``Limits.import_timeout``).
    """
    # run_each waits for the file to load under its own limit before the task's clock starts,
    # and a missing function is the child's first reply
    each = sandbox.run_each(function, call, points, timeout, parts=parts) if parts > 1 else \
        sandbox.run_each(function, call, points, timeout)
    run = checked_run(each, len(points))
    if run.failure == "timeout":
        done = run.detail.get("done")
        done = done if isinstance(done, int) and not isinstance(done, bool) and 0 <= done < len(points) else 0
        elapsed = run.detail.get("elapsed")
        elapsed = float(elapsed) if isinstance(elapsed, (int, float)) and not isinstance(elapsed, bool) else 0.0
        run.detail = {**run.detail, "timeout": timeout, "done": done, "points": len(points), "elapsed": elapsed,
                      "point": points[done]}
    return run


@dataclass
class Verdict:
    passed: bool
    text: str
    extra: dict
    earned: float = 0.0  # partial credit of a task that did not pass
    trace: dict | None = None  # check points, expected and returned values, which agree (for pictures)


def judge(task: Task, points: Points, run: Run) -> Verdict:
    hint = [f"Hint: {task.hint.strip()}"] if task.hint else []
    if run.results is None:
        text = feedback.run_failure(task, run)
        if task.arrays and run.failure == "missing":  # called name(W, b, X, y)
            text = _arraytasks().missing(task)
        return Verdict(False, "\n".join([text, *hint]), {"error": run.failure})
    values, problem, extra = _collect(task, points, run.results)
    if problem:
        return Verdict(False, "\n".join([problem, *hint]), extra)
    atol = task.spec.atol * (1 + float(np.max(np.abs(points.expected))))
    usable = np.array([np.all(np.isfinite(fd)) for fd in points.fd], dtype=bool)
    entries_ref, entries_fd = _entries_close(task, points, values, atol, usable)
    ok_ref = entries_ref.reshape(len(values), -1).all(axis=1)
    ok_fd = entries_fd.reshape(len(values), -1).all(axis=1)
    extra = {
        "checks": {
            "points": int(len(points.x)),
            "shown_points": int(points.shown),
            "reference": bool(ok_ref.all()),
            "finite_differences": bool(ok_fd.all()),
            "finite_difference_points": int(usable.sum()),
        }
    }
    if points.disagree:
        extra["checks"]["reference_disagrees_with_finite_differences"] = points.disagree
    bad = ~(ok_ref & ok_fd)
    trace = {"x": points.x, "expected": points.expected, "values": values, "ok": ~bad}
    if ok_ref.all() and ok_fd.all():
        return Verdict(True, feedback.passed(task, points, usable), extra, trace=trace)
    with np.errstate(all="ignore"):  # a student's inf or nan must not print warnings
        # over array parameters, the slips of ML gradients (the rules' slips of f's long expansion would not help)
        mistake = _arraytasks().diagnose(task, points, values) if task.arrays else feedback.diagnose(task, points, values)
        text = feedback.wrong_values(task, points, values, bad, mistake)
    if mistake:
        extra["mistake"] = mistake[0]
    lines = [text]
    right = (entries_ref & entries_fd).all(axis=0)  # each entry: right at every point by both checks
    by_entry = feedback.entries_text(task, right)
    if by_entry:
        lines.append(by_entry)
    earned = 0.0
    if task.spec.partial:
        earned = round(float(task.spec.points) * float(right.mean()), 6)
        names = feedback.entry_names(task)
        flat = right.ravel()
        extra["partial"] = {
            "earned": [n for n, ok in zip(names, flat, strict=False) if ok],
            "missed": [n for n, ok in zip(names, flat, strict=False) if not ok],
            "each": round(float(task.spec.points) / flat.size, 6),
            "score": earned,
        }
        lines.append(feedback.partial_text(task, right, earned))
    return Verdict(False, "\n".join([*lines, *hint]), extra, earned, trace)


def _entries_close(task: Task, points: Points, values, atol: float, usable) -> tuple[np.ndarray, np.ndarray]:
    """(by the reference, by finite differences): k x shape booleans, True where an entry is
    right at a point (finite differences count as right where they are unusable)."""
    rtol_fd, atol_fd = FD_TOL[max(task.kind.fd_order, 1)]
    ref = close(values, points.expected, task.spec.rtol, atol)
    scale = points.fscale.reshape((-1,) + (1,) * len(task.shape))
    fd = close(values, np.where(np.isfinite(points.fd), points.fd, 0.0), rtol_fd, atol_fd * scale)
    fd |= ~usable.reshape((-1,) + (1,) * len(task.shape))
    return np.asarray(ref, dtype=bool), np.asarray(fd, dtype=bool)


def _collect(task: Task, points: Points, results: list[dict]):
    """The returned values as one array, or the first call/shape problem as feedback (and JSON keys)."""
    values = []
    for x, item in zip(points.x, results, strict=False):
        if item.get("ok") is not True:
            error = _call_error(item)
            if task.arrays and error.get("error", {}).get("type") == "NotImplementedError":
                return None, _arraytasks().not_written(task), {"error": "call"}
            extra = {"error": "call"}
            if feedback.calling_convention(task, error.get("error")):
                extra["mistake"] = "calling_convention"
            return None, feedback.call_problem(task, x, error), extra
        value = _value(item)
        if value is None:
            return None, feedback.run_failure(task, garbled("value")), {"error": "garbled"}
        data, shape = value
        if task.arrays:  # one array per parameter (several: "parts", their shapes)
            fixed, problem, mistake = _arraytasks().fit(task, data, shape, item.get("parts"))
            if fixed is None or fixed.size != (int(np.prod(task.shape)) if task.shape else 1):
                text = f"`{task.spec.function}` returned the wrong shape: {problem or 'arrays of the wrong sizes'}"
                return None, text, {"error": "call", "mistake": mistake or "shape"}
            values.append(fixed)
            continue
        fixed = _fit_shape(data, shape, task.shape)
        if fixed is None:
            text = feedback.shape_problem(task, x, shape, data, points)
            return None, text, {"error": "call", "mistake": feedback.shape_mistake(task, shape)}
        values.append(fixed)
    return np.array(values).reshape((len(values),) + task.shape), None, {}
