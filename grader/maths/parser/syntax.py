"""What every stage of the typed-maths parser shares: the caps on size, the one error type,
the real symbols, and how a character is named in a message."""

from __future__ import annotations

from functools import cache

import sympy

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

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return self.message


@cache
def symbol(name: str) -> sympy.Symbol:
    """The one way the project makes symbols: real, cached by name."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"symbol name must be a non-empty string, not {name!r}")
    return sympy.Symbol(name, real=True)


def char_name(c: str) -> str:
    """A character as a message names it: ``'$'``, or ``U+00A0`` when it does not print."""
    return f"'{c}'" if c.isprintable() and not c.isspace() else f"U+{ord(c):04X}"
