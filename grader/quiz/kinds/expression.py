"""``expression``: a formula, given as ``answer`` or as f', compared by ``grader.maths.equivalence``."""

from __future__ import annotations

import sympy

from grader.maths import Reading, compare, fmt, format_math, read_math, symbol
from grader.problems import formula
from grader.quiz.context import domain_of, function_of
from grader.quiz.model import Outcome, QuestionKind
from grader.quiz.typed import prompt_variables, read_typed, typed_text

LETTERS = ("x", "y", "z", "t", "u", "v", "w", "s", "r", "n")  # variables of an answer to a constant key


class Expression(QuestionKind):
    name = "expression"
    fields = frozenset({"answer", "f", "variables", "domain"})
    help = "Type a formula, e.g. 3x^2, e^(2x), ln x, sqrt(x), sec x, (x+1)/2."
    preview = True

    def compile(self, ctx):
        spec, out = ctx.spec, {}
        names = tuple(spec.variables) if spec.variables is not None else None
        if spec.f is not None:
            out["f"], names = function_of(ctx)
        if spec.answer is None:
            if "f" not in out:
                ctx.error(None, "missing required key 'answer' (or give f: the answer is then f')")
            if len(names) != 1:
                ctx.error("f", "f has several variables: give `answer:` (the derivative by which variable?)")
            key = sympy.diff(out["f"], symbol(names[0]))
        else:
            if isinstance(spec.answer, list):
                ctx.error("answer", "expected one formula, not a list")
            key = formula(spec.answer, ctx.loc + ("answer",), ctx.where, symbols=names, constants=ctx.params)
            # the same text read again, keeping the real domain SymPy's simplification drops
            key = read_math(str(spec.answer), symbols=names, constants=ctx.params)
            if names is None:  # the key's variables, and those the prompt names (a key `1` for sin^2 + cos^2)
                names = tuple(sorted(s.name for s in key.expr.free_symbols))
                names += tuple(n for n in prompt_variables(spec.prompt or "") if n not in names and n not in ctx.params)
        if spec.prompt is None and "f" not in out:
            ctx.error(None, "missing required key 'prompt'")
        out.update(key=key, variables=names, domain=domain_of(ctx, names))
        return out

    def default_prompt(self, q):
        return f"f({', '.join(q.variables)}) = {q.f_text}. Type f'({q.x})."

    def read(self, q, raw):
        # a key with no variable (1 for cos(x)^2 + sin(x)^2) accepts an equal formula in one
        return read_typed(typed_text(raw), q.variables or LETTERS)

    def show(self, q, value):
        return value.shown if isinstance(value, Reading) else format_math(value)

    def judge(self, q, value):
        verdict = compare(value, q.key, q.variables, domain=q.domain, f=q.f, seed=q.seed)
        extra = {"checks": {"points": verdict.points, "confirmed": verdict.confirmed}, **verdict.extra}
        lines = [value.read_as()] if isinstance(value, Reading) and value.read_as() else []
        if verdict.undecided:
            extra["error"] = "undecided"
        elif verdict.counterexample:
            c = verdict.counterexample
            extra["counterexample"] = {"at": dict(zip(c.variables, c.point, strict=False)), "answer": c.got, "expected": c.want}
        if not verdict.equal and not verdict.undecided and isinstance(value, Reading):
            for shown, expr in value.alternatives:  # the other reading of 1/2x, e^2x
                if compare(expr, q.key, q.variables, domain=q.domain, seed=q.seed).equal:
                    lines.append(f"If you meant {shown}, that would be right: add brackets to say so.")
                    extra["mistake"] = "brackets"
                    break
        lines.append(verdict.feedback() if q.reveal or verdict.equal else _concealed(verdict))
        return Outcome(verdict.equal, "\n".join(lines), extra)

    def lint(self, q):
        verdict = compare(q.key, q.key, q.variables, domain=q.domain, seed=q.seed)
        if not verdict.undecided:
            return []
        valid, sampled = verdict.extra["valid_points"], verdict.extra["sampled"]
        return [f"the answer is a finite real number at only {valid} of {sampled} sample points: give a `domain:` where it is defined"]


def _concealed(verdict) -> str:
    """Grading mode's feedback on a wrong formula: where it differs and the student's value there,
    never the expected value nor a named slip (a sign or a factor would give the key away)."""
    if verdict.undecided:
        return verdict.undecided
    c = verdict.counterexample
    if c is None:
        return "Not equivalent to the expected answer."
    got = "undefined (not a real number)" if c.got is None else fmt(c.got)
    return f"Not equivalent to the expected answer: {c.where()}your answer is {got}."
