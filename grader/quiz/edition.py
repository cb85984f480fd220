"""The student edition of a quiz: no answer keys, answers recorded rather than judged.

A quiz's student edition (``student_edition: true``, written by ``gradquiz export``)
keeps every question and prompt but no answer key or hint. It loads with stand-in keys
and each question's kind wrapped in ``Recorded``: a typed answer is still read (so a
typo is caught at once) but never judged. ``check`` reports it as "recorded, graded
later": score 0 of the question's points, ``"status": "recorded"``, and exit 0 when
nothing else is wrong. The instructor's full file grades the same answers file.
"""

from __future__ import annotations

from dataclasses import replace

from grader.quiz.model import Outcome

# What an answer key is replaced by while a student edition loads: it is never judged.
STAND_INS = {"choice": 0, "number": 0, "expression": "0", "interval": "all", "stationary_points": "none"}
RECORDED = "Recorded: {answer}. It is graded later with the instructor's answer key."
# Grading mode refuses a student edition: its answers could only be recorded, and would earn nothing or everything.
UNGRADABLE = ("quiz '{id}' is a student edition (no answer keys): grading mode cannot grade its answers; "
              "give the instructor's quiz file (--problems, GRADQUIZ_PATH)")


def is_edition(data) -> bool:
    return isinstance(data, dict) and data.get("student_edition") is True


def with_stand_ins(data: dict) -> dict:
    """A student edition's data with stand-in keys, so that its questions compile."""
    questions = []
    for q in data.get("questions") or []:
        if isinstance(q, dict) and "answer" not in q and q.get("kind") in STAND_INS:
            if q.get("kind") == "choice" or "f" not in q:
                q = {**q, "answer": STAND_INS[q["kind"]]}
        questions.append(q)
    return {**data, "questions": questions}


class Recorded:
    """A question kind that reads and records an answer, and never judges it."""

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def judge(self, q, value):
        return Outcome(False, RECORDED.format(answer=self.inner.show(q, value)), {"status": "recorded"})

    def lint(self, q) -> list[str]:
        return []


def recorded(questions) -> tuple:
    return tuple(replace(q, kind=Recorded(q.kind)) for q in questions)


def only_recorded(report) -> bool:
    """Nothing failed: every result passed or is an answer recorded for later grading."""
    return not getattr(report, "unknown", None) and all(
        r.passed or r.extra.get("status") == "recorded" for r in report.results
    )
