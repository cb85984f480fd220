"""A loaded quiz, its questions, and the protocol every question kind follows.

A question kind compiles a question's spec (``compile``), reads a typed answer
(``read``, raising ``Unreadable``), shows what it read (``show``), says what the
answers file keeps (``save``), judges it (``judge`` -> ``Outcome``) and lists what
``gradquiz validate`` should warn about (``lint``).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sympy

from grader.maths import attempt, symbol

# ``QuestionSpec``/``QuizSpec`` (grader.quiz.schema) and ``Context`` (grader.quiz.context) appear
# in annotations only, as names: the schema imports the registry, which imports the kinds, which
# import this model, so importing them here, even for type checkers, would close a circle.


@dataclass(frozen=True)
class Question:
    spec: QuestionSpec  # noqa: F821 (see above)
    kind: QuestionKind
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
    functions: dict = field(default_factory=dict)  # the quiz's `define:` helpers (name -> MathFunction)
    f_shown: str | None = None  # f as the author wrote it with those helpers (s(2x)), for prompts
    reveal: bool = True  # the feedback may show the key (grading mode hides it unless the file says `reveal: true`)

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

    @property
    def points_label(self) -> str:
        """What the question is worth: 1 point, 2 points, 0.5 points."""
        return f"{self.spec.points:g} point{'s' if self.spec.points != 1 else ''}"

    @property
    def f_text(self) -> str:
        """f as people write it, for prompts: ``x^3``, ``e^(-x)``, ``s(2x)`` (a quiz's helper)."""
        from grader.maths import written

        return self.f_shown or written(self.f)

    def reading(self) -> AbstractContextManager[None]:
        """A context in which this question's formulas may call the quiz's helper functions."""
        from grader.maths import helpers

        return helpers(self.functions)

    def derivative_at(self, value) -> float | None:
        """f'(value) as a float, or None when it cannot be worked out."""
        return attempt(lambda: float(sympy.diff(self.f, symbol(self.x)).evalf(20, subs={symbol(self.x): value})))


@dataclass(frozen=True)
class Quiz:
    spec: QuizSpec  # noqa: F821 (see above)
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
    fraction: float | None = None  # partial credit (0..1) when the question allows it; None: all or nothing


class QuestionKind:
    """One kind of question: how to compile it, read a typed answer and judge it."""

    name = ""
    fields: frozenset = frozenset()  # allowed besides id, kind, prompt, points, hint, visibility
    tolerance = 1e-6
    help = ""  # how to type an answer, shown by `gradquiz quiz`
    preview = False  # show "read as: ..." and ask to confirm

    def help_for(self, q: Question) -> str:
        """How to type an answer to this question."""
        return self.help

    def compile(self, ctx: Context) -> dict:  # noqa: F821 (see above)
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


def help_text(q: Question) -> str:
    """How to type an answer to this question."""
    return q.kind.help_for(q)
