"""The methods' tasks (spec section 6): the student's function takes a function.

* ``numerical_derivative`` and ``numerical_gradient``: ``name(f, x, h)`` estimates f'(x) (the
  gradient at a 1-D array x) from values of f; ``order`` is the order of accuracy asked for.
* ``autodiff``: ``name(f, x)`` returns f'(x) by the student's own automatic differentiation; f
  is the file's Python text over the names in ``uses``, which the student's file defines.
* ``gradient_descent``: ``name(grad, x0, lr, steps)`` returns the point after ``steps`` steps.

This module compiles such a task into plain data (SymPy expressions, the NumPy source the
sandbox turns into each callable, points and steps); ``grader.exercise.method_grading`` grades
it. The source sent to the sandbox is printed from the parsed expression (or, for autodiff,
the file's own text once an ``ast`` whitelist has passed it): no text is ``eval``-ed here.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import sympy

from grader.exercise import schema
from grader.exercise.kinds import Kind
from grader.maths import lambdify, symbol
from grader.problems import Where, formula, number

# the keys each method's task may set (beside id, kind, function, points, timeout, hint,
# visibility, rtol and atol); the others belong to the other kinds
KEYS = {
    "numerical_derivative": ("functions", "variables", "at", "h", "order"),
    "numerical_gradient": ("functions", "variables", "at", "h", "order"),
    "autodiff": ("functions", "variables", "uses", "at"),
    "gradient_descent": ("f", "variables", "start", "lr", "steps"),
}
COMMON = ("id", "kind", "function", "points", "timeout", "hint", "visibility", "rtol", "atol")
METHOD_ONLY = ("functions", "h", "order", "uses", "start", "lr", "steps")
ARGUMENTS = {
    "numerical_derivative": "f, x, h",
    "numerical_gradient": "f, x, h",
    "autodiff": "f, x",
    "gradient_descent": "grad, x0, lr, steps",
}
MAX_CALLS = 2000  # calls of the student's function one task may make


@dataclass(frozen=True)
class MethodTask:
    spec: schema.Task
    kind: Kind
    variables: tuple[str, ...]
    functions: tuple  # SymPy expressions: each f (gradient_descent: the one f)
    texts: tuple[str, ...]  # each as the file writes it
    sources: tuple[str, ...]  # the source the sandbox builds each callable from (gradient_descent: grad)
    at: np.ndarray  # k x n: the points (gradient_descent: the starts)
    h: tuple[float, ...] = ()
    order: int = 2
    lr: tuple[float, ...] = ()
    steps: tuple[int, ...] = ()
    uses: tuple[str, ...] = ()
    line: int | None = None
    hint: str | None = None
    call: str = "args"

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def shape(self) -> tuple[int, ...]:
        return self.kind.shape(1, len(self.variables))

    @property
    def arguments(self) -> str:
        return ARGUMENTS[self.kind.name]

    @cached_property
    def symbols(self) -> list:
        return [symbol(v) for v in self.variables]

    @cached_property
    def f_numeric(self) -> list:
        """One NumPy callable per f, of the n coordinates (arrays broadcast)."""
        return [lambdify(self.symbols, e) for e in self.functions]

    @cached_property
    def gradients(self) -> list:
        """Per f, the exact derivatives by each variable (SymPy)."""
        return [[e.diff(s) for s in self.symbols] for e in self.functions]

    @cached_property
    def gradient_numeric(self) -> list:
        """Per f: x (n coordinates) -> the n exact partials, each broadcast to the arguments' shape."""
        return [lambdify(self.symbols, g) for g in self.gradients]


