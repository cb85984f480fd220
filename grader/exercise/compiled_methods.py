"""The compiled form of the methods' tasks (``methods``: numerical_derivative, numerical_gradient,
autodiff, gradient_descent), graded by ``grader.exercise.method_grading`` without SymPy.

What grading computes from a methods' task's SymPy expressions is each f's values (the stencils
around each point) and its exact partials (the reference derivative, the descent's gradient);
here each is a program of ``grader.maths.program`` (data, never code), from lambdify's own text,
so ``f_numeric`` and ``gradient_numeric`` give lambdify's values bit for bit (checked on the
task's points, the stencils' and the reference descents' before the programs are trusted). The
callables the sandbox builds are printed from programs too (``grader.exercise.callables``, the
same text the SymPy task sends); an autodiff task's functions are the problem file's Python
text, which must pass the same ``ast`` whitelist again when an entry is read.
"""

from __future__ import annotations

import functools
import keyword
from collections.abc import Callable
from typing import Any

from grader.exercise import callables
from grader.exercise.compiled_formulas import EntryError, TaskSpec, _fields, finite, programs
from grader.exercise.kinds import KINDS
from grader.maths import ProgramError, compile_function, function

MAX_CALLS = 2000  # as methods.MAX_CALLS
ARGUMENTS = {  # as methods.ARGUMENTS
    "numerical_derivative": "f, x, h",
    "numerical_gradient": "f, x, h",
    "autodiff": "f, x",
    "gradient_descent": "grad, x0, lr, steps",
}


class CompiledMethodTask:
    """A methods' task of a compiled exercise: the attributes of ``methods.MethodTask`` that
    grading and the pictures use; the SymPy expressions themselves from ``full``."""

    def __init__(self, data: dict[str, Any], owner: Any):
        import numpy as np

        self.entry, self.owner = data, owner
        self.spec = TaskSpec(**data["spec"])
        self.kind = KINDS[self.spec.kind]
        self.variables = tuple(data["variables"])
        self.texts = tuple(data["texts"])
        self.at = np.array(data["at"], dtype=float).reshape(len(data["at"]), len(self.variables))
        self.h, self.lr = tuple(data["h"]), tuple(data["lr"])
        self.steps, self.order, self.uses = tuple(data["steps"]), data["order"], tuple(data["uses"])
        self.line, self.hint, self.call = data["line"], data["hint"], "args"
        self.sources = tuple(_sources(self.kind.name, data, len(self.variables)))
        self.f_numeric = [functools.partial(_value, function(p)) for p in data["functions"]]
        self.gradient_numeric = [functools.partial(_values, [function(p) for p in row])
                                 for row in data["gradients"]]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def shape(self) -> tuple[int, ...]:
        return self.kind.shape(1, len(self.variables))

    @property
    def arguments(self) -> str:
        return ARGUMENTS[self.kind.name]

    @property
    def full(self) -> Any:
        """The same task compiled with SymPy (for what needs the expressions themselves)."""
        return self.owner.full.tasks[self.owner.tasks.index(self)]

    @property
    def functions(self) -> Any:
        return self.full.functions

    @property
    def gradients(self) -> Any:
        return self.full.gradients

    @property
    def symbols(self) -> Any:
        return self.full.symbols


def _value(function: Callable[..., Any], *args: Any) -> Any:
    """A program (its ``program.function``) at the arguments, as the lambdified expression is
    called: ``f(*x)``."""
    return function(args)


def _values(row: list[Any], *args: Any) -> list[Any]:
    """Programs at the arguments, as a lambdified list of expressions is called."""
    return [function(args) for function in row]


def _sources(kind: str, data: dict[str, Any], n: int) -> list[str]:
    if kind == "autodiff":
        return [callables.autodiff_source(text, data["variables"][0]) for text in data["texts"]]
    texts = callables.texts(data["sources"], n)
    if kind == "gradient_descent":
        return [callables.gradient_source(texts)]
    return [callables.function_source(text, n, kind == "numerical_gradient") for text in texts]


# ------------------------------------------------------------------------------------ dump
def dump_methods(task: Any, exercise: Any) -> dict[str, Any]:
    """The methods' keys; ProgramError when an expression has no program or a program's values
    differ from lambdify's (the exercise then keeps SymPy)."""
    from grader.maths import lambdify as untyped

    lambdify: Callable[..., Any] = untyped
    n = len(task.variables)
    if task.kind.name != "autodiff" and task.programs is None:
        raise ProgramError("a callable's source has no program")
    functions = [compile_function(lambdify(task.symbols, e), n)[0] for e in task.functions]
    gradients = [compile_function(lambdify(task.symbols, g), n) for g in task.gradients]
    data = {"variables": list(task.variables), "texts": list(task.texts), "at": task.at.tolist(),
            "h": [float(v) for v in task.h], "order": int(task.order), "lr": [float(v) for v in task.lr],
            "steps": [int(v) for v in task.steps], "uses": list(task.uses), "functions": functions,
            "gradients": gradients, "sources": None if task.programs is None else list(task.programs)}
    restored = _restored(data, task)
    if restored.sources != task.sources or not _same(task, restored):
        raise ProgramError("the programs' values differ from lambdify's")
    return data


