"""Safe parser for typed maths (instructor formulas and student answers).

Nothing here ever hands user text to ``eval``/``exec`` or to SymPy's own
string parsers (``sympify``, ``parse_expr``, ``S(str)``, ``Rational(str)``...).
The pipeline is:

1. a small hand-written lexer (friendly typing: ``^``, unicode ``−·×²³√π``,
   ``|x|``, decimal literals kept as text),
2. name classification (functions, allowed symbols, splitting ``xy`` into
   ``x*y`` when only ``x`` and ``y`` are allowed),
3. a bracket tree with a nesting cap,
4. friendly rewrites on that tree (``sin x``, ``sin^2 x``, implicit
   multiplication ``2x``, ``(x+1)(x-1)``, ``|x|`` -> ``abs(x)``),
5. ``ast.parse(..., mode="eval")`` of the rewritten, plain Python text,
6. a whitelist walk over the AST that builds the SymPy expression node by
   node, with size checks done *before* SymPy computes any numeric power.

Conventions worth knowing (they show in :func:`format_math` previews):

* ``^`` and ``**`` are both powers and bind tightest (``-x^2`` is ``-(x^2)``,
  ``2x^2`` is ``2*(x^2)``, ``e^2x`` is ``e^2 * x``).
* Implicit multiplication binds tighter than ``/``: ``1/2x`` is ``1/(2*x)``.
* Function application without brackets takes the juxtaposed factors right
  after the name: ``sin 2x`` is ``sin(2*x)``, ``ln x + 1`` is ``ln(x) + 1``,
  ``sin x cos x`` is ``sin(x)*cos(x)``, ``sin^2 x`` is ``sin(x)^2`` and
  ``sin^-1 x`` is ``asin(x)``.
* Decimals are exact: ``0.5`` is ``1/2``, ``0.33`` is ``33/100``.
* ``cbrt(x)`` is SymPy's principal cube root ``x**(1/3)``.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
from bisect import bisect_right
from fractions import Fraction
from functools import lru_cache
from typing import Callable, Iterable, Mapping, NamedTuple

import sympy
from sympy.printing.str import StrPrinter

__all__ = [
    "FUNCTIONS",
    "MathFunction",
    "MathSyntaxError",
    "format_math",
    "parse_math",
    "symbol",
]

# --------------------------------------------------------------------------
# limits
# --------------------------------------------------------------------------
MAX_NODES = 500  # AST expression nodes
MAX_NESTING = 50  # bracket / function-application nesting
MAX_AST_DEPTH = 200  # depth of the AST (operator chains), protects recursion
MAX_LITERAL_DIGITS = 100  # significant digits in one typed number
MAX_LITERAL_EXPONENT = 100  # |k| in 1e<k>
MAX_SYMBOLIC_EXPONENT = 1000  # |n| in x^n for non-rational bases
MAX_RESULT_DIGITS = 2000  # digits of a numeric power / any number built
MAX_ROOT_BASE_DIGITS = 300  # digits of a number whose root SymPy may take


class MathSyntaxError(ValueError):
    """A user-facing error: one plain-English line plus a 0-based column."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return self.message


