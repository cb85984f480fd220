"""Grade the methods' tasks (``grader.exercise.methods``): the student's function takes a function.

Each call's arguments are built inside the sandbox (``"args"`` calls: the callable from NumPy
source, a fresh one per call); everything the grader compares with is computed here, from
the task's SymPy expressions.

* numerical_derivative / numerical_gradient: each function, point and step h is called with
  h and h/2. A call is right when its error against the exact derivative is at most 1.5 times
  the error of the method asked for (central difference for ``order: 2``, forward or backward
  for ``order: 1``) plus rounding (``200 eps (1 + |f|) / h``), and the result changes with h.
  The observed order of accuracy is log2 of the error's fall when h is halved. Slips are
  recognised by matching the student's values with the wrong formulas (``SLIPS``).
* gradient_descent: the final point against the reference iteration x <- x - lr grad(x), and
  against an ascent step, one step too few or too many, and the learning rate applied twice.
* autodiff: f'(x) against SymPy's; a wrong one is matched against dual arithmetic with one rule
  broken (``grader.exercise.dual``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from grader.exercise import feedback
from grader.exercise.calls import _call_error, _fit_shape, _value, checked_run, garbled
from grader.exercise.methods import MethodTask
from grader.maths import close, fmt
from grader.reports import Result
from grader.sandbox import Run, Sandbox

EPS = float(np.finfo(float).eps)
ROUNDING = 200.0  # units of eps (1 + |f|) / h a right difference quotient may differ by
MEASURABLE = 50.0  # an error this many rounding units above rounding shows the order


@dataclass
class Plan:
    calls: list  # the arguments of each call (descriptions the sandbox child turns into values)
    shown: list[str]  # each call as feedback names it
    groups: list[int]  # each call's function (gradient_descent: its start)


def grade_task(task: MethodTask, exercise, sandbox: Sandbox, salt: tuple = ()) -> Result:
    spec = task.spec
    plan = PLANS[task.kind.name](task)
    run = checked_run(sandbox.run_each(spec.function, "args", plan.calls, spec.timeout), len(plan.calls))
    hint = [f"Hint: {task.hint.strip()}"] if task.hint else []
    hidden = spec.visibility == "hidden"
    if run.results is None:
        text = _failure(task, plan, run)
        return Result(spec.id, 0.0, float(spec.points), False, "\n".join([text, *hint]), hidden, {"error": run.failure})
    values, problem, extra = _collect(task, plan, run.results)
    if problem:
        return Result(spec.id, 0.0, float(spec.points), False, "\n".join([problem, *hint]), hidden, extra)
    with np.errstate(all="ignore"):
        passed, text, extra = JUDGES[task.kind.name](task, plan, values)
    lines = [text] if passed else [text, *hint]
    return Result(
        spec.id, float(spec.points) if passed else 0.0, float(spec.points), passed, "\n".join(lines), hidden, extra
    )


# -- calls -----------------------------------------------------------------------------------


def _number(v: float) -> dict:
    return {"number": float(v)}


def point_arg(task: MethodTask, x) -> dict:
    return _number(x[0]) if len(task.variables) == 1 else {"array": [float(v) for v in x]}


def _f_text(task: MethodTask, i: int) -> str:
    return f"f({', '.join(task.variables)}) = {task.texts[i]}"


def _x_text(task: MethodTask, x) -> str:
    if len(task.variables) == 1:
        return f"{task.variables[0]} = {fmt(x[0])}"
    return f"x = {fmt(x)}"


def _numerical_plan(task: MethodTask) -> Plan:
    calls, shown, groups = [], [], []
    for i, source in enumerate(task.sources):
        for x in task.at:
            for h in task.h:
                for step in (h, h / 2):
                    calls.append([{"source": source}, point_arg(task, x), _number(step)])
                    shown.append(f"{_f_text(task, i)} at {_x_text(task, x)}, h = {fmt(step)}")
                    groups.append(i)
    return Plan(calls, shown, groups)


def _autodiff_plan(task: MethodTask) -> Plan:
    calls, shown, groups = [], [], []
    for i, source in enumerate(task.sources):
        for x in task.at:
            calls.append([{"source": source, "uses": list(task.uses)}, _number(x[0])])
            shown.append(f"f({task.variables[0]}) = {task.texts[i]} at {_x_text(task, x)}")
            groups.append(i)
    return Plan(calls, shown, groups)


def _descent_plan(task: MethodTask) -> Plan:
    calls, shown, groups = [], [], []
    for j, x0 in enumerate(task.at):
        for lr in task.lr:
            for steps in task.steps:
                calls.append([{"source": task.sources[0]}, point_arg(task, x0), _number(lr), {"int": int(steps)}])
                start = fmt(x0[0]) if len(task.variables) == 1 else fmt(x0)
                shown.append(f"x0 = {start}, lr = {fmt(lr)}, steps = {steps}")
                groups.append(j)
    return Plan(calls, shown, groups)


def _failure(task: MethodTask, plan: Plan, run: Run) -> str:
    name = task.spec.function
    detail = run.detail if isinstance(run.detail, dict) else {}
    if run.failure == "missing":
        return (
            f"Your file does not define a function named `{name}`. "
            f"Add `def {name}({task.arguments}):` returning {task.kind.describe}."
        )
    if run.failure == "timeout":
        done = detail.get("done")
        done = done if isinstance(done, int) and not isinstance(done, bool) and 0 <= done < len(plan.calls) else 0
        return (
            f"`{name}` did not finish within {task.spec.timeout:g} s: {done} of {len(plan.calls)} calls returned, "
            f"and the next, for {plan.shown[done]}, was still running. Each call must be quick: a few calls of "
            "the function it is given, no long loops."
        )
    return feedback.run_failure(task, run)


def _collect(task: MethodTask, plan: Plan, results: list[dict]) -> tuple:
    """The returned values (calls x shape), or the first call or shape problem as feedback."""
    out = []
    for shown, item in zip(plan.shown, results, strict=False):
        if item.get("ok") is not True:
            error = _call_error(item)
            call = f"`{task.spec.function}` (for {shown})"
            if error.get("error", {}).get("type") == "NotImplementedError":
                return (
                    None,
                    (
                        f"`{task.spec.function}` is not written yet (it raises NotImplementedError): replace "
                        f"`raise NotImplementedError` with code that returns {task.kind.describe}."
                    ),
                    {"error": "call"},
                )
            if "error" in error:
                return None, f"{call} raised an error at {feedback.exception_text(error['error'])}", {"error": "call"}
            return (
                None,
                f"{call} returned {error.get('returned')}; it should return {task.kind.describe}.",
                {"error": "call"},
            )
        value = _value(item)
        if value is None:
            return None, feedback.run_failure(task, garbled("value")), {"error": "garbled"}
        data, shape = value
        fixed = _fit_shape(data, shape, task.shape)
        if fixed is None:
            got = "a number" if not shape else f"an array of shape {tuple(shape)}"
            more = ""
            if task.kind.name == "gradient_descent" and len(shape) >= 1 and shape[0] > 1 and shape[1:] == task.shape:
                more = " (every point of the path?): return only the last point"
            return (
                None,
                (
                    f"`{task.spec.function}` (for {shown}) returned {got}{more}; it should return "
                    f"{feedback.shape_name(task.shape)}."
                ),
                {"error": "call"},
            )
        out.append(fixed)
    return np.array(out, dtype=float).reshape((len(out),) + task.shape), None, {}


# -- numerical differentiation ---------------------------------------------------------------

SLIPS = {  # name: (what it is, the wrong formulas: per component, from the stencil's values)
    "forward_difference": "a one-sided difference, (f(x + h) - f(x))/h or (f(x) - f(x - h))/h: its error falls only "
    "in proportion to h (order 1); the central difference (f(x + h) - f(x - h))/(2h) is order 2",
    "missing_division": "the difference of f's values not divided by the right step: (f(x + h) - f(x - h)) is "
    "divided by 2h (by h for a one-sided difference)",
    "wrong_step": "the difference taken with another step than the h you are given (or divided by another): use x + h "
    "and x - h, divided by 2h",
    "one_sided_component": "some components of the gradient are one-sided differences (f(x + h e_i) - f(x))/h "
    "while the others are central: use the central difference for every component",
}


def stencil(task: MethodTask, i: int, x: np.ndarray, h: float) -> dict:
    """f's values around x along each axis (n each), and the exact derivatives there."""
    f = task.f_numeric[i]
    n = len(x)

    def at(shift: float) -> np.ndarray:
        out = []
        for k in range(n):
            p = x.copy()
            p[k] = p[k] + shift
            out.append(float(f(*p)))
        return np.array(out)

    f0 = float(f(*x))
    exact = np.broadcast_to(np.asarray(task.gradient_numeric[i](*x), dtype=float), (n,)).copy()
    return {"f0": f0, "p": at(h), "m": at(-h), "p2": at(2 * h), "m2": at(-2 * h), "exact": exact}


