"""Quizzes: the quiz-file schema, question kinds, answers files and their grading.

A quiz file (spec section 2) holds ``questions``; each has an ``id``, a ``kind`` (a key of
``QUESTION_KINDS``), optional ``points`` (default 1), ``prompt``, ``hint`` and
``visibility``, and the fields of its kind:

==================  ===========================================  ========================================
kind                fields                                       the student types
==================  ===========================================  ========================================
sign                f, at, [tolerance 1e-6]                      increasing | decreasing | stationary
descent             f, at, [tolerance 1e-6]                      increase | decrease | stay (the way
                                                                 gradient descent moves x from `at`)
choice              prompt, choices, answer (0-based index)      the index (0, 1, ...) or the choice's text
number              prompt, answer, [tolerance 1e-6];            a number or exact expression: 1/2,
                    or f and at (answer: f'(at))                 sqrt(2)/2, 0.5
expression          answer and/or f (answer: f'),                a formula: 3x^2, e^(2x), ln x, sec x ...
                    [variables], [domain]
interval            f, [where: increasing|decreasing], or answer interval notation (0, oo), [-1, 2),
                                                                 unions (-oo, -1) U (1, oo), inequalities
                                                                 x > 0, -1 < x < 1, x < -1 or x > 1,
                                                                 "all" or "none"
stationary_points   f, or answer, [tolerance 1e-6]               numbers in any order: -1, 1 or {-1, 1}
                                                                 or x = -1, x = 1, or "none"
==================  ===========================================  ========================================

``sign`` counts the point as stationary when |f'(at)| <= tolerance, and also accepts
positive / + / up (increasing), negative / - / down (decreasing), zero / 0 / flat
(stationary). ``interval`` compares sets up to their endpoints: (0, oo) and [0, oo) are
both right for "where is x^2 increasing".

``params:`` at the top are drawn per student (``variants.draw``) and used by name in
``f``, ``at``, ``answer`` and ``domain``; in ``prompt``, ``hint`` and ``choices`` write
``{a}`` for the value of ``a``, and ``{f}`` / ``{at}`` for the question's f and at.
Other braces are left alone.

An answers file is ``quiz: ID`` plus ``answers: {question id: answer}`` (and, as
``gradquiz quiz`` writes it, ``student: ID``, which picks the variant when neither
``--student`` nor ``GRADQUIZ_STUDENT`` is given).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union

import sympy
from pydantic import Field, StrictStr, field_validator

from grader import equivalence, quiz_authoring, schema
from grader.constraints import params_for
from grader.discovery import find_problem
from grader.errors import GradquizError
from grader.mathparse import MathSyntaxError, format_math, parse_math, symbol
from grader.numerics import fmt
from grader.problem import _Where, formula, number
from grader.report import Report, Result
from grader.variants import exact, student_id
from grader.yamlio import load_yaml

MAX_ANSWER = 2000  # characters in one typed answer
SYMBOLIC_SECONDS = 3.0  # deriving an interval or stationary points from f

# --------------------------------------------------------------------------- schema

Choice = Union[StrictStr, int, float]


class QuestionSpec(schema.Strict):
    id: schema.Name
    kind: StrictStr
    prompt: StrictStr | None = None
    points: float = Field(1, ge=0)
    hint: StrictStr | None = None
    visibility: Literal["visible", "hidden"] = "visible"
    f: schema.Formula | None = None
    at: schema.Formula | None = None
    answer: schema.Formula | list[schema.Formula] | None = None
    choices: list[Choice] | None = Field(None, min_length=2)
    tolerance: float | None = Field(None, gt=0)
    variables: list[schema.Identifier] | None = None
    domain: tuple[schema.Bound, schema.Bound] | dict[schema.Identifier, tuple[schema.Bound, schema.Bound]] | None = None
    where: Literal["increasing", "decreasing"] | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in QUESTION_KINDS:
            raise ValueError(f"expected one of {', '.join(QUESTION_KINDS)} but got {value!r}")
        return value


class QuizSpec(schema.Strict):
    id: schema.Name
    title: StrictStr
    intro: StrictStr = ""
    params: dict[schema.Identifier, schema.Param] = {}
    constraints: list[StrictStr] = []  # e.g. "a != b": params are redrawn until each holds (grader.constraints)
    hidden_checks: int = Field(0, ge=0)  # set by `gradquiz export`: hidden questions left out
    student_edition: bool = False  # set by `gradquiz export`: answer keys left out, answers recorded
    questions: list[QuestionSpec] = Field(min_length=1)


class AnswersSpec(schema.Strict):
    quiz: schema.Name | None = None
    student: StrictStr | None = None
    answers: dict[Union[StrictStr, int], Any] | None = None


# --------------------------------------------------------------------------- loaded quiz


@dataclass(frozen=True)
class Question:
    spec: QuestionSpec
    kind: "QuestionKind"
    index: int
    line: int | None
    prompt: str
    key: Any  # what the kind compares against (an index, a word, a number, a formula, a set)
    f: sympy.Expr | None = None
    variables: tuple[str, ...] = ()
    at: sympy.Expr | None = None
    slope: float | None = None  # f'(at), for sign and descent
    choices: tuple[str, ...] = ()
    hint: str | None = None
    domain: dict | None = None
    seed: tuple = ()

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def hidden(self) -> bool:
        return self.spec.visibility == "hidden"

    @property
    def tolerance(self) -> float:
        return self.spec.tolerance if self.spec.tolerance is not None else self.kind.tolerance

    @property
    def x(self) -> str:
        return self.variables[0] if self.variables else "x"


@dataclass(frozen=True)
class Quiz:
    spec: QuizSpec
    path: Path
    questions: tuple[Question, ...]
    params: dict = field(default_factory=dict)
    student: str = ""

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title


class Unreadable(ValueError):
    """A typed answer that is not an answer of the question's kind (the message says why)."""


