"""Task kinds: what the student writes, its reference and its finite-difference oracle.

``KINDS`` is the registry; the schema takes the allowed ``kind:`` values from its keys.
A kind turns the objective ``f`` (a column of m expressions in n variables) into the
expected answer (a SymPy matrix) and estimates that answer from ``f`` alone by central
finite differences, the independent second check.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np
    import sympy

# NumPy is imported where it is used: the registry is read (a cached entry validated) before
# the sandbox's child is started, and the child should not wait for this process's NumPy
EPS = sys.float_info.epsilon  # numpy.finfo(float).eps, the same number
H1 = EPS ** (1 / 3)  # first derivatives (SciPy's choice)
H2 = EPS ** (1 / 4)  # second derivatives

FNum = Callable[["np.ndarray"], "np.ndarray"]  # X (k, n), a point per row -> f at each (k, m)


def _step(h: float, x: np.ndarray) -> np.ndarray:
    import numpy as np

    step = h * np.maximum(1.0, np.abs(x))
    return (x + step) - x  # exactly representable


def _grad(fnum: FNum, x: np.ndarray) -> np.ndarray:
    """k x m x n: the first partials at each row of ``x`` by central differences."""
    import numpy as np

    cols = []
    for i in range(x.shape[1]):
        h = _step(H1, x[:, i])
        up, down = x.copy(), x.copy()
        up[:, i] += h
        down[:, i] -= h
        cols.append((fnum(up) - fnum(down)) / (2 * h)[:, None])
    return np.stack(cols, axis=-1)


def _second(fnum: FNum, x: np.ndarray, i: int, j: int) -> np.ndarray:
    """k x m: the second partial in variables i and j at each row of ``x``."""
    hi, hj = _step(H2, x[:, i]), _step(H2, x[:, j])
    if i == j:
        up, down = x.copy(), x.copy()
        up[:, i] += hi
        down[:, i] -= hi
        return (fnum(up) - 2 * fnum(x) + fnum(down)) / (hi * hi)[:, None]
    total = 0
    for si, sj, sign in ((1, 1, 1), (1, -1, -1), (-1, 1, -1), (-1, -1, 1)):
        p = x.copy()
        p[:, i] += si * hi
        p[:, j] += sj * hj
        total = total + sign * fnum(p)
    return total / (4 * hi * hj)[:, None]


CallStyle = Literal["scalars", "vector", "args"]  # how the student's function takes a point


@dataclass(frozen=True)
class Kind:
    name: str
    default_call: CallStyle  # (the methods: arguments of their own)
    describe: str  # what the student's function returns, for starters and feedback
    vector_f: bool = False  # f is a list of expressions (jacobian)
    needs_wrt: bool = False
    one_variable: bool = False
    fd_order: int = 1  # 0: no finite-difference oracle (f itself)
    # the name of the kind's compiled form (``grader.exercise.compiled.FORMS``: how its tasks are
    # cached as data and graded without SymPy); None: every check compiles the problem with SymPy
    compiled: str | None = None

    def shape(self, m: int, n: int) -> tuple[int, ...]:
        return SHAPES[self.name](m, n)

    def reference(self, f: sympy.Matrix, xs: list, wrt: int) -> sympy.Matrix:
        return REFERENCES[self.name](f, xs, wrt)

    def finite_difference(self, fnum: FNum, x: np.ndarray, wrt: int) -> np.ndarray:
        """The answer estimated from ``f`` alone at each row of ``x`` (k x n): k x shape."""
        return ESTIMATES[self.name](fnum, x, wrt)


def _hessian(f, xs):
    import sympy  # only to compile a problem: a compiled one is graded without SymPy

    return sympy.hessian(f, xs)


def _hessian_estimate(fnum: FNum, x: np.ndarray) -> np.ndarray:
    import numpy as np

    n = x.shape[1]
    return np.stack([np.stack([_second(fnum, x, i, j)[:, 0] for j in range(n)], axis=-1) for i in range(n)], axis=-2)


SHAPES = {
    "function": lambda m, n: (),
    "derivative": lambda m, n: (),
    "second_derivative": lambda m, n: (),
    "partial": lambda m, n: (),
    "gradient": lambda m, n: (n,),
    "hessian": lambda m, n: (n, n),
    "jacobian": lambda m, n: (m, n),
    "numerical_derivative": lambda m, n: (),
    "numerical_gradient": lambda m, n: (n,),
    "autodiff": lambda m, n: (),
    "gradient_descent": lambda m, n: (n,) if n > 1 else (),
}

REFERENCES = {
    "function": lambda f, xs, k: f,
    "derivative": lambda f, xs, k: f.diff(xs[0]),
    "second_derivative": lambda f, xs, k: f.diff(xs[0], 2),
    "partial": lambda f, xs, k: f.diff(xs[k]),
    "gradient": lambda f, xs, k: type(f)([f[0].diff(x) for x in xs]),
    "hessian": lambda f, xs, k: _hessian(f[0], xs),
    "jacobian": lambda f, xs, k: f.jacobian(xs),
}

ESTIMATES = {
    "function": lambda fn, x, k: fn(x)[:, 0],
    "derivative": lambda fn, x, k: _grad(fn, x)[:, 0, 0],
    "second_derivative": lambda fn, x, k: _second(fn, x, 0, 0)[:, 0],
    "partial": lambda fn, x, k: _grad(fn, x)[:, 0, k],
    "gradient": lambda fn, x, k: _grad(fn, x)[:, 0],
    "hessian": lambda fn, x, k: _hessian_estimate(fn, x),
    "jacobian": lambda fn, x, k: _grad(fn, x),
}

KINDS: dict[str, Kind] = {
    "function": Kind("function", "scalars", "f itself, a number", fd_order=0, compiled="expressions"),
    "derivative": Kind("derivative", "scalars", "f'(x), a number", one_variable=True, compiled="expressions"),
    "second_derivative": Kind(
        "second_derivative", "scalars", "f''(x), a number", one_variable=True, fd_order=2, compiled="expressions"
    ),
    "partial": Kind("partial", "scalars", "the partial derivative, a number", needs_wrt=True, compiled="expressions"),
    "gradient": Kind("gradient", "vector", "the gradient, a vector of length n", compiled="expressions"),
    "hessian": Kind("hessian", "vector", "the Hessian, an n x n matrix", fd_order=2, compiled="expressions"),
    "jacobian": Kind("jacobian", "vector", "the Jacobian, an m x n matrix", vector_f=True, compiled="expressions"),
    # the methods (spec section 6): the student's function takes a function; graded by grader.exercise.methods
    "numerical_derivative": Kind("numerical_derivative", "args", "an estimate of f'(x), a number", fd_order=0,
                                 compiled="methods"),
    "numerical_gradient": Kind("numerical_gradient", "args", "an estimate of the gradient of f at x, a 1-D array",
                               fd_order=0, compiled="methods"),
    "autodiff": Kind("autodiff", "args", "f'(x) by automatic differentiation, a number", fd_order=0,
                     compiled="methods"),
    "gradient_descent": Kind("gradient_descent", "args", "the point after the last step (a number for one "
                             "variable, else a 1-D array)", fd_order=0, compiled="methods"),
}

METHODS = ("numerical_derivative", "numerical_gradient", "autodiff", "gradient_descent")
