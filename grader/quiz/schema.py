"""The quiz-file and answers-file schemas (pydantic, validated once as a file loads)."""

from __future__ import annotations

from typing import Any, Literal, Union

from pydantic import Field, StrictStr, field_validator

from grader.problems import schema
from grader.quiz.kinds import QUESTION_KINDS

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
    partial: bool = False  # stationary_points, interval: credit for each point or piece found, less for extras
    reveal: bool | None = None  # grading mode's feedback shows the key (default: the quiz's `reveal`)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        return schema.one_of(QUESTION_KINDS, value)


class QuizSpec(schema.Strict):
    id: schema.Name
    title: StrictStr
    intro: StrictStr = ""
    params: dict[schema.Identifier, schema.Param] = {}
    define: dict[schema.Identifier, schema.Formula] = {}  # helper functions of one variable: {s: "1/(1 + exp(-x))"}
    constraints: list[StrictStr] = []  # e.g. "a != b": params are redrawn until each holds (grader.problems.constraints)
    hidden_checks: int = Field(0, ge=0)  # set by `gradquiz export`: hidden questions left out
    student_edition: bool = False  # set by `gradquiz export`: answer keys left out, answers recorded
    reveal: bool = False  # grading mode's feedback shows every question's key (a question may say otherwise)
    questions: list[QuestionSpec] = Field(min_length=1)


class AnswersSpec(schema.Strict):
    quiz: schema.Name | None = None
    student: StrictStr | None = None
    answers: dict[Union[StrictStr, int], Any] | None = None


# The keys every question may have; a kind allows its own `QuestionKind.fields` besides.
COMMON = frozenset({"id", "kind", "prompt", "points", "hint", "visibility", "reveal"})
