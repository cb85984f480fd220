"""Expressions as data: SymPy expressions compiled to small programs a tiny interpreter runs on NumPy.

A compiled problem (``grader.exercise.compiled``) is cached on disk, in a folder a student may
control, so an expression is stored as data, never as code: a program is a nested JSON list
whose nodes are

| node | meaning |
| --- | --- |
| ``["v", i]`` | the i-th variable (a column of the check points) |
| ``["n", 2]``, ``["n", 0.5]``, ``["n", true]`` | a number (an int stays an int, as in Python) |
| ``["c", "pi"]`` | a NumPy constant: ``pi``, ``e``, ``euler_gamma``, ``nan``, ``inf`` |
| ``["+", a, b]`` (``-``, ``*``, ``/``, ``**``) | Python's binary operator on a and b |
| ``["neg", a]``, ``["pos", a]`` | unary minus and plus |
| ``["f", "sin", a, ...]`` | a function of the whitelist ``ARITY`` (NumPy's, plus ``abs``) |
| ``["max", a, ...]``, ``["min", a, ...]`` | ``functools.reduce(numpy.maximum/minimum, [a, ...])`` |
| ``["select", [c, ...], [v, ...], d]`` | ``numpy.select([c, ...], [v, ...], default=d)`` |

``compile_expression`` makes a program from the very text ``sympy.lambdify`` would run (the
project's NumPy printer, ``numerics.lambdify``), read with ``ast`` and whitelisted node by
node, so ``evaluate`` performs the same operations in the same order on the same numbers:
the same values, bit for bit (``grader.exercise.compiled`` checks that on the problem's
points before it trusts a program). ``check`` validates a program read from disk (pure Python:
unknown nodes, arities, variables out of range, sizes), before ``evaluate`` runs it. Nothing
here imports SymPy but ``compile_expression``, nor NumPy until a program runs.
"""

from __future__ import annotations

import ast
import functools
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeAlias, cast

if TYPE_CHECKING:
    import numpy
    import numpy.typing as npt

MAX_DEPTH = 200  # nesting of one program
MAX_NODES = 50_000  # nodes of one program
MAX_INT = 2**63  # an integer constant's size (Python's integers have none)

BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow}
UNARY: dict[str, Callable[[Any], Any]] = {"neg": operator.neg, "pos": operator.pos}
AST_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
AST_UNARY = {ast.USub: "neg", ast.UAdd: "pos"}
# the functions a program may call (NumPy's of that name, and Python's abs), by arity
UNARY_FUNCTIONS = (
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
    "exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "cbrt", "sign", "floor", "ceil", "exp2", "absolute",
    "fabs", "logical_not", "abs",
)
BINARY_FUNCTIONS = (
    "arctan2", "heaviside", "hypot", "less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
    "logical_and", "logical_or", "mod",
)
ARITY = {**dict.fromkeys(UNARY_FUNCTIONS, 1), **dict.fromkeys(BINARY_FUNCTIONS, 2)}
CONSTANTS = ("pi", "e", "euler_gamma", "nan", "inf")
REDUCE = {"maximum": "max", "minimum": "min"}


Program = list[Any]  # ["op", *arguments]: a JSON-able tree of nodes (see the table above)


Floats: TypeAlias = "npt.NDArray[numpy.float64]"


class ProgramError(ValueError):
    """A program (or an expression to compile) outside the whitelist."""


# ----------------------------------------------------------------------------- validate, run
def check(program: object, variables: int) -> None:
    """Raise ProgramError unless ``program`` is well formed over ``variables`` variables: only
    whitelisted nodes, functions with their arity, numbers of bounded size, variables in range,
    at most MAX_DEPTH deep and MAX_NODES large. Pure Python (a cached entry is validated before
    NumPy is imported)."""
    budget = [MAX_NODES]
    stack: list[tuple[object, int]] = [(program, 0)]
    while stack:
        node, depth = stack.pop()
        budget[0] -= 1
        if depth > MAX_DEPTH or budget[0] < 0:
            raise ProgramError("program too deep or too large")
        stack.extend((child, depth + 1) for child in _children(node, variables))


