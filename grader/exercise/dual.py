"""Which rule a student's automatic differentiation breaks: dual arithmetic with one rule broken.

An autodiff task's functions are Python text over x and the ``uses`` names, checked by an
``ast`` whitelist (``grader.exercise.methods``). Here the same tree is walked with dual numbers
(value, derivative) in plain floats, once per way of breaking one rule inside the arithmetic:
the product rule in ``*``, the quotient rule in ``/``, the chain rule in the functions
(``sin(u)' = cos(u)`` without ``u'``), the power rule in ``**``. The rule whose broken
arithmetic gives the student's values at every call (and the right values where theirs are
right) is the one their implementation breaks. Nothing is ``eval``-ed.
"""

from __future__ import annotations

import ast
import math

import numpy as np

SENTENCES = {
    "product_rule": "Your values are those of dual numbers whose multiplication breaks the product rule: "
    "(u*v)' = u'*v + u*v'. Check the derivative part of your `__mul__` (and `__rmul__`).",
    "quotient_rule": "Your values are those of dual numbers whose division breaks the quotient rule: "
    "(u/v)' = (u'*v - u*v')/v**2. Check the derivative part of your `__truediv__` (and `__rtruediv__`).",
    "chain_rule": "Your values are those of functions that leave out the inner derivative, which the chain rule "
    "needs: sin(u)' = cos(u)*u'. Multiply by the argument's derivative in each function you wrote.",
    "power_rule": "Your values are those of dual numbers whose power breaks the power rule: "
    "(u**n)' = n*u**(n-1)*u'. Check the derivative part of your `__pow__`.",
}
RULES = tuple(SENTENCES)
VARIANTS = {  # rule: the ways to break it
    "product_rule": ("both", "left", "right"),
    "quotient_rule": ("plus", "not_squared", "ratio"),
    "chain_rule": ("no_inner",),
    "power_rule": ("no_inner", "no_factor", "same_power"),
}
DERIVATIVES = {  # g -> (g, g')
    "sin": (math.sin, math.cos),
    "cos": (math.cos, lambda v: -math.sin(v)),
    "tan": (math.tan, lambda v: 1 / math.cos(v) ** 2),
    "exp": (math.exp, math.exp),
    "log": (math.log, lambda v: 1 / v),
    "sqrt": (math.sqrt, lambda v: 0.5 / math.sqrt(v)),
    "tanh": (math.tanh, lambda v: 1 - math.tanh(v) ** 2),
}


class Unknown(Exception):
    """A name whose derivative this module does not know."""


def derivative(text: str, variable: str, x: float, broken: tuple[str, str] | None = None) -> float:
    """f'(x) by dual numbers over ``text``'s tree, with ``broken`` = (rule, how) broken."""
    tree = ast.parse(text.strip(), mode="eval")
    return _eval(tree.body, variable, x, broken or ("", ""))[1]


def _eval(node, variable, x, broken):  # noqa: C901 - ratchet: split when next changed
    rule, how = broken
    if isinstance(node, ast.Constant):
        return float(node.value), 0.0
    if isinstance(node, ast.Name):
        if node.id != variable:
            raise Unknown(node.id)
        return x, 1.0
    if isinstance(node, ast.UnaryOp):
        a, da = _eval(node.operand, variable, x, broken)
        return (-a, -da) if isinstance(node.op, ast.USub) else (a, da)
    if isinstance(node, ast.Call):
        name = node.func.id
        if name not in DERIVATIVES:
            raise Unknown(name)
        g, dg = DERIVATIVES[name]
        u, du = _eval(node.args[0], variable, x, broken)
        inner = 1.0 if rule == "chain_rule" else du
        return g(u), dg(u) * inner
    if not isinstance(node, ast.BinOp):
        raise Unknown(type(node).__name__)
    a, da = _eval(node.left, variable, x, broken)
    b, db = _eval(node.right, variable, x, broken)
    op = node.op
    if isinstance(op, ast.Add):
        return a + b, da + db
    if isinstance(op, ast.Sub):
        return a - b, da - db
    if isinstance(op, ast.Mult):
        if rule == "product_rule":
            if _number(node.left) and not _number(node.right):  # 3*x is x.__rmul__(3): x is the left one there
                a, da, b, db = b, db, a, da
            return a * b, {"both": da * db, "left": da * b, "right": a * db}[how]
        return a * b, da * b + a * db
    if isinstance(op, ast.Div):
        if rule == "quotient_rule":
            return a / b, {
                "plus": (da * b + a * db) / b**2,
                "not_squared": (da * b - a * db) / b,
                "ratio": da / db if db else math.nan,
            }[how]
        return a / b, (da * b - a * db) / b**2
    if isinstance(op, ast.Pow):
        value = a**b
        if db == 0:  # a constant power
            if rule == "power_rule":
                return value, {
                    "no_inner": b * a ** (b - 1),
                    "no_factor": a ** (b - 1) * da,
                    "same_power": b * a**b * da,
                }[how]
            return value, b * a ** (b - 1) * da
        return value, value * (db * math.log(a) + b * da / a)
    raise Unknown(type(op).__name__)


def _number(node: ast.AST) -> bool:
    """Whether a subtree is a plain number (no variable in it): Python then calls the other side's method."""
    return not any(isinstance(n, ast.Name) for n in ast.walk(node))


def broken_rule(task, values: np.ndarray) -> str | None:
    """The rule whose broken dual arithmetic gives ``values`` (one per call: each function at
    each point, in order) at every call, if one does."""
    from grader.maths import close

    calls = [(t, float(x[0])) for t in task.texts for x in task.at]
    for rule in RULES:
        for how in VARIANTS[rule]:
            try:
                with np.errstate(all="ignore"):
                    alt = np.array([derivative(t, task.variables[0], x, (rule, how)) for t, x in calls], dtype=float)
            except (Unknown, ArithmeticError, ValueError, OverflowError):
                break
            if close(values, alt, 1e-7, 1e-9 * (1 + np.abs(alt))).all():
                return rule
    return None
