"""Step 6 of the parser, the :class:`Builder`: SymPy built from the rewritten text's AST by a
whitelist walk, node by node, with size checks made before SymPy computes any numeric power,
and the conditions for a real value recorded as it goes (``Reading.guards``)."""

from __future__ import annotations

import ast
import math
from collections.abc import Callable

import sympy

from grader.maths import functions
from grader.maths.parser.friendly import lower_case_suggestion
from grader.maths.parser.lexer import NUMBER, check_literal, literal_value
from grader.maths.parser.names import Names
from grader.maths.parser.syntax import (
    MAX_AST_DEPTH,
    MAX_NODES,
    MAX_RESULT_DIGITS,
    MAX_ROOT_BASE_DIGITS,
    MAX_SYMBOLIC_EXPONENT,
    MathSyntaxError,
    symbol,
)
from grader.maths.parser.tokens import Source
from grader.maths.printing import format_math
from grader.maths.text import shorten

# A condition for a real value: (expression that must be >= 0, the culprit, its text).
Guard = tuple[sympy.Expr, tuple[object, ...], str]
_BINOP_TEXT: dict[type[ast.operator], str] = {
    ast.MatMult: "'@'",
    ast.FloorDiv: "'//' (use '/')",
    ast.Mod: "'%'",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
    ast.BitOr: "'|' as an operator",
    ast.BitXor: "'^' as xor",
    ast.BitAnd: "'&'",
}

_NODE_TEXT: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access ('.') is not allowed in a formula",
    ast.Subscript: "indexing with '[...]' is not allowed in a formula",
    ast.Slice: "slices (':') are not allowed in a formula",
    ast.Lambda: "'lambda' is not allowed in a formula",
    ast.ListComp: "comprehensions ('for ... in ...') are not allowed in a formula",
    ast.SetComp: "comprehensions ('for ... in ...') are not allowed in a formula",
    ast.DictComp: "comprehensions ('for ... in ...') are not allowed in a formula",
    ast.GeneratorExp: "comprehensions ('for ... in ...') are not allowed in a formula",
    ast.Compare: "comparisons ('<', '>', '==', ...) are not allowed in a formula",
    ast.BoolOp: "'and' / 'or' are not allowed in a formula",
    ast.JoinedStr: "text in quotes is not allowed in a formula",
    ast.FormattedValue: "text in quotes is not allowed in a formula",
    ast.NamedExpr: "':=' is not allowed in a formula",
    ast.Starred: "'*' unpacking is not allowed in a formula",
    ast.List: "lists ('[...]') are not allowed in a formula",
    ast.Tuple: "several values separated by ',' are not allowed here",
    ast.Dict: "dictionaries ('{...}') are not allowed in a formula",
    ast.Set: "sets ('{...}') are not allowed in a formula",
    ast.IfExp: "'if ... else' is not allowed in a formula",
    ast.Await: "'await' is not allowed in a formula",
    ast.Yield: "'yield' is not allowed in a formula",
    ast.YieldFrom: "'yield' is not allowed in a formula",
    ast.keyword: "named arguments (name=value) are not allowed in a formula",
    ast.comprehension: "comprehensions ('for ... in ...') are not allowed in a formula",
    ast.arguments: "'lambda' is not allowed in a formula",
}