@dataclass
class Outcome:
    passed: bool
    feedback: str
    extra: dict = field(default_factory=dict)


@dataclass
class _Context:
    """What a kind needs to compile one question."""

    spec: QuestionSpec
    loc: tuple
    where: _Where
    params: dict
    seed: tuple

    def error(self, key, message):
        self.where.error(self.loc + ((key,) if key else ()), message)


# --------------------------------------------------------------------------- helpers


def _function(ctx: _Context):
    """(f, variables) of a question, f parsed with params."""
    spec = ctx.spec
    names = tuple(spec.variables) if spec.variables is not None else None
    f = formula(spec.f, ctx.loc + ("f",), ctx.where, symbols=names, constants=ctx.params)
    return f, names or tuple(sorted(s.name for s in f.free_symbols))


def _one_variable(ctx: _Context):
    f, names = _function(ctx)
    if len(names) != 1:
        got = ", ".join(names) or "none"
        ctx.error("f", f"a {ctx.spec.kind} question needs f of one variable (f has: {got})")
    return f, names


def _slope_at(ctx: _Context, f, name):
    """(at as an exact value, f'(at) exactly, f'(at) as a float), or an authoring error."""
    at = exact(number(ctx.spec.at, ctx.loc + ("at",), ctx.where, ctx.params))
    x = symbol(name)
    slope = equivalence.attempt(lambda: sympy.diff(f, x).xreplace({x: at}))
    value = equivalence.attempt(lambda: complex(slope.evalf(30)))
    if value is None or abs(value.imag) > 1e-12 or not _finite(value.real):
        ctx.error("at", f"f'({name}) is not defined at {name} = {_show(at)}: choose another `at`")
    return at, slope, value.real


def _finite(value: float) -> bool:
    return value == value and abs(value) != float("inf")


def _show(value) -> str:
    """A number for people: 2, 0.75, 1/3, sqrt(2)/2."""
    if isinstance(value, (int, float)):
        return fmt(value)
    value = sympy.sympify(value) if not isinstance(value, sympy.Basic) else value
    if isinstance(value, sympy.Rational) and _terminating(value.q):
        return format(float(value), ".15g") if len(str(value.p)) < 16 else format_math(value)
    return format_math(value)


def _terminating(q: int) -> bool:
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _fill(text: str | None, values: dict) -> str | None:
    """Replace {name} by a known value; leave other braces as they are."""
    if text is None:
        return None
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)] if m.group(1) in values else m.group(0), text)


def _text(raw) -> str:
    """A typed answer as text (YAML may have made it a number)."""
    if isinstance(raw, bool):
        raise Unreadable(f"expected an answer, got {str(raw).lower()} (quote it in YAML)")
    if isinstance(raw, float):
        return repr(raw)
    if not isinstance(raw, (str, int)):
        raise Unreadable(f"expected one answer, got {_short(raw)}")
    text = str(raw).strip()
    if len(text) > MAX_ANSWER:
        raise Unreadable(f"the answer is too long ({len(text)} characters; at most {MAX_ANSWER})")
    return text


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _parse(text: str, symbols=(), constants=None) -> sympy.Expr:
    try:
        return parse_math(text, symbols=symbols, constants=constants, max_length=MAX_ANSWER)
    except MathSyntaxError as exc:
        raise Unreadable(str(exc)) from None


def _real_number(expr: sympy.Expr) -> float:
    if expr.free_symbols:
        raise Unreadable(f"expected a number, not a formula in {', '.join(sorted(s.name for s in expr.free_symbols))}")
    value = equivalence.attempt(lambda: complex(expr.evalf(30)))
    if value is None or not _finite(value.real):
        raise Unreadable("the number is too large to work with")
    if abs(value.imag) > 1e-12 * max(1.0, abs(value.real)):
        raise Unreadable("expected a real number")
    return value.real


def _word(text: str, words: dict[str, str], expected: str) -> str:
    key = " ".join(text.lower().split())
    if key in words:
        return words[key]
    raise Unreadable(f"expected {expected}, got {_short(text)}")


# --------------------------------------------------------------------------- kinds


