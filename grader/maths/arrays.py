"""Array formulas over parameters and data (spec section 6: ``variables: {W: [3, 2]}``, ``data:``).

``expand(text, params, data)`` reads ``f`` such as ``mean((X @ w - y)**2)`` with Python's
``ast`` parser (never ``eval``), walks the tree under a whitelist and evaluates it on NumPy
object arrays whose entries are SymPy expressions: each parameter entry is a symbol
(named ``W[0, 1]``), each data entry a number. The result, one SymPy expression in
the parameters' entries, is what the formula kinds differentiate and evaluate.

The vocabulary: ``+ - * / **`` and ``@`` with NumPy broadcasting, ``A.T``, ``sum(A[, axis])``,
``mean(A[, axis])``, ``softmax(A)`` and ``log_softmax(A)`` over the last axis, ``onehot(y, k)``,
and the elementwise ``exp log sqrt tanh sin cos sigmoid``.

Sizes stay small: at most ``MAX_ENTRIES`` parameter entries and ``MAX_DATA`` data numbers
(the expanded expression grows with both). ``drop_onehot`` evaluates ``log_softmax(A)`` as
``-log(sum(exp(A)))`` (the term the one-hot picks out left out), for feedback.
"""

from __future__ import annotations

import ast

import numpy as np
import sympy

from grader.maths.parser import symbol

MAX_ENTRIES = 64  # parameter entries, all parameters together
MAX_DATA = 2000  # data numbers, all arrays together
MAX_NODES = 200  # nodes of the formula's tree

ELEMENTWISE = {
    "exp": sympy.exp,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "tanh": sympy.tanh,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "sigmoid": lambda v: 1 / (1 + sympy.exp(-v)),
}
FUNCTIONS = (*ELEMENTWISE, "sum", "mean", "softmax", "log_softmax", "onehot")
_OPS = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.true_divide,
    ast.Pow: np.power,
    ast.MatMult: np.matmul,
}


class ArrayFormulaError(ValueError):
    """A formula outside the vocabulary, or shapes that do not fit; the message says which."""


def entry_name(name: str, index: tuple) -> str:
    """The symbol of one parameter entry, named as feedback shows it: W[0, 1] (lambdify replaces
    such names by dummies in the code it writes)."""
    return shown_entry(name, index)


def shown_entry(name: str, index: tuple) -> str:
    """W[0, 1], as feedback names it."""
    return f"{name}[{', '.join(map(str, index))}]" if index else name


def symbols_of(params: dict[str, tuple]) -> dict[str, np.ndarray]:
    """Each parameter as an object array of SymPy symbols."""
    out = {}
    for name, shape in params.items():
        cells = np.empty(shape, dtype=object)
        for index in np.ndindex(*shape):
            cells[index] = symbol(entry_name(name, index))
        out[name] = cells
    return out


def expand(
    text: str,
    params: dict[str, tuple],
    data: dict[str, np.ndarray],
    drop_onehot: bool = False,
    constants: dict | None = None,
    as_array: bool = False,
):
    """``f`` as one SymPy expression in the parameters' entries; ``constants``: the problem's
    params (a variant's numbers), by name; ``as_array``: the value as an object array of any
    shape (a reference gradient by a parameter)."""
    entries = sum(int(np.prod(s)) for s in params.values())
    if entries > MAX_ENTRIES:
        raise ArrayFormulaError(f"the parameters have {entries} entries; at most {MAX_ENTRIES} can be expanded")
    numbers = sum(int(np.size(v)) for v in data.values())
    if numbers > MAX_DATA:
        raise ArrayFormulaError(f"the data hold {numbers} numbers; at most {MAX_DATA} can be expanded")
    try:
        tree = ast.parse(str(text).strip(), mode="eval")
    except SyntaxError as exc:
        raise ArrayFormulaError(f"not a formula ({exc.msg})") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ArrayFormulaError(f"longer than {MAX_NODES} parts")
    names = {k: sympy.sympify(v) for k, v in (constants or {}).items() if isinstance(v, (int, float, sympy.Basic))}
    names.update({**symbols_of(params), **{k: np.asarray(v, dtype=float) for k, v in data.items()}})
    with np.errstate(all="ignore"):
        try:
            value = _Eval(names, drop_onehot).visit(tree.body)
        except (ValueError, TypeError) as exc:
            if isinstance(exc, ArrayFormulaError):
                raise
            raise ArrayFormulaError(f"the shapes do not fit: {exc}") from None
    value = np.asarray(value, dtype=object)
    if as_array:
        return _objects(value)
    if value.size != 1:
        raise ArrayFormulaError(
            f"f must be one number, but it is an array of shape {value.shape}: take its sum or mean"
        )
    return sympy.sympify(value.reshape(()).item())


def _objects(value) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype == object:
        return array
    return (
        np.vectorize(lambda v: sympy.Float(v) if v != int(v) else sympy.Integer(int(v)), otypes=[object])(array)
        if array.size
        else array.astype(object)
    )


