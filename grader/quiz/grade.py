"""Grading: one typed answer (``grade_question``), a quiz's answers, and a whole answers file."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import GradquizError
import grader.quiz.edition as edition
from grader.quiz.answers import read_answers
from grader.quiz.load import find_quiz
from grader.quiz.model import Outcome, Question, Quiz, Unreadable
from grader.reports import Report, Result
from grader.problems.variants import student_id


@dataclass
class QuizReport(Report):
    unknown: list[str] = field(default_factory=list)  # answered ids the quiz does not have

    @property
    def passed(self) -> bool:
        return not self.unknown and all(r.passed for r in self.results)

    @property
    def exit_code(self) -> int:
        """0 also when the answers are only recorded (a student edition): nothing failed."""
        return 0 if edition.only_recorded(self) else 1


def grade_question(q: Question, raw) -> Result:
    """One Result for one typed answer (None or '' is no answer)."""
    extra = {"kind": q.kind.name}
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Result(q.id, 0.0, float(q.spec.points), False, "no answer", q.hidden, {**extra, "error": "missing"})
    extra["answer"] = raw
    try:
        value = q.kind.read(q, raw)
        extra["read_as"] = q.kind.show(q, value)
        outcome = q.kind.judge(q, value)
    except Unreadable as exc:
        outcome = Outcome(False, f"could not read your answer: {exc}", {"error": "unreadable"})
    text = outcome.feedback
    if not outcome.passed and q.hint:
        text += f"\nHint: {q.hint.strip()}"
    score = float(q.spec.points) if outcome.passed else 0.0
    if not outcome.passed and outcome.fraction:
        score = round(float(q.spec.points) * min(max(outcome.fraction, 0.0), 1.0), 6)
    return Result(q.id, score, float(q.spec.points), outcome.passed, text, q.hidden, {**extra, **outcome.extra})


def grade_answers(quiz: Quiz, answers: dict, *, include_hidden: bool = True) -> list[Result]:
    return [grade_question(q, answers.get(q.id)) for q in quiz.questions if include_hidden or not q.hidden]


def check_answers(path, *, problems=(), quiz: str | None = None, student: str | None = None, grading: bool = True) -> Report:
    """Grade a quiz answers file (spec section 2)."""
    path = Path(path)
    answers, positions = read_answers(path)
    quiz_id = quiz or answers.quiz
    if not quiz_id:
        raise GradquizError("missing required key 'quiz' (the id of the quiz these answers are for)", path, 1)
    chosen = student_id(student) or answers.student or ""
    where = (path, positions.line_of(("quiz",)) if not quiz else None)
    loaded = find_quiz(quiz_id, problems, chosen, where)
    given = {str(k): v for k, v in (answers.answers or {}).items()}
    report = QuizReport(
        id=loaded.id,
        kind="quiz",
        title=loaded.title,
        file=str(path),
        results=grade_answers(loaded, given, include_hidden=grading),
        student=chosen,
    )
    _notes(report, loaded, answers, given, positions, path, grading)
    return report


def _notes(report, quiz, answers, given, positions, path, grading) -> None:
    ids = [q.id for q in quiz.questions]
    for key, original in zip(given, (answers.answers or {})):
        if key in ids:
            continue
        report.unknown.append(key)
        close = [i for i in ids if i.casefold() == key.casefold()] or difflib.get_close_matches(key, ids, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        line = positions.line_of(("answers", original))
        report.notes.append(f"{path}:{line}: answers.{key}: quiz '{quiz.id}' has no question '{key}'{hint}; this answer was not graded")
    if quiz.params and not report.student:
        from grader.problems.constraints import describe

        report.notes.append(
            f"no student id given: graded the default variant ({describe(quiz.params)}), which may not be yours; pick "
            "yours with --student ID or GRADQUIZ_STUDENT=ID, or a `student: ID` line in the answers file"
        )
    if answers.student and report.student != answers.student:
        report.notes.append(f"these answers were given as student '{answers.student}' but were graded as '{report.student or '(default)'}'")
    hidden = sum(q.hidden for q in quiz.questions)
    if hidden and not grading:
        report.notes.append(f"{hidden} hidden question{'s' if hidden > 1 else ''} will be graded when your work is graded.")