def _children(node: object, variables: int) -> list[Any]:
    if not isinstance(node, list) or not node or not isinstance(node[0], str):
        raise ProgramError("malformed node")
    op, args = node[0], node[1:]
    if op == "v":
        if len(args) != 1 or type(args[0]) is not int or not 0 <= args[0] < variables:
            raise ProgramError("bad variable")
        return []
    if op == "n":
        number = args[0] if len(args) == 1 else None
        if type(number) not in (int, float, bool) or (type(number) is int and abs(number) > MAX_INT):
            raise ProgramError("bad number")
        if type(number) is float and not math.isfinite(number):
            raise ProgramError("bad number")
        return []
    if op == "c":
        if len(args) != 1 or args[0] not in CONSTANTS:
            raise ProgramError("unknown constant")
        return []
    if (op in BINARY and len(args) == 2) or (op in UNARY and len(args) == 1) or (op in ("max", "min") and args):
        return args
    if op == "f":
        if not args or not isinstance(args[0], str) or ARITY.get(args[0]) != len(args) - 1:
            raise ProgramError("unknown function or wrong arity")
        return args[1:]
    if op == "select":
        if len(args) != 3 or not isinstance(args[0], list) or not isinstance(args[1], list) or (
                len(args[0]) != len(args[1])):
            raise ProgramError("bad select")
        return [*args[0], *args[1], args[2]]
    raise ProgramError(f"unknown node or arity {op[:20]!r}")


def evaluate(program: Program, columns: Sequence[Any]) -> Any:  # a number or an array, as NumPy gives
    """The value of a program (checked by ``check``) with variable i bound to ``columns[i]``
    (arrays or numbers): Python's operators and NumPy's functions, as the printed code does."""
    op, args = program[0], program[1:]
    if op == "v":
        return columns[args[0]]
    if op == "n":
        return args[0]
    if op in BINARY:
        a, b = evaluate(args[0], columns), evaluate(args[1], columns)
        if op == "**" and type(a) is int and type(b) is int and abs(b) > 64:
            raise ProgramError("integer power too large")
        return BINARY[op](a, b)
    if op in UNARY:
        return UNARY[op](evaluate(args[0], columns))
    np = _numpy()
    if op == "c":
        return getattr(np, args[0])
    if op == "f":
        fn: Callable[..., Any] = abs if args[0] == "abs" else getattr(np, args[0])
        return fn(*[evaluate(a, columns) for a in args[1:]])
    if op in ("max", "min"):
        return functools.reduce(np.maximum if op == "max" else np.minimum, [evaluate(a, columns) for a in args])
    return np.select([evaluate(a, columns) for a in args[0]], [evaluate(a, columns) for a in args[1]],
                     default=evaluate(args[2], columns))


def _numpy() -> ModuleType:
    import numpy

    return numpy


def function(program: Program) -> Callable[[Any], Any]:  # noqa: C901 - one case per node
    """A checked program as nested closures, ``columns -> value``: the operations of ``evaluate``
    in the same order on the same numbers (the same values, bit for bit), without its dispatch
    on every node at every call. Built from the data, never from text: nothing is ``eval``-ed."""
    op, args = program[0], program[1:]
    if op == "v":
        index = args[0]
        return lambda columns: columns[index]
    if op == "n":
        number = args[0]
        return lambda columns: number
    if op == "**":
        base, power = function(args[0]), function(args[1])

        def pow_(columns: Any) -> Any:
            a, b = base(columns), power(columns)
            if type(a) is int and type(b) is int and abs(b) > 64:
                raise ProgramError("integer power too large")
            return a**b

        return pow_
    if op in BINARY:
        left, right, binary = function(args[0]), function(args[1]), BINARY[op]
        return lambda columns: binary(left(columns), right(columns))
    if op in UNARY:
        inner, unary = function(args[0]), UNARY[op]
        return lambda columns: unary(inner(columns))
    np = _numpy()
    if op == "c":
        constant = getattr(np, args[0])
        return lambda columns: constant
    if op == "f":
        fn = abs if args[0] == "abs" else getattr(np, args[0])
        parts = [function(a) for a in args[1:]]
        if len(parts) == 1:
            only = parts[0]
            return lambda columns: fn(only(columns))
        return lambda columns: fn(*[part(columns) for part in parts])
    if op in ("max", "min"):
        parts, pair = [function(a) for a in args], np.maximum if op == "max" else np.minimum
        return lambda columns: functools.reduce(pair, [part(columns) for part in parts])
    conditions, choices, default = [function(a) for a in args[0]], [function(a) for a in args[1]], function(args[2])
    return lambda columns: np.select([c(columns) for c in conditions], [v(columns) for v in choices],
                                     default=default(columns))


