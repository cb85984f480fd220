"""Gradient and function tasks over array parameters and data (spec section 6).

``variables: {W: [3, 2], b: [2]}`` names the parameters and their shapes, ``data:`` the fixed
arrays passed after them, and ``f`` is an array formula (``grader.maths.arrays``). The task is
compiled into a formula task over the parameters' entries (``W_0_1`` ...): the SymPy reference
and the finite differences work entry by entry as for scalar variables. The student's
function is called ``name(W, b, X, y)`` with arrays and returns one array per parameter (a
tuple or list of them for several), each in its parameter's shape: what grading does with
those calls and replies needs no SymPy and lives in ``grader.exercise.arraycalls``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from grader.maths import ArrayFormulaError, entry_name, expand
from grader.problems import number

ARRAY_KINDS = ("gradient", "function")
def compile_arrays(spec, kind, loc, params, where):
    """(f as one SymPy expression, the entry names, ((name, shape), ...), ((name, data), ...))."""
    if kind.name not in ARRAY_KINDS:
        where.error(
            loc + ("variables",), f"array parameters are for {' and '.join(ARRAY_KINDS)} tasks, not {kind.name}"
        )
    if isinstance(spec.f, list):
        where.error(loc + ("f",), "array tasks take one formula for f")
    for key in ("wrt", "at", "call"):
        if key in spec.model_fields_set:
            where.error(loc + (key,), f"`{key}` is not used by tasks over array parameters")
    shapes = {name: tuple(shape) for name, shape in spec.variables.items()}
    if not shapes:
        where.error(loc + ("variables",), "no parameters: name at least one, such as {w: [3]}")
    data = {}
    for name, value in (spec.data or {}).items():
        if name in shapes:
            where.error(loc + ("data", name), f"'{name}' is both a parameter and a data array")
        data[name] = _array(value, loc + ("data", name), params, where)
    try:
        f = expand(str(spec.f), shapes, data, constants=params)
    except ArrayFormulaError as exc:
        where.error(loc + ("f",), f"cannot read array formula {str(spec.f)!r}: {exc}")
    entries = tuple(entry_name(name, index) for name, shape in shapes.items() for index in np.ndindex(*shape))
    reference = _reference(spec, kind, shapes, data, loc, params, where) if spec.reference is not None else None
    return f, entries, tuple(shapes.items()), tuple((k, v) for k, v in data.items()), reference


def _reference(spec, kind, shapes: dict, data: dict, loc: tuple, params: dict, where) -> list:
    """The author's gradient, one array formula per parameter (in its shape): its entries in order."""
    here = loc + ("reference",)
    if kind.name != "gradient":
        where.error(here, "a reference over array parameters is for gradient tasks")
    texts = spec.reference if isinstance(spec.reference, list) else [spec.reference]
    if len(texts) != len(shapes) or any(isinstance(t, list) for t in texts):
        where.error(here, f"expected {len(shapes)} array formula{'s' if len(shapes) != 1 else ''}, the gradient by "
                          f"{', '.join(shapes)} in that order")
    out: list = []
    for i, ((name, shape), text) in enumerate(zip(shapes.items(), texts, strict=False)):
        at = here + ((i,) if isinstance(spec.reference, list) else ())
        try:
            value = expand(str(text), shapes, data, constants=params, as_array=True)
        except ArrayFormulaError as exc:
            where.error(at, f"cannot read array formula {str(text)!r}: {exc}")
        if value.shape != shape:
            where.error(at, f"{str(text)!r} has shape {value.shape}; the gradient by {name} has {name}'s shape {shape}")
        out += [sympy.sympify(v) for v in value.ravel()]
    return out


def reference_problem(task, points) -> str | None:
    """Where the author's reference disagrees with f's derivative (and so with finite
    differences of f): the first entry and point, or None."""
    from grader.maths import close, lambdify

    derived = task.kind.reference(task.f, task.symbols, task.wrt)
    if not len(points.x):
        return None
    with np.errstate(all="ignore"):
        want = lambdify(task.symbols, list(derived))(*points.x.T)
    want = np.stack([np.broadcast_to(np.asarray(v, dtype=float), (len(points.x),)) for v in want], axis=-1)
    given = points.expected.reshape(len(points.x), -1)
    ok = close(given, want, 1e-9, 1e-12 * (1 + np.abs(want).max()))
    if ok.all():
        return None
    k, j = np.argwhere(~ok)[0]
    bad = int((~ok).any(axis=1).sum())
    return (f"the reference disagrees with the derivative of f (and its finite differences) at {bad} of "
            f"{len(points.x)} check points: ∂f/∂{task.variables[j]} is {want[k, j]:.6g} at the check point "
            f"{k + 1}, the reference gives {given[k, j]:.6g}: fix `reference`, or leave it out to derive it from f")


