"""The safe parser for typed maths (instructor formulas and student answers).

Nothing here ever hands user text to ``eval``/``exec`` or to SymPy's own
string parsers (``sympify``, ``parse_expr``, ``S(str)``, ``Rational(str)``...).
Text-level forms come off first (``friendly``: LaTeX, and on a student's answer a ``f'(x) =``
prefix and a decimal comma); then :class:`~grader.maths.parser.core.Parser` composes the
stages, each an object with its own state, handed what it needs:

1. the :class:`~grader.maths.parser.lexer.Lexer` (friendly typing: ``^``, unicode
   ``−·×²³√π``, ``|x|``, decimal literals kept as text) makes tokens (``tokens``),
2. :class:`~grader.maths.parser.names.Names` classifies names (functions, allowed symbols,
   splitting ``xy`` into ``x*y`` when only ``x`` and ``y`` are allowed),
3. the :class:`~grader.maths.parser.rewriter.Rewriter` builds a bracket tree with a nesting
   cap,
4. and rewrites the friendly forms on it (``sin x``, ``sin^2 x``, implicit multiplication
   ``2x``, ``(x+1)(x-1)``, ``|x|`` -> ``abs(x)``) into a ``Source``: plain Python text whose
   every piece knows the column it was typed at,
5. ``ast.parse(..., mode="eval")`` of that text,
6. the :class:`~grader.maths.parser.builder.Builder`'s whitelist walk over the AST builds the
   SymPy expression node by node, with size checks done *before* SymPy computes any numeric
   power.

The entry points (``reading``) are :func:`parse_math` and :func:`read_math`; the rest of grader
imports only the names in ``__all__`` below.

Conventions worth knowing (they show in :func:`format_math` previews and in the
"Read as ..." line that :class:`Reading` gives whenever the reading differs from the text):

* ``^`` and ``**`` are both powers and bind tightest (``-x^2`` is ``-(x^2)``,
  ``2x^2`` is ``2*(x^2)``, ``e^2x`` is ``e^2 * x``: write ``e^(2x)``).
* Implicit multiplication has the precedence of ``*`` and reads left to right, as
  SymPy's and most tools' parsers do: ``1/2x`` is ``x/2``, ``1/2 x^(-1/2)`` is
  ``x^(-1/2)/2``, ``1/2 sqrt(x)`` is ``sqrt(x)/2``, ``2/3 x^3`` is ``(2/3)*x^3``.  A
  student's answer is also read the other ways (``1/(2x)``, ``e^(2x)``) so feedback can say
  when the other reading would have been right and ask for brackets.
* Function application without brackets takes the juxtaposed factors right
  after the name: ``sin 2x`` is ``sin(2*x)``, ``ln x + 1`` is ``ln(x) + 1``,
  ``sin x cos x`` is ``sin(x)*cos(x)``, ``sin^2 x`` is ``sin(x)^2`` and
  ``sin^-1 x`` is ``asin(x)``.
* Decimals are exact: ``0.5`` is ``1/2``, ``0.33`` is ``33/100``.
* ``cbrt(x)`` is SymPy's principal cube root ``x**(1/3)``.
* Any exponent may be written (``(x-a)^6000``); only numbers SymPy would compute eagerly are
  capped (``9^9^9^9`` is refused, it would have millions of digits).
* Common LaTeX is read (``\\frac{1}{x}``, ``\\sqrt{x}``, ``\\pi``, ``\\sin x``, ``\\cdot``,
  ``\\left( \\right)``, ``e^{2x}``).
* Real domains are kept: every square root, fractional power, logarithm and inverse
  trigonometric function records the condition for a real value (``Reading.guards``), which
  SymPy's automatic simplification (``sqrt(x)^2`` -> ``x``) would otherwise lose.
"""

from __future__ import annotations

from grader.maths.functions import FUNCTIONS, MathFunction
from grader.maths.parser.reading import MAX_LENGTH, Reading, parse_math, read_math
from grader.maths.parser.syntax import MathSyntaxError, symbol
from grader.maths.printing import format_math

__all__ = [
    "FUNCTIONS",
    "MAX_LENGTH",
    "MathFunction",
    "MathSyntaxError",
    "Reading",
    "format_math",
    "parse_math",
    "read_math",
    "symbol",
]