class QuestionKind:
    """One kind of question: how to compile it, read a typed answer and judge it."""

    name = ""
    fields: frozenset = frozenset()  # allowed besides id, kind, prompt, points, hint, visibility
    tolerance = 1e-6
    help = ""  # how to type an answer, shown by `gradquiz quiz`
    preview = False  # show "read as: ..." and ask to confirm

    def compile(self, ctx: _Context) -> dict:
        raise NotImplementedError

    def read(self, q: Question, raw) -> Any:
        raise NotImplementedError

    def show(self, q: Question, value) -> str:
        return str(value)

    def save(self, q: Question, raw, value):
        """What goes into the answers file for this answer."""
        return raw

    def judge(self, q: Question, value) -> Outcome:
        raise NotImplementedError

    def lint(self, q: Question) -> list[str]:
        return []


SIGN_WORDS = {
    **dict.fromkeys(["increasing", "increase", "inc", "positive", "+", "up", "rising"], "increasing"),
    **dict.fromkeys(["decreasing", "decrease", "dec", "negative", "-", "down", "falling"], "decreasing"),
    **dict.fromkeys(["stationary", "stationary point", "zero", "0", "flat", "critical"], "stationary"),
}
STEP_WORDS = {
    **dict.fromkeys(["increase", "increase x", "increases", "right", "up", "+", "larger", "bigger"], "increase"),
    **dict.fromkeys(["decrease", "decrease x", "decreases", "left", "down", "-", "smaller"], "decrease"),
    **dict.fromkeys(["stay", "stays", "stay put", "none", "neither", "stop", "zero", "0", "stationary"], "stay"),
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
        f, names = _one_variable(ctx)
        at, _, slope = _slope_at(ctx, f, names[0])
        tol = ctx.spec.tolerance if ctx.spec.tolerance is not None else self.tolerance
        return {"f": f, "variables": names, "at": at, "slope": slope, "key": self.verdict(slope, tol)}

    def default_prompt(self, q):
        return f"Is f({q.x}) = {format_math(q.f)} increasing, decreasing or stationary at {q.x} = {_show(q.at)}?"

    @staticmethod
    def verdict(slope, tol):
        return "stationary" if abs(slope) <= tol else "increasing" if slope > 0 else "decreasing"

    def read(self, q, raw):
        return _word(_text(raw), self.words, "increasing, decreasing or stationary")

    def save(self, q, raw, value):
        return value

    def judge(self, q, value):
        reason = self.reason(q)
        if value == q.key:
            return Outcome(True, f"Right: {reason}.")
        return Outcome(False, f"Not {value}: {reason}.")

    def reason(self, q):
        slope = f"f'({_show(q.at)}) = {fmt(q.slope)}"
        if q.key == "stationary":
            return f"{slope}, zero (within {fmt(q.tolerance)}): f is stationary at {q.x} = {_show(q.at)}"
        sign = "positive" if q.key == "increasing" else "negative"
        return f"{slope} is {sign}, so f is {q.key} at {q.x} = {_show(q.at)}"

    def lint(self, q):
        if q.tolerance < abs(q.slope) <= 100 * q.tolerance:
            return [
                f"|f'(at)| = {fmt(abs(q.slope))} is barely above the stationary tolerance {fmt(q.tolerance)}: "
                "move `at` or set `tolerance`"
            ]
        return []


class Descent(Sign):
    name = "descent"
    help = "Type increase, decrease or stay."
    words = STEP_WORDS

    def compile(self, ctx):
        out = super().compile(ctx)
        out["key"] = {"increasing": "decrease", "decreasing": "increase", "stationary": "stay"}[out["key"]]
        return out

    def default_prompt(self, q):
        return (
            f"Gradient descent is minimising f({q.x}) = {format_math(q.f)} and is at {q.x} = {_show(q.at)}. "
            f"Does its next step increase {q.x}, decrease {q.x}, or stay?"
        )

    def read(self, q, raw):
        return _word(_text(raw), self.words, "increase, decrease or stay")

    def reason(self, q):
        slope = f"f'({_show(q.at)}) = {fmt(q.slope)}"
        if q.key == "stay":
            return f"{slope} is zero: a stationary point, where gradient descent stops"
        sign = "positive" if q.slope > 0 else "negative"
        return f"{slope} is {sign}, and gradient descent steps against the derivative, so it {q.key}s {q.x}"


class Choice(QuestionKind):
    name = "choice"
    fields = frozenset({"choices", "answer"})

    def compile(self, ctx):
        spec = ctx.spec
        for key in ("prompt", "choices", "answer"):
            if getattr(spec, key) is None:
                ctx.error(None, f"missing required key '{key}'")
        answer = spec.answer
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(spec.choices):
            ctx.error("answer", f"expected the 0-based index of the right choice (0 to {len(spec.choices) - 1}), got {answer!r}")
        return {"key": answer}

    def help_for(self, q):
        return f"Type the number of your choice (0 to {len(q.choices) - 1})."

    def read(self, q, raw):
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool):
            index = raw
        else:
            text = _text(raw)
            if re.fullmatch(r"[+-]?\d+", text):
                index = int(text)
            else:
                folded = [c.casefold().strip() for c in q.choices]
                if text.casefold() not in folded:
                    raise Unreadable(f"expected the number of a choice (0 to {len(q.choices) - 1}), got {_short(text)}")
                index = folded.index(text.casefold())
        if not 0 <= index < len(q.choices):
            raise Unreadable(f"there is no choice {index}: choose 0 to {len(q.choices) - 1}")
        return index

    def show(self, q, value):
        return f"{value} ({q.choices[value]})"

    def save(self, q, raw, value):
        return value

    def judge(self, q, value):
        if value == q.key:
            return Outcome(True, f"Right: {q.choices[value]}.")
        return Outcome(False, f"Not \"{q.choices[value]}\". The answer is {q.key}: {q.choices[q.key]}.")

    def lint(self, q):
        folded = [c.casefold().strip() for c in q.choices]
        return [f"choices {folded.index(c)} and {i} are the same text" for i, c in enumerate(folded) if folded.index(c) != i]


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
            f, names = _one_variable(ctx)
            at, exact_slope, slope = _slope_at(ctx, f, names[0])
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
        value = equivalence.attempt(lambda: complex(expr.evalf(30)))
        if value is None or abs(value.imag) > 1e-12 or not _finite(value.real):
            ctx.error("answer", f"expected a number, got {spec.answer!r}")
        out["key"] = (expr, value.real)
        return out

    def default_prompt(self, q):
        return f"For f({q.x}) = {format_math(q.f)}, what is f'({_show(q.at)})?"

    def read(self, q, raw):
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return exact(raw) if _finite(float(raw)) else _parse(repr(raw), ())
        expr = _parse(_text(raw), ())
        _real_number(expr)
        return expr

    def show(self, q, value):
        if isinstance(value, sympy.Rational):
            return _show(value)
        shown, number = format_math(value), fmt(_real_number(value))
        return shown if shown == number else f"{shown} = {number}"

    def judge(self, q, value):
        got, (exact_key, want) = _real_number(value), q.key
        error = abs(got - want)
        within = f"within {fmt(q.tolerance)}"
        if error <= q.tolerance + 1e-12 * abs(want):
            return Outcome(True, f"Right: {self.show(q, value)} ({within} of {_show(exact_key)}).")
        text = f"Your answer {fmt(got)} is not {within} of the expected value {_show(exact_key)}"
        text += f" ({'too high' if got > want else 'too low'} by {fmt(error)})."
        extra = {}
        if abs(want) > q.tolerance and abs(got + want) <= q.tolerance:
            text += " The sign is flipped."
            extra["mistake"] = "sign"
        elif error <= 0.01 * abs(want):
            text += " Close: give more digits, or an exact value such as 1/3 or sqrt(2)/2."
            extra["mistake"] = "rounding"
        return Outcome(False, text, extra)

    def lint(self, q):
        if q.spec.answer is not None and q.key[1] != 0 and q.tolerance >= abs(q.key[1]):
            return [f"the tolerance {fmt(q.tolerance)} is as large as the answer {fmt(q.key[1])}: 0 would pass; lower `tolerance`"]
        return []


