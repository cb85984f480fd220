"""``{name}`` placeholders in the text students read: prompts, choices, hints, intros, titles.

``fill(text, values)`` replaces ``{a}`` by the student's value of param ``a`` (and any
other named value given, such as a question's ``{f}``); other braces are left alone.
A negative value is put in parentheses, so ``{a}x`` with a = -2 reads ``(-2)x`` and
``x^{a}`` reads ``x^(-2)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill(text: str | None, values: Mapping[str, object], show: Callable[[Any], str] | None = None) -> str | None:
    """``text`` with each known ``{name}`` replaced; ``show`` turns a value into text
    (default: as an author would type it, ``grader.problems.constraints.show_value``)."""
    if text is None:
        return None
    if show is None:
        from grader.problems.constraints import show_value

        show = show_value
    shown: Callable[[Any], str] = show

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        value = values[name]
        return value if isinstance(value, str) else bracketed(shown(value))

    return PLACEHOLDER.sub(replace, text)


def bracketed(shown: str) -> str:
    """A number's text, in parentheses when it starts with a minus sign."""
    return f"({shown})" if shown.startswith("-") else shown