class Builder:
    """Builds one formula's SymPy expression from the AST of its :class:`Source`. Its state: the
    source (to read numbers as typed and to place errors), the names, and the guards found."""

    def __init__(self, source: Source, names: Names) -> None:
        self.source = source
        self.names = names
        self.guards: list[Guard] = []  # (expression that must be >= 0, culprit, source text)

    def check_size(self, tree_ast: ast.Expression) -> None:
        """Refuse a tree of too many nodes or too deep, before any of it is built."""
        count = 0
        stack: list[tuple[ast.expr, int]] = [(tree_ast.body, 1)]
        while stack:
            node, depth = stack.pop()
            count += 1
            if count > MAX_NODES:
                raise MathSyntaxError(f"the formula is too long (more than {MAX_NODES} parts)")
            if depth > MAX_AST_DEPTH:
                raise MathSyntaxError("the formula is nested too deeply")
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    stack.append((child, depth + 1))
                elif isinstance(child, (ast.keyword, ast.comprehension, ast.arguments)):
                    raise self._error(_not_allowed(child), node)

    def build(self, node: ast.expr) -> sympy.Expr:
        """The checked expression of the whole tree (its body)."""
        return self._final_check(self._build(node))

    def _error(self, message: str, node: ast.AST | None = None) -> MathSyntaxError:
        col = self.source.col(getattr(node, "col_offset", None)) if node is not None else None
        return MathSyntaxError(message, col)

    # --------------------------------------------------------- 6. build
    def _build(self, node: ast.expr) -> sympy.Expr:
        if type(node) is ast.BinOp:
            return self._binop(node)
        if type(node) is ast.UnaryOp:
            op = type(node.op)
            if op is ast.USub:
                operand = node.operand
                return self._checked(lambda: -self._build(operand), node)
            if op is ast.UAdd:
                return self._build(node.operand)
            if op is ast.Not:
                raise self._error("'not' is not allowed in a formula", node)
            raise self._error("'~' is not allowed in a formula", node)
        if type(node) is ast.Constant:
            return self._constant(node)
        if type(node) is ast.Name:
            return self._name(node)
        if type(node) is ast.Call:
            return self._call(node)
        if type(node) is ast.Tuple and not node.elts:
            raise self._error("empty brackets '()' are not allowed in a formula", node)
        raise self._error(_not_allowed(node), node)

    def _checked(self, compute: Callable[[], sympy.Expr], node: ast.expr) -> sympy.Expr:
        try:
            result = compute()
        except MathSyntaxError:
            raise
        except RecursionError:
            raise self._error("the formula is too complicated", node) from None
        except Exception:  # SymPy failing on odd input is a user-facing error
            raise self._error("this part of the formula cannot be evaluated", node) from None
        if (
            result is sympy.S.ComplexInfinity
            or result is sympy.S.NaN
            or result is sympy.S.Infinity
            or result is sympy.S.NegativeInfinity
        ):
            raise self._error("the formula is undefined here (division by zero or similar)", node)
        self._check_number_size(result, node)
        return result

    def _check_number_size(self, result: sympy.Expr, node: ast.expr) -> None:
        limit_bits = int(MAX_RESULT_DIGITS * 3.33) + 64
        candidates = [result]
        if result.is_Add or result.is_Mul:
            candidates.extend(result.args)
        for value in candidates:
            if value.is_Rational and (value.p.bit_length() > limit_bits or value.q.bit_length() > limit_bits):
                raise self._error(
                    f"a number in this formula is too large (more than {MAX_RESULT_DIGITS} digits)", node
                )

    def _binop(self, node: ast.BinOp) -> sympy.Expr:
        op = type(node.op)
        if op not in (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow):
            what = _BINOP_TEXT.get(op, f"'{op.__name__}'")
            raise self._error(f"{what} is not allowed in a formula", node)
        left = self._build(node.left)
        right = self._build(node.right)
        if op is ast.Add:
            return self._checked(lambda: left + right, node)
        if op is ast.Sub:
            return self._checked(lambda: left - right, node)
        if op is ast.Mult:
            return self._checked(lambda: left * right, node)
        if op is ast.Div:
            if right is sympy.S.Zero:
                raise self._error("division by zero", node.right)
            return self._checked(lambda: left / right, node)
        return self._power(left, right, node)

    def _power(self, base: sympy.Expr, exp: sympy.Expr, node: ast.expr) -> sympy.Expr:
        if exp.is_Rational:
            p, q = exp.p, exp.q
            if base.is_Rational:
                if base is sympy.S.Zero and p < 0:
                    raise self._error("division by zero (0 to a negative power)", node)
                if base not in (sympy.S.Zero, sympy.S.One, sympy.S.NegativeOne):
                    if q > MAX_SYMBOLIC_EXPONENT:
                        raise self._error("that exponent is too complicated", node)
                    size = max(abs(base.p), base.q)
                    if q > 1 and size.bit_length() > MAX_ROOT_BASE_DIGITS * 3.33:
                        raise self._error("that root is of a number too large to work with", node)
                    if abs(p).bit_length() > 64 or abs(p) * _log10_int(size) / q > MAX_RESULT_DIGITS:
                        raise self._error(
                            f"that power is too large (the result would have more than {MAX_RESULT_DIGITS} digits)",
                            node,
                        )
            else:
                # Any exponent is fine while nothing expands the power: (x-a)^6000 stays a
                # power.  SymPy computes eagerly only a numeric factor of the base
                # ((2x)^n -> 2^n x^n): that number is what the size cap is for.
                coeff = base.as_coeff_Mul()[0] if base.is_Mul else sympy.S.One
                digits = 0.0
                if coeff.is_Rational:
                    digits = _log10_int(max(abs(coeff.p), coeff.q))
                if digits * abs(p) / q > MAX_RESULT_DIGITS:
                    raise self._error(
                        f"that power is too large (numbers would have more than {MAX_RESULT_DIGITS} digits)", node
                    )
        self._guard_power(base, exp)
        return self._checked(lambda: sympy.Pow(base, exp), node)

    # --------------------------------------------------------- real domains
    def _guard(self, condition: sympy.Expr, culprit: tuple[object, ...]) -> None:
        """Record that ``condition >= 0`` is needed for a real value (SymPy may simplify the
        operation away: sqrt(x)^2 -> x keeps the guard x >= 0 here)."""
        if isinstance(condition, sympy.Expr) and condition.free_symbols:
            self.guards.append((condition, culprit, _culprit_text(culprit)))

    def _guard_power(self, base: sympy.Expr, exp: sympy.Expr) -> None:
        if exp.is_integer or not base.free_symbols or base.is_nonnegative:
            return
        self._guard(base, ("pow", base, exp))

    def _constant(self, node: ast.Constant) -> sympy.Expr:
        value = node.value
        if type(value) in (int, float):
            text = self.source.text[node.col_offset: node.end_col_offset]
            if not NUMBER.fullmatch(text):
                raise self._error("could not read this number", node)
            check_literal(text, self.source.col(node.col_offset))
            return literal_value(text)
        if type(value) in (str, bytes):
            raise self._error("text in quotes is not allowed in a formula", node)
        if type(value) is bool:
            raise self._error(f"'{value}' is not allowed in a formula", node)
        if type(value) is complex:
            raise self._error("complex numbers are not allowed in a formula", node)
        if value is None:
            raise self._error("'None' is not allowed in a formula", node)
        raise self._error("'...' is not allowed in a formula", node)

    def _name(self, node: ast.Name) -> sympy.Expr:
        name, names = node.id, self.names
        if type(node.ctx) is not ast.Load:  # pragma: no cover - eval mode only loads
            raise self._error("assignment is not allowed in a formula", node)
        if name in names.constants:
            return names.constants[name]
        if name in names.symbol_set:
            return symbol(name)
        if name == "pi":
            return sympy.pi
        if name == "e":
            return sympy.E
        if functions.known(name):
            raise self._error(f"'{name}' is a function: write {name}(x)", node)
        if name.startswith("_"):
            raise self._error(f"names cannot start with '_' ('{shorten(name)}')", node)
        hint = lower_case_suggestion(name, names.value_names | {"pi", "e"})
        if hint is not None and (names.restricted or name.lower() in ("pi", "e")):
            raise self._error(f"unknown name '{shorten(name)}': did you mean {hint}?", node)
        if names.restricted:
            raise self._error(f"unknown name '{shorten(name)}' ({names.allowed_text()})", node)
        if functions.FORBIDDEN_NAMES.get(name):
            raise self._error(functions.FORBIDDEN_NAMES[name], node)
        return symbol(name)

    def _call(self, node: ast.Call) -> sympy.Expr:
        if type(node.func) is not ast.Name:
            raise self._error("only named functions such as sin(x) can be called", node)
        name = node.func.id
        spec = functions.known(name)
        if spec is None:
            hint = lower_case_suggestion(name, ())
            more = f": did you mean {hint}?" if hint else ""
            raise self._error(f"unknown function '{shorten(name)}'{more}", node)
        if node.keywords:
            raise self._error("named arguments (name=value) are not allowed in a formula", node)
        for arg in node.args:
            if type(arg) is ast.Starred:
                raise self._error("'*' unpacking is not allowed in a formula", arg)
        if len(node.args) not in spec.arity:
            wanted = " or ".join(str(a) for a in spec.arity)
            plural = "" if spec.arity == (1,) else "s"
            raise self._error(f"{name}() takes {wanted} argument{plural}, not {len(node.args)}", node)
        args = [self._build(arg) for arg in node.args]
        for condition in _domain_conditions(name, args):
            self._guard(condition, (name, *args))
        if name in ("sqrt", "cbrt"):
            return self._power(args[0], sympy.Rational(1, 2 if name == "sqrt" else 3), node)
        if name in ("log", "ln") and len(args) == 2:
            base = args[1]
            if base.is_number and (base == 1 or base.is_positive is False):
                raise self._error("a logarithm base must be positive and not 1", node)
            if args[0] is sympy.S.Zero:
                raise self._error("log(0) is undefined", node)
        return self._checked(lambda: spec.build(*args), node)

    @staticmethod
    def _final_check(result: object) -> sympy.Expr:
        if not isinstance(result, sympy.Expr):
            raise MathSyntaxError("the formula is not a mathematical expression")
        bad = (
            sympy.S.ComplexInfinity,
            sympy.S.NaN,
            sympy.S.Infinity,
            sympy.S.NegativeInfinity,
        )
        try:
            if result.has(*bad):
                raise MathSyntaxError("the formula is undefined (division by zero or similar)")
            if result.has(sympy.S.ImaginaryUnit):
                raise MathSyntaxError("the formula gives a complex number, not a real one")
            if not result.free_symbols and result.is_real is False:
                raise MathSyntaxError("the formula gives a complex number, not a real one")
        except MathSyntaxError:
            raise
        except Exception:
            raise MathSyntaxError("the formula cannot be evaluated") from None
        return result


