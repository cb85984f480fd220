"""What a comparison says: the verdict, its counterexample in words, and the note for a
decimal typed where an exact constant was meant ("3.14159265 is not exactly pi: type pi")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy

from grader.maths.numerics import fmt

DIGITS = 50  # the precision of the exact checks


@dataclass(frozen=True)
class Counterexample:
    variables: tuple[str, ...]
    point: tuple[float, ...]
    got: float | None  # None: the answer is undefined (not a finite real number) there
    want: float
    difference: float | None = None  # got - want, from the exact values when floats round it away
    decimals: bool = False  # the answer holds typed decimals (0.33): suggest exact values
    huge: bool = False  # the answer is a real number too large for float64
    culprit: str | None = None  # the part of the answer that is not real here (log(x-3))
    key_undefined: bool = False  # the answer is real here, the expected answer is not
    beyond: tuple[str, str, str] | None = None  # (got, want, got - want) as text where floats underflow to 0 (1e-1812)

    def where(self) -> str:
        if not self.variables:
            return ""
        if len(self.variables) == 1:
            return f"at {self.variables[0]} = {fmt(self.point[0])} "
        names, values = ", ".join(self.variables), ", ".join(fmt(v) for v in self.point)
        return f"at ({names}) = ({values}) "

    def text(self) -> str:
        where = self.where()
        lead = where[0].upper() + where[1:] if where else ""
        if self.key_undefined:
            return (
                f"{lead}your answer is {fmt(self.got)}, but the expected answer is not a real number there: "
                "your answer is defined where it should not be (the same formula must have the same domain)."
            )
        if self.got is None and self.huge and self.difference is not None and self.want != self.want:
            return f"{lead}your answer and the expected one are too large to compute there, but they differ by {fmt(self.difference)}."
        if self.got is None and self.culprit and not self.huge:
            at = where[3:].strip() if where else ""
            text = f"{self.culprit} is not a real number{' at ' + at if at else ''}, so your answer is undefined there"
            return text + f"; the expected value is {fmt(self.want)}."
        if self.got is None:
            what = "too large to compute (overflow)" if self.huge else "undefined (not a real number)"
            return f"{lead}your answer is {what}; the expected value is {fmt(self.want)}."
        if self.beyond:
            got, want, apart = self.beyond
            differ = f"; they differ by {apart}" if got == want else ""
            text = f"{lead}your answer is {got}, the expected value is {want} (at 50 digits: too small for floats{differ})."
            return text[0].upper() + text[1:]
        text = f"{lead}your answer is {fmt(self.got)}, the expected value is {fmt(self.want)}."
        if fmt(self.got) == fmt(self.want):
            difference = self.got - self.want if self.difference is None else self.difference
            text = text[:-1] + f" (they differ by {difference:.3g})."
        if self.decimals:
            text += " Type exact values such as 1/3 or sqrt(2)/2 rather than rounded decimals."
        return text[0].upper() + text[1:]


@dataclass
class Verdict:
    equal: bool
    points: int = 0  # float check points used
    confirmed: int = 0  # high-precision agreements
    counterexample: Counterexample | None = None
    mistake: tuple[str, str] | None = None  # (note, sentence)
    undecided: str = ""  # why the comparison could not be made (an authoring problem)
    extra: dict[str, Any] = field(default_factory=dict)

    def feedback(self) -> str:
        if self.undecided:
            return self.undecided
        if self.equal:
            how = f"checked at {self.points} points" if self.points else "checked"
            if self.confirmed:
                how += f", {self.confirmed} of them at {DIGITS} digits"
            return f"Equivalent to the expected answer ({how})."
        lines = [self.counterexample.text() if self.counterexample else "Not equivalent to the expected answer."]
        if self.mistake:
            lines.append(self.mistake[1])
        return "\n".join(lines)


_EXACT = (
    ("pi", sympy.pi), ("e", sympy.E), ("sqrt(2)", sympy.sqrt(2)), ("sqrt(3)", sympy.sqrt(3)),
    ("pi/2", sympy.pi / 2), ("pi/4", sympy.pi / 4), ("2pi", 2 * sympy.pi), ("sqrt(2)/2", sympy.sqrt(2) / 2),
    ("1/3", sympy.Rational(1, 3)), ("2/3", sympy.Rational(2, 3)), ("1/6", sympy.Rational(1, 6)),
    ("1/7", sympy.Rational(1, 7)), ("1/9", sympy.Rational(1, 9)), ("ln(2)", sympy.log(2)),
    ("ln(10)", sympy.log(10)), ("1/e", 1 / sympy.E), ("e^2", sympy.E**2), ("sqrt(pi)", sympy.sqrt(sympy.pi)),
)


def _decimal_constant(reading: object) -> str | None:
    """'3.14159265 is not exactly pi: type pi.' for a typed decimal that rounds an exact value."""
    for text in getattr(reading, "decimals", ()):
        if "e" in text.lower() or "." not in text:
            continue
        places = len(text.split(".")[1])
        if places < 2:
            continue
        value = float(text)
        for sign in (1, -1):
            for name, exact in _EXACT:
                if abs(value - sign * float(exact)) <= 0.5001 * 10.0**-places:
                    name = name if sign > 0 else f"-{name}"
                    return f"{text} is not exactly {name.lstrip('-')}: type {name.lstrip('-')}."
    return None
