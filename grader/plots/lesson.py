"""``gradquiz show ID``: the numbers of the lesson's picture for a problem, before any code.

One variable: f and f' over the domain and the tangent line f(a) + f'(a)(x - a) at each
shown point (the lesson's x^2 with its tangents). Several: f's contours and the gradient
at the shown points. Exercises use their first task with a single f; quizzes their
questions with ``f`` and ``at``.
"""

from __future__ import annotations

import numpy as np
import sympy

from grader.errors import GradquizError
from grader.maths.numerics import lambdify

GRID = 241


def lesson_for(path, student=None) -> dict:
    """The picture's data for the problem file at ``path``."""
    from grader.problems.catalogue import kind_of
    from grader.problems.yamlio import load_yaml

    data, positions = load_yaml(path)
    if kind_of(data) == "quiz":
        return _quiz(path, data, positions, student)
    from grader.exercise.problem import load_exercise

    exercise = load_exercise(path, student, data, positions)
    for task in exercise.tasks:
        if task.f.rows == 1 and task.spec.visibility == "visible":
            xs = task.symbols
            return _data(exercise.spec.title, task.f[0], xs, task.bounds, task.at)
    raise GradquizError("this exercise has no task with one function f to draw", path)


def _quiz(path, data, positions, student) -> dict:
    from grader.maths.parse import parse_math

    questions = data.get("questions") or []
    f_text, points = None, []
    for q in questions:
        if isinstance(q, dict) and q.get("f") is not None and q.get("at") is not None:
            if f_text is None:
                f_text = str(q["f"])
            if str(q["f"]) == f_text and isinstance(q["at"], (int, float)):
                points.append(float(q["at"]))
    if f_text is None or "{" in f_text:
        raise GradquizError("this quiz has no question with a function f and a point to draw", path)
    try:
        f = parse_math(f_text)
    except Exception:
        raise GradquizError(f"cannot draw f = {f_text}", path) from None
    xs = sorted(f.free_symbols, key=lambda s: s.name)
    if len(xs) != 1:
        raise GradquizError("only a quiz's one-variable f can be drawn", path)
    lo, hi = (min(points + [0.0]) - 1.0, max(points + [0.0]) + 1.0)
    return _data(str(data.get("title", data.get("id", ""))), f, xs, np.array([[lo, hi]]), np.array(points).reshape(-1, 1))


def _data(title, f, xs, bounds, at) -> dict:
    if len(xs) == 1:
        x = np.linspace(bounds[0][0], bounds[0][1], GRID)
        fp = sympy.diff(f, xs[0])
        fn, fpn = lambdify(xs, f), lambdify(xs, fp)
        with np.errstate(all="ignore"):
            fv = np.broadcast_to(np.asarray(fn(x), dtype=float), x.shape)
            fpv = np.broadcast_to(np.asarray(fpn(x), dtype=float), x.shape)
            tangents = [(float(a[0]), float(fn(a[0])), float(fpn(a[0]))) for a in at]
        return {
            "kind": "curve", "title": title, "variable": xs[0].name, "x": x, "f": fv, "fp": fpv,
            "f_text": _text(f), "fp_text": _text(fp), "tangents": tangents,
        }
    (xlo, xhi), (ylo, yhi) = bounds[0], bounds[1]
    gx, gy = np.meshgrid(np.linspace(xlo, xhi, 81), np.linspace(ylo, yhi, 81))
    rest = [float(np.mean(b)) for b in bounds[2:]]
    fn = lambdify(xs, f)
    grads = [lambdify(xs, sympy.diff(f, v)) for v in xs[:2]]
    with np.errstate(all="ignore"):
        fv = np.broadcast_to(np.asarray(fn(gx, gy, *rest), dtype=float), gx.shape)
        points = [(float(p[0]), float(p[1])) for p in at] or [(float(np.mean(bounds[0])), float(np.mean(bounds[1])))]
        gradients = [tuple(float(g(*p, *rest)) for g in grads) for p in points]
    longest = max([float(np.hypot(*g)) for g in gradients] + [1e-12])
    return {
        "kind": "contour", "title": title, "variables": [v.name for v in xs[:2]], "gx": gx, "gy": gy, "f": fv,
        "points": points, "gradients": gradients, "arrow": 0.2 * (xhi - xlo) / longest,
    }


def _text(expr) -> str:
    return sympy.sstr(expr).replace("**", "^")