def rows(values: Sequence[Any], k: int, shape: tuple[int, ...]) -> Floats:
    """A list (or list of rows) of expression values, each at k points or a constant, as
    k x shape floats (what lambdify of a list of expressions returns, or ``evaluate`` of each)."""
    np = _numpy()
    nested = len(values) > 0 and isinstance(values[0], (list, tuple))
    entries = [v for row in values for v in row] if nested else list(values)
    columns = [np.broadcast_to(np.asarray(v, dtype=float), (k,)) for v in entries]
    stacked: Floats = np.stack(columns, axis=-1).reshape((k,) + shape)
    return stacked


def run_rows(programs: Sequence[Any], x: npt.ArrayLike, shape: tuple[int, ...]) -> Floats:
    """Each entry's program evaluated at every row of ``x`` (k x n) at once, as k x shape floats
    (``programs`` may also be their ``function``s, made once for many calls)."""
    np = _numpy()
    points = np.asarray(x, dtype=float)
    columns = list(points.T)
    return rows([p(columns) if callable(p) else evaluate(p, columns) for p in programs], len(points), shape)


def values(programs: Sequence[Program], x: npt.ArrayLike, size: int) -> Floats | None:
    """k x size values of a candidate answer at the rows of ``x`` (NaN where undefined), or None
    when it cannot be evaluated (as ``feedback._evaluate`` of its SymPy form)."""
    np = _numpy()
    if len(programs) != size:
        return None
    with np.errstate(all="ignore"):
        try:
            return run_rows(programs, x, (size,))
        except (ArithmeticError, ValueError, TypeError):
            return None


# ------------------------------------------------------------------------------------ compile
def compile_expression(variables: Sequence[str], expr: object) -> Program:
    """The program of one SymPy expression in ``variables`` (names), from the text lambdify runs.
    ProgramError when that text leaves the whitelist (the caller then keeps SymPy)."""
    from sympy.printing.numpy import NumPyPrinter

    printer = NumPyPrinter({"fully_qualified_modules": True, "inline": True, "allow_unknown_functions": True})
    text = str(printer.doprint(expr))
    try:
        tree = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise ProgramError("not an expression") from None
    names = {name: i for i, name in enumerate(variables)}
    try:
        program = _node(tree, names)
    except RecursionError:
        raise ProgramError("too deep") from None
    check(program, len(variables))
    return program


def compile_function(function: Callable[..., Any], variables: int) -> list[Program]:
    """The programs of a function made by ``numerics.lambdify`` (of a list, nested or not, or of
    one expression), read from its very source: one program per entry, in order. ProgramError
    when the source is not one ``return`` of whitelisted expressions."""
    import inspect

    try:
        tree = ast.parse(inspect.getsource(function))
    except (OSError, TypeError, SyntaxError, ValueError, RecursionError, MemoryError):
        raise ProgramError("no source") from None
    definition = tree.body[0] if len(tree.body) == 1 else None
    if not isinstance(definition, ast.FunctionDef) or len(definition.body) != 1 or not isinstance(
            definition.body[0], ast.Return) or definition.body[0].value is None:
        raise ProgramError("not one return")
    names = {a.arg: i for i, a in enumerate(definition.args.args)}
    if len(names) != variables:
        raise ProgramError("arguments")
    value = definition.body[0].value
    entries = _flat(value) if isinstance(value, ast.List) else [value]
    return [compile_text(entry, names) for entry in entries]


def _flat(tree: ast.List) -> list[ast.expr]:
    return [e for item in tree.elts for e in (_flat(item) if isinstance(item, ast.List) else [item])]


