"""The names a formula may use (:class:`Names`: its variables and constants, checked as given),
and step 2 of the parser: each name token classified as a function, a value or a keyword, an
unknown name split into allowed pieces when the variables are listed (``xy`` -> ``x*y``,
``sinx`` -> ``sin x``)."""

from __future__ import annotations

import keyword
import math
from collections.abc import Iterable, Mapping
from fractions import Fraction

import sympy

from grader.maths import functions
from grader.maths.parser.tokens import Kind, Tok

# A split of a name: (offset in the name, piece, token kind).
Piece = tuple[int, str, Kind]
# The best way found to a point of the name: (pieces, the previous point, piece, kind).
_Step = tuple[int, tuple[int, bool] | None, str | None, Kind | None]


def check_name(name: object) -> str:
    """A variable's or constant's name as given by an author: a plain ASCII identifier."""
    if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
        raise TypeError(f"invalid variable name {name!r}")
    if keyword.iskeyword(name):
        raise TypeError(f"{name!r} is a Python keyword and cannot be a variable name")
    return name


def as_constant(name: str, value: object) -> sympy.Expr:
    """A constant's value as an exact, real SymPy expression (a float by its decimal text)."""
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
            f"constant {name!r} must be an int, Fraction, float or SymPy expression, not {type(value).__name__}"
        )
    if not isinstance(expr, sympy.Expr):
        raise TypeError(f"constant {name!r} must be a SymPy expression")
    for sym in expr.free_symbols:
        if sym.is_real is not True:
            raise TypeError(f"constant {name!r} contains a non-real symbol {sym}")
    return expr


class Names:
    """The variables (``restricted``: only these; else any name is a variable) and constants.
    Read only once made (a plain class with slots: one is made per reading)."""

    __slots__ = ("symbols", "constants", "restricted", "symbol_set", "value_names")

    def __init__(self, symbols: tuple[str, ...], constants: Mapping[str, sympy.Expr], restricted: bool) -> None:
        self.symbols = symbols
        self.constants = constants
        self.restricted = restricted
        self.symbol_set = frozenset(symbols)
        self.value_names = self.symbol_set | frozenset(constants)  # variables and values, never functions

    def __repr__(self) -> str:
        return f"Names({self.symbols!r}, {dict(self.constants)!r}, restricted={self.restricted})"

    @classmethod
    def given(cls, symbols: Iterable[str] | str | None, constants: Mapping[str, object] | None) -> Names:
        """The names an author gave, checked (a ``TypeError`` for a bad name or value)."""
        listed: tuple[str, ...] | None = None
        if symbols is not None:
            if isinstance(symbols, str):
                symbols = (symbols,)
            listed = tuple(dict.fromkeys(check_name(s) for s in symbols))
        consts: dict[str, sympy.Expr] = {}
        if constants:
            for name, value in constants.items():
                consts[check_name(name)] = as_constant(name, value)
        return cls(listed if listed is not None else (), consts, listed is not None)

    def allowed_text(self) -> str:
        """What an unknown name's message says the formula may use."""
        names = list(self.symbols) + [c for c in self.constants if c not in self.symbol_set]
        if not names:
            return "this formula cannot use any variables"
        if len(names) == 1:
            return f"this formula can use {names[0]}"
        return "this formula can use " + ", ".join(names[:-1]) + " and " + names[-1]

    def classify(self, toks: list[Tok]) -> list[Tok]:
        """The tokens with each name's kind settled (``func``, ``kw``) and unknown names split."""
        out: list[Tok] = []
        for tok in toks:
            if tok.kind != "name":
                out.append(tok)
                continue
            name = tok.text
            if keyword.iskeyword(name):
                tok.kind = "kw"
            elif name in self.value_names:
                pass
            elif functions.known(name):
                tok.kind = "func"
            elif name in ("pi", "e"):
                pass
            elif self.restricted:
                pieces = self.split(name)
                if pieces is not None:
                    for offset, piece, kind in pieces:
                        out.append(Tok(kind, piece, tok.col + offset))
                    continue
                # unknown: left as a name; reported with context later
            out.append(tok)
        return out

    def split(self, name: str) -> list[Piece] | None:
        """Split an unknown name into allowed pieces: 'xy' -> x, y; 'sinx' -> sin, x.

        Digits are allowed only right after a function name ('sin2x').
        Fewest pieces wins.  Returns [(offset, text, kind)] or None.
        """
        n = len(name)
        if n > 200:
            return None
        values = self.value_names | {"pi", "e"}
        funcs = functions.names()
        maxlen = max(map(len, values | set(funcs)))
        inf = n + 1
        # state (pos, after_func) -> (cost, prev_state, piece, kind)
        best: dict[tuple[int, bool], _Step] = {(0, False): (0, None, None, None)}
        for pos in range(n):
            for after_func in (False, True):
                state = (pos, after_func)
                if state not in best:
                    continue
                cost = best[state][0]
                cands: list[tuple[str, Kind, bool]] = []
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
                    if best.get(nxt, (inf,))[0] > cost + 1:
                        best[nxt] = (cost + 1, state, piece, kind)
        finals = [s for s in ((n, False), (n, True)) if s in best]
        if not finals:
            return None
        state = min(finals, key=lambda s: best[s][0])
        pieces: list[Piece] = []
        while True:
            _, prev, found, found_kind = best[state]
            if prev is None or found is None or found_kind is None:
                break
            pieces.append((prev[0], str(int(found)) if found_kind == "num" else found, found_kind))
            state = prev
        pieces.reverse()
        return pieces
