"""``number``: a number, given as ``answer`` or as f'(at), within ``tolerance``."""

from __future__ import annotations

import math

import sympy

from grader.maths import Reading, attempt, fmt, format_math
from grader.problems import exact, formula
from grader.quiz.context import one_variable, slope_at
from grader.quiz.model import Outcome, QuestionKind
from grader.quiz.typed import finite, parse_typed, read_typed, real_number, show_number, typed_text


class Number(QuestionKind):
    name = "number"
    fields = frozenset({"answer", "tolerance", "f", "at", "variables"})
    help = "Type a number or an exact value such as 1/2 or sqrt(2)/2."
    preview = True

    def compile(self, ctx):
        spec, out = ctx.spec, {}
        if spec.f is not None or spec.at is not None:
            if spec.f is None or spec.at is None:
                ctx.error(None, "give both f and at (the answer is then f'(at)), or neither")
            f, names = one_variable(ctx)
            at, exact_slope, slope = slope_at(ctx, f, names[0])
            out.update(f=f, variables=names, at=at, slope=slope)
        if spec.answer is None:
            if "slope" not in out:
                ctx.error(None, "missing required key 'answer' (or give f and at: the answer is f'(at))")
            out["key"] = (exact_slope, out["slope"])
            return out
        if spec.prompt is None and "f" not in out:
            ctx.error(None, "missing required key 'prompt'")
        if isinstance(spec.answer, list):
            ctx.error("answer", "expected one number, not a list")
        expr = formula(spec.answer, ctx.loc + ("answer",), ctx.where, symbols=(), constants=ctx.params)
        value = attempt(lambda: complex(expr.evalf(30)))
        if value is None or abs(value.imag) > 1e-12 or not finite(value.real):
            ctx.error("answer", f"expected a number, got {spec.answer!r}")
        out["key"] = (expr, value.real)
        return out

    def default_prompt(self, q):
        return f"For f({q.x}) = {q.f_text}, what is f'({show_number(q.at)})?"

    def read(self, q, raw):
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return exact(raw) if finite(float(raw)) else parse_typed(repr(raw), ())
        reading = read_typed(typed_text(raw), ())
        real_number(reading.expr)
        return reading

    def show(self, q, value):
        expr = value.expr if isinstance(value, Reading) else value
        if isinstance(expr, sympy.Rational):
            return show_number(expr)
        shown, number = format_math(expr), fmt(real_number(expr))
        return shown if shown == number else f"{shown} = {number}"

    def judge(self, q, value):
        reading = value if isinstance(value, Reading) else None
        value = value.expr if reading is not None else value
        got, (exact_key, want) = real_number(value), q.key
        error = abs(got - want)
        tolerance, within = allowed_error(q, want)
        lead = [reading.read_as()] if reading is not None and reading.read_as() else []
        if error <= tolerance + 1e-12 * abs(want):
            return Outcome(True, "\n".join(lead + [f"Right: {self.show(q, value)} ({within} of {show_number(exact_key)})."]))
        extra: dict = {}
        if not q.reveal:  # grading mode: neither the key nor how far off (which gives it away)
            text = f"Your answer {fmt(got)} is not {within} of the expected value."
        else:
            text = f"Your answer {fmt(got)} is not {within} of the expected value {show_number(exact_key)}"
            text += f" ({'too high' if got > want else 'too low'} by {fmt(error)})."
        if abs(want) > tolerance and abs(got + want) <= tolerance:
            text += " The sign is flipped." if q.reveal else ""
            extra["mistake"] = "sign"
        elif error <= 0.01 * abs(want):
            text += " Close: give more digits, or an exact value such as 1/3 or sqrt(2)/2." if q.reveal else ""
            extra["mistake"] = "rounding"
        return Outcome(False, "\n".join(lead + [text]), extra)

    def lint(self, q):
        if q.spec.answer is not None and q.spec.tolerance is not None and q.key[1] != 0 and q.tolerance >= abs(q.key[1]):
            return [f"the tolerance {fmt(q.tolerance)} is as large as the answer {fmt(q.key[1])}: 0 would pass; lower `tolerance`"]
        return []


SIGNIFICANT = 3  # default: the answer must agree with the key to this many significant figures
ABSOLUTE_FLOOR = 1e-6  # ... or be this close, for keys at or near zero


def allowed_error(q, want: float) -> tuple[float, str]:
    """(largest error allowed, how to say it): ``tolerance:`` is absolute (spec section 2);
    without one, half a unit in the third significant figure of the key, at least 1e-6."""
    if q.spec.tolerance is not None:
        return q.spec.tolerance, f"within {fmt(q.spec.tolerance)}"
    if want == 0 or not math.isfinite(want):
        return ABSOLUTE_FLOOR, f"within {fmt(ABSOLUTE_FLOOR)}"
    unit = 10.0 ** (math.floor(math.log10(abs(want))) - (SIGNIFICANT - 1))
    tolerance = max(0.5 * unit, ABSOLUTE_FLOOR)
    return tolerance, f"within {fmt(tolerance)} ({SIGNIFICANT} significant figures)"