class Expression(QuestionKind):
    name = "expression"
    fields = frozenset({"answer", "f", "variables", "domain"})
    help = "Type a formula, e.g. 3x^2, e^(2x), ln x, sqrt(x), sec x, (x+1)/2."
    preview = True

    def compile(self, ctx):
        spec, out = ctx.spec, {}
        names = tuple(spec.variables) if spec.variables is not None else None
        if spec.f is not None:
            out["f"], names = _function(ctx)
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
            names = names or tuple(sorted(s.name for s in key.free_symbols))
        if spec.prompt is None and "f" not in out:
            ctx.error(None, "missing required key 'prompt'")
        out.update(key=key, variables=names, domain=_domain(ctx, names))
        return out

    def default_prompt(self, q):
        return f"f({', '.join(q.variables)}) = {format_math(q.f)}. Type f'({q.x})."

    def read(self, q, raw):
        return _parse(_text(raw), q.variables)

    def show(self, q, value):
        return format_math(value)

    def judge(self, q, value):
        verdict = equivalence.compare(value, q.key, q.variables, domain=q.domain, f=q.f, seed=q.seed)
        extra = {"checks": {"points": verdict.points, "confirmed": verdict.confirmed}, **verdict.extra}
        if verdict.undecided:
            extra["error"] = "undecided"
        elif verdict.counterexample:
            c = verdict.counterexample
            extra["counterexample"] = {"at": dict(zip(c.variables, c.point)), "answer": c.got, "expected": c.want}
        return Outcome(verdict.equal, verdict.feedback(), extra)

    def lint(self, q):
        verdict = equivalence.compare(q.key, q.key, q.variables, domain=q.domain, seed=q.seed)
        if not verdict.undecided:
            return []
        valid, sampled = verdict.extra["valid_points"], verdict.extra["sampled"]
        return [f"the answer is a finite real number at only {valid} of {sampled} sample points: give a `domain:` where it is defined"]


def _domain(ctx: _Context, names) -> dict | None:
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