@lru_cache(maxsize=None)
def symbol(name: str) -> sympy.Symbol:
    """The one way the project makes symbols: real, cached by name."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"symbol name must be a non-empty string, not {name!r}")
    return sympy.Symbol(name, real=True)


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
_INVERSES = {
    "sin": "asin",
    "cos": "acos",
    "tan": "atan",
    "sinh": "asinh",
    "cosh": "acosh",
    "tanh": "atanh",
}

# Names that would read as something they are not (SymPy's I, oo, ...).
_FORBIDDEN_NAMES = {
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
# lexer
# --------------------------------------------------------------------------
_NUM_RE = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_SUP_DIGITS = {
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4",
    "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9",
}
_SUP_SIGNS = {"⁻": "-", "⁺": "+"}
_UNICODE_OPS = {
    "−": "-", "–": "-", "‐": "-", "‑": "-",
    "·": "*", "⋅": "*", "×": "*", "∙": "*", "∗": "*",
    "÷": "/", "∕": "/",
}
_UNICODE_FUNCS = {"√": "sqrt", "∛": "cbrt"}
_UNICODE_NAMES = {"π": "pi"}
# Python punctuation passed through so the AST whitelist can name it.
_PY_MULTI = ("...", "//", "==", "!=", "<=", ">=", ":=", "<<", ">>", "->")
_PY_SINGLE = set(".:<>%@&~;")
_OPEN = {"(": "paren", "[": "bracket", "{": "brace"}
_CLOSE = {")": "paren", "]": "bracket", "}": "brace"}
_CLOSE_CHAR = {"paren": ")", "bracket": "]", "brace": "}", "abs": "|"}
_OPEN_CHAR = {"paren": "(", "bracket": "[", "brace": "{", "abs": "|"}


class _Tok:
    __slots__ = ("kind", "text", "col", "shown")

    def __init__(self, kind: str, text: str, col: int, shown: str | None = None):
        self.kind = kind  # num name func op comma open close bar py kw
        self.text = text  # what goes to Python
        self.col = col  # 0-based column in the original text
        self.shown = text if shown is None else shown  # what the user typed

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"_Tok({self.kind}, {self.text!r}, {self.col})"


class _Group:
    __slots__ = ("kind", "items", "col", "end_col", "closer")

    def __init__(self, kind: str, col: int, items=None, end_col: int | None = None):
        self.kind = kind  # root paren bracket brace abs
        self.items = [] if items is None else items
        self.col = col
        self.end_col = col if end_col is None else end_col
        self.closer = _CLOSE_CHAR.get(kind, "")  # the character that closes it


class _Call:
    __slots__ = ("func", "arg")

    def __init__(self, func: _Tok, arg: _Group):
        self.func = func
        self.arg = arg

    @property
    def col(self) -> int:
        return self.func.col


def _is_op(item, *texts: str) -> bool:
    return type(item) is _Tok and item.kind == "op" and item.text in texts


def _is_operand(item) -> bool:
    if type(item) is _Tok:
        return item.kind in ("num", "name")
    if type(item) is _Group:
        return item.kind == "paren"
    return type(item) is _Call


def _short(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _char_name(c: str) -> str:
    return f"'{c}'" if c.isprintable() and not c.isspace() else f"U+{ord(c):04X}"


def _lex(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if "0" <= c <= "9" or (c == "." and i + 1 < n and "0" <= text[i + 1] <= "9"):
            m = _NUM_RE.match(text, i)
            tok_text = m.group(0)
            _check_literal(tok_text, i)
            if m.group(1) is None and "." not in tok_text:
                py_text = str(int(tok_text))  # no leading zeros for Python
            else:
                py_text = tok_text
            toks.append(_Tok("num", py_text, i, tok_text))
            i = m.end()
            continue
        if c.isascii() and (c.isalpha() or c == "_"):
            m = _NAME_RE.match(text, i)
            toks.append(_Tok("name", m.group(0), i))
            i = m.end()
            continue
        if c in _SUP_DIGITS or c in _SUP_SIGNS:
            j = i
            signs = ""
            while j < n and text[j] in _SUP_SIGNS:
                signs += _SUP_SIGNS[text[j]]
                j += 1
            digits = ""
            while j < n and text[j] in _SUP_DIGITS:
                digits += _SUP_DIGITS[text[j]]
                j += 1
            if not digits:
                raise MathSyntaxError(
                    f"the superscript {_char_name(c)} needs a superscript digit after it", i
                )
            if len(digits) > 4:
                raise MathSyntaxError("that superscript exponent is too large", i)
            toks.append(_Tok("op", "**", i, text[i:j]))
            if signs:
                toks.append(_Tok("open", "(", i, text[i:j]))
                for k, s in enumerate(signs):
                    toks.append(_Tok("op", s, i + k, text[i + k]))
            toks.append(_Tok("num", str(int(digits)), i + len(signs), text[i + len(signs):j]))
            if signs:
                toks.append(_Tok("close", ")", j - 1, text[i:j]))
            i = j
            continue
        if c in _UNICODE_FUNCS:
            toks.append(_Tok("name", _UNICODE_FUNCS[c], i, c))
            i += 1
            continue
        if c in _UNICODE_NAMES:
            toks.append(_Tok("name", _UNICODE_NAMES[c], i, c))
            i += 1
            continue
        if c in _UNICODE_OPS:
            toks.append(_Tok("op", _UNICODE_OPS[c], i, c))
            i += 1
            continue
        if c == "*":
            if text.startswith("**", i):
                toks.append(_Tok("op", "**", i))
                i += 2
            else:
                toks.append(_Tok("op", "*", i))
                i += 1
            continue
        if c in "+-^":
            toks.append(_Tok("op", c, i))
            i += 1
            continue
        if c == "/":
            if text.startswith("//", i):
                toks.append(_Tok("py", "//", i))
                i += 2
            else:
                toks.append(_Tok("op", "/", i))
                i += 1
            continue
        if c in _OPEN:
            toks.append(_Tok("open", c, i))
            i += 1
            continue
        if c in _CLOSE:
            toks.append(_Tok("close", c, i))
            i += 1
            continue
        if c == "|":
            toks.append(_Tok("bar", "|", i))
            i += 1
            continue
        if c == ",":
            toks.append(_Tok("comma", ",", i))
            i += 1
            continue
        multi = next((op for op in _PY_MULTI if text.startswith(op, i)), None)
        if multi is not None:
            toks.append(_Tok("py", multi, i))
            i += len(multi)
            continue
        if c == "=":
            raise MathSyntaxError(
                "'=' is not allowed: type only the expression (for example 2*x, not y = 2*x)", i
            )
        if c == "!":
            raise MathSyntaxError("'!' (factorial) is not supported in a formula", i)
        if c in "'\"":
            raise MathSyntaxError("text in quotes is not allowed in a formula", i)
        if c in _PY_SINGLE:
            toks.append(_Tok("py", c, i))
            i += 1
            continue
        raise MathSyntaxError(f"the character {_char_name(c)} is not allowed in a formula", i)
    return toks


def _check_literal(tok_text: str, col: int) -> None:
    """Reject absurd number literals before anything converts them."""
    mantissa, _, exponent = tok_text.replace("E", "e").partition("e")
    digits = mantissa.replace(".", "").lstrip("0")
    if len(digits) > MAX_LITERAL_DIGITS:
        raise MathSyntaxError(
            f"the number '{_short(tok_text)}' has too many digits "
            f"(the limit is {MAX_LITERAL_DIGITS})",
            col,
        )
    if exponent:
        exp_digits = exponent.lstrip("+-").lstrip("0")
        if len(exp_digits) > 3 or int(exp_digits or "0") > MAX_LITERAL_EXPONENT:
            raise MathSyntaxError(
                f"the number '{_short(tok_text)}' is too large or too small "
                f"(exponents up to e{MAX_LITERAL_EXPONENT} are allowed)",
                col,
            )


def _literal_value(tok_text: str) -> sympy.Rational:
    """Exact value of a checked literal: 0.5 -> 1/2, 1e-3 -> 1/1000."""
    frac = Fraction(tok_text)
    return sympy.Rational(frac.numerator, frac.denominator)


# --------------------------------------------------------------------------
# the parser
# --------------------------------------------------------------------------
_BINOP_TEXT = {
    ast.MatMult: "'@'",
    ast.FloorDiv: "'//' (use '/')",
    ast.Mod: "'%'",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
    ast.BitOr: "'|' as an operator",
    ast.BitXor: "'^' as xor",
    ast.BitAnd: "'&'",
}

_NODE_TEXT = {
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


class _Parser:
    def __init__(self, text: str, symbols, constants):
        self.text = text
        self.restricted = symbols is not None
        self.symbols: tuple[str, ...] = symbols if symbols is not None else ()
        self.symbol_set = frozenset(self.symbols)
        self.constants: dict[str, sympy.Expr] = constants
        # names that are variables/values (never functions)
        self.value_names = self.symbol_set | frozenset(constants)
        self.src = ""
        self.starts: list[int] = []
        self.cols: list[int] = []

    # ---------------------------------------------------------------- utils
    def _allowed_text(self) -> str:
        names = list(self.symbols) + [c for c in self.constants if c not in self.symbol_set]
        if not names:
            return "this formula cannot use any variables"
        if len(names) == 1:
            return f"this formula can use {names[0]}"
        return "this formula can use " + ", ".join(names[:-1]) + " and " + names[-1]

    # --------------------------------------------------------- 2. names
    def _classify(self, toks: list[_Tok]) -> list[_Tok]:
        out: list[_Tok] = []
        for tok in toks:
            if tok.kind != "name":
                out.append(tok)
                continue
            name = tok.text
            if keyword.iskeyword(name):
                tok.kind = "kw"
            elif name in self.value_names:
                pass
            elif name in FUNCTIONS:
                tok.kind = "func"
            elif name in ("pi", "e"):
                pass
            elif self.restricted:
                pieces = self._split(name)
                if pieces is not None:
                    for offset, piece, kind in pieces:
                        out.append(_Tok(kind, piece, tok.col + offset))
                    continue
                # unknown: left as a name; reported with context later
            out.append(tok)
        return out

    def _split(self, name: str):
        """Split an unknown name into allowed pieces: 'xy' -> x, y; 'sinx' -> sin, x.

        Digits are allowed only right after a function name ('sin2x').
        Fewest pieces wins.  Returns [(offset, text, kind)] or None.
        """
        n = len(name)
        if n > 200:
            return None
        values = self.value_names | {"pi", "e"}
        funcs = FUNCTIONS.keys()
        maxlen = max(map(len, values | set(funcs)))
        INF = n + 1
        # state (pos, after_func) -> (cost, prev_state, piece, kind)
        best: dict[tuple[int, bool], tuple] = {(0, False): (0, None, None, None)}
        for pos in range(n):
            for after_func in (False, True):
                state = (pos, after_func)
                if state not in best:
                    continue
                cost = best[state][0]
                cands = []
                for length in range(1, min(maxlen, n - pos) + 1):
                    piece = name[pos: pos + length]
                    if piece in values:
                        cands.append((piece, "name", False))
                    elif piece in funcs:
                        cands.append((piece, "func", True))
                if after_func and name[pos].isdigit():
                    end = pos
                    while end < n and name[end].isdigit():
                        end += 1
                    cands.append((name[pos:end], "num", False))
                for piece, kind, is_func in cands:
                    nxt = (pos + len(piece), is_func)
                    if best.get(nxt, (INF,))[0] > cost + 1:
                        best[nxt] = (cost + 1, state, piece, kind)
        finals = [s for s in ((n, False), (n, True)) if s in best]
        if not finals:
            return None
        state = min(finals, key=lambda s: best[s][0])
        pieces = []
        while best[state][1] is not None:
            _, prev, piece, kind = best[state]
            pieces.append((prev[0], str(int(piece)) if kind == "num" else piece, kind))
            state = prev
        pieces.reverse()
        return pieces

    # --------------------------------------------------------- 3. tree
    def _tree(self, toks: list[_Tok]) -> _Group:
        root = _Group("root", 0)
        stack = [root]
        prev_end = False  # previous token ends an operand
        for tok in toks:
            kind = tok.kind
            if kind == "open" or (kind == "bar" and not (stack[-1].kind == "abs" and prev_end)):
                group = _Group(_OPEN.get(tok.text, "abs"), tok.col)
                siblings = stack[-1].items
                if tok.text == "{" and siblings and _is_op(siblings[-1], "^", "**"):
                    group.kind = "paren"  # LaTeX habit: e^{2x}
                stack[-1].items.append(group)
                stack.append(group)
                if len(stack) - 1 > MAX_NESTING:
                    raise MathSyntaxError(
                        f"the formula is nested too deeply (more than {MAX_NESTING} levels)",
                        tok.col,
                    )
                prev_end = False
            elif kind == "close" or kind == "bar":
                top = stack[-1]
                if top is root:
                    want = "abs" if kind == "bar" else _CLOSE[tok.text]
                    raise MathSyntaxError(
                        f"'{tok.text}' has no matching '{_OPEN_CHAR[want]}'", tok.col
                    )
                if top.closer != tok.text:
                    opener = self.text[top.col]
                    if top.kind == "abs":
                        raise MathSyntaxError(
                            f"the '|' at column {top.col + 1} is not closed before "
                            f"'{tok.text}'",
                            top.col,
                        )
                    raise MathSyntaxError(
                        f"'{opener}' at column {top.col + 1} is closed by "
                        f"'{tok.text}' instead of '{top.closer}'",
                        tok.col,
                    )
                top.end_col = tok.col
                stack.pop()
                prev_end = True
            else:
                stack[-1].items.append(tok)
                prev_end = kind in ("num", "name")
        if len(stack) > 1:
            top = stack[-1]
            if top.kind == "abs":
                raise MathSyntaxError(
                    f"the '|' at column {top.col + 1} has no closing '|'", top.col
                )
            raise MathSyntaxError(
                f"'{self.text[top.col]}' at column {top.col + 1} is never closed "
                f"(missing '{top.closer}')",
                top.col,
            )
        return root

    # --------------------------------------------------------- 4a. functions
    def _group(self, group: _Group, depth: int):
        if depth > MAX_NESTING:
            raise MathSyntaxError(
                f"the formula is nested too deeply (more than {MAX_NESTING} levels)", group.col
            )
        items = self._apply(group.items, depth)
        if group.kind == "abs":
            if not items:
                raise MathSyntaxError("'| |' needs something between the bars", group.col)
            return _Call(
                _Tok("func", "abs", group.col, "|...|"),
                _Group("paren", group.col, items, group.end_col),
            )
        return _Group(group.kind, group.col, items, group.end_col)

    def _transform(self, item, depth: int):
        if type(item) is _Group:
            return self._group(item, depth + 1)
        return item

    def _apply(self, items: list, depth: int) -> list:
        out = []
        i, n = 0, len(items)
        while i < n:
            item = items[i]
            if type(item) is _Tok and item.kind == "func":
                call, i = self._func_app(items, i, depth + 1)
                out.append(call)
            else:
                out.append(self._transform(item, depth))
                i += 1
        return out

    def _is_atom(self, item) -> bool:
        if type(item) is _Tok:
            return item.kind in ("num", "name")
        return type(item) is _Group and item.kind in ("paren", "abs")

    def _func_app(self, items: list, i: int, depth: int):
        func = items[i]
        if depth > MAX_NESTING:
            raise MathSyntaxError(
                f"the formula is nested too deeply (more than {MAX_NESTING} levels)", func.col
            )
        n = len(items)
        j = i + 1
        power = None
        if j < n and _is_op(items[j], "^", "**"):
            caret = items[j]
            k = j + 1
            signs = []
            while k < n and _is_op(items[k], "+", "-"):
                signs.append(items[k])
                k += 1
            if k < n and self._is_atom(items[k]) and not (
                type(items[k]) is _Group and items[k].kind == "abs"
            ):
                power = (caret, signs, self._transform(items[k], depth))
                j = k + 1
            else:
                raise MathSyntaxError(f"'{caret.shown}' needs something on its right", caret.col)
        if j < n and type(items[j]) is _Group and items[j].kind == "paren":
            group = items[j]
            if not group.items:
                raise MathSyntaxError(
                    f"'{func.shown}' needs something inside its brackets, e.g. {func.text}(x)",
                    func.col,
                )
            arg = self._group(group, depth + 1)
            j += 1
        else:
            arg_items, j = self._simple_arg(items, j, depth, func)
            arg = _Group("paren", func.col, arg_items)
        call = _Call(func, arg)
        if power is None:
            return call, j
        caret, signs, exp_atom = power
        exp_text = "".join(t.text for t in signs)
        if type(exp_atom) is _Tok:
            exp_text += exp_atom.text
        elif all(type(t) is _Tok for t in exp_atom.items):
            exp_text += "".join(t.text for t in exp_atom.items)
        if exp_text == "-1" and func.text in _INVERSES:
            inverse = _Tok("func", _INVERSES[func.text], func.col, func.shown + caret.shown + "-1")
            return _Call(inverse, arg), j
        return _Group("paren", func.col, [call, _Tok("op", "**", caret.col, caret.shown), *signs, exp_atom]), j

    def _simple_arg(self, items: list, j: int, depth: int, func: _Tok):
        """Argument of a function written without brackets: `sin 2x`, `ln x`."""
        n = len(items)
        out = []
        k = j
        while k < n and _is_op(items[k], "+", "-"):
            out.append(items[k])
            k += 1
        atoms = 0
        while k < n:
            item = items[k]
            if self._is_atom(item):
                out.append(self._transform(item, depth))
                k += 1
            elif type(item) is _Tok and item.kind == "func" and atoms == 0:
                call, k = self._func_app(items, k, depth + 1)
                out.append(call)
            else:
                break
            atoms += 1
            while k < n and _is_op(items[k], "^", "**"):
                caret = items[k]
                out.append(caret)
                k += 1
                while k < n and _is_op(items[k], "+", "-"):
                    out.append(items[k])
                    k += 1
                if k < n and self._is_atom(items[k]):
                    out.append(self._transform(items[k], depth))
                    k += 1
                elif k < n and type(items[k]) is _Tok and items[k].kind == "func":
                    call, k = self._func_app(items, k, depth + 1)
                    out.append(call)
                else:
                    raise MathSyntaxError(
                        f"'{caret.shown}' needs something on its right", caret.col
                    )
        if atoms == 0:
            raise MathSyntaxError(
                f"'{func.shown}' needs an argument, e.g. {func.text}(x)", func.col
            )
        return out, k

    # --------------------------------------------------------- 4b. emit text
    def _emit_seq(self, items: list, out: list) -> None:
        i, n = 0, len(items)
        prev = None  # None (start) | 'operand' | 'op' | 'other'
        while i < n:
            item = items[i]
            if _is_operand(item):
                units = []
                while i < n and _is_operand(items[i]):
                    buf: list = []
                    i = self._emit_unit(items, i, buf)
                    units.append(buf)
                if len(units) == 1:
                    out.extend(units[0])
                else:
                    col = units[0][0][1]
                    out.append(("(", col, "open", ""))
                    for k, unit in enumerate(units):
                        if k:
                            last, first = units[k - 1][-1], unit[0]
                            if last[2] == "num" and first[2] == "num":
                                raise MathSyntaxError(
                                    f"two numbers in a row ('{last[3]} {first[3]}'): "
                                    "put an operator between them",
                                    first[1],
                                )
                            out.append(("*", first[1], "op", ""))
                        out.extend(unit)
                    out.append((")", units[-1][-1][1], "close", ""))
                prev = "operand"
                continue
            if type(item) is _Tok and item.kind == "op":
                text = item.text
                if text in ("^", "**"):
                    raise MathSyntaxError(f"'{item.shown}' needs something on its left", item.col)
                if text in ("*", "/") and prev in (None, "op"):
                    raise MathSyntaxError(f"'{item.shown}' needs something on its left", item.col)
                nxt = items[i + 1] if i + 1 < n else None
                if nxt is None or _is_op(nxt, "*", "/", "^", "**") or (
                    type(nxt) is _Tok and nxt.kind == "comma"
                ):
                    raise MathSyntaxError(f"'{item.shown}' needs something on its right", item.col)
                out.append((text, item.col, "op", item.shown))
                prev = "op"
                i += 1
                continue
            if type(item) is _Group:  # [...] or {...}: passed through, the AST rejects them
                out.append((_OPEN_CHAR[item.kind], item.col, "open", _OPEN_CHAR[item.kind]))
                self._emit_seq(item.items, out)
                out.append((_CLOSE_CHAR[item.kind], item.end_col, "close", _CLOSE_CHAR[item.kind]))
                prev = "other"
                i += 1
                continue
            out.append((item.text, item.col, item.kind, item.shown))
            prev = None if item.kind == "comma" else "other"
            i += 1

    def _emit_unit(self, items: list, i: int, buf: list) -> int:
        n = len(items)
        i = self._emit_atom(items, i, buf)
        while i < n and _is_op(items[i], "^", "**"):
            caret = items[i]
            buf.append(("**", caret.col, "op", caret.shown))
            i += 1
            while i < n and _is_op(items[i], "+", "-"):
                buf.append((items[i].text, items[i].col, "op", items[i].shown))
                i += 1
            if i < n and _is_operand(items[i]):
                i = self._emit_atom(items, i, buf)
            else:
                raise MathSyntaxError(f"'{caret.shown}' needs something on its right", caret.col)
        return i

    def _emit_atom(self, items: list, i: int, buf: list) -> int:
        item = items[i]
        if type(item) is _Tok:
            if item.kind == "name" and i + 1 < len(items):
                nxt = items[i + 1]
                if (
                    type(nxt) is _Group
                    and nxt.kind == "paren"
                    and len(item.text) > 1
                    and item.text not in self.value_names
                    and item.text != "pi"
                ):
                    raise MathSyntaxError(f"unknown function '{_short(item.text)}'", item.col)
            buf.append((item.text, item.col, item.kind, item.shown))
        elif type(item) is _Call:
            buf.append((item.func.text, item.func.col, "func", item.func.shown))
            buf.append(("(", item.arg.col, "open", "("))
            self._emit_seq(item.arg.items, buf)
            buf.append((")", item.arg.end_col, "close", ")"))
        else:  # paren group
            buf.append(("(", item.col, "open", "("))
            self._emit_seq(item.items, buf)
            buf.append((")", item.end_col, "close", ")"))
        return i + 1

    # --------------------------------------------------------- 5. ast
    def _col(self, offset: int | None) -> int | None:
        if offset is None or not self.starts:
            return None
        k = bisect_right(self.starts, offset) - 1
        return self.cols[max(k, 0)]

    def _error(self, message: str, node=None) -> MathSyntaxError:
        col = self._col(getattr(node, "col_offset", None)) if node is not None else None
        return MathSyntaxError(message, col)

    def run(self) -> sympy.Expr:
        toks = _lex(self.text)
        if not toks:
            raise MathSyntaxError("the formula is empty", 0)
        toks = self._classify(toks)
        tree = self._tree(toks)
        items = self._apply(tree.items, 0)
        emitted: list = []
        self._emit_seq(items, emitted)
        parts = []
        pos = 0
        for text, col, _kind, _shown in emitted:
            self.starts.append(pos)
            self.cols.append(col)
            parts.append(text)
            pos += len(text) + 1
        self.src = " ".join(parts)
        self.shown = [e[3] for e in emitted]
        try:
            tree_ast = ast.parse(self.src, mode="eval")
        except SyntaxError as exc:
            reserved = next((e for e in emitted if e[2] == "kw"), None)
            if reserved is not None:
                raise MathSyntaxError(
                    f"'{reserved[0]}' is not allowed in a formula", reserved[1]
                ) from None
            if "too many nested" in str(exc.msg):
                raise MathSyntaxError(
                    f"the formula is nested too deeply (more than {MAX_NESTING} levels)"
                ) from None
            offset = (exc.offset - 1) if exc.offset else None
            if offset is not None and offset >= len(self.src):
                raise MathSyntaxError("the formula ends too early", len(self.text)) from None
            col = self._col(offset)
            near = ""
            if offset is not None and self.starts:
                k = max(bisect_right(self.starts, offset) - 1, 0)
                if self.shown[k]:
                    near = f" near '{_short(self.shown[k])}'"
            raise MathSyntaxError(f"could not read the formula{near}", col) from None
        except (ValueError, MemoryError, RecursionError, OverflowError):
            raise MathSyntaxError("the formula is too complicated to read") from None
        self._check_size(tree_ast)
        result = self._build(tree_ast.body)
        return self._final_check(result)

    def _check_size(self, tree_ast) -> None:
        count = 0
        stack = [(tree_ast.body, 1)]
        while stack:
            node, depth = stack.pop()
            count += 1
            if count > MAX_NODES:
                raise MathSyntaxError(
                    f"the formula is too long (more than {MAX_NODES} parts)"
                )
            if depth > MAX_AST_DEPTH:
                raise MathSyntaxError("the formula is nested too deeply")
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    stack.append((child, depth + 1))
                elif isinstance(child, (ast.keyword, ast.comprehension, ast.arguments)):
                    raise self._error(self._not_allowed(child), node)

    # --------------------------------------------------------- 6. build
    @staticmethod
    def _not_allowed(node) -> str:
        return _NODE_TEXT.get(type(node), f"{type(node).__name__} is not allowed in a formula")

    def _build(self, node) -> sympy.Expr:
        t = type(node)
        if t is ast.BinOp:
            return self._binop(node)
        if t is ast.UnaryOp:
            if type(node.op) is ast.USub:
                return self._checked(lambda: -self._build(node.operand), node)
            if type(node.op) is ast.UAdd:
                return self._build(node.operand)
            if type(node.op) is ast.Not:
                raise self._error("'not' is not allowed in a formula", node)
            raise self._error("'~' is not allowed in a formula", node)
        if t is ast.Constant:
            return self._constant(node)
        if t is ast.Name:
            return self._name(node)
        if t is ast.Call:
            return self._call(node)
        if t is ast.Tuple and not node.elts:
            raise self._error("empty brackets '()' are not allowed in a formula", node)
        raise self._error(self._not_allowed(node), node)

    def _checked(self, compute: Callable[[], sympy.Expr], node) -> sympy.Expr:
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

    def _check_number_size(self, result, node) -> None:
        limit_bits = int(MAX_RESULT_DIGITS * 3.33) + 64
        candidates = [result]
        if result.is_Add or result.is_Mul:
            candidates.extend(result.args)
        for value in candidates:
            if value.is_Rational and (
                value.p.bit_length() > limit_bits or value.q.bit_length() > limit_bits
            ):
                raise self._error(
                    f"a number in this formula is too large (more than {MAX_RESULT_DIGITS} digits)",
                    node,
                )

    def _binop(self, node) -> sympy.Expr:
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

    def _power(self, base, exp, node) -> sympy.Expr:
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
                        raise self._error(
                            "that root is of a number too large to work with", node
                        )
                    if abs(p).bit_length() > 64 or abs(p) * _log10_int(size) / q > MAX_RESULT_DIGITS:
                        raise self._error(
                            f"that power is too large (the result would have more than "
                            f"{MAX_RESULT_DIGITS} digits)",
                            node,
                        )
            else:
                if abs(p) > MAX_SYMBOLIC_EXPONENT or q > MAX_SYMBOLIC_EXPONENT:
                    raise self._error(
                        f"that exponent is too large (the limit is {MAX_SYMBOLIC_EXPONENT})",
                        node,
                    )
                digits = 0
                for atom in base.atoms(sympy.Rational):
                    digits = max(digits, _log10_int(max(abs(atom.p), atom.q)))
                if digits * abs(p) / q > MAX_RESULT_DIGITS:
                    raise self._error(
                        f"that power is too large (numbers would have more than "
                        f"{MAX_RESULT_DIGITS} digits)",
                        node,
                    )
        return self._checked(lambda: sympy.Pow(base, exp), node)

    def _constant(self, node) -> sympy.Expr:
        value = node.value
        if type(value) in (int, float):
            text = self.src[node.col_offset: node.end_col_offset]
            if not _NUM_RE.fullmatch(text):
                raise self._error("could not read this number", node)
            _check_literal(text, self._col(node.col_offset))
            return _literal_value(text)
        if type(value) in (str, bytes):
            raise self._error("text in quotes is not allowed in a formula", node)
        if type(value) is bool:
            raise self._error(f"'{value}' is not allowed in a formula", node)
        if type(value) is complex:
            raise self._error("complex numbers are not allowed in a formula", node)
        if value is None:
            raise self._error("'None' is not allowed in a formula", node)
        raise self._error("'...' is not allowed in a formula", node)

    def _name(self, node) -> sympy.Expr:
        name = node.id
        if type(node.ctx) is not ast.Load:  # pragma: no cover - eval mode only loads
            raise self._error("assignment is not allowed in a formula", node)
        if name in self.constants:
            return self.constants[name]
        if name in self.symbol_set:
            return symbol(name)
        if name == "pi":
            return sympy.pi
        if name == "e":
            return sympy.E
        if name in FUNCTIONS:
            raise self._error(f"'{name}' is a function: write {name}(x)", node)
        if name.startswith("_"):
            raise self._error(f"names cannot start with '_' ('{_short(name)}')", node)
        if self.restricted:
            raise self._error(f"unknown name '{_short(name)}' ({self._allowed_text()})", node)
        if _FORBIDDEN_NAMES.get(name):
            raise self._error(_FORBIDDEN_NAMES[name], node)
        return symbol(name)

    def _call(self, node) -> sympy.Expr:
        if type(node.func) is not ast.Name:
            raise self._error("only named functions such as sin(x) can be called", node)
        name = node.func.id
        spec = FUNCTIONS.get(name)
        if spec is None:
            raise self._error(f"unknown function '{_short(name)}'", node)
        if node.keywords:
            raise self._error("named arguments (name=value) are not allowed in a formula", node)
        for arg in node.args:
            if type(arg) is ast.Starred:
                raise self._error("'*' unpacking is not allowed in a formula", arg)
        if len(node.args) not in spec.arity:
            wanted = " or ".join(str(a) for a in spec.arity)
            plural = "" if spec.arity == (1,) else "s"
            raise self._error(
                f"{name}() takes {wanted} argument{plural}, not {len(node.args)}", node
            )
        args = [self._build(arg) for arg in node.args]
        if name in ("sqrt", "cbrt"):
            return self._power(args[0], sympy.Rational(1, 2 if name == "sqrt" else 3), node)
        if name in ("log", "ln") and len(args) == 2:
            base = args[1]
            if base.is_number and (base == 1 or base.is_positive is False):
                raise self._error("a logarithm base must be positive and not 1", node)
            if args[0] is sympy.S.Zero:
                raise self._error("log(0) is undefined", node)
        return self._checked(lambda: spec.build(*args), node)

    def _final_check(self, result) -> sympy.Expr:
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


def _log10_int(value: int) -> float:
    """log10 of a positive int of any size (no float overflow)."""
    if value <= 0:
        return 0.0
    bits = value.bit_length()
    if bits < 1000:
        return math.log10(value)
    return math.log10(value >> (bits - 64)) + (bits - 64) * math.log10(2)


def _as_constant(name: str, value) -> sympy.Expr:
    if isinstance(value, bool):
        raise TypeError(f"constant {name!r} must be a number or SymPy expression, not bool")
    if isinstance(value, sympy.Basic):
        expr = value
    elif isinstance(value, int):
        expr = sympy.Integer(value)
    elif isinstance(value, Fraction):
        expr = sympy.Rational(value.numerator, value.denominator)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"constant {name!r} must be finite, not {value!r}")
        frac = Fraction(repr(value))  # exact decimal text: 0.1 -> 1/10
        expr = sympy.Rational(frac.numerator, frac.denominator)
    else:
        raise TypeError(
            f"constant {name!r} must be an int, Fraction, float or SymPy expression, "
            f"not {type(value).__name__}"
        )
    if not isinstance(expr, sympy.Expr):
        raise TypeError(f"constant {name!r} must be a SymPy expression")
    for sym in expr.free_symbols:
        if sym.is_real is not True:
            raise TypeError(f"constant {name!r} contains a non-real symbol {sym}")
    return expr


def _check_name(name) -> str:
    if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
        raise TypeError(f"invalid variable name {name!r}")
    if keyword.iskeyword(name):
        raise TypeError(f"{name!r} is a Python keyword and cannot be a variable name")
    return name


def parse_math(
    text: str,
    *,
    symbols: Iterable[str] | None = None,
    constants: Mapping[str, object] | None = None,
    max_length: int = 2000,
) -> sympy.Expr:
    """Parse typed maths into a SymPy expression with real symbols.

    ``symbols=None`` (instructor mode): any identifier that is not a function
    or constant becomes ``symbol(name)``.  Otherwise only the listed names
    (plus ``constants``, ``pi`` and ``e``) may appear.  ``constants`` maps
    names to values substituted where the name appears; they win over ``e``.
    Raises :class:`MathSyntaxError` for anything that is not a formula.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise TypeError(f"parse_math expects a string, not {type(text).__name__}")
    if not isinstance(text, str):
        text = repr(text) if isinstance(text, float) else str(text)
    if len(text) > max_length:
        raise MathSyntaxError(
            f"the formula is too long ({len(text)} characters; the limit is {max_length})",
            max_length,
        )
    if symbols is not None:
        if isinstance(symbols, str):
            symbols = (symbols,)
        symbols = tuple(dict.fromkeys(_check_name(s) for s in symbols))
    consts: dict[str, sympy.Expr] = {}
    if constants:
        for name, value in constants.items():
            consts[_check_name(name)] = _as_constant(name, value)
    parser = _Parser(text, symbols, consts)
    try:
        return parser.run()
    except RecursionError:
        raise MathSyntaxError("the formula is too complicated to read") from None


# --------------------------------------------------------------------------
# preview formatting
# --------------------------------------------------------------------------
class _PreviewPrinter(StrPrinter):
    def _print_Exp1(self, expr):
        return "e"

    def _print_Abs(self, expr):
        return f"abs({self._print(expr.args[0])})"

    def _print_Max(self, expr):
        args = expr.args
        if len(args) == 2 and sympy.S.Zero in args:
            other = args[1] if args[0] is sympy.S.Zero else args[0]
            return f"relu({self._print(other)})"
        return super()._print_Max(expr)


_PRINTER = _PreviewPrinter()


def format_math(expr) -> str:
    """One-line readable form for previews: ``3*x^2``, ``exp(2*x)``, ``sqrt(x)/2``."""
    if isinstance(expr, bool):
        raise TypeError("format_math expects a SymPy expression")
    if isinstance(expr, int):
        expr = sympy.Integer(expr)
    elif isinstance(expr, Fraction):
        expr = sympy.Rational(expr.numerator, expr.denominator)
    elif not isinstance(expr, sympy.Basic):
        raise TypeError(f"format_math expects a SymPy expression, not {type(expr).__name__}")
    return _PRINTER.doprint(expr).replace("**", "^")