def stencil_formulas(s: dict, h: float) -> dict[str, list[np.ndarray]]:
    f0, p, m, p2, m2 = s["f0"], s["p"], s["m"], s["p2"], s["m2"]
    return {
        "central": [(p - m) / (2 * h)],
        "one_sided": [(p - f0) / h, (f0 - m) / h],
        "missing_division": [p - m, (p - m) / h, p - f0, f0 - m, (p - m) / 2],
        "wrong_step": [(p2 - m2) / (4 * h), (p2 - m2) / (2 * h), (p - m) / (4 * h), (p2 - f0) / (2 * h)],
    }


def _judge_numerical(task: MethodTask, plan: Plan, values: np.ndarray) -> tuple[bool, str, dict]:  # noqa: C901 - ratchet: split when next changed
    n = len(task.variables)
    d = values.reshape(len(values), n)
    rows = []  # per call: exact, tolerance, the asked method's error, the formulas
    for i in range(len(task.functions)):
        for x in task.at:
            for h in task.h:
                for step in (h, h / 2):
                    s = stencil(task, i, np.array(x, dtype=float), step)
                    scale = 1 + max(abs(s["f0"]), *np.abs(s["p"]), *np.abs(s["m"]))
                    tol = ROUNDING * EPS * scale / step + 1e-12 * np.abs(s["exact"])
                    forms = stencil_formulas(s, step)
                    asked = forms["central"] if task.order == 2 else forms["one_sided"]
                    asked_err = np.max([np.abs(a - s["exact"]) for a in asked], axis=0)
                    rows.append((s["exact"], tol, asked_err, forms, step))
    exact = np.array([r[0] for r in rows])
    tol = np.array([r[1] for r in rows])
    asked_err = np.array([r[2] for r in rows])
    err = np.abs(d - exact)
    accurate = (err <= 1.5 * asked_err + tol) & np.isfinite(d)
    # pairs (h, h/2): the observed order, and whether the result changes with h at all
    orders, fixed = [], []
    for a in range(0, len(rows), 2):
        b = a + 1
        asked_change = np.max(np.abs(asked_err[a] - asked_err[b]))
        if asked_change > MEASURABLE * np.max(tol[a]):
            fixed.append(bool(np.all(np.abs(d[a] - d[b]) <= 8 * EPS * (1 + np.abs(d[a])))))
        if np.max(err[a]) > MEASURABLE * np.max(tol[a]) and np.max(err[b]) > 0 and np.isfinite(err[a : b + 1]).all():
            orders.append(math.log2(np.max(err[a]) / np.max(err[b])))
    ignores_h = bool(fixed) and all(fixed)
    ok_calls = accurate.all(axis=1)
    extra: dict = {"checks": {"calls": len(rows), "right": int(ok_calls.sum())}}
    if orders:
        extra["checks"]["observed_order"] = round(float(np.median(orders)), 2)
    method = "central difference" if task.order == 2 else "one-sided difference"
    if ok_calls.all() and not ignores_h:
        text = (
            f"Correct for all {len(task.functions)} function{'s' if len(task.functions) != 1 else ''} at "
            f"{len(task.at)} point{'s' if len(task.at) != 1 else ''} with {len(task.h)} step"
            f"{'s' if len(task.h) != 1 else ''} and their halves ({len(rows)} calls): each error is within "
            f"that of a {method}"
        )
        if orders:
            text += f"; observed order of accuracy {np.median(orders):.2g} (halving h)"
        return True, text + ".", extra
    slip = _numerical_slip(task, plan, d, rows, ok_calls, ignores_h)
    if slip:
        extra["mistake"] = slip
    lines = []
    if not ok_calls.all():
        c = int(np.argmin(ok_calls))
        k = int(np.argmax(~accurate[c]))
        comp = f" (component {k})" if n > 1 else ""
        lines.append(
            f"Wrong for {plan.shown[c]}: `{task.spec.function}` returned {fmt(d[c][k])}{comp}, the exact "
            f"derivative is {fmt(exact[c][k])}: an error of {err[c][k]:.3g}, where a {method} is off by "
            f"{asked_err[c][k]:.3g}."
        )
        a = c - c % 2
        if np.max(err[a]) > 0 and np.max(err[a + 1]) > 0 and np.isfinite(err[a : a + 2]).all():
            p = math.log2(np.max(err[a]) / np.max(err[a + 1]))
            lines.append(
                f"Halving h to {fmt(rows[a + 1][4])}, your error went from {np.max(err[a]):.3g} to "
                f"{np.max(err[a + 1]):.3g}: order {p:.2g}, where the {method} is order {task.order}."
            )
    elif ignores_h:
        lines.append(
            f"Your result does not change when h is halved: `{task.spec.function}` must use the step h it "
            "is given (its error then falls as h does)."
        )
    if slip:
        lines.append(f"This looks like {SLIPS[slip]}.")
    wrong = sorted({plan.groups[j] for j in range(len(rows)) if not ok_calls[j]})
    if wrong and len(task.functions) > 1:
        names = ", ".join(task.texts[i] for i in wrong)
        lines.append(
            f"Wrong for {names}; right for the other {len(task.functions) - len(wrong)} of "
            f"{len(task.functions)} functions."
        )
    return False, "\n".join(lines), extra


