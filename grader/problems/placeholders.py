"""``{name}`` placeholders in the text students read: prompts, choices, hints, intros, titles.

``fill(text, values)`` replaces ``{a}`` by the student's value of param ``a`` (and any
other named value given, such as a question's ``{f}``); other braces are left alone.
A negative value is put in parentheses, so ``{a}x`` with a = -2 reads ``(-2)x`` and
``x^{a}`` reads ``x^(-2)``.
"""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill(text: str | None, values: dict, show=None) -> str | None:
    """``text`` with each known ``{name}`` replaced; ``show`` turns a value into text
    (default: as an author would type it, ``grader.problems.constraints.show_value``)."""
    if text is None:
        return None
    if show is None:
        from grader.problems.constraints import show_value as show

    def replace(match):
        name = match.group(1)
        if name not in values:
            return match.group(0)
        value = values[name]
        return value if isinstance(value, str) else bracketed(show(value))

    return PLACEHOLDER.sub(replace, text)


def bracketed(shown: str) -> str:
    """A number's text, in parentheses when it starts with a minus sign."""
    return f"({shown})" if shown.startswith("-") else shown
