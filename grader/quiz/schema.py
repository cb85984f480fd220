"""The quiz-file and answers-file schemas (pydantic, validated once as a file loads)."""

from __future__ import annotations

from typing import Any, Literal, Union

from pydantic import Field, StrictStr, field_validator

from grader.problems import Bound, Formula, Identifier, Name, Param, Strict, one_of
from grader.quiz.kinds import QUESTION_KINDS

Choice = Union[StrictStr, int, float]  # noqa: UP007 - a runtime alias pydantic reads


class QuestionSpec(Strict):
    id: Name
    kind: StrictStr
    prompt: StrictStr | None = None
    points: float = Field(1, ge=0)
    hint: StrictStr | None = None
    visibility: Literal["visible", "hidden"] = "visible"
    f: Formula | None = None
    at: Formula | None = None
    answer: Formula | list[Formula] | None = None
    choices: list[Choice] | None = Field(None, min_length=2)
    tolerance: float | None = Field(None, gt=0)
    variables: list[Identifier] | None = None
    domain: tuple[Bound, Bound] | dict[Identifier, tuple[Bound, Bound]] | None = None
    where: Literal["increasing", "decreasing"] | None = None
    partial: bool = False  # stationary_points, interval: credit for each point or piece found, less for extras
    reveal: bool | None = None  # grading mode's feedback shows the key (default: the quiz's `reveal`)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        return one_of(QUESTION_KINDS, value)


class QuizSpec(Strict):
    id: Name
    title: StrictStr
    intro: StrictStr = ""
    params: dict[Identifier, Param] = {}
    define: dict[Identifier, Formula] = {}  # helper functions of one variable: {s: "1/(1 + exp(-x))"}
    constraints: list[StrictStr] = []  # e.g. "a != b": params are redrawn until each holds (grader.problems.constraints)
    hidden_checks: int = Field(0, ge=0)  # set by `gradquiz export`: hidden questions left out
    student_edition: bool = False  # set by `gradquiz export`: answer keys left out, answers recorded
    reveal: bool = False  # grading mode's feedback shows every question's key (a question may say otherwise)
    questions: list[QuestionSpec] = Field(min_length=1)


class AnswersSpec(Strict):
    quiz: Name | None = None
    student: StrictStr | None = None
    answers: dict[StrictStr | int, Any] | None = None


# The keys every question may have; a kind allows its own `QuestionKind.fields` besides.
COMMON = frozenset({"id", "kind", "prompt", "points", "hint", "visibility", "reveal"})
