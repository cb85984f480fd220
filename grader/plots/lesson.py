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
from grader.maths import lambdify

GRID = 241


def lesson_for(path, student=None) -> dict:
    """The picture's data for the problem file at ``path``."""
    from grader.problems import kind_of, load_yaml

    data, positions = load_yaml(path)
    if kind_of(data) == "quiz":
        return _quiz(path, data, positions, student)
    from grader.exercise import load_exercise

    exercise = load_exercise(path, student, data, positions)
    for task in exercise.tasks:
        formula = task.call != "args"  # not a method's task (takes a function) nor one over array parameters
        if formula and task.f.rows == 1 and task.spec.visibility == "visible":
            xs = task.symbols
            return _data(exercise.spec.title, task.f[0], xs, task.bounds, task.at)
    raise GradquizError("this exercise has no task with one function f to draw", path)


def _quiz(path, data, positions, student) -> dict:
    """The first question's f (in the student's variant) with the points the questions on
    the same f ask about; without any, f and f' alone."""
    questions = _quiz_questions(path, data, positions, student)
    with_f = [q for q in questions if q.f is not None and len(q.f.free_symbols) == 1]
    if not with_f:
        raise GradquizError("this quiz has no question with a function f of one variable to draw", path)
    f = with_f[0].f
    points = []
    for q in with_f:
        if q.f == f and q.at is not None:
            try:
                points.append(float(q.at))
            except (TypeError, ValueError):
                pass
    x = next(iter(f.free_symbols))
    domain = (with_f[0].domain or {}).get(x.name)
    if domain:
        lo, hi = float(domain[0]), float(domain[1])
    else:
        lo, hi = min(points + [-1.0]) - 1.0, max(points + [1.0]) + 1.0
    return _data(str(data.get("title", "")), f, [x], np.array([[lo, hi]]), np.array(points).reshape(-1, 1))


def _quiz_questions(path, data, positions, student):
    """The questions' f, at and domain: read straight from the file (no answer keys to
    compute) unless the quiz has params, which the loader draws for the student."""
    from types import SimpleNamespace

    from grader.maths import parse_math

    if data.get("params"):
        from grader.quiz import load_quiz

        return load_quiz(path, student=student, data=data, positions=positions).questions
    out = []
    for q in data.get("questions") or ():
        if not isinstance(q, dict) or not isinstance(q.get("f"), str):
            continue
        try:
            f = parse_math(q["f"])
            at = parse_math(str(q["at"])) if q.get("at") is not None else None
        except (ValueError, TypeError, ArithmeticError):  # a formula `validate` would reject (MathSyntaxError is a ValueError): not drawn
            continue
        out.append(SimpleNamespace(f=f, at=at, domain=q.get("domain") if isinstance(q.get("domain"), dict) else None))
    return out


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
    from grader.maths import written

    return written(expr)
