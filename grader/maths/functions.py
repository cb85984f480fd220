"""The whitelist of functions a formula may call (``sin``, ``ln``, ``relu`` ...), the inverse
names (``sin^-1``) and the names that would read as something they are not (``I``, ``oo``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import NamedTuple

import sympy


# --------------------------------------------------------------------------
# whitelisted functions
# --------------------------------------------------------------------------
class MathFunction(NamedTuple):
    name: str
    arity: tuple[int, ...]
    build: Callable[..., sympy.Expr]
    description: str


def _sigmoid(x):
    return 1 / (1 + sympy.exp(-x))


def _softplus(x):
    return sympy.log(1 + sympy.exp(x))


def _relu(x):
    return sympy.Max(sympy.S.Zero, x)


FUNCTIONS: dict[str, MathFunction] = {}


def _register(names: str, build, description: str, arity=(1,)) -> None:
    for name in names.split():
        FUNCTIONS[name] = MathFunction(name, tuple(arity), build, description)


_register("sin", sympy.sin, "sine")
_register("cos", sympy.cos, "cosine")
_register("tan", sympy.tan, "tangent")
_register("sec", sympy.sec, "secant")
_register("csc cosec", sympy.csc, "cosecant")
_register("cot", sympy.cot, "cotangent")
_register("asin arcsin", sympy.asin, "inverse sine")
_register("acos arccos", sympy.acos, "inverse cosine")
_register("atan arctan", sympy.atan, "inverse tangent")
_register("sinh", sympy.sinh, "hyperbolic sine")
_register("cosh", sympy.cosh, "hyperbolic cosine")
_register("tanh", sympy.tanh, "hyperbolic tangent")
_register("sech", sympy.sech, "hyperbolic secant")
_register("csch", sympy.csch, "hyperbolic cosecant")
_register("coth", sympy.coth, "hyperbolic cotangent")
_register("asinh arcsinh", sympy.asinh, "inverse hyperbolic sine")
_register("acosh arccosh", sympy.acosh, "inverse hyperbolic cosine")
_register("atanh arctanh", sympy.atanh, "inverse hyperbolic tangent")
_register("exp", sympy.exp, "exponential e^x")
_register("log ln", sympy.log, "natural logarithm; log(x, b) is base b", arity=(1, 2))
_register("log10", lambda x: sympy.log(x, 10), "base-10 logarithm")
_register("log2", lambda x: sympy.log(x, 2), "base-2 logarithm")
_register("sqrt", sympy.sqrt, "square root")
_register("cbrt", sympy.cbrt, "cube root (principal, x^(1/3))")
_register("abs", sympy.Abs, "absolute value, also |x|")
_register("sign", sympy.sign, "sign: -1, 0 or 1")
_register("sigmoid", _sigmoid, "logistic sigmoid 1/(1+e^-x)")
_register("softplus", _softplus, "softplus log(1+e^x)")
_register("relu", _relu, "rectified linear unit max(0, x)")

# sin^-1 x means asin(x)
INVERSES = {
    "sin": "asin",
    "cos": "acos",
    "tan": "atan",
    "sinh": "asinh",
    "cosh": "acosh",
    "tanh": "atanh",
}

# Names that would read as something they are not (SymPy's I, oo, ...).
FORBIDDEN_NAMES = {
    "I": "complex numbers are not supported ('I')",
    "oo": "infinity ('oo') is not allowed in a formula",
    "zoo": "infinity ('zoo') is not allowed in a formula",
    "inf": "infinity ('inf') is not allowed in a formula",
    "infinity": "infinity is not allowed in a formula",
    "Infinity": "infinity is not allowed in a formula",
    "nan": "'nan' is not allowed in a formula",
    "NaN": "'nan' is not allowed in a formula",
}



# --------------------------------------------------------------------------
# helper functions a quiz defines (`define: {s: "1/(1 + exp(-x))"}`)
# --------------------------------------------------------------------------
_HELPERS: ContextVar[Mapping[str, MathFunction]] = ContextVar("helpers", default=MappingProxyType({}))


def known(name: str) -> MathFunction | None:
    """The whitelisted function, or the helper function in use, of this name."""
    return FUNCTIONS.get(name) or _HELPERS.get().get(name)


def names() -> set[str]:
    return set(FUNCTIONS) | set(_HELPERS.get())


@contextmanager
def helpers(functions: Mapping[str, MathFunction]) -> Iterator[None]:
    """Formulas parsed inside may call these helper functions too (a quiz's ``define:``)."""
    token = _HELPERS.set(dict(functions))
    try:
        yield
    finally:
        _HELPERS.reset(token)


class _Substitute:
    """The body of a helper with its argument for its variable (a class, not a closure, so a
    compiled quiz that holds helpers can be pickled, e.g. into a cache of compiled problems)."""

    def __init__(self, body: sympy.Expr, variable: sympy.Symbol | None):
        self.body, self.variable = body, variable

    def __call__(self, arg: sympy.Expr) -> sympy.Expr:
        return self.body if self.variable is None else self.body.xreplace({self.variable: arg})


def helper(name: str, body: sympy.Expr, variable: sympy.Symbol | None, text: str) -> MathFunction:
    """A helper of one variable: ``s(2x)`` is the body with 2x for its variable."""
    return MathFunction(name, (1,), _Substitute(body, variable), f"{name}({variable or 'x'}) = {text}")