def _not_allowed(node: ast.AST) -> str:
    return _NODE_TEXT.get(type(node), f"{type(node).__name__} is not allowed in a formula")


def _culprit_text(culprit: tuple[object, ...]) -> str:
    """log(x - 3), sqrt(x), x^(1/4): the part of a formula whose real domain a guard keeps."""
    name, *args = culprit
    if name == "pow":
        base: sympy.Expr = args[0]
        exp: sympy.Expr = args[1]
        if exp == sympy.Rational(1, 2):
            return f"sqrt({format_math(base)})"
        shown = format_math(base)
        shown = shown if base.is_Symbol else f"({shown})"
        return f"{shown}^({format_math(exp)})" if not exp.is_Integer else f"{shown}^{exp}"
    return f"{name}({', '.join(format_math(a) for a in args)})"


def _domain_conditions(name: str, args: list[sympy.Expr]) -> list[sympy.Expr]:
    """Expressions that must be >= 0 for ``name(*args)`` to be real (up to isolated points)."""
    arg = args[0]
    if name in ("log", "ln", "log10", "log2"):
        return [arg] + ([args[1]] if len(args) == 2 else [])
    if name in ("asin", "arcsin", "acos", "arccos", "atanh", "arctanh"):
        return [1 - arg**2]
    if name in ("acosh", "arccosh"):
        return [arg - 1]
    return []


def _log10_int(value: int) -> float:
    """log10 of a positive int of any size (no float overflow)."""
    if value <= 0:
        return 0.0
    bits = value.bit_length()
    if bits < 1000:
        return math.log10(value)
    return math.log10(value >> (bits - 64)) + (bits - 64) * math.log10(2)
