"""``interval``: where f is increasing (or decreasing), as a set of intervals.

The key is ``answer`` in interval notation, or derived from f; answers are compared up
to their endpoints (``grader.quiz.sets``).
"""

from __future__ import annotations

import sympy

from grader.maths import attempt, fmt, symbol
from grader.quiz.context import SYMBOLIC_SECONDS, answer_or_derived, rederived
from grader.quiz.model import Outcome, QuestionKind
from grader.quiz.sets import pieces_of, read_interval, set_difference_witness, show_set
from grader.quiz.typed import show_number


class Interval(QuestionKind):
    name = "interval"
    fields = frozenset({"f", "where", "answer", "variables", "tolerance", "partial"})
    help = "Type an interval such as (0, oo), [-1, 2), (-oo, -1) U (1, oo), or x > 0, or all / none."
    preview = True

    def compile(self, ctx):
        return answer_or_derived(ctx, read_interval, "interval", _monotone_set, "the answer is where f is increasing")

    def default_prompt(self, q):
        return f"Where is f({q.x}) = {q.f_text} {q.spec.where or 'increasing'}?"

    def read(self, q, raw):
        return read_interval(raw, q.x)

    def show(self, q, value):
        return show_set(value)

    def save(self, q, raw, value):
        return raw if isinstance(raw, str) else show_set(value)

    def judge(self, q, value):
        witness = set_difference_witness(value, q.key, q.tolerance)
        if witness is None:
            return Outcome(True, f"Right: {show_set(value)}.")
        inside = bool(value.contains(witness))
        text = f"Your answer {'includes' if inside else 'leaves out'} {q.x} = {show_number(witness)}"
        if q.f is not None:
            slope = q.derivative_at(witness)
            if slope is not None:
                trend = "increasing" if slope > 0 else "decreasing" if slope < 0 else "stationary"
                text += f", where f'({show_number(witness)}) = {fmt(slope)}: f is {trend} there"
        extra = {"counterexample": {"at": float(witness)}}
        lines = [text + (f". The expected answer is {show_set(q.key)}." if q.reveal else ".")]
        fraction = None
        wanted = pieces_of(q.key)
        if q.spec.partial and len(wanted) > 1:
            given = pieces_of(value)
            same = [[set_difference_witness(g, w, q.tolerance) is None for w in wanted] for g in given]
            found = sum(any(row[j] for row in same) for j in range(len(wanted)))
            extras = sum(not any(row) for row in same)
            fraction = max(0, found - extras) / len(wanted)
            extra["partial"] = {"found": found, "of": len(wanted), "extra": extras, "fraction": fraction}
            each = q.spec.points / len(wanted)
            lines.append(
                f"Partial credit: {found} of {len(wanted)} intervals right (each earns {each:g}), "
                f"{extras} extra or wrong (each takes {each:g} off): "
                f"{q.spec.points * fraction:g} of {q.spec.points:g} point{'s' if q.spec.points != 1 else ''}."
            )
        return Outcome(False, "\n".join(lines), extra, fraction)

    def lint(self, q):
        derived = rederived(q, _monotone_set)
        if derived is not None and set_difference_witness(q.key, derived, q.tolerance) is not None:
            return [f"`answer` {show_set(q.key)} is not where f is {q.spec.where or 'increasing'} ({show_set(derived)}): fix `answer` or `f`"]
        return []


def _monotone_set(ctx, f, x, quiet=False):
    sign = -1 if ctx.spec.where == "decreasing" else 1
    s = symbol(x)

    def solve():
        return sympy.solve_univariate_inequality(sign * sympy.diff(f, s) > 0, s, relational=False)

    result = attempt(solve, SYMBOLIC_SECONDS)
    if isinstance(result, sympy.Set) and all(isinstance(p, sympy.Interval) for p in pieces_of(result)):
        return result
    if quiet:
        return None
    ctx.error("f", f"cannot work out where f is {ctx.spec.where or 'increasing'}: give `answer:` as an interval")
