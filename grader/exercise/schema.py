"""The exercise file's schema (spec section 1), validated once at the edge with pydantic.

``problems.schema.validate(Exercise, data, positions, path)`` returns the model or raises one
GradquizError naming file, line and key path.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictStr, field_validator

from grader.exercise.kinds import KINDS
from grader.problems import Bound, Formula, Identifier, Name, Param, Strict, key_path, one_of, short_repr, validate  # noqa: F401  (one import for the exercise's users)


class Task(Strict):
    id: Name
    kind: StrictStr
    function: Identifier
    f: Formula | list[Formula] | None = None  # required by every kind but the methods' (kinds.METHODS)
    # names, or names and shapes of array parameters: {W: [3, 2], b: [2]} (gradient and function tasks)
    variables: list[Identifier] | dict[Identifier, list[Annotated[int, Field(ge=1, le=64)]]] | None = None
    reference: Formula | list[Formula | list[Formula]] | None = None
    wrt: Identifier | None = None
    domain: tuple[Bound, Bound] | dict[Identifier, tuple[Bound, Bound]] | None = None
    at: list[Formula | list[Formula]] = []
    samples: int = Field(20, ge=0, le=1000)
    rtol: float = Field(1e-7, ge=0, le=1)
    atol: float = Field(1e-9, ge=0)
    points: float = Field(1, ge=0)
    timeout: float = Field(2.0, gt=0, le=600)
    hint: StrictStr | None = None
    call: Literal["scalars", "vector"] | None = None
    visibility: Literal["visible", "hidden"] = "visible"
    partial: bool = False  # gradient, hessian, jacobian: points shared by component or entry
    # the methods' kinds (spec section 6): numerical_derivative, numerical_gradient, autodiff, gradient_descent
    functions: list[Formula] | None = None  # the f passed to the student's function
    h: list[Annotated[float, Field(gt=0, le=1)]] = []  # steps
    order: Literal[1, 2] | None = None  # the order of accuracy asked for (default 2)
    uses: list[Identifier] = []  # autodiff: names the student's file defines for its own numbers
    start: list[Formula | list[Formula]] = []  # gradient_descent: starting points
    lr: list[Annotated[float, Field(gt=0, le=100)]] = []  # gradient_descent: learning rates
    steps: list[Annotated[int, Field(ge=0, le=100_000)]] = []  # gradient_descent: numbers of steps
    data: dict[Identifier, Formula | list] | None = None  # array tasks: fixed arrays after the parameters

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        return one_of(KINDS, value)

    # Shape checks before pydantic's own, whose union errors read "input should be a
    # valid integer" for a formula, or "domain[1]: missing required key '1'" for [0].
    @field_validator("f", mode="before")
    @classmethod
    def _formulas(cls, value):
        if _is_formula(value) or (isinstance(value, list) and all(map(_is_formula, value))):
            return value
        raise ValueError(f"expected a formula such as x**2 (a list of them for a jacobian), got {short_repr(value)}")

    @field_validator("reference", mode="before")
    @classmethod
    def _reference(cls, value):
        rows = value if isinstance(value, list) else [value]
        if value is None or all(_is_formula(r) or (isinstance(r, list) and all(map(_is_formula, r))) for r in rows):
            return value
        raise ValueError("expected a formula, a list of formulas or a list of rows of formulas, "
                         f"got {short_repr(value)}")

    @field_validator("domain", mode="before")
    @classmethod
    def _intervals(cls, value):
        if isinstance(value, dict):
            for name, interval in value.items():
                if not _is_interval(interval):
                    raise ValueError(f"expected an interval [low, high] for {name}, got {short_repr(interval)}")
        elif not _is_interval(value):
            raise ValueError(
                "expected an interval [low, high], or one per variable such as {x: [-1, 1], y: [0, 2]}, "
                f"got {short_repr(value)}"
            )
        return value


def _is_formula(value) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _is_interval(value) -> bool:
    return isinstance(value, (list, tuple)) and len(value) == 2 and all(map(_is_formula, value))


class Exercise(Strict):
    id: Name
    title: StrictStr
    intro: StrictStr = ""
    forbid: list[Identifier] = []
    allow: list[Identifier] = []  # packages the submission may import beyond numpy and the stdlib
    params: dict[Identifier, Param] = {}
    constraints: list[StrictStr] = []  # e.g. "a != b": redraw params until each holds
    hidden_checks: int = Field(0, ge=0)  # set by `gradquiz export`: hidden tasks left out
    student_edition: bool = False  # set by `gradquiz export`: references and hidden tasks removed
    tasks: list[Task] = Field(min_length=1)

    @field_validator("forbid")
    @classmethod
    def _forbiddable(cls, value):
        if "numpy" in value:
            raise ValueError("numpy cannot be forbidden: the sandbox returns every value through it, so it is in "
                             "every child's memory")
        return value

    @field_validator("allow")
    @classmethod
    def _not_forbidden(cls, value, info):
        both = sorted(set(value) & set(info.data.get("forbid") or ()))
        if both:
            raise ValueError(f"{', '.join(both)} cannot be both allowed and forbidden")
        return value


ExerciseSpec = Exercise  # its name outside this wing, where grader.exercise.Exercise is a loaded exercise