def _numerical_slip(task, plan, d, rows, ok_calls, ignores_h) -> str | None:
    """The slip that gives the student's values at every wrong call, if one does."""
    bad = [j for j in range(len(rows)) if not ok_calls[j]]
    if not bad:
        return "wrong_step" if ignores_h else None
    if not np.isfinite(d[bad]).all():  # inf is within an infinite tolerance of every formula: no slip gives it
        return None

    def matches(j, formulas, k=None) -> bool:
        tol = rows[j][1] + 1e-9 * np.abs(d[j])
        got = d[j] if k is None else d[j][k]
        want_tol = tol if k is None else tol[k]
        return any(np.all(np.abs(got - (f if k is None else f[k])) <= want_tol) for f in formulas)

    if task.order == 2:
        n = d.shape[1]
        sided = [all(matches(j, rows[j][3]["one_sided"], k) for j in bad) for k in range(n)]
        if all(sided):
            return "forward_difference"
        if any(sided):
            rest = [k for k in range(n) if not sided[k]]
            if all(matches(j, rows[j][3]["central"], k) for j in bad for k in rest):
                return "one_sided_component"
    for name in ("missing_division", "wrong_step"):
        if all(matches(j, rows[j][3][name]) for j in bad):
            return name
    if ignores_h:
        return "wrong_step"
    return None


