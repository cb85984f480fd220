"""``sign``: is f increasing, decreasing or stationary at ``at``?"""

from __future__ import annotations

from grader.maths import fmt
from grader.quiz.context import one_variable, slope_at
from grader.quiz.model import Outcome, QuestionKind
from grader.quiz.typed import show_number, trend_word, typed_text

SIGN_NAMES = {"up": "increasing", "down": "decreasing", "flat": "stationary"}
# words about the derivative's sign mean something only for a sign question
SIGN_WORDS = {"positive": "increasing", "negative": "decreasing", "pos": "increasing", "neg": "decreasing"}


class Sign(QuestionKind):
    name = "sign"
    fields = frozenset({"f", "at", "tolerance", "variables"})
    help = "Type increasing, decreasing or stationary."
    words = SIGN_WORDS
    names = SIGN_NAMES

    def compile(self, ctx):
        for key in ("f", "at"):
            if getattr(ctx.spec, key) is None:
                ctx.error(None, f"missing required key '{key}' (a {self.name} question reads f'(at))")
        f, names = one_variable(ctx)
        at, _, slope = slope_at(ctx, f, names[0])
        tol = ctx.spec.tolerance if ctx.spec.tolerance is not None else self.tolerance
        return {"f": f, "variables": names, "at": at, "slope": slope, "key": self.verdict(slope, tol)}

    def default_prompt(self, q):
        return f"Is f({q.x}) = {q.f_text} increasing, decreasing or stationary at {q.x} = {show_number(q.at)}?"

    @staticmethod
    def verdict(slope, tol):
        return "stationary" if abs(slope) <= tol else "increasing" if slope > 0 else "decreasing"

    def read(self, q, raw):
        return trend_word(typed_text(raw), self.names, "increasing, decreasing or stationary", self.words)

    def save(self, q, raw, value):
        return value

    def judge(self, q, value):
        reason = self.reason(q)
        if value == q.key:
            return Outcome(True, f"Right: {reason}.")
        if not q.reveal:  # grading mode: the reason would name the key
            return Outcome(False, f"Not {value}.")
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
