"""``stationary_points``: every x where f'(x) = 0, in any order.

The key is ``answer`` (numbers, ``{-1, 1}``, ``x = -1, x = 1`` or ``none``) or derived from f.
"""

from __future__ import annotations

import math
import re

import sympy

from grader.maths import attempt, fmt, symbol
from grader.quiz.context import SYMBOLIC_SECONDS, answer_or_derived, rederived
from grader.quiz.model import Outcome, QuestionKind, Unreadable
from grader.quiz.sets import is_nothing, none_hint
from grader.quiz.typed import parse_typed, real_number, show_number, top_level_commas, typed_text

SEPARATORS = re.compile(r"\s*(?:;|\band\b|\bor\b|&)\s*")
LISTED = 10  # wrong points named one by one in feedback
PAIR = re.compile(r"\(\s*([^(),]+?)\s*,\s*([^(),]+?)\s*\)")


class StationaryPoints(QuestionKind):
    name = "stationary_points"
    fields = frozenset({"f", "answer", "tolerance", "variables", "partial"})
    help = "Type the x values, in any order: -1, 1 (or {-1, 1}, or x = -1 or x = 1); none if there are none."
    preview = True

    def compile(self, ctx):
        return answer_or_derived(ctx, read_points, "points", _stationary, "the answer is then the solutions of f' = 0")

    def default_prompt(self, q):
        return f"Where are the stationary points of f({q.x}) = {q.f_text}? Give every {q.x} where f'({q.x}) = 0."

    def read(self, q, raw):
        return read_points(raw, q.x, f=q.f)

    def show(self, q, value):
        return "{" + ", ".join(show_number(v) for v in value) + "}" if value else "none"

    def save(self, q, raw, value):
        return raw if isinstance(raw, str) else self.show(q, value)

    def judge(self, q, value):
        got = [float(v) for v in value]
        want = [float(v) for v in q.key]
        wrong = [v for v, g in zip(value, got, strict=False) if not any(abs(g - w) <= q.tolerance for w in want)]
        missing = [v for v, w in zip(q.key, want, strict=False) if not any(abs(g - w) <= q.tolerance for g in got)]
        lines = list(getattr(value, "notes", ()))
        if not wrong and not missing:
            return Outcome(True, "\n".join(lines + [f"Right: {self.show(q, value)}."]))
        for v in wrong[:LISTED]:  # ten, then a count: a list of 10,000 made a line each
            lines.append(f"{q.x} = {show_number(v)} is not a stationary point" + self._slope_text(q, v) + ".")
        if len(wrong) > LISTED:
            lines.append(f"... and {len(wrong) - LISTED} more values that are not stationary points.")
        if missing:
            count = len(missing)
            lines.append(
                f"You found {len(want) - count} of the {len(want)} stationary point{'s' if len(want) != 1 else ''}"
                + (f"; the expected answer is {self.show(q, q.key)}." if q.reveal else ".")
            )
        extra = {"wrong": [float(v) for v in wrong], "missing": len(missing)}
        fraction = None
        if q.spec.partial and want:
            found = len(want) - len(missing)
            fraction = max(0, found - len(wrong)) / len(want)
            extra["partial"] = {"found": found, "of": len(want), "extra": len(wrong), "fraction": fraction}
            lines.append(
                f"Partial credit: {found} of {len(want)} found (each earns {q.spec.points / len(want):g}), "
                f"{len(wrong)} extra (each takes {q.spec.points / len(want):g} off): "
                f"{q.spec.points * fraction:g} of {q.spec.points:g} point{'s' if q.spec.points != 1 else ''}."
            )
        return Outcome(False, "\n".join(lines), extra, fraction)

    @staticmethod
    def _slope_text(q, v):
        if q.f is None:
            return ""
        slope = q.derivative_at(v)
        return f": f'({show_number(v)}) = {fmt(slope)}" if slope is not None else ""

    def lint(self, q):
        derived = rederived(q, _stationary)
        if derived is None:
            return []
        outcome = self.judge(q.__class__(**{**q.__dict__, "key": derived}), q.key)
        return [] if outcome.passed else [f"`answer` disagrees with f' = 0 ({self.show(q, derived)}): fix `answer` or `f`"]


def _stationary(ctx, f, x, quiet=False):
    s = symbol(x)
    result = attempt(lambda: sympy.solveset(sympy.diff(f, s), s, sympy.Reals), SYMBOLIC_SECONDS)
    if isinstance(result, sympy.FiniteSet) or result is sympy.S.EmptySet:
        return tuple(sorted(result, key=float))
    if quiet:
        return None
    ctx.error("f", "cannot list the stationary points of f (none found, or infinitely many): give `answer:`")


