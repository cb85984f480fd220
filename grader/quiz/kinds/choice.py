"""``choice``: pick one of ``choices``; the key is the 0-based index ``answer``."""

from __future__ import annotations

import re

from grader.quiz.model import Outcome, QuestionKind, Unreadable
from grader.quiz.typed import short, typed_text


class Choice(QuestionKind):
    name = "choice"
    fields = frozenset({"choices", "answer"})

    def compile(self, ctx):
        spec = ctx.spec
        for key in ("prompt", "choices", "answer"):
            if getattr(spec, key) is None:
                ctx.error(None, f"missing required key '{key}'")
        answer = spec.answer
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(spec.choices):
            ctx.error("answer", f"expected the 0-based index of the right choice (0 to {len(spec.choices) - 1}), got {answer!r}")
        return {"key": answer}

    def help_for(self, q):
        return f"Type the number of your choice (0 to {len(q.choices) - 1}), its letter (a to {LETTERS[len(q.choices) - 1]}) or its text."

    def read(self, q, raw):
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool):
            index = raw
        else:
            text = typed_text(raw)
            if re.fullmatch(r"[+-]?\d+", text):
                index = int(text)
            else:
                index = _by_letter_or_text(q, text)
        if not 0 <= index < len(q.choices):
            raise Unreadable(f"there is no choice {index}: choose 0 to {len(q.choices) - 1}")
        return index

    def show(self, q, value):
        return f"{value} ({q.choices[value]})"

    def save(self, q, raw, value):
        return value

    def judge(self, q, value):
        if value == q.key:
            return Outcome(True, f"Right: {q.choices[value]}.")
        if not q.reveal:  # grading mode: the key stays the instructor's
            return Outcome(False, f"Not \"{q.choices[value]}\".")
        return Outcome(False, f"Not \"{q.choices[value]}\". The answer is {q.key}: {q.choices[q.key]}.")

    def lint(self, q):
        folded = [c.casefold().strip() for c in q.choices]
        return [f"choices {folded.index(c)} and {i} are the same text" for i, c in enumerate(folded) if folded.index(c) != i]


LETTERS = "abcdefghijklmnopqrstuvwxyz"
LETTER = re.compile(r"^\(?([a-zA-Z])[).:]?$")


def _by_letter_or_text(q, text: str) -> int:
    """A choice by letter (b, B, b), (b)), by its text, or by an unambiguous start of its text."""
    folded = [_fold(c) for c in q.choices]
    typed = _fold(text)
    if typed in folded:
        return folded.index(typed)
    letter = LETTER.match(text.strip())
    if letter and len(q.choices) <= len(LETTERS):
        index = LETTERS.index(letter.group(1).lower())
        if index < len(q.choices):
            return index
        raise Unreadable(f"there is no choice {letter.group(1)}: choose a to {LETTERS[len(q.choices) - 1]}")
    starts = [i for i, c in enumerate(folded) if len(typed) >= 2 and c.startswith(typed)]
    if len(starts) == 1:
        return starts[0]
    if len(starts) > 1:
        which = " and ".join(repr(q.choices[i]) for i in starts[:3])
        raise Unreadable(f"{short(text)} starts {which}: type more of it, or the number of your choice")
    parts = [i for i, c in enumerate(folded) if len(typed) >= 3 and _part_of(typed, c)]  # "finite difference"
    if len(parts) == 1:
        return parts[0]
    if len(parts) > 1:
        which = " and ".join(f"{i} ({q.choices[i]!r})" for i in parts[:3])
        raise Unreadable(f"{short(text)} is part of choices {which}: type more of it, or the number of your choice")
    raise Unreadable(
        f"expected the number of a choice (0 to {len(q.choices) - 1}), its letter or its text, got {short(text)}"
    )


def _part_of(typed: str, choice: str) -> bool:
    """Whole words of the choice, in order: 'gradient ascent' in 'Use gradient ascent on f'."""
    return re.search(rf"(?<!\w){re.escape(typed)}(?!\w)", choice) is not None


def _fold(text) -> str:
    return " ".join(str(text).casefold().split()).rstrip(".").strip()