def _array(value, loc, params, where) -> np.ndarray:
    """A data array: nested lists of numbers (or {param} constants), rectangular."""

    def walk(item, here):
        if isinstance(item, list):
            return [walk(v, here + (i,)) for i, v in enumerate(item)]
        return number(item, here, where, params)

    try:
        array = np.array(walk(value, loc), dtype=float)
    except ValueError:
        where.error(loc, "a data array must be rectangular (every row the same length)")
    return array


def entry_domains(domain: dict, arrays, loc, where) -> dict:
    """An interval per entry from one per parameter."""
    names = [n for n, _ in arrays]
    for key in domain:
        if key not in names:
            where.error(loc + ("domain", key), f"'{key}' is not a parameter ({', '.join(names)})")
    missing = [n for n in names if n not in domain]
    if missing:
        where.error(loc + ("domain",), f"no interval for {', '.join(missing)}")
    return {entry_name(n, i): domain[n] for n, shape in arrays for i in np.ndindex(*shape)}


_ALT: dict = {}  # task id(spec) -> lambdified gradient of f without its one-hot term


def without_onehot_function(task: Any) -> Any:
    """f's gradient with log_softmax(A) read as -log(sum(exp(A))) (the term the one-hot picks out
    left out), lambdified (what a compiled task stores as programs); None if it cannot be made."""
    import sympy

    from grader.maths import lambdify

    key = id(task)
    if key not in _ALT:
        try:
            alt = expand(
                str(task.spec.f),
                dict(task.arrays),
                dict(task.data),
                drop_onehot=True,
                constants=getattr(task, "params", None),
            )
            _ALT.clear()
            _ALT[key] = lambdify(task.symbols, [alt.diff(s) for s in task.symbols])
        except (ArrayFormulaError, TypeError, ValueError, sympy.SympifyError):
            return None
    return _ALT[key]


def without_onehot(task, x: np.ndarray):
    """The gradient of f without its one-hot term at each row of x; None if it fails."""
    function = without_onehot_function(task)
    if function is None:
        return None
    try:
        with np.errstate(all="ignore"):
            cols = [np.broadcast_to(np.asarray(c, dtype=float), (len(x),)) for c in function(*x.T)]
    except (ArithmeticError, ValueError, TypeError):
        return None
    return np.stack(cols, axis=-1)


def array_starter_text(task) -> list[str]:
    """What the student's function must return, for the starter's docstring."""
    params = ", ".join(f"{n} {tuple(s)}" for n, s in task.arrays)
    data = ", ".join(f"{n} {tuple(np.shape(v))}" for n, v in task.data)
    over = f" over the data {data}" if data else ""
    if task.kind.name == "function":
        what = f"Return f = {task.spec.f}, a number, for the parameters {params}{over}."
    elif len(task.arrays) == 1:
        name, shape = task.arrays[0]
        what = f"Return the gradient of f = {task.spec.f} by {name}{over}: an array of {name}'s shape, {tuple(shape)}."
    else:
        names = ", ".join(f"d{n}" for n, _ in task.arrays)
        what = (
            f"Return the gradient of f = {task.spec.f} by each parameter, {params}{over}: a tuple ({names}), "
            "each array in its parameter's shape."
        )
    lo, hi = task.bounds[:, 0].min(), task.bounds[:, 1].max()
    pts = f"{task.spec.points:g} point{'s' if task.spec.points != 1 else ''}"
    return [
        what,
        "",
        f"Called as {task.spec.function}({task.arguments}) with NumPy arrays.",
        f"Task `{task.id}` ({pts}): checked at {task.spec.samples} random parameter values, each entry in "
        f"[{lo:g}, {hi:g}].",
    ]