def compile_task(spec: schema.Task, index: int, kind: Kind, params: dict, where: Where) -> MethodTask:
    from grader.problems import fill

    loc = ("tasks", index)
    given = spec.model_fields_set
    for key in sorted(given - set(KEYS[kind.name]) - set(COMMON)):
        where.error(loc + (key,), f"`{key}` is not used by {kind.name} tasks (they take {', '.join(KEYS[kind.name])})")
    for key in KEYS[kind.name]:
        if key != "variables" and key != "order" and not getattr(spec, key):
            where.error(loc, f"missing required key '{key}' ({_NEEDS[key]})")
    if isinstance(spec.variables, dict):
        where.error(loc + ("variables",), f"array parameters are for gradient and function tasks, not {kind.name}")
    line = where.positions.line_of(loc)
    hint = fill(spec.hint, params)
    if kind.name == "gradient_descent":
        return _descent(spec, kind, loc, params, where, line, hint)
    allowed = tuple(spec.variables) if spec.variables is not None else None
    texts = [str(t) for t in spec.functions or ()]
    exprs = [formula(t, loc + ("functions", i), where, symbols=allowed, constants=params) for i, t in enumerate(texts)]
    variables = allowed or tuple(sorted({s.name for e in exprs for s in e.free_symbols})) or ("x",)
    if kind.name != "numerical_gradient" and len(variables) != 1:
        where.error(
            loc + ("functions",), f"a {kind.name} task's functions take one variable, not {', '.join(variables)}"
        )
    uses: tuple[str, ...] = ()
    if kind.name == "autodiff":
        uses = tuple(spec.uses)
        sources = tuple(
            _autodiff_source(t, variables[0], uses, loc + ("functions", i), where) for i, t in enumerate(texts)
        )
    else:
        sources = tuple(
            _source(e, variables, loc + ("functions", i), where, vector=kind.name == "numerical_gradient")
            for i, e in enumerate(exprs)
        )
    at = _points(spec.at, len(variables), params, loc + ("at",), where)
    task = MethodTask(
        spec,
        kind,
        variables,
        tuple(exprs),
        tuple(texts),
        sources,
        at,
        tuple(spec.h),
        spec.order or 2,
        uses=uses,
        line=line,
        hint=hint,
    )
    if len(task.functions) * len(task.at) * max(2 * len(task.h), 1) > MAX_CALLS:
        where.error(loc, f"more than {MAX_CALLS} calls (functions x at x h x 2): list fewer")
    return task


_NEEDS = {
    "functions": "the functions passed to the student's function",
    "at": "the points to call it at",
    "h": "the steps to call it with",
    "uses": "the names the student's file defines for its own numbers, such as [sin, exp]",
    "f": "the function whose gradient is passed",
    "start": "the starting points",
    "lr": "the learning rates",
    "steps": "the numbers of steps",
}


def _descent(spec: schema.Task, kind: Kind, loc: tuple, params: dict, where: Where, line: int | None,
             hint: str | None) -> MethodTask:
    if isinstance(spec.f, list):
        where.error(loc + ("f",), "a gradient_descent task needs one expression for f, not a list")
    allowed = tuple(spec.variables) if spec.variables is not None else None
    f = formula(spec.f, loc + ("f",), where, symbols=allowed, constants=params)
    variables = allowed or tuple(sorted(s.name for s in f.free_symbols))
    if not variables:
        where.error(loc + ("f",), "f has no variables; add `variables: [x]`")
    grad = [f.diff(symbol(v)) for v in variables]
    source = _gradient_source(grad, variables, loc + ("f",), where)
    starts = _points(spec.start, len(variables), params, loc + ("start",), where)
    return MethodTask(
        spec,
        kind,
        variables,
        (f,),
        (str(spec.f),),
        (source,),
        starts,
        lr=tuple(spec.lr),
        steps=tuple(spec.steps),
        line=line,
        hint=hint,
    )


def _printer() -> Any:
    from sympy.printing.numpy import NumPyPrinter

    return NumPyPrinter({"fully_qualified_modules": True, "inline": True, "allow_unknown_functions": False})