def _map(function, value) -> np.ndarray:
    array = _objects(value)
    return np.vectorize(function, otypes=[object])(array) if array.size else array


class _Eval(ast.NodeVisitor):
    def __init__(self, names: dict, drop_onehot: bool) -> None:
        self.names, self.drop_onehot = names, drop_onehot

    def generic_visit(self, node):
        raise ArrayFormulaError(
            f"'{ast.unparse(node)}' is not allowed (use + - * / ** @, .T and {', '.join(FUNCTIONS)})"
        )

    def visit_Constant(self, node):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ArrayFormulaError(f"{node.value!r} is not a number")
        return sympy.Integer(node.value) if isinstance(node.value, int) else sympy.Float(node.value)

    def visit_Name(self, node):
        if node.id not in self.names:
            raise ArrayFormulaError(f"unknown name '{node.id}' (not a parameter, a data array or a param)")
        return self.names[node.id]

    def visit_Attribute(self, node):
        if node.attr != "T":
            raise ArrayFormulaError(f"'.{node.attr}' is not allowed (only .T, the transpose)")
        return np.transpose(self.visit(node.value))

    def visit_UnaryOp(self, node):
        value = self.visit(node.operand)
        if isinstance(node.op, ast.USub):
            return -_objects(value) if isinstance(value, np.ndarray) else -value
        if isinstance(node.op, ast.UAdd):
            return value
        return self.generic_visit(node)

    def visit_BinOp(self, node):
        op = _OPS.get(type(node.op))
        if op is None:
            return self.generic_visit(node)
        left, right = self.visit(node.left), self.visit(node.right)
        if op is np.matmul:
            a, b = _objects(left), _objects(right)
            if a.ndim == 0 or b.ndim == 0:
                raise ArrayFormulaError("@ multiplies arrays, not numbers (use *)")
            return np.matmul(a, b)
        return op(_objects(left), _objects(right))

    def visit_Call(self, node):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            what = ast.unparse(node.func)
            raise ArrayFormulaError(f"unknown function '{what}' (the functions are {', '.join(FUNCTIONS)})")
        name = node.func.id
        axis = None
        args = list(node.args)
        for keyword in node.keywords:
            if keyword.arg != "axis" or name not in ("sum", "mean"):
                raise ArrayFormulaError(f"{name}() takes no keyword '{keyword.arg}'")
            args.append(keyword.value)
        if name in ELEMENTWISE:
            self._arity(name, args, 1)
            return _map(ELEMENTWISE[name], self.visit(args[0]))
        if name in ("sum", "mean"):
            if not 1 <= len(args) <= 2:
                raise ArrayFormulaError(f"{name}(A) or {name}(A, axis)")
            value = _objects(self.visit(args[0]))
            if len(args) == 2:
                axis = self._integer(args[1], f"the axis of {name}")
                if not -value.ndim <= axis < max(value.ndim, 1):
                    raise ArrayFormulaError(f"{name} over axis {axis} of an array of shape {value.shape}")
            total = np.sum(value, axis=axis)
            count = value.size if axis is None else value.shape[axis]
            return total if name == "sum" else total / sympy.Integer(max(count, 1))
        if name in ("softmax", "log_softmax"):
            self._arity(name, args, 1)
            value = _objects(self.visit(args[0]))
            if value.ndim == 0:
                raise ArrayFormulaError(f"{name} takes an array")
            exps = _map(sympy.exp, value)
            total = np.sum(exps, axis=-1, keepdims=True)
            if name == "softmax":
                return exps / total
            lse = _map(sympy.log, total)
            return -lse + 0 * value if self.drop_onehot else value - lse
        self._arity(name, args, 2)  # onehot(y, k)
        labels = self.visit(args[0])
        k = self._integer(args[1], "k in onehot(y, k)")
        labels = np.asarray(labels)
        if labels.dtype == object or labels.ndim != 1 or k < 1:
            raise ArrayFormulaError("onehot(y, k) takes a 1-D data array of labels 0 .. k-1 and a number k")
        if not np.all((labels == np.round(labels)) & (labels >= 0) & (labels < k)):
            raise ArrayFormulaError(f"onehot(y, {k}): every label must be one of 0 .. {k - 1}")
        return np.eye(k)[labels.astype(int)]

    @staticmethod
    def _arity(name, args, n):
        if len(args) != n:
            raise ArrayFormulaError(f"{name} takes {n} argument{'s' if n > 1 else ''}, not {len(args)}")

    @staticmethod
    def _integer(node, what) -> int:
        sign = 1
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            sign, node = -1, node.operand
        if not isinstance(node, ast.Constant) or isinstance(node.value, bool) or not isinstance(node.value, int):
            raise ArrayFormulaError(f"{what} must be a whole number")
        return sign * node.value