# ----- interval


INFINITY = re.compile(r"^([+-]?)\s*(oo|inf|infinity|∞)$", re.IGNORECASE)
EVERYTHING = {"all", "all reals", "all real numbers", "everywhere", "r", "ℝ", "reals", "(-oo, oo)"}
NOTHING = {"none", "nowhere", "empty", "never", "{}", "∅", "no"}
UNION = re.compile(r"\s*(?:∪|\bU\b|\bu\b|\bor\b|\bunion\b)\s*")
BRACKETED = re.compile(r"^([(\[])(.*),(.*)([)\]])$", re.DOTALL)
COMPARISON = re.compile(r"(<=|>=|≤|≥|=<|=>|<|>)")


class Interval(QuestionKind):
    name = "interval"
    fields = frozenset({"f", "where", "answer", "variables", "tolerance"})
    help = "Type an interval such as (0, oo), [-1, 2), (-oo, -1) U (1, oo), or x > 0, or all / none."
    preview = True

    def compile(self, ctx):
        spec, out = ctx.spec, {"variables": ("x",)}
        if spec.f is not None:
            out["f"], out["variables"] = _one_variable(ctx)
        x = out["variables"][0]
        if spec.answer is not None:
            try:
                out["key"] = read_interval(spec.answer, x, ctx.params)
            except Unreadable as exc:
                ctx.error("answer", f"cannot read the interval {spec.answer!r}: {exc}")
        elif "f" in out:
            out["key"] = _monotone_set(ctx, out["f"], x)
        else:
            ctx.error(None, "missing required key 'answer' (or give f: the answer is where f is increasing)")
        if spec.prompt is None and "f" not in out:
            ctx.error(None, "missing required key 'prompt'")
        return out

    def default_prompt(self, q):
        return f"Where is f({q.x}) = {format_math(q.f)} {q.spec.where or 'increasing'}?"

    def read(self, q, raw):
        return read_interval(raw, q.x)

    def show(self, q, value):
        return show_set(value)

    def save(self, q, raw, value):
        return raw if isinstance(raw, str) else show_set(value)

    def judge(self, q, value):
        witness = _set_difference_witness(value, q.key, q.tolerance)
        if witness is None:
            return Outcome(True, f"Right: {show_set(value)}.")
        inside = bool(value.contains(witness))
        text = f"Your answer {'includes' if inside else 'leaves out'} {q.x} = {_show(witness)}"
        if q.f is not None:
            slope = equivalence.attempt(lambda: float(sympy.diff(q.f, symbol(q.x)).evalf(20, subs={symbol(q.x): witness})))
            if slope is not None:
                trend = "increasing" if slope > 0 else "decreasing" if slope < 0 else "stationary"
                text += f", where f'({_show(witness)}) = {fmt(slope)}: f is {trend} there"
        return Outcome(False, text + f". The expected answer is {show_set(q.key)}.", {"counterexample": {"at": float(witness)}})

    def lint(self, q):
        if q.spec.answer is None or q.f is None:
            return []
        ctx = _Context(q.spec, ("questions", q.index), None, {}, ())
        derived = _monotone_set(ctx, q.f, q.x, quiet=True)
        if derived is not None and _set_difference_witness(q.key, derived, q.tolerance) is not None:
            return [f"`answer` {show_set(q.key)} is not where f is {q.spec.where or 'increasing'} ({show_set(derived)}): fix `answer` or `f`"]
        return []


def _monotone_set(ctx, f, x, quiet=False):
    sign = -1 if ctx.spec.where == "decreasing" else 1
    s = symbol(x)

    def solve():
        return sympy.solve_univariate_inequality(sign * sympy.diff(f, s) > 0, s, relational=False)

    result = equivalence.attempt(solve, SYMBOLIC_SECONDS)
    if isinstance(result, sympy.Set) and all(isinstance(p, sympy.Interval) for p in _pieces(result)):
        return result
    if quiet:
        return None
    ctx.error("f", f"cannot work out where f is {ctx.spec.where or 'increasing'}: give `answer:` as an interval")


def read_interval(raw, x: str = "x", constants=None) -> sympy.Set:
    """A typed interval, union of intervals or inequality as a SymPy set."""
    if isinstance(raw, list):
        if len(raw) != 2:
            raise Unreadable("a list means a closed interval [low, high]: give two numbers")
        return _interval("[", *(_text(v) for v in raw), "]", constants)
    text = _text(raw)
    folded = " ".join(text.lower().split())
    if folded in EVERYTHING or folded in {f"(-{w}, {w})" for w in ("inf", "infinity", "∞")}:
        return sympy.Reals
    if folded in NOTHING:
        return sympy.EmptySet
    pieces = [p for p in UNION.split(text) if p.strip()]
    if not pieces:
        raise Unreadable("expected an interval such as (0, oo) or x > 0")
    return sympy.Union(*(_piece(p.strip(), x, constants) for p in pieces))