# -- gradient descent ------------------------------------------------------------------------

DESCENT_SLIPS = {
    "ascent_step": "steps up the gradient, x + lr * grad(x): descent subtracts it, x - lr * grad(x)",
    "off_by_one_steps": "one step too few or too many: take exactly `steps` steps",
    "learning_rate_twice": "the learning rate applied twice (a step of 2 * lr, or lr ** 2): each step is "
    "x - lr * grad(x)",
}


def descend(task: MethodTask, x0, lr: float, steps: int, sign: float = -1.0) -> np.ndarray:
    grad = task.gradient_numeric[0]
    x = np.array(x0, dtype=float)
    for _ in range(max(steps, 0)):
        x = x + sign * lr * np.asarray(grad(*x), dtype=float).reshape(x.shape)
    return x


def _judge_descent(task: MethodTask, plan: Plan, values: np.ndarray) -> tuple[bool, str, dict]:
    n = len(task.variables)
    got = values.reshape(len(values), n)
    cases = [(x0, lr, steps) for x0 in task.at for lr in task.lr for steps in task.steps]
    want = np.array([descend(task, *case) for case in cases])
    atol = task.spec.atol * (1 + np.abs(want).max(axis=1, keepdims=True))
    ok = close(got, want, max(task.spec.rtol, 1e-9), atol).all(axis=1)
    extra: dict = {"checks": {"calls": len(cases), "right": int(ok.sum())}}
    if ok.all():
        return True, f"Correct for all {len(cases)} runs (starts x learning rates x step counts).", extra
    candidates = {
        "ascent_step": [lambda x0, lr, s: descend(task, x0, lr, s, +1.0)],
        "off_by_one_steps": [
            lambda x0, lr, s: descend(task, x0, lr, s - 1),
            lambda x0, lr, s: descend(task, x0, lr, s + 1),
        ],
        "learning_rate_twice": [
            lambda x0, lr, s: descend(task, x0, 2 * lr, s),
            lambda x0, lr, s: descend(task, x0, lr * lr, s),
        ],
    }
    slip = None
    for name, makers in candidates.items():
        for make in makers:
            alt = np.array([make(*case) for case in cases])
            if close(got, alt, 1e-7, 1e-9 * (1 + np.abs(alt).max(axis=1, keepdims=True))).all():
                slip = name
                break
        if slip:
            break
    c = int(np.argmin(ok))
    lines = [
        f"Wrong for {plan.shown[c]}: `{task.spec.function}` returned {fmt(got[c] if n > 1 else got[c][0])}, "
        f"{int(cases[c][2])} steps of x <- x - lr * grad(x) from x0 end at {fmt(want[c] if n > 1 else want[c][0])} "
        f"({int(ok.sum())} of {len(cases)} runs right)."
    ]
    if slip:
        extra["mistake"] = slip
        lines.append(f"This looks like {DESCENT_SLIPS[slip]}.")
    return False, "\n".join(lines), extra


