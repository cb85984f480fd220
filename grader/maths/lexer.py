"""The lexer: typed text to tokens (friendly typing: ``^``, unicode ``−·×²³√π``, ``|x|``,
decimal literals kept as text), plus the token and bracket-tree types the rewriter uses."""

from __future__ import annotations

import re
from fractions import Fraction

import sympy

from grader.maths.syntax import (
    MAX_LITERAL_DIGITS,
    MAX_LITERAL_EXPONENT,
    MathSyntaxError,
    _char_name,
    _short,
)

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



def _lex(text: str) -> list[_Tok]:  # noqa: C901 - ratchet: split when next changed
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
        if c == "'" and i > 0 and (text[i - 1].isalpha() or text[i - 1] == "'"):
            raise MathSyntaxError(
                "a prime (') may appear only in a name in front, such as f'(x) = ...: "
                "type only the expression",
                i,
            )
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