def _piece(text: str, x: str, constants) -> sympy.Set:
    match = BRACKETED.match(text)
    if match and "," in text:
        left, low, high, right = match.groups()
        if "," in low or "," in high:
            raise Unreadable(f"expected two ends in {_short(text)}")
        return _interval(left, low, high, right, constants)
    parts = [p.strip() for p in COMPARISON.split(text)]
    if len(parts) in (3, 5):
        return _inequality(parts, x, constants)
    raise Unreadable(f"expected an interval such as (0, oo) or an inequality such as {x} > 0, got {_short(text)}")


def _interval(left, low, high, right, constants) -> sympy.Set:
    a, b = _end(low, constants), _end(high, constants)
    if not a < b:
        raise Unreadable(f"the interval from {_show_end(a)} to {_show_end(b)} is empty: write the smaller end first")
    return sympy.Interval(a, b, left_open=left == "(" or a.is_infinite, right_open=right == ")" or b.is_infinite)


def _end(text, constants) -> sympy.Expr:
    text = text.strip()
    match = INFINITY.match(text)
    if match:
        return -sympy.oo if match.group(1) == "-" else sympy.oo
    expr = _parse(text, (), constants)
    _real_number(expr)
    return expr


def _inequality(parts, x, constants) -> sympy.Set:
    ops = {"<": "<", ">": ">", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">=", "=<": "<=", "=>": ">="}
    sides, signs = parts[0::2], [ops[p] for p in parts[1::2]]
    if x not in sides:
        raise Unreadable(f"an inequality needs the variable {x}, e.g. {x} > 0")
    result = sympy.Reals
    for left, op, right in zip(sides, signs, sides[1:]):
        if left != x and right != x:
            raise Unreadable(f"write each comparison with {x} on one side, e.g. -1 < {x} < 1")
        if left == x:  # x op value
            value, op = _end(right, constants), op
        else:  # value op x  ->  x (flipped op) value
            value, op = _end(left, constants), {"<": ">", ">": "<", "<=": ">=", ">=": "<="}[op]
        bound = {
            "<": sympy.Interval.open(-sympy.oo, value),
            "<=": sympy.Interval(-sympy.oo, value, left_open=True),
            ">": sympy.Interval.open(value, sympy.oo),
            ">=": sympy.Interval(value, sympy.oo, right_open=True),
        }[op]
        result = sympy.Intersection(result, bound)
    return result


def _show_end(value) -> str:
    return "oo" if value == sympy.oo else "-oo" if value == -sympy.oo else _show(value)


def _pieces(s: sympy.Set) -> list:
    if isinstance(s, sympy.Union):
        return list(s.args)
    if s is sympy.S.EmptySet:
        return []
    return [s]


def show_set(s: sympy.Set) -> str:
    if s == sympy.Reals:
        return "(-oo, oo)"
    parts = []
    for p in _pieces(s):
        if isinstance(p, sympy.FiniteSet):
            parts.append("{" + ", ".join(_show(v) for v in p) + "}")
            continue
        left = "(" if p.left_open else "["
        right = ")" if p.right_open else "]"
        parts.append(f"{left}{_show_end(p.start)}, {_show_end(p.end)}{right}")
    return " U ".join(parts) or "none"


def _set_difference_witness(a: sympy.Set, b: sympy.Set, tol: float):
    """A point in one set but not the other, ignoring endpoints (None: the same up to endpoints)."""
    ends = sorted({float(e) for s in (a, b) for p in _pieces(s) for e in _ends(p) if e.is_finite})
    merged = [e for i, e in enumerate(ends) if i == 0 or e - ends[i - 1] > tol]
    if not merged:
        probes = [sympy.Integer(0)]
    else:
        probes = [_nice_between(merged[0] - 2, merged[0])]
        probes += [_nice_between(lo, hi) for lo, hi in zip(merged, merged[1:])]
        probes.append(_nice_between(merged[-1], merged[-1] + 2))
    for p in probes:
        if bool(a.contains(p)) != bool(b.contains(p)):
            return p
    return None


def _ends(piece):
    if isinstance(piece, sympy.FiniteSet):
        return list(piece)
    return [piece.start, piece.end]


def _nice_between(lo: float, hi: float) -> sympy.Rational:
    """A short decimal strictly inside (lo, hi), well clear of both ends."""
    margin = (hi - lo) / 4
    for digits in range(0, 12):
        candidate = sympy.Rational(round((lo + hi) / 2 * 10**digits), 10**digits)
        if lo + margin <= candidate <= hi - margin:
            return candidate
    return sympy.nsimplify((lo + hi) / 2, rational=True)


# ----- stationary points


SEPARATORS = re.compile(r"\s*(?:;|\band\b)\s*")


