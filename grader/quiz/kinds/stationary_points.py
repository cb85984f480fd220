"""``stationary_points``: every x where f'(x) = 0, in any order.

The key is ``answer`` (numbers, ``{-1, 1}``, ``x = -1, x = 1`` or ``none``) or derived from f.
"""

from __future__ import annotations

import re

import sympy

from grader.maths import equivalence
from grader.maths.parse import format_math, symbol
from grader.maths.numerics import fmt
from grader.quiz.context import SYMBOLIC_SECONDS, answer_or_derived, rederived
from grader.quiz.model import Outcome, QuestionKind
from grader.quiz.sets import NOTHING
from grader.quiz.typed import parse_typed, real_number, show_number, typed_text

SEPARATORS = re.compile(r"\s*(?:;|\band\b)\s*")


class StationaryPoints(QuestionKind):
    name = "stationary_points"
    fields = frozenset({"f", "answer", "tolerance", "variables"})
    help = "Type the x values, in any order: -1, 1 (or {-1, 1}, or x = -1, x = 1); none if there are none."
    preview = True

    def compile(self, ctx):
        return answer_or_derived(ctx, read_points, "points", _stationary, "the answer is then the solutions of f' = 0")

    def default_prompt(self, q):
        return f"Where are the stationary points of f({q.x}) = {format_math(q.f)}? Give every {q.x} where f'({q.x}) = 0."

    def read(self, q, raw):
        return read_points(raw, q.x)

    def show(self, q, value):
        return "{" + ", ".join(show_number(v) for v in value) + "}" if value else "none"

    def save(self, q, raw, value):
        return raw if isinstance(raw, str) else self.show(q, value)

    def judge(self, q, value):
        got = [float(v) for v in value]
        want = [float(v) for v in q.key]
        wrong = [v for v, g in zip(value, got) if not any(abs(g - w) <= q.tolerance for w in want)]
        missing = [v for v, w in zip(q.key, want) if not any(abs(g - w) <= q.tolerance for g in got)]
        if not wrong and not missing:
            return Outcome(True, f"Right: {self.show(q, value)}.")
        lines = []
        for v in wrong:
            lines.append(f"{q.x} = {show_number(v)} is not a stationary point" + self._slope_text(q, v) + ".")
        if missing:
            count = len(missing)
            lines.append(
                f"You found {len(want) - count} of the {len(want)} stationary point{'s' if len(want) != 1 else ''}; "
                f"the expected answer is {self.show(q, q.key)}."
            )
        return Outcome(False, "\n".join(lines), {"wrong": [float(v) for v in wrong], "missing": len(missing)})

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
    result = equivalence.attempt(lambda: sympy.solveset(sympy.diff(f, s), s, sympy.Reals), SYMBOLIC_SECONDS)
    if isinstance(result, sympy.FiniteSet) or result is sympy.S.EmptySet:
        return tuple(sorted(result, key=float))
    if quiet:
        return None
    ctx.error("f", "cannot list the stationary points of f (none found, or infinitely many): give `answer:`")


def read_points(raw, x: str = "x", constants=None) -> tuple:
    """Typed stationary points as sorted exact values, duplicates dropped."""
    if isinstance(raw, dict) and all(v is None for v in raw.values()):  # YAML {-1, 1}
        items = list(raw)
    elif isinstance(raw, list):
        items = raw
    else:
        text = typed_text(raw)
        folded = text.lower().strip()
        if folded in NOTHING or folded in {"[]", "()"}:
            return ()
        if text[:1] + text[-1:] in ("{}", "[]"):
            text = text[1:-1]
        items = [p for chunk in SEPARATORS.split(text) for p in _split_commas(chunk)]
    values = []
    for item in items:
        item = re.sub(rf"^\s*{re.escape(x)}\s*=\s*", "", typed_text(item))
        if not item:
            continue
        expr = parse_typed(item, (), constants)
        number = real_number(expr)
        if not any(abs(number - float(v)) <= 1e-12 for v in values):
            values.append(expr)
    return tuple(sorted(values, key=float))


def _split_commas(text: str) -> list[str]:
    """Split on commas outside brackets: 'sqrt(2)/2, -1' -> two items."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        depth += c in "([{"
        depth -= c in ")]}"
        if c == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [p.strip() for p in out if p.strip()]
