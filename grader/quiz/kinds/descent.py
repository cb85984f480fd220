"""``descent``: which way does gradient descent move x from ``at``? (A ``sign`` question turned round.)"""

from __future__ import annotations

from grader.maths import fmt
from grader.quiz.kinds.sign import Sign
from grader.quiz.typed import show_number, trend_word, typed_text

STEP_NAMES = {"up": "increase", "down": "decrease", "flat": "stay"}


class Descent(Sign):
    name = "descent"
    help = "Type increase, decrease or stay."
    words = {}
    names = STEP_NAMES

    def compile(self, ctx):
        out = super().compile(ctx)
        out["key"] = {"increasing": "decrease", "decreasing": "increase", "stationary": "stay"}[out["key"]]
        return out

    def default_prompt(self, q):
        return (
            f"Gradient descent is minimising f({q.x}) = {q.f_text} and is at {q.x} = {show_number(q.at)}. "
            f"Does its next step increase {q.x}, decrease {q.x}, or stay?"
        )

    def read(self, q, raw):
        return trend_word(typed_text(raw), self.names, "increase, decrease or stay", self.words)

    def reason(self, q):
        slope = f"f'({show_number(q.at)}) = {fmt(q.slope)}"
        if q.key == "stay":
            return f"{slope} is zero: a stationary point, where gradient descent stops"
        sign = "positive" if q.slope > 0 else "negative"
        return f"{slope} is {sign}, and gradient descent steps against the derivative, so it {q.key}s {q.x}"
