"""What every problem file's schema shares: strict models, params, and errors that name the place.

``validate(Model, data, positions, path)`` returns the model or raises one
GradquizError naming file, line and key path, e.g.
``exercises/bad.yaml:7: tasks[0].kind: expected one of function, derivative, ... but got 'derivitive'``.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, model_validator

from grader.errors import GradquizError
from grader.maths import shorten

Number = Union[int, float]  # noqa: UP007 - a runtime alias pydantic reads
Formula = Union[StrictStr, int, float]  # noqa: UP007 - a SymPy-syntax formula or a plain number
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
        return f"{PATTERN_HELP[err['ctx']['pattern']]}, got {short_repr(got)}"
    if kind == "too_short":
        least = err["ctx"]["min_length"]
        return f"expected at least {least} item{'s' if least != 1 else ''}, got {short_repr(got)}"
    message = err["msg"][0].lower() + err["msg"][1:]
    return f"{message}, got {short_repr(got)}"


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


def short_repr(value: Any) -> str:
    return shorten(repr(value), 60)


def validate(model: type[BaseModel], data: Any, positions, path):
    """The model, or a GradquizError for the first mistake in the file (``errors`` lists them all)."""
    spec, found = check(model, data, positions, path)
    if found:
        raise found[0]
    return spec


def check(model: type[BaseModel], data: Any, positions, path):
    """(the model or None, every schema mistake as a GradquizError, in file order: one per key path)."""
    if data is None:
        return None, [GradquizError("the file is empty; expected a mapping of keys (id:, title:, ...)", path, 1)]
    if not isinstance(data, dict):
        return None, [GradquizError("expected a mapping of keys (id:, title:, ...) at the top", path, 1)]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        errors = sorted(_typos_first(exc.errors()), key=lambda e: _rank(e, positions))
    found, seen = [], set()
    for err in errors:
        loc = _clean_loc(err["loc"])
        if any(loc[: len(other)] == other for other in seen):
            continue  # one mistake per place: pydantic reports each branch of a union
        seen.add(loc)
        where = key_path(loc)
        message = describe_error({**err, "loc": loc}, model)
        found.append(GradquizError(f"{where}: {message}" if where else message, path, positions.line_of(loc)))
    return None, found


def _typos_first(errors: list) -> list:
    """Drop "missing key 'domain'" where the same mapping has an unknown key: 'domian' is the mistake."""
    unknown = {_clean_loc(e["loc"])[:-1] for e in errors if e["type"] == "extra_forbidden"}
    kept = [e for e in errors if not (e["type"] == "missing" and _clean_loc(e["loc"])[:-1] in unknown)]
    return kept or errors


def _rank(err, positions):
    """Report the error that comes first in the file; prefer specific over union noise."""
    loc = _clean_loc(err["loc"])
    return (positions.line_of(loc) or 0, err["type"] in {"string_type", "list_type", "tuple_type", "dict_type"})