def compile_text(text: str | ast.expr, names: Mapping[str, int]) -> Program:
    """The program of one expression's text (or its ``ast`` tree) over the variable ``names``
    ({name: index}), the whitelist of ``_node``: ProgramError outside it."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body if isinstance(text, str) else text
        program = _node(tree, names)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        if isinstance(exc, ProgramError):
            raise
        raise ProgramError("not an expression") from None
    check(program, len(names))
    return program


def source(program: Program, names: Sequence[str]) -> str:
    """Python (NumPy) text of a checked program, variable i written ``names[i]``: the very
    operations ``evaluate`` performs, for code that runs elsewhere (the sandbox's callables)."""
    return ast.unparse(_tree(program, names))


def _tree(node: Program, names: Sequence[str]) -> ast.expr:  # noqa: C901 - one case per node
    op, args = node[0], node[1:]
    if op == "v":
        return ast.Name(names[args[0]], ast.Load())
    if op == "n":
        value = args[0]
        if type(value) is not bool and (value < 0 or math.copysign(1.0, value) < 0):
            return ast.UnaryOp(ast.USub(), ast.Constant(-value))  # -(2), as the text was read
        return ast.Constant(value)
    if op == "c":
        return _numpy_name(args[0])
    if op in BINARY:
        ops = {v: k for k, v in AST_BINARY.items()}
        return ast.BinOp(_tree(args[0], names), ops[op](), _tree(args[1], names))
    if op in UNARY:
        return ast.UnaryOp({v: k for k, v in AST_UNARY.items()}[op](), _tree(args[0], names))
    if op == "f":
        function = ast.Name("abs", ast.Load()) if args[0] == "abs" else _numpy_name(args[0])
        return ast.Call(function, [_tree(a, names) for a in args[1:]], [])
    if op in ("max", "min"):
        reducer = ast.Attribute(ast.Name("functools", ast.Load()), "reduce", ast.Load())
        items = ast.List([_tree(a, names) for a in args], ast.Load())
        return ast.Call(reducer, [_numpy_name("maximum" if op == "max" else "minimum"), items], [])
    conditions, values = (ast.List([_tree(a, names) for a in part], ast.Load()) for part in args[:2])
    return ast.Call(_numpy_name("select"), [conditions, values], [ast.keyword("default", _tree(args[2], names))])


def _numpy_name(name: str) -> ast.Attribute:
    return ast.Attribute(ast.Name("numpy", ast.Load()), name, ast.Load())


def _node(tree: ast.AST, names: Mapping[str, int]) -> Program:
    if isinstance(tree, ast.Constant) and type(tree.value) in (int, float, bool):
        return ["n", tree.value]
    if isinstance(tree, ast.Name) and tree.id in names:
        return ["v", names[tree.id]]
    if isinstance(tree, ast.BinOp) and type(tree.op) in AST_BINARY:
        return [AST_BINARY[type(tree.op)], _node(tree.left, names), _node(tree.right, names)]
    if isinstance(tree, ast.UnaryOp) and type(tree.op) in AST_UNARY:
        return [AST_UNARY[type(tree.op)], _node(tree.operand, names)]
    numpy_name = _numpy_attribute(tree)
    if numpy_name in CONSTANTS:
        return ["c", numpy_name]
    if isinstance(tree, ast.Call):
        return _call(tree, names)
    raise ProgramError(f"unsupported: {ast.dump(tree)[:80]}")


def _call(tree: ast.Call, names: Mapping[str, int]) -> Program:
    fn = _numpy_attribute(tree.func)
    if isinstance(tree.func, ast.Name) and tree.func.id == "abs" and len(tree.args) == 1 and not tree.keywords:
        return ["f", "abs", _node(tree.args[0], names)]
    if fn in ARITY and fn != "abs" and len(tree.args) == ARITY[fn] and not tree.keywords:
        return ["f", fn, *[_node(a, names) for a in tree.args]]
    if fn == "select" and len(tree.args) == 2 and all(isinstance(a, ast.List) for a in tree.args):
        default = [k.value for k in tree.keywords if k.arg == "default"]
        if len(tree.keywords) != 1 or not default:
            raise ProgramError("unsupported select")
        conditions, values = ([_node(e, names) for e in cast(ast.List, a).elts] for a in tree.args)
        return ["select", conditions, values, _node(default[0], names)]
    reduce = isinstance(tree.func, ast.Attribute) and tree.func.attr == "reduce" and isinstance(
        tree.func.value, ast.Name) and tree.func.value.id == "functools"
    if reduce and len(tree.args) == 2 and not tree.keywords and isinstance(tree.args[1], ast.List):
        kind = REDUCE.get(_numpy_attribute(tree.args[0]) or "")
        if kind and tree.args[1].elts:
            return [kind, *[_node(e, names) for e in tree.args[1].elts]]
    raise ProgramError(f"unsupported call: {ast.dump(tree.func)[:80]}")


def _numpy_attribute(tree: ast.AST) -> str | None:
    """``numpy.NAME`` -> NAME."""
    if isinstance(tree, ast.Attribute) and isinstance(tree.value, ast.Name) and tree.value.id == "numpy":
        return tree.attr
    return None
