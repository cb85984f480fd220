"""The YAML schema, validated once at the edge with pydantic.

``validate(Model, data, positions, path)`` returns the model or raises one
GradquizError naming file, line and key path, e.g.
``exercises/bad.yaml:7: tasks[0].kind: expected one of function, derivative, ... but got 'derivitive'``.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, field_validator, model_validator

from grader.errors import GradquizError
from grader.kinds import KINDS

Number = Union[int, float]
Formula = Union[StrictStr, int, float]  # a SymPy-syntax formula or a plain number
Bound = Formula  # a domain end: a number or an exact expression such as "pi/2"
IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"
NAME = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$"
Identifier = Annotated[StrictStr, Field(pattern=IDENTIFIER)]
Name = Annotated[StrictStr, Field(pattern=NAME)]
PATTERN_HELP = {  # what a pattern mismatch means, in words
    IDENTIFIER: "expected a Python name (letters, digits and _, not starting with a digit)",
    NAME: "expected an id of letters, digits, _, . and - (no spaces)",
}


def one_of(registry, value: str) -> str:
    """``value`` if it names a registered kind; the schema error lists the allowed ones."""
    if value not in registry:
        raise ValueError(f"expected one of {', '.join(registry)} but got {value!r}")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Param(Strict):
    choice: list[Number] | None = Field(None, min_length=1)
    integer: tuple[int, int] | None = None
    number: tuple[Number, Number] | None = None
    decimals: int = Field(2, ge=0, le=6)  # `number` draws are rounded to this many places

    @model_validator(mode="after")
    def _one_source(self):
        given = [k for k in ("choice", "integer", "number") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of choice, integer or number")
        return self


class Task(Strict):
    id: Name
    kind: StrictStr
    function: Identifier
    f: Formula | list[Formula]
    variables: list[Identifier] | None = None
    reference: Formula | list[Formula | list[Formula]] | None = None
    wrt: Identifier | None = None
    domain: tuple[Bound, Bound] | dict[Identifier, tuple[Bound, Bound]]
    at: list[Formula | list[Formula]] = []
    samples: int = Field(20, ge=0, le=1000)
    rtol: float = Field(1e-7, ge=0, le=1)
    atol: float = Field(1e-9, ge=0)
    points: float = Field(1, ge=0)
    timeout: float = Field(2.0, gt=0, le=600)
    hint: StrictStr | None = None
    call: Literal["scalars", "vector"] | None = None
    visibility: Literal["visible", "hidden"] = "visible"

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
        raise ValueError(f"expected a formula such as x**2 (a list of them for a jacobian), got {_short(value)}")

    @field_validator("reference", mode="before")
    @classmethod
    def _reference(cls, value):
        rows = value if isinstance(value, list) else [value]
        if value is None or all(_is_formula(r) or (isinstance(r, list) and all(map(_is_formula, r))) for r in rows):
            return value
        raise ValueError(f"expected a formula, a list of formulas or a list of rows of formulas, got {_short(value)}")

    @field_validator("domain", mode="before")
    @classmethod
    def _intervals(cls, value):
        if isinstance(value, dict):
            for name, interval in value.items():
                if not _is_interval(interval):
                    raise ValueError(f"expected an interval [low, high] for {name}, got {_short(interval)}")
        elif not _is_interval(value):
            raise ValueError(
                "expected an interval [low, high], or one per variable such as {x: [-1, 1], y: [0, 2]}, "
                f"got {_short(value)}"
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
    params: dict[Identifier, Param] = {}
    constraints: list[StrictStr] = []  # e.g. "a != b": redraw params until each holds
    hidden_checks: int = Field(0, ge=0)  # set by `gradquiz export`: hidden tasks left out
    student_edition: bool = False  # set by `gradquiz export`: references and hidden tasks removed
    tasks: list[Task] = Field(min_length=1)


def key_path(loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _clean_loc(loc) -> tuple:
    """Drop pydantic's union-branch labels (``str``, ``list[...]``...) from an error location."""
    return tuple(p for p in loc if isinstance(p, int) or not _is_type_label(p))


def _is_type_label(part: str) -> bool:
    return "[" in part or part in {"str", "int", "float", "bool", "tuple", "list", "dict"} or (
        part.startswith("function-") or part.startswith("constrained-")
    )


def describe_error(err: dict, model: type[BaseModel]) -> str:
    kind, got = err["type"], err.get("input")
    if kind == "extra_forbidden":
        name = err["loc"][-1]
        fields = _fields_at(model, err["loc"][:-1])
        close = difflib.get_close_matches(str(name), fields, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown key '{name}'{hint}"
    if kind == "missing":
        return f"missing required key '{err['loc'][-1]}'"
    if kind == "value_error":
        return str(err["ctx"]["error"])
    if kind == "string_pattern_mismatch" and err["ctx"]["pattern"] in PATTERN_HELP:
        return f"{PATTERN_HELP[err['ctx']['pattern']]}, got {_short(got)}"
    if kind == "too_short":
        least = err["ctx"]["min_length"]
        return f"expected at least {least} item{'s' if least != 1 else ''}, got {_short(got)}"
    message = err["msg"][0].lower() + err["msg"][1:]
    return f"{message}, got {_short(got)}"


def _fields_at(model, loc) -> list[str]:
    """Field names of the sub-model at ``loc`` (for 'did you mean')."""
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            break
        inner = field.annotation
        for candidate in (inner, *getattr(inner, "__args__", ())):
            for sub in (candidate, *getattr(candidate, "__args__", ())):
                if isinstance(sub, type) and issubclass(sub, BaseModel):
                    model = sub
    return list(model.model_fields)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validate(model: type[BaseModel], data: Any, positions, path):
    if data is None:
        raise GradquizError("the file is empty; expected a mapping of keys (id:, title:, ...)", path, 1)
    if not isinstance(data, dict):
        raise GradquizError("expected a mapping of keys (id:, title:, ...) at the top", path, 1)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = sorted(_typos_first(exc.errors()), key=lambda e: _rank(e, positions))
        err = errors[0]
        loc = _clean_loc(err["loc"])
        err = {**err, "loc": loc}
        where = key_path(loc)
        line = positions.line_of(loc)
        message = describe_error(err, model)
        raise GradquizError(f"{where}: {message}" if where else message, path, line) from None


def _typos_first(errors: list) -> list:
    """Drop "missing key 'domain'" where the same mapping has an unknown key: 'domian' is the mistake."""
    unknown = {_clean_loc(e["loc"])[:-1] for e in errors if e["type"] == "extra_forbidden"}
    kept = [e for e in errors if not (e["type"] == "missing" and _clean_loc(e["loc"])[:-1] in unknown)]
    return kept or errors


def _rank(err, positions):
    """Report the error that comes first in the file; prefer specific over union noise."""
    loc = _clean_loc(err["loc"])
    return (positions.line_of(loc) or 0, err["type"] in {"string_type", "list_type", "tuple_type", "dict_type"})
