"""Compiling one question: its context, and the helpers kinds share to read f, at and domain.

Every helper reports an authoring error through ``Context.error`` (file, line and key).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy

from grader.maths import attempt, symbol
from grader.problems import Where, exact, formula, number
from grader.quiz.model import Question, Unreadable
from grader.quiz.typed import finite, show_number

# ``QuestionSpec`` (grader.quiz.schema) is named in annotations only: the schema imports the
# registry, which imports the kinds, which import this module.

SYMBOLIC_SECONDS = 3.0  # deriving an interval or stationary points from f


@dataclass
class Context:
    """What a kind needs to compile one question."""

    spec: QuestionSpec  # noqa: F821 (see above)
    loc: tuple
    where: Where
    params: dict
    seed: tuple

    def error(self, key, message):
        self.where.error(self.loc + ((key,) if key else ()), message)


def function_of(ctx: Context):
    """(f, variables) of a question, f parsed with params."""
    spec = ctx.spec
    names = tuple(spec.variables) if spec.variables is not None else None
    f = formula(spec.f, ctx.loc + ("f",), ctx.where, symbols=names, constants=ctx.params)
    return f, names or tuple(sorted(s.name for s in f.free_symbols))


def one_variable(ctx: Context):
    f, names = function_of(ctx)
    if len(names) != 1:
        got = ", ".join(names) or "none"
        ctx.error("f", f"a {ctx.spec.kind} question needs f of one variable (f has: {got})")
    return f, names


def slope_at(ctx: Context, f, name):
    """(at as an exact value, f'(at) exactly, f'(at) as a float), or an authoring error."""
    at = exact(number(ctx.spec.at, ctx.loc + ("at",), ctx.where, ctx.params))
    x = symbol(name)
    slope = attempt(lambda: sympy.diff(f, x).xreplace({x: at}))
    value = attempt(lambda: complex(slope.evalf(30)))
    if value is None or abs(value.imag) > 1e-12 or not finite(value.real):
        ctx.error("at", f"f'({name}) is not defined at {name} = {show_number(at)}: choose another `at`")
    return at, slope, value.real


def domain_of(ctx: Context, names) -> dict | None:
    domain = ctx.spec.domain
    if domain is None:
        return None
    loc = ctx.loc + ("domain",)
    pairs = {n: (domain, loc) for n in names} if not isinstance(domain, dict) else {}
    if isinstance(domain, dict):
        for name, bounds in domain.items():
            if name not in names:
                ctx.where.error(loc + (name,), f"'{name}' is not a variable of this question ({', '.join(names)})")
            pairs[name] = (bounds, loc + (name,))
    out = {}
    for name, ((lo, hi), here) in pairs.items():
        a, b = number(lo, here, ctx.where, ctx.params), number(hi, here, ctx.where, ctx.params)
        if not a < b:
            ctx.where.error(here, f"expected an interval [low, high] with low < high, got [{lo}, {hi}]")
        out[name] = (a, b)
    return out


def answer_or_derived(ctx: Context, read: Callable, noun: str, derive: Callable, missing: str) -> dict:
    """A one-variable question whose key is ``answer`` (read by ``read``) or, without one, derived from f."""
    spec, out = ctx.spec, {"variables": ("x",)}
    if spec.f is not None:
        out["f"], out["variables"] = one_variable(ctx)
    x = out["variables"][0]
    if spec.answer is not None:
        try:
            out["key"] = read(spec.answer, x, ctx.params)
        except Unreadable as exc:
            ctx.error("answer", f"cannot read the {noun} {spec.answer!r}: {exc}")
    elif "f" in out:
        out["key"] = derive(ctx, out["f"], x)
    else:
        ctx.error(None, f"missing required key 'answer' (or give f: {missing})")
    if spec.prompt is None and "f" not in out:
        ctx.error(None, "missing required key 'prompt'")
    return out


def rederived(q: Question, derive: Callable):
    """The key derived from f, to check a given ``answer`` against (None: nothing to check)."""
    if q.spec.answer is None or q.f is None:
        return None
    ctx = Context(q.spec, ("questions", q.index), None, {}, ())
    return derive(ctx, q.f, q.x, quiet=True)
