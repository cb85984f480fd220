"""``sign``: is f increasing, decreasing or stationary at ``at``?"""

from __future__ import annotations

from grader.maths.parse import format_math
from grader.maths.numerics import fmt
from grader.quiz.context import one_variable, slope_at
from grader.quiz.model import Outcome, QuestionKind
from grader.quiz.typed import show_number, typed_text, typed_word

SIGN_WORDS = {
    **dict.fromkeys(["increasing", "increase", "inc", "positive", "+", "up", "rising"], "increasing"),
    **dict.fromkeys(["decreasing", "decrease", "dec", "negative", "-", "down", "falling"], "decreasing"),
    **dict.fromkeys(["stationary", "stationary point", "zero", "0", "flat", "critical"], "stationary"),
}


class Sign(QuestionKind):
    name = "sign"
    fields = frozenset({"f", "at", "tolerance", "variables"})
    help = "Type increasing, decreasing or stationary."
    words = SIGN_WORDS

    def compile(self, ctx):
        for key in ("f", "at"):
            if getattr(ctx.spec, key) is None:
                ctx.error(None, f"missing required key '{key}' (a {self.name} question reads f'(at))")
        f, names = one_variable(ctx)
        at, _, slope = slope_at(ctx, f, names[0])
        tol = ctx.spec.tolerance if ctx.spec.tolerance is not None else self.tolerance
        return {"f": f, "variables": names, "at": at, "slope": slope, "key": self.verdict(slope, tol)}

    def default_prompt(self, q):
        return f"Is f({q.x}) = {format_math(q.f)} increasing, decreasing or stationary at {q.x} = {show_number(q.at)}?"

    @staticmethod
    def verdict(slope, tol):
        return "stationary" if abs(slope) <= tol else "increasing" if slope > 0 else "decreasing"

    def read(self, q, raw):
        return typed_word(typed_text(raw), self.words, "increasing, decreasing or stationary")

    def save(self, q, raw, value):
        return value

    def judge(self, q, value):
        reason = self.reason(q)
        if value == q.key:
            return Outcome(True, f"Right: {reason}.")
        return Outcome(False, f"Not {value}: {reason}.")

    def reason(self, q):
        slope = f"f'({show_number(q.at)}) = {fmt(q.slope)}"
        if q.key == "stationary":
            return f"{slope}, zero (within {fmt(q.tolerance)}): f is stationary at {q.x} = {show_number(q.at)}"
        sign = "positive" if q.key == "increasing" else "negative"
        return f"{slope} is {sign}, so f is {q.key} at {q.x} = {show_number(q.at)}"

    def lint(self, q):
        if q.tolerance < abs(q.slope) <= 100 * q.tolerance:
            return [
                f"|f'(at)| = {fmt(abs(q.slope))} is barely above the stationary tolerance {fmt(q.tolerance)}: "
                "move `at` or set `tolerance`"
            ]
        return []