# -- autodiff --------------------------------------------------------------------------------


def _judge_autodiff(task: MethodTask, plan: Plan, values: np.ndarray) -> tuple[bool, str, dict]:
    from grader.exercise import dual

    exact = np.array([float(task.gradient_numeric[i](*x)[0]) for i in range(len(task.functions)) for x in task.at])
    atol = task.spec.atol * (1 + np.abs(exact))
    ok = close(values, exact, max(task.spec.rtol, 1e-9), atol)
    groups = np.array(plan.groups)
    right = [bool(ok[groups == i].all()) for i in range(len(task.functions))]
    extra: dict = {"checks": {"calls": len(values), "right": int(ok.sum())}}
    if all(right):
        return (
            True,
            f"Correct: f'(x) to rounding for all {len(task.functions)} functions at {len(task.at)} points.",
            extra,
        )
    c = int(np.argmin(ok))
    lines = [f"Wrong for {plan.shown[c]}: `{task.spec.function}` returned {fmt(values[c])}, f'(x) is {fmt(exact[c])}."]
    wrong = [task.texts[i] for i in range(len(task.functions)) if not right[i]]
    fine = [task.texts[i] for i in range(len(task.functions)) if right[i]]
    lines.append(f"Wrong for {', '.join(wrong)}" + (f"; right for {', '.join(fine)}." if fine else "."))
    rule = dual.broken_rule(task, values)
    if rule:
        extra["mistake"] = rule
        lines.append(dual.SENTENCES[rule])
    return False, "\n".join(lines), extra


PLANS = {
    "numerical_derivative": _numerical_plan,
    "numerical_gradient": _numerical_plan,
    "autodiff": _autodiff_plan,
    "gradient_descent": _descent_plan,
}
JUDGES = {
    "numerical_derivative": _judge_numerical,
    "numerical_gradient": _judge_numerical,
    "autodiff": _judge_autodiff,
    "gradient_descent": _judge_descent,
}
