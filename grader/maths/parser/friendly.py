"""Text-level forms people paste or type before the formula proper: LaTeX (``\\frac{1}{x}``,
``\\sqrt{x}``, ``\\pi``, ``\\sin x``, ``\\cdot``, ``\\left( \\right)``), a ``name =`` prefix
on a student's answer (``f'(x) = 2x``, ``y' = 2x``, ``dy/dx = 2x``) and a decimal comma
(``0,5``).  Each returns the plain text and a note saying what was done, so the reading can
be shown; nothing here evaluates anything.  Run before the lexer (``parser.reading``).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from grader.maths.functions import FUNCTIONS
from grader.maths.parser.syntax import MathSyntaxError

# \name -> text (functions keep a space so `\sin x` reads as `sin x`)
_LATEX_WORDS = {
    "pi": " pi ",
    "cdot": "*",
    "times": "*",
    "div": "/",
    "left": "",
    "right": "",
    "mathrm": "",
    "operatorname": "",
    "displaystyle": "",
    ",": " ",
    ";": " ",
    "!": "",
    ":": " ",
    " ": " ",
    "quad": " ",
    "exp": " exp ",
    "e": " e ",
}
_LATEX_FUNCS = {name for name in FUNCTIONS if name.isalpha()}
_LATEX_NAME = re.compile(r"\\([A-Za-z]+|[,;:! ])")
_FRACS = ("\\frac", "\\dfrac", "\\tfrac")


def from_latex(text: str) -> tuple[str, bool]:
    """(plain text, whether any LaTeX was read).  Raises MathSyntaxError on a broken command."""
    if "\\" not in text:
        return text, False
    out = _commands(text)
    out = out.replace("{", "(").replace("}", ")")
    return " ".join(out.split()), True


def _commands(text: str) -> str:
    pieces: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c != "\\":
            pieces.append(c)
            i += 1
            continue
        frac = next(
            (f for f in _FRACS if text.startswith(f, i) and not text[i + len(f): i + len(f) + 1].isalpha()), None
        )
        if frac:
            top, i = _braced(text, i + len(frac), frac)
            bottom, i = _braced(text, i, frac)
            pieces.append(f"(({_commands(top)})/({_commands(bottom)}))")
            continue
        if text.startswith("\\sqrt", i) and not text[i + 5: i + 6].isalpha():
            i += 5
            index: str | None = None
            if i < n and text[i] == "[":
                close = text.find("]", i)
                if close < 0:
                    raise MathSyntaxError("'\\sqrt[' is never closed with ']'", i)
                index, i = text[i + 1: close].strip(), close + 1
            inside, i = _braced(text, i, "\\sqrt")
            inner = _commands(inside)
            if index is None or index == "2":
                pieces.append(f" sqrt({inner})")
            else:
                pieces.append(f"(({inner})^(1/({_commands(index)})))")
            continue
        match = _LATEX_NAME.match(text, i)
        if not match:
            raise MathSyntaxError("a '\\' must start a LaTeX command such as \\frac or \\sqrt", i)
        word = match.group(1)
        if word in _LATEX_WORDS:
            pieces.append(_LATEX_WORDS[word])
        elif word in _LATEX_FUNCS:
            pieces.append(f" {word} ")
        else:
            raise MathSyntaxError(f"the LaTeX command '\\{word}' is not supported in a formula", i)
        i = match.end()
    return "".join(pieces)


def _braced(text: str, i: int, command: str) -> tuple[str, int]:
    """The text of the {...} group at i (a single character without braces also counts)."""
    n = len(text)
    while i < n and text[i] == " ":
        i += 1
    if i >= n:
        raise MathSyntaxError(f"'{command}' needs {{...}} after it", n)
    if text[i] != "{":
        return text[i], i + 1
    depth = 0
    for j in range(i, n):
        depth += text[j] == "{"
        depth -= text[j] == "}"
        if depth == 0:
            return text[i + 1: j], j + 1
    raise MathSyntaxError(f"the '{{' after '{command}' is never closed", i)


# --------------------------------------------------------------------------- answers


def drop_name_prefix(text: str, variables: Collection[str]) -> tuple[str, str | None]:
    """``f'(x) = 2x`` -> (``2x``, ``f'(x) =``): only a plausible name of the function on the left."""
    if "=" not in text:
        return text, None
    left, _, right = text.partition("=")
    if "=" in right or not right.strip():
        return text, None
    names = "|".join(re.escape(v) for v in variables) or "x"
    args = rf"\(\s*(?:{names})(?:\s*,\s*(?:{names}))*\s*\)"
    plausible = re.compile(
        rf"^\s*(?:[a-zA-Z]\s*'*\s*(?:{args})?|[a-zA-Z]\s*'+"
        rf"|d\s*[a-zA-Z]?\s*/\s*d\s*(?:{names})(?:\s*\(?\s*[a-zA-Z]\s*(?:{args})?\s*\)?)?"
        rf"|[a-zA-Z]_(?:{names})(?:{args})?|∂\s*[a-zA-Z]\s*/\s*∂\s*(?:{names}))\s*$"
    )
    stripped = left.strip()
    if stripped in variables:  # `x = 2`: not the name of a function
        return text, None
    if plausible.match(left):
        return right.strip(), stripped + " ="
    return text, None


_DECIMAL_COMMA = re.compile(r"(?<![\w.,)])(\d+),(\d+)(?![\d,.])")


def decimal_comma(text: str) -> tuple[str, bool]:
    """``0,5`` -> ``0.5`` where a comma can only be a decimal comma: one comma, between digits,
    no space after it, not inside a function's brackets (``log(x,2)``), and not three digits
    after a nonzero whole part (``1,000`` may be a thousand: refused, ask for a point)."""
    if text.count(",") != 1 or "(" in text.split(",")[0] and ")" in text.split(",")[1]:
        return text, False
    match = _DECIMAL_COMMA.search(text)
    if not match:
        return text, False
    whole, fraction = match.groups()
    if len(fraction) == 3 and whole.lstrip("0"):
        raise MathSyntaxError(
            f"'{match.group(0)}' could be a decimal or a thousand: write decimals with a point "
            f"({whole}.{fraction}) and no thousands separator",
            match.start(),
        )
    return text[: match.start()] + f"{whole}.{fraction}" + text[match.end():], True


def lower_case_suggestion(name: str, known: Collection[str]) -> str | None:
    """``Cos`` -> ``cos``, ``PI`` -> ``pi``: the known name that differs only in case."""
    folded = name.lower()
    if folded != name and (folded in known or folded in FUNCTIONS):
        return folded
    return None