class StationaryPoints(QuestionKind):
    name = "stationary_points"
    fields = frozenset({"f", "answer", "tolerance", "variables"})
    help = "Type the x values, in any order: -1, 1 (or {-1, 1}, or x = -1, x = 1); none if there are none."
    preview = True

    def compile(self, ctx):
        spec, out = ctx.spec, {"variables": ("x",)}
        if spec.f is not None:
            out["f"], out["variables"] = _one_variable(ctx)
        if spec.answer is not None:
            try:
                out["key"] = read_points(spec.answer, out["variables"][0], ctx.params)
            except Unreadable as exc:
                ctx.error("answer", f"cannot read the points {spec.answer!r}: {exc}")
        elif "f" in out:
            out["key"] = _stationary(ctx, out["f"], out["variables"][0])
        else:
            ctx.error(None, "missing required key 'answer' (or give f: the answer is then the solutions of f' = 0)")
        if spec.prompt is None and "f" not in out:
            ctx.error(None, "missing required key 'prompt'")
        return out

    def default_prompt(self, q):
        return f"Where are the stationary points of f({q.x}) = {format_math(q.f)}? Give every {q.x} where f'({q.x}) = 0."

    def read(self, q, raw):
        return read_points(raw, q.x)

    def show(self, q, value):
        return "{" + ", ".join(_show(v) for v in value) + "}" if value else "none"

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
            lines.append(f"{q.x} = {_show(v)} is not a stationary point" + self._slope_text(q, v) + ".")
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
        slope = equivalence.attempt(lambda: float(sympy.diff(q.f, symbol(q.x)).evalf(20, subs={symbol(q.x): v})))
        return f": f'({_show(v)}) = {fmt(slope)}" if slope is not None else ""

    def lint(self, q):
        if q.spec.answer is None or q.f is None:
            return []
        ctx = _Context(q.spec, ("questions", q.index), None, {}, ())
        derived = _stationary(ctx, q.f, q.x, quiet=True)
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
        text = _text(raw)
        folded = text.lower().strip()
        if folded in NOTHING or folded in {"[]", "()"}:
            return ()
        if text[:1] + text[-1:] in ("{}", "[]"):
            text = text[1:-1]
        items = [p for chunk in SEPARATORS.split(text) for p in _split_commas(chunk)]
    values = []
    for item in items:
        item = re.sub(rf"^\s*{re.escape(x)}\s*=\s*", "", _text(item))
        if not item:
            continue
        expr = _parse(item, (), constants)
        number = _real_number(expr)
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


QUESTION_KINDS: dict[str, QuestionKind] = {
    "sign": Sign(),
    "descent": Descent(),
    "choice": Choice(),
    "number": Number(),
    "expression": Expression(),
    "interval": Interval(),
    "stationary_points": StationaryPoints(),
}

COMMON = frozenset({"id", "kind", "prompt", "points", "hint", "visibility"})


# --------------------------------------------------------------------------- loading


def load_quiz(path: Path | str, student: str | None = None, data=None, positions=None, params=None) -> Quiz:
    """``params`` overrides the student's drawn variant (``validate`` checks each variant)."""
    path = Path(path)
    if data is None:
        data, positions = load_yaml(path)
    if quiz_authoring.is_edition(data):  # a student edition: no answer keys; answers are recorded
        data = quiz_authoring.with_stand_ins(data)
    spec = schema.validate(QuizSpec, data, positions, path)
    student = student_id(student)
    where = _Where(path, positions)
    if params is None:
        params = params_for(spec, student, where.error)
    seen = {}
    for i, q in enumerate(spec.questions):
        if q.id in seen:
            where.error(("questions", i, "id"), f"duplicate id '{q.id}' (also question {seen[q.id]})")
        seen[q.id] = i
    questions = tuple(_question(q, i, spec.id, student, params, where) for i, q in enumerate(spec.questions))
    if spec.student_edition:
        questions = quiz_authoring.recorded(questions)
    return Quiz(spec, path, questions, params, student)


def _question(spec: QuestionSpec, index: int, quiz_id: str, student: str, params, where) -> Question:
    kind = QUESTION_KINDS[spec.kind]
    loc = ("questions", index)
    for name in sorted(spec.model_fields_set - COMMON - kind.fields):
        uses = ", ".join(sorted(kind.fields))
        where.error(loc + (name,), f"a {kind.name} question has no `{name}` (it uses {uses})")
    seed = (quiz_id, spec.id, student)
    ctx = _Context(spec, loc, where, params, seed)
    parts = kind.compile(ctx)
    q = Question(spec, kind, index, where.positions.line_of(loc), prompt="", seed=seed, **parts)
    values = {name: _show(v) for name, v in params.items()}
    if q.f is not None:
        values["f"] = format_math(q.f)
    if q.at is not None:
        values["at"] = _show(q.at)
    prompt = _fill(spec.prompt, values) or kind.default_prompt(q)
    choices = tuple(_fill(str(c), values) for c in spec.choices or ())
    return Question(**{**q.__dict__, "prompt": prompt, "choices": choices, "hint": _fill(spec.hint, values)})


def validate_quiz(quiz: Quiz) -> list[str]:
    """What `gradquiz validate` reports beyond load errors: ``file:line: questions.<id>: ...``."""
    errors = []
    for q in quiz.questions:
        for message in q.kind.lint(q):
            errors.append(f"{quiz.path}:{q.line or 1}: questions.{q.id}: {message}")
    return errors