class Points(tuple):
    """Stationary points as read, with notes on how (a point (x, y) read as its x)."""

    notes: tuple = ()


def read_points(raw, x: str = "x", constants=None, f=None) -> tuple:
    """Typed stationary points as sorted exact values, duplicates dropped.

    ``x = -1 or x = 1``, ``-1 and 1`` and ``{-1, 1}`` all read as -1, 1.  Points typed as
    ``(x, y)`` pairs read as their x (when there are several pairs, or when y = f(x)).
    """
    notes = []
    if isinstance(raw, str):
        raw, notes = _pairs_as_x(raw, x, f)
    if isinstance(raw, dict) and all(v is None for v in raw.values()):  # YAML {-1, 1}
        items = list(raw)
    elif isinstance(raw, list):
        items = raw
    else:
        text = typed_text(raw)
        folded = text.lower().strip()
        if is_nothing(folded) or folded in {"[]", "()"}:
            return ()
        if text[:1] + text[-1:] in ("{}", "[]"):
            text = text[1:-1]
        items = [p for chunk in SEPARATORS.split(text) for p in _split_commas(chunk)]
    read: list[tuple[float, sympy.Expr, int]] = []  # (value, expression, order typed): sorted once, then duplicates are neighbours
    prefix = re.compile(rf"^\s*{re.escape(x)}\s*=\s*")
    for typed in [part for item in items for part in _plus_minus(str(item))]:  # x = ±1: -1 and 1
        item = prefix.sub("", typed_text(typed))
        if not item:
            continue
        try:
            read.append((*_number(item, constants), len(read)))
        except Unreadable as exc:
            raise none_hint(item, exc) from None
    read.sort(key=lambda entry: (entry[0], entry[2]))
    values, last = [], None
    for number, expr, _ in read:  # n log n, not n squared: 10,000 points took 44 s
        if last is None or abs(number - last) > 1e-12:
            values.append(expr)
            last = number
    out = Points(values)
    out.notes = tuple(notes)
    return out


PLUS_MINUS = re.compile(r"±|\+/-|\+-|\\pm")


def _plus_minus(item: str) -> list[str]:
    """``x = ±1`` is -1 and 1; ``1 ± sqrt(2)`` is 1 - sqrt(2) and 1 + sqrt(2)."""
    if len(PLUS_MINUS.findall(item)) != 1:
        return [item]
    return [PLUS_MINUS.sub("-", item), PLUS_MINUS.sub("+", item)]


PLAIN = re.compile(r"[+-]?(?:\d{1,30}(?:\.\d{0,30})?|\.\d{1,30})(?:[eE][+-]?\d{1,3})?")


def _number(item: str, constants) -> tuple[float, sympy.Expr]:
    """(value, exact expression) of one typed point: a plain decimal directly (what the parser
    would make of it, at a hundredth of the cost), anything else through the typed-maths parser."""
    if PLAIN.fullmatch(item):
        exact = sympy.Rational(item)
        value = float(exact)
        if math.isfinite(value):
            return value, exact
    expr = parse_typed(item, (), constants)
    return real_number(expr), expr


def _pairs_as_x(text: str, x: str, f) -> tuple[str, list]:
    """'(-1, 2), (1, -2)' -> '-1, 1' with a note; one pair only when y = f(x) (else: say what is expected)."""
    pairs = PAIR.findall(text)
    rest = PAIR.sub("", text)
    if not pairs or SEPARATORS.sub("", rest).replace(",", "").strip(" {}[]"):
        return text, []
    if len(pairs) == 1:
        a, b = pairs[0]
        if f is None or not _on_graph(f, x, a, b):
            raise Unreadable(
                f"give the {x} values of the stationary points, e.g. -1, 1 (for a point ({x}, y) give its {x})"
            )
    xs = [a for a, _ in pairs]
    shown = ", ".join(f"({a}, {b})" for a, b in pairs)
    return ", ".join(xs), [f"Read the point{'s' if len(pairs) > 1 else ''} {shown} as {x} = {', '.join(xs)}."]


def _on_graph(f, x, a, b) -> bool:
    try:
        at, y = real_number(parse_typed(a, ())), real_number(parse_typed(b, ()))
    except Unreadable:
        return False
    value = attempt(lambda: float(f.evalf(20, subs={symbol(x): at})))
    return value is not None and abs(value - y) <= 1e-6 * (1 + abs(y)) + 0.01


def _split_commas(text: str) -> list[str]:
    """Split on commas outside brackets: 'sqrt(2)/2, -1' -> two items."""
    return [p.strip() for p in top_level_commas(text) if p.strip()]
