"""Typed answers read as text, numbers and words; numbers shown for people."""

from __future__ import annotations

import re

import sympy

from grader.maths import MathSyntaxError, Reading, attempt, fmt, format_math, parse_math, read_math, shorten
from grader.quiz.model import Unreadable

MAX_ANSWER = 2000  # characters in one typed answer


def finite(value: float) -> bool:
    return value == value and abs(value) != float("inf")


def show_number(value) -> str:
    """A number for people: 2, 0.75, 1/3, sqrt(2)/2."""
    if isinstance(value, (int, float)):
        return fmt(value)
    value = sympy.sympify(value) if not isinstance(value, sympy.Basic) else value
    if isinstance(value, sympy.Rational) and _terminating(value.q):
        return format(float(value), ".15g") if len(str(value.p)) < 16 else format_math(value)
    return format_math(value)


def _terminating(q: int) -> bool:
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


def typed_text(raw) -> str:
    """A typed answer as text (YAML may have made it a number)."""
    if isinstance(raw, bool):
        raise Unreadable(f"expected an answer, got {str(raw).lower()} (quote it in YAML)")
    if isinstance(raw, float):
        return repr(raw)
    if not isinstance(raw, (str, int)):
        raise Unreadable(f"expected one answer, got {short(raw)}")
    text = str(raw).strip()
    if len(text) > MAX_ANSWER:
        raise Unreadable(f"the answer is too long ({len(text)} characters; at most {MAX_ANSWER})")
    return text


def short(value) -> str:
    """An answer quoted in a message: its repr, at most 40 characters."""
    return shorten(repr(value), 40)


def parse_typed(text: str, symbols=(), constants=None) -> sympy.Expr:
    try:
        return parse_math(text, symbols=symbols, constants=constants, max_length=MAX_ANSWER)
    except MathSyntaxError as exc:
        raise Unreadable(str(exc)) from None


def read_typed(text: str, symbols=(), constants=None) -> Reading:
    """A student's typed formula with how it was read (grouping, LaTeX, a ``f'(x) =`` prefix)."""
    try:
        return read_math(text, symbols=symbols, constants=constants, max_length=MAX_ANSWER, answer=True)
    except MathSyntaxError as exc:
        raise Unreadable(str(exc)) from None


_CALL_ARGS = re.compile(r"\b[A-Za-z]\w*'*\(\s*([a-z](?:\s*,\s*[a-z])*)\s*\)")
_LONE = re.compile(r"(?<![\w'])([xyztuvwsrnkmpq])(?![\w('])")


def prompt_variables(prompt: str) -> tuple[str, ...]:
    """Variables a prompt names: the arguments in f(x), g(t, s) and lone letters such as x or t."""
    names = [n.strip() for m in _CALL_ARGS.finditer(prompt) for n in m.group(1).split(",")]
    names += _LONE.findall(prompt)
    return tuple(dict.fromkeys(names))


def real_number(expr: sympy.Expr) -> float:
    if expr.free_symbols:
        raise Unreadable(f"expected a number, not a formula in {', '.join(sorted(s.name for s in expr.free_symbols))}")
    value = attempt(lambda: complex(expr.evalf(30)))
    if value is None or not finite(value.real):
        raise Unreadable("the number is too large to work with")
    if abs(value.imag) > 1e-12 * max(1.0, abs(value.real)):
        raise Unreadable("expected a real number")
    return value.real


# One vocabulary for the direction questions (sign and descent): what a student may type
# for "goes up", "goes down" and "stays", each kind naming the three its own way.
TREND_WORDS = {
    **dict.fromkeys(
        ["increasing", "increase", "increases", "increased", "inc", "incr", "up", "rising", "rises", "rise", "growing", "grows", "larger", "bigger", "right", "+", "↑", "ascending", "climbing"]
        + ["goes up", "going up", "went up", "increase x", "x increases", "it increases", "moves right", "moving right",
           "gets bigger", "getting bigger", "gets larger", "to the right", "x goes up"],
        "up",
    ),
    **dict.fromkeys(
        ["decreasing", "decrease", "decreases", "decreased", "dec", "decr", "down", "falling", "falls", "fall", "shrinking", "shrinks", "smaller", "left", "-", "↓", "descending"]
        + ["goes down", "going down", "went down", "decrease x", "x decreases", "it decreases", "moves left", "moving left",
           "gets smaller", "getting smaller", "to the left", "x goes down"],
        "down",
    ),
    **dict.fromkeys(
        ["stationary", "constant", "flat", "stay", "stays", "unchanged", "none", "neither", "stop", "stops", "zero", "0", "critical"]
        + ["stationary point", "stay put", "no change", "does not change", "doesn't change", "not changing", "x stays",
           "stays the same", "staying", "neither increasing nor decreasing", "flat there"],
        "flat",
    ),
}


def fold_word(text: str) -> str:
    """Lower case, single spaces, no trailing full stop or quotes: 'Decreasing.' -> 'decreasing'."""
    folded = " ".join(text.lower().split()).strip("\"'`")
    return folded.rstrip(".!").strip() or folded


def typed_word(text: str, words: dict[str, str], expected: str) -> str:
    key = fold_word(text)
    if key in words:
        return words[key]
    raise Unreadable(f"expected {expected}, got {short(text)}")


def trend_word(text: str, names: dict[str, str], expected: str, extra: dict | None = None) -> str:
    """A direction word in the shared vocabulary, named as the kind names it (``names``: up/down/flat)."""
    key = fold_word(text)
    for form in (key, TREND_LEAD.sub("", key)):  # "f is increasing", "it will decrease x"
        if extra and form in extra:
            return extra[form]
        if form in TREND_WORDS:
            return names[TREND_WORDS[form]]
    raise Unreadable(f"expected {expected}, got {short(text)}")


TREND_LEAD = re.compile(r"^(?:(?:f|it|x|the function|the step|gradient descent)\s+)?(?:is|will|would|'s|s|it's)\s+|^it's\s+")


def top_level_commas(text: str, brackets: str = "([{") -> list[str]:
    """``text`` split at the commas outside brackets: 'sqrt(2)/2, -1' -> two pieces, '(0, 1)' one."""
    opening, closing = brackets, {"(": ")", "[": "]", "{": "}"}
    closers = "".join(closing[c] for c in opening)
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        depth += c in opening
        depth -= c in closers
        if c == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out
