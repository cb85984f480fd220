"""The JSON report (spec section 4, plus the keys of section 6)."""

from __future__ import annotations

import json
import math
from typing import TypeAlias

from grader.reports.model import Report

JsonValue: TypeAlias = "None | bool | str | int | float | list[JsonValue] | dict[str, JsonValue]"
MAX_DEPTH = 50  # nesting kept of a value that came from a student (an answer, a reply)


def render_json(report: Report) -> str:
    return json.dumps(json_safe(report.to_dict()), indent=2, allow_nan=False) + "\n"


def json_safe(value: object, depth: int = 0) -> JsonValue:
    """``value`` as strict JSON data: NaN and infinities as the strings "nan", "inf" and "-inf"
    (JSON has no such numbers), keys as strings, NumPy values as lists and numbers, anything
    else (bytes, dates, sets, SymPy numbers) as its text, nesting cut at MAX_DEPTH. A student's answer or reply can hold any of these."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else ("nan" if value != value else "inf" if value > 0 else "-inf")
    if depth >= MAX_DEPTH:
        return "..."
    if isinstance(value, dict):
        return {str(k): json_safe(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v, depth + 1) for v in value]
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):  # NumPy numbers and arrays
        return json_safe(value.tolist(), depth)
    return str(value)
