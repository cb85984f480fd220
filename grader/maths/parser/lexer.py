"""Step 1 of the parser, the :class:`Lexer`: typed text to tokens (friendly typing: ``^``,
unicode ``−·×²³√π``, ``|x|``, decimal literals kept as text), and the checks and exact values
of number literals (the builder reads numbers with them too)."""

from __future__ import annotations

import re
from fractions import Fraction

import sympy

from grader.maths.parser.syntax import MAX_LITERAL_DIGITS, MAX_LITERAL_EXPONENT, MathSyntaxError, char_name
from grader.maths.parser.tokens import CLOSE, OPEN, Kind, Tok
from grader.maths.text import shorten

NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

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
# One character, one token: (kind, text for Python); the token shows the character typed.
_SINGLE: dict[str, tuple[Kind, str]] = {
    **{c: ("name", name) for c, name in _UNICODE_FUNCS.items()},
    **{c: ("name", name) for c, name in _UNICODE_NAMES.items()},
    **{c: ("op", op) for c, op in _UNICODE_OPS.items()},
    **{c: ("op", c) for c in "+-^"},
    **{c: ("open", c) for c in OPEN},
    **{c: ("close", c) for c in CLOSE},
    "|": ("bar", "|"),
    ",": ("comma", ","),
}
# Python punctuation passed through so the AST whitelist can name it.
_PY_MULTI = ("...", "//", "==", "!=", "<=", ">=", ":=", "<<", ">>", "->")
_PY_SINGLE = set(".:<>%@&~;")


class Lexer:
    """Reads one text into tokens; its state is the text and the tokens read so far."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[Tok] = []

    def lex(self) -> list[Tok]:
        """The tokens of the whole text (raises :class:`MathSyntaxError` at the first bad one)."""
        text, n = self.text, len(self.text)
        i = 0
        while i < n:
            c = text[i]
            if c.isspace():
                i += 1
            elif "0" <= c <= "9" or (c == "." and i + 1 < n and "0" <= text[i + 1] <= "9"):
                i = self._number(i)
            elif c.isascii() and (c.isalpha() or c == "_"):
                match = _NAME.match(text, i)
                assert match is not None  # the first character is a name's
                self.tokens.append(Tok("name", match.group(0), i))
                i = match.end()
            elif c in _SINGLE:
                kind, py_text = _SINGLE[c]
                self.tokens.append(Tok(kind, py_text, i, c))
                i += 1
            elif c in _SUP_DIGITS or c in _SUP_SIGNS:
                i = self._superscript(i)
            else:
                i = self._punctuation(i, c)
        return self.tokens

    def _number(self, i: int) -> int:
        match = NUMBER.match(self.text, i)
        assert match is not None  # a digit, or a point and a digit
        tok_text = match.group(0)
        check_literal(tok_text, i)
        if match.group(1) is None and "." not in tok_text:
            py_text = str(int(tok_text))  # no leading zeros for Python
        else:
            py_text = tok_text
        self.tokens.append(Tok("num", py_text, i, tok_text))
        return match.end()

    def _superscript(self, i: int) -> int:
        """``x²``, ``x⁻¹``: a power of superscript digits, the signs bracketed with them."""
        text, n = self.text, len(self.text)
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
            raise MathSyntaxError(f"the superscript {char_name(text[i])} needs a superscript digit after it", i)
        if len(digits) > 4:
            raise MathSyntaxError("that superscript exponent is too large", i)
        toks = self.tokens
        toks.append(Tok("op", "**", i, text[i:j]))
        if signs:
            toks.append(Tok("open", "(", i, text[i:j]))
            for k, s in enumerate(signs):
                toks.append(Tok("op", s, i + k, text[i + k]))
        toks.append(Tok("num", str(int(digits)), i + len(signs), text[i + len(signs):j]))
        if signs:
            toks.append(Tok("close", ")", j - 1, text[i:j]))
        return j

    def _punctuation(self, i: int, c: str) -> int:
        """``*``, ``**``, ``/``, ``//``, Python's other punctuation, or a clear error for what is not maths."""
        text = self.text
        if c in "*/":
            double = text.startswith(c + c, i)
            if c == "*":
                self.tokens.append(Tok("op", "**" if double else "*", i))
            else:
                self.tokens.append(Tok("py", "//", i) if double else Tok("op", "/", i))
            return i + 2 if double else i + 1
        multi = next((op for op in _PY_MULTI if text.startswith(op, i)), None)
        if multi is not None:
            self.tokens.append(Tok("py", multi, i))
            return i + len(multi)
        if c == "=":
            raise MathSyntaxError("'=' is not allowed: type only the expression (for example 2*x, not y = 2*x)", i)
        if c == "!":
            raise MathSyntaxError("'!' (factorial) is not supported in a formula", i)
        if c == "'" and i > 0 and (text[i - 1].isalpha() or text[i - 1] == "'"):
            raise MathSyntaxError(
                "a prime (') may appear only in a name in front, such as f'(x) = ...: type only the expression", i
            )
        if c in "'\"":
            raise MathSyntaxError("text in quotes is not allowed in a formula", i)
        if c in _PY_SINGLE:
            self.tokens.append(Tok("py", c, i))
            return i + 1
        raise MathSyntaxError(f"the character {char_name(c)} is not allowed in a formula", i)


def check_literal(tok_text: str, col: int | None) -> None:
    """Reject absurd number literals before anything converts them."""
    mantissa, _, exponent = tok_text.replace("E", "e").partition("e")
    digits = mantissa.replace(".", "").lstrip("0")
    if len(digits) > MAX_LITERAL_DIGITS:
        raise MathSyntaxError(
            f"the number '{shorten(tok_text)}' has too many digits (the limit is {MAX_LITERAL_DIGITS})", col
        )
    if exponent:
        exp_digits = exponent.lstrip("+-").lstrip("0")
        if len(exp_digits) > 3 or int(exp_digits or "0") > MAX_LITERAL_EXPONENT:
            raise MathSyntaxError(
                f"the number '{shorten(tok_text)}' is too large or too small "
                f"(exponents up to e{MAX_LITERAL_EXPONENT} are allowed)",
                col,
            )


def literal_value(tok_text: str) -> sympy.Rational:
    """Exact value of a checked literal: 0.5 -> 1/2, 1e-3 -> 1/1000."""
    frac = Fraction(tok_text)
    return sympy.Rational(frac.numerator, frac.denominator)
