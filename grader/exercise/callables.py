"""The source of the callables the sandbox builds for the methods' tasks, without SymPy.

A methods' task (``grader.exercise.methods``) passes the student's function a function: the
sandbox's child builds it from a line of NumPy source (``eval`` in a namespace of numpy and
``abs``, inside the confined child). That line is made here from the expressions' programs
(``grader.maths.program``: data, printed back to Python by ``program.source``), by the same
code whether the task was just compiled with SymPy or restored from the cache, so the child
gets the same text either way. An autodiff task's functions are the problem file's own Python
text over the names in ``uses``: ``autodiff_problem`` is the ``ast`` whitelist such text must
pass (at compile time and again when a cached entry is read).
"""

from __future__ import annotations

import ast
from typing import Any

from grader.maths import source

REAL = "numpy.asarray({}, dtype=numpy.float64)"


def names(n: int) -> list[str]:
    """The argument names of the printed code, whatever the variables are called."""
    return [f"v{i}" for i in range(n)]


def texts(programs: list[Any], n: int) -> list[str]:
    """Each program as NumPy source over ``names(n)``."""
    return [source(p, names(n)) for p in programs]


def function_source(text: str, n: int, vector: bool) -> str:
    """The f given to a numerical task's function: it takes real floats only (its argument is made
    a float64 array first), so f's values are all the student's function can get from it."""
    args = names(n)
    if not vector:
        return f"lambda {args[0]}: (lambda {args[0]}: {text})({REAL.format(args[0])})"
    return f"lambda x: (lambda {', '.join(args)}: {text})(*{REAL.format('x')})"


def gradient_source(gradient: list[str]) -> str:
    """The grad given to a gradient_descent task's function (a float, or a float64 array)."""
    args = names(len(gradient))
    if len(gradient) == 1:
        return f"lambda {args[0]}: 1.0 * ({gradient[0]})"
    return f"lambda x: (lambda {', '.join(args)}: numpy.array([{', '.join(gradient)}], dtype=numpy.float64))(*x)"


_AST = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Constant, ast.Load, ast.Add, ast.Sub,
        ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)


def autodiff_problem(text: str, variable: str, uses: tuple[str, ...]) -> str | None:  # noqa: C901 - one rule a case
    """Why ``text`` cannot be an autodiff task's function (None when it can): Python arithmetic
    over the variable, numbers and calls of the ``uses`` names, nothing else."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return f"{text!r} is not a Python expression"
    for node in ast.walk(tree):
        if not isinstance(node, _AST):
            return f"{text!r}: only + - * / **, numbers, {variable} and calls of the `uses` names are allowed"
        if isinstance(node, ast.Constant) and (type(node.value) not in (int, float)):
            return f"{text!r}: {node.value!r} is not a number"
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.keywords or len(node.args) != 1:
                return f"{text!r}: a call is a `uses` name applied to one argument, such as sin(x)"
            if node.func.id not in uses:
                return f"{text!r} calls {node.func.id}, which `uses` does not list"
        elif isinstance(node, ast.Name) and node.id != variable and node.id not in uses:
            return f"{text!r}: unknown name {node.id!r} (the variable is {variable})"
    if variable in uses:
        return f"the variable {variable} is also in `uses`"
    return None


def autodiff_source(text: str, variable: str) -> str:
    """``lambda x: TEXT`` (TEXT passed by ``autodiff_problem``)."""
    return f"lambda {variable}: ({text.strip()})"