def _printed(exprs: list, variables: tuple, loc: tuple, where: Where) -> tuple[list[str], list[str]]:
    """NumPy source of each expression over the argument names v0, v1, ... (whatever the
    variables are called), and those names."""
    names = [f"v{i}" for i in range(len(variables))]
    subs = {symbol(v): sympy.Symbol(n) for v, n in zip(variables, names, strict=False)}
    printer = _printer()
    out = []
    for e in exprs:
        text = printer.doprint(sympy.sympify(e).xreplace(subs))
        if "functools" in text or "\n" in text or "#" in text:
            where.error(
                loc, f"{e} cannot be passed as a NumPy function (max, min and piecewise are not supported here)"
            )
        out.append(text)
    return out, names


def _source(expr: sympy.Expr, variables: tuple, loc: tuple, where: Where, vector: bool) -> str:
    """The f given to a numerical task's function: it takes real floats only (its argument is
    made a float64 array first), so f's values are all the student's function can get from it:
    a complex step or dual numbers of the student's own passed through f (NumPy calls an
    object's ``sin`` method) fail, instead of giving the exact derivative with no difference."""
    (text,), names = _printed([expr], variables, loc, where)
    real = "numpy.asarray({}, dtype=numpy.float64)"
    if not vector:
        return f"lambda {names[0]}: (lambda {names[0]}: {text})({real.format(names[0])})"
    return f"lambda x: (lambda {', '.join(names)}: {text})(*{real.format('x')})"


def _gradient_source(grad: list, variables: tuple, loc: tuple, where: Where) -> str:
    texts, names = _printed(grad, variables, loc, where)
    if len(variables) == 1:
        return f"lambda {names[0]}: 1.0 * ({texts[0]})"
    return f"lambda x: (lambda {', '.join(names)}: numpy.array([{', '.join(texts)}], dtype=numpy.float64))(*x)"


_AST = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Call,
    ast.Name,
    ast.Constant,
    ast.Load,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.Pow,
    ast.USub,
    ast.UAdd,
)


