"""Gradient and function tasks over array parameters and data (spec section 6).

``variables: {W: [3, 2], b: [2]}`` names the parameters and their shapes, ``data:`` the fixed
arrays passed after them, and ``f`` is an array formula (``grader.maths.arrays``). The task is
compiled into a formula task over the parameters' entries (``W_0_1`` ...): the SymPy reference
and the finite differences work entry by entry as for scalar variables. The student's
function is called ``name(W, b, X, y)`` with arrays and returns one array per parameter (a
tuple or list of them for several), each in its parameter's shape.
"""

from __future__ import annotations

import numpy as np
import sympy

from grader.maths import ArrayFormulaError, entry_name, expand
from grader.problems import number

ARRAY_KINDS = ("gradient", "function")
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


def arguments(task, x) -> list[dict]:
    """One call's arguments: each parameter's entries in its shape, then the data arrays."""
    out, start = [], 0
    for _, shape in task.arrays:
        size = int(np.prod(shape))
        out.append({"array": np.asarray(x[start : start + size], dtype=float).reshape(shape).tolist()})
        start += size
    out += [{"array": np.asarray(v).tolist()} for _, v in task.data]
    return out


def fit(task, data: np.ndarray, shape: tuple, parts) -> tuple[np.ndarray | None, str | None, str | None]:
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


def diagnose(task, points, values):
    """(note, sentence) for a missing 1/n or a softmax gradient without its one-hot term, or None."""
    from grader.maths import close

    rows = [np.shape(v)[0] for _, v in task.data if np.ndim(v) >= 1]
    want = points.expected.reshape(len(values), -1)
    got = values.reshape(len(values), -1)
    atol = 1e-7 * (1 + np.abs(want).max())
    if rows and rows[0] > 1 and np.abs(want).max() > atol and close(got, rows[0] * want, 1e-6, atol).all():
        return "missing_mean", ARRAY_SLIPS["missing_mean"].format(n=rows[0])
    if "softmax" in str(task.spec.f):
        alt = without_onehot(task, points.x)
        if alt is not None and close(got, alt.reshape(len(values), -1), 1e-6, atol).all():
            return "missing_onehot", ARRAY_SLIPS["missing_onehot"]
    return None


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


def without_onehot(task, x: np.ndarray):
    """The gradient of f with log_softmax(A) read as -log(sum(exp(A))), at each row of x; None if it fails."""
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
    try:
        with np.errstate(all="ignore"):
            cols = [np.broadcast_to(np.asarray(c, dtype=float), (len(x),)) for c in _ALT[key](*x.T)]
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


def _returns(task) -> str:
    if task.kind.name == "function":
        return "f, a number"
    if len(task.arrays) == 1:
        return f"the gradient by {task.arrays[0][0]}, an array of shape {tuple(task.arrays[0][1])}"
    return "a tuple of the gradients by " + ", ".join(f"{n} (shape {tuple(s)})" for n, s in task.arrays)


def missing(task) -> str:
    return (
        f"Your file does not define a function named `{task.spec.function}`. Add "
        f"`def {task.spec.function}({task.arguments}):` returning {_returns(task)}."
    )


def not_written(task) -> str:
    return (
        f"`{task.spec.function}` is not written yet (it raises NotImplementedError): replace "
        f"`raise NotImplementedError` with code that returns {_returns(task)}."
    )