def _restored(data: dict[str, Any], task: Any) -> CompiledMethodTask:
    s = task.spec
    spec = {"id": s.id, "kind": s.kind, "function": s.function, "visibility": s.visibility,
            "points": float(s.points), "samples": int(s.samples), "timeout": float(s.timeout),
            "rtol": float(s.rtol), "atol": float(s.atol), "partial": bool(s.partial)}
    return CompiledMethodTask({**data, "spec": spec, "line": task.line, "hint": task.hint}, None)


def _same(task: Any, restored: CompiledMethodTask) -> bool:
    """Bit for bit lambdify's values: each f on the stencils around each point (steps up to 2h,
    each h and h/2), the exact partials at each point and along each reference descent."""
    import numpy as np

    points = [np.array(x, dtype=float) for x in task.at]
    steps = [s * k for h in task.h for s in (h, h / 2) for k in (1, 2, -1, -2)]
    for x in list(points):
        for step in steps:
            for k in range(len(x)):
                shifted = x.copy()
                shifted[k] += step
                points.append(shifted)
    for x0 in task.at:  # the descents' paths (gradient_descent: at holds the starts)
        for lr in task.lr:
            x = np.array(x0, dtype=float)
            for _ in range(max(task.steps, default=0)):
                x = x - lr * np.asarray(task.gradient_numeric[0](*x), dtype=float).reshape(x.shape)
                points.append(x.copy())
    with np.errstate(all="ignore"):
        try:
            for x in points:
                for i in range(len(task.functions)):
                    pairs = ((task.f_numeric[i](*x), restored.f_numeric[i](*x)),
                             (task.gradient_numeric[i](*x), restored.gradient_numeric[i](*x)))
                    if not all(np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float), equal_nan=True)
                               for a, b in pairs):
                        return False
        except (ArithmeticError, ValueError, TypeError):
            return False
    return True


# ------------------------------------------------------------------------------------ check
def check_methods(task: dict[str, Any]) -> None:  # noqa: C901 - one rule a key
    """The methods' keys, in pure Python (an autodiff text passes the whitelist again)."""
    _fields(task, {"texts": list, "at": list, "h": list, "order": int, "lr": list, "steps": list, "uses": list,
                   "functions": list, "gradients": list})
    kind, n = task["spec"]["kind"], len(task["variables"])
    names = task["variables"] + task["uses"]
    if not 1 <= n <= 50 or not all(
            isinstance(v, str) and v.isidentifier() and not keyword.iskeyword(v) for v in names):
        raise EntryError("variables")
    if kind not in ("numerical_gradient", "gradient_descent") and n != 1:
        raise EntryError("variables")
    count = len(task["texts"])
    if not 1 <= count <= MAX_CALLS or not all(isinstance(t, str) and len(t) <= 10_000 for t in task["texts"]):
        raise EntryError("texts")
    if len(task["at"]) > MAX_CALLS or not all(
            isinstance(row, list) and len(row) == n and all(finite(v) for v in row) for row in task["at"]):
        raise EntryError("at")
    if not all(finite(v) and 0 < v <= 1 for v in task["h"]) or not all(finite(v) and 0 < v <= 100 for v in task["lr"]):
        raise EntryError("numbers")  # (as the schema bounds them)
    if task["order"] not in (1, 2) or type(task["order"]) is not int:
        raise EntryError("order")
    if not all(type(v) is int and 0 <= v <= 100_000 for v in task["steps"]):
        raise EntryError("steps")
    if count * max(len(task["at"]), 1) * max(2 * len(task["h"]), 1) > MAX_CALLS:
        raise EntryError("calls")
    if len(task["functions"]) != count or len(task["gradients"]) != count:
        raise EntryError("functions")
    programs(task["functions"], n)
    for row in task["gradients"]:
        if not isinstance(row, list) or len(row) != n:
            raise EntryError("gradients")
        programs(row, n)
    if kind == "autodiff":
        if task.get("sources") is not None or any(
                callables.autodiff_problem(t, task["variables"][0], tuple(task["uses"])) for t in task["texts"]):
            raise EntryError("autodiff")
        return
    sources = task.get("sources")
    if not isinstance(sources, list) or len(sources) != (n if kind == "gradient_descent" else count):
        raise EntryError("sources")
    programs(sources, n)