def _autodiff_source(text: str, variable: str, uses: tuple[str, ...], loc, where) -> str:
    """``lambda x: TEXT`` once ``TEXT`` is Python arithmetic over the variable, numbers and calls
    of the ``uses`` names (nothing else reaches the sandbox)."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        where.error(loc, f"{text!r} is not a Python expression")
    for node in ast.walk(tree):
        if not isinstance(node, _AST):
            where.error(
                loc, f"{text!r}: only + - * / **, numbers, {variable} and calls of the `uses` names are allowed"
            )
        if isinstance(node, ast.Constant) and (
            not isinstance(node.value, (int, float)) or isinstance(node.value, bool)
        ):
            where.error(loc, f"{text!r}: {node.value!r} is not a number")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.keywords or len(node.args) != 1:
                where.error(loc, f"{text!r}: a call is a `uses` name applied to one argument, such as sin(x)")
            called = node.func.id if isinstance(node.func, ast.Name) else ""
            if called not in uses:
                where.error(loc, f"{text!r} calls {called}, which `uses` does not list")
        elif isinstance(node, ast.Name) and node.id != variable and node.id not in uses:
            where.error(loc, f"{text!r}: unknown name {node.id!r} (the variable is {variable})")
    if variable in uses:
        where.error(loc, f"the variable {variable} is also in `uses`")
    return f"lambda {variable}: ({text.strip()})"


def _points(items: list, n: int, params: dict, loc: tuple, where: Where) -> np.ndarray:
    rows = []
    for i, item in enumerate(items):
        values = item if isinstance(item, list) else [item]
        if len(values) != n:
            what = "a number" if n == 1 else f"a list of {n} numbers"
            where.error(loc + (i,), f"expected {what} (one per variable), got {item!r}")
        rows.append([number(v, loc + (i,), where, params) for v in values])
    return np.array(rows, dtype=float).reshape(len(rows), n)


def problems(task: MethodTask) -> Iterator[tuple[tuple, str]]:
    """(key path, message) for what would make the task ungradable: f or its derivative not finite
    at a point (or at the points x +- 2h the steps reach), a descent that diverges."""
    with np.errstate(all="ignore"):
        if task.kind.name == "gradient_descent":
            yield from _descent_problems(task)
            return
        reach = 2 * max(task.h, default=0.0)
        for i, text in enumerate(task.texts):
            for j, x in enumerate(task.at):
                where = f"{', '.join(task.variables)} = {', '.join(f'{v:g}' for v in x)}"
                try:
                    values = [float(task.f_numeric[i](*(x + d))) for d in (0.0, reach, -reach)]
                    slopes = np.asarray(task.gradient_numeric[i](*x), dtype=float)
                except (ArithmeticError, ValueError, TypeError):
                    values, slopes = [math.nan], np.array([math.nan])
                if not np.all(np.isfinite(values)):
                    yield ("at", j), f"{text} is not finite at or within 2h of {where}: choose another point"
                elif not np.all(np.isfinite(slopes)):
                    yield ("at", j), f"the derivative of {text} is not finite at {where}: choose another point"


def _descent_problems(task: MethodTask) -> Iterator[tuple[tuple, str]]:
    grad = task.gradient_numeric[0]
    for x0 in task.at:
        for lr in task.lr:
            x = np.array(x0, dtype=float)
            for _ in range(max(task.steps, default=0)):
                x = x - lr * np.asarray(grad(*x), dtype=float).reshape(x.shape)
            if not np.all(np.isfinite(x)) or np.max(np.abs(x)) > 1e100:
                yield (
                    ("lr",),
                    (
                        f"the descent from {', '.join(f'{v:g}' for v in x0)} with lr = {lr:g} diverges within "
                        f"{max(task.steps)} steps: lower the learning rate"
                    ),
                )


def method_starter_text(task: MethodTask) -> list[str]:
    """What the student's function must do, for the starter's docstring."""
    n = len(task.variables)
    pts = f"{task.spec.points:g} point{'s' if task.spec.points != 1 else ''}"
    listed = "; ".join(task.texts)
    where = (
        ", ".join(f"{v:g}" for v in task.at[:, 0])
        if n == 1
        else "; ".join("(" + ", ".join(f"{v:g}" for v in x) + ")" for x in task.at)
    )
    name = task.kind.name
    if name in ("numerical_derivative", "numerical_gradient"):
        method = (
            "the central difference (order 2: its error falls 4-fold when h is halved)"
            if task.order == 2
            else "a one-sided difference (order 1)"
        )
        what = (
            "f'(x), for f a function of one float"
            if name == "numerical_derivative"
            else f"the gradient of f at x, a 1-D array of {n} numbers (f takes such an array and returns a float)"
        )
        lines = [
            f"Return an estimate of {what}, by {method} with step h, from values of f only.",
            "",
            f"Task `{task.id}` ({pts}): called for f = {listed}, at x = {where}, with h = "
            f"{', '.join(f'{h:g}' for h in task.h)} and each h halved.",
        ]
    elif name == "autodiff":
        lines = [
            f"Return f'(x) exactly (to rounding) by automatic differentiation: f is a Python function built "
            f"from + - * / **, numbers and {', '.join(task.uses)}, which your file defines for your own numbers "
            "(dual numbers, say). Call f with one of your numbers and read its derivative.",
            "",
            f"Task `{task.id}` ({pts}): called for f = {listed}, at x = {where}.",
        ]
    else:
        x0 = "a float" if n == 1 else f"a 1-D array of {n} numbers"
        lines = [
            f"Run `steps` steps of gradient descent, x <- x - lr * grad(x), from x0 ({x0}) and return the last "
            "point (same shape as x0). `grad(x)` returns the gradient at x.",
            "",
            f"Task `{task.id}` ({pts}): f({', '.join(task.variables)}) = {task.texts[0]}, from x0 = {where}, "
            f"lr = {', '.join(f'{v:g}' for v in task.lr)}, steps = {', '.join(str(v) for v in task.steps)}.",
        ]
    return lines
