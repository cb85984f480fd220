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
        return f"Type the number of your choice (0 to {len(q.choices) - 1})."

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
                folded = [c.casefold().strip() for c in q.choices]
                if text.casefold() not in folded:
                    raise Unreadable(f"expected the number of a choice (0 to {len(q.choices) - 1}), got {short(text)}")
                index = folded.index(text.casefold())
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
        return Outcome(False, f"Not \"{q.choices[value]}\". The answer is {q.key}: {q.choices[q.key]}.")

    def lint(self, q):
        folded = [c.casefold().strip() for c in q.choices]
        return [f"choices {folded.index(c)} and {i} are the same text" for i, c in enumerate(folded) if folded.index(c) != i]