def help_text(q: Question) -> str:
    """How to type an answer to this question."""
    return q.kind.help_for(q) if hasattr(q.kind, "help_for") else q.kind.help


# --------------------------------------------------------------------------- grading


@dataclass
class QuizReport(Report):
    unknown: list[str] = field(default_factory=list)  # answered ids the quiz does not have

    @property
    def passed(self) -> bool:
        return not self.unknown and all(r.passed for r in self.results)

    @property
    def exit_code(self) -> int:
        """0 also when the answers are only recorded (a student edition): nothing failed."""
        return 0 if quiz_authoring.only_recorded(self) else 1


def grade_question(q: Question, raw) -> Result:
    """One Result for one typed answer (None or '' is no answer)."""
    extra = {"kind": q.kind.name}
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Result(q.id, 0.0, float(q.spec.points), False, "no answer", q.hidden, {**extra, "error": "missing"})
    extra["answer"] = raw
    try:
        value = q.kind.read(q, raw)
        extra["read_as"] = q.kind.show(q, value)
        outcome = q.kind.judge(q, value)
    except Unreadable as exc:
        outcome = Outcome(False, f"could not read your answer: {exc}", {"error": "unreadable"})
    text = outcome.feedback
    if not outcome.passed and q.hint:
        text += f"\nHint: {q.hint.strip()}"
    score = float(q.spec.points) if outcome.passed else 0.0
    return Result(q.id, score, float(q.spec.points), outcome.passed, text, q.hidden, {**extra, **outcome.extra})


def grade_answers(quiz: Quiz, answers: dict, *, include_hidden: bool = True) -> list[Result]:
    return [grade_question(q, answers.get(q.id)) for q in quiz.questions if include_hidden or not q.hidden]


def read_answers(path: Path | str):
    """(AnswersSpec, positions) of an answers file, or a GradquizError naming file and line."""
    path = Path(path)
    try:
        data, positions = load_yaml(path)
    except GradquizError as err:
        if "expected ',' or ']'" in err.message or "expected ',' or '}'" in err.message:
            err.message += " (quote answers that start with [ or {, e.g. '[0, oo)')"
        raise
    if not isinstance(data, dict):
        raise GradquizError("expected `quiz: ID` and `answers:` at the top of an answers file", path, 1)
    spec = schema.validate(AnswersSpec, data, positions, path)
    if spec.answers is not None and not isinstance(data.get("answers"), dict):
        raise GradquizError("answers: expected a mapping of question id to answer", path, positions.line_of(("answers",)))
    return spec, positions


def find_quiz(quiz_id: str, problems=(), student: str | None = None, where=(None, None)) -> Quiz:
    """The quiz with this id on the search path, loaded for this student."""
    try:
        quiz_path = find_problem(quiz_id, problems)
    except GradquizError as err:
        if err.file is None and where[0] is not None:  # name the answers file that asks for it
            raise GradquizError(("quiz: " if where[1] else "") + err.message, *where) from None
        raise
    data, positions = load_yaml(quiz_path)
    if not isinstance(data, dict) or "questions" not in data:
        raise GradquizError(f"'{quiz_id}' is an exercise, not a quiz: submit a .py file for it", *where)
    return load_quiz(quiz_path, student, data, positions)


def check_answers(path, *, problems=(), quiz: str | None = None, student: str | None = None, grading: bool = True) -> Report:
    """Grade a quiz answers file (spec section 2)."""
    path = Path(path)
    answers, positions = read_answers(path)
    quiz_id = quiz or answers.quiz
    if not quiz_id:
        raise GradquizError("missing required key 'quiz' (the id of the quiz these answers are for)", path, 1)
    chosen = student_id(student) or answers.student or ""
    where = (path, positions.line_of(("quiz",)) if not quiz else None)
    loaded = find_quiz(quiz_id, problems, chosen, where)
    given = {str(k): v for k, v in (answers.answers or {}).items()}
    report = QuizReport(
        id=loaded.id,
        kind="quiz",
        title=loaded.title,
        file=str(path),
        results=grade_answers(loaded, given, include_hidden=grading),
        student=chosen,
    )
    _notes(report, loaded, answers, given, positions, path, grading)
    return report


def _notes(report, quiz, answers, given, positions, path, grading) -> None:
    ids = [q.id for q in quiz.questions]
    for key, original in zip(given, (answers.answers or {})):
        if key in ids:
            continue
        report.unknown.append(key)
        close = [i for i in ids if i.casefold() == key.casefold()] or difflib.get_close_matches(key, ids, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        line = positions.line_of(("answers", original))
        report.notes.append(f"{path}:{line}: answers.{key}: quiz '{quiz.id}' has no question '{key}'{hint}; this answer was not graded")
    if answers.student and report.student != answers.student:
        report.notes.append(f"these answers were given as student '{answers.student}' but were graded as '{report.student or '(default)'}'")
    hidden = sum(q.hidden for q in quiz.questions)
    if hidden and not grading:
        report.notes.append(f"{hidden} hidden question{'s' if hidden > 1 else ''} will be graded when your work is graded.")
