"""Grading: one typed answer (``grade_question``), a quiz's answers, and a whole answers file."""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path

import grader.quiz.edition as edition
from grader.errors import GradquizError
from grader.maths import grading_salt
from grader.problems import Positions, id_from_name, student_id
from grader.quiz.answers import read_answers
from grader.quiz.load import find_quiz
from grader.quiz.model import Outcome, Question, Quiz, Unreadable
from grader.quiz.schema import AnswersSpec
from grader.reports import Report, Result

MAX_UNKNOWN_NOTES = 10  # notes about answered ids the quiz does not have


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
        if isinstance(raw, float) and not math.isfinite(raw):  # YAML's .nan and .inf
            raise Unreadable("NaN and infinities are not answers: give a number")
        with q.reading():  # the quiz's helper functions (s(x)) may be typed
            value = q.kind.read(q, raw)
            extra["read_as"] = q.kind.show(q, value)
            outcome = q.kind.judge(q, value)
    except Unreadable as exc:
        outcome = Outcome(False, f"could not read your answer: {exc}", {"error": "unreadable"})
    except (TypeError, ValueError, ArithmeticError, RecursionError):
        # SymPy could not decide something about this answer (an order, a sign, a membership):
        # the answer is the student's, so it scores 0 with a reason, never a traceback.
        extra.pop("read_as", None)
        outcome = Outcome(False, "could not judge your answer: it cannot be compared reliably "
                                 "(write its numbers more simply)", {"error": "unreadable"})
    text = outcome.feedback
    if not outcome.passed and q.hint:
        text += f"\nHint: {q.hint.strip()}"
    score = float(q.spec.points) if outcome.passed else 0.0
    if not outcome.passed and outcome.fraction:
        score = round(float(q.spec.points) * min(max(outcome.fraction, 0.0), 1.0), 6)
    return Result(q.id, score, float(q.spec.points), outcome.passed, text, q.hidden, {**extra, **outcome.extra})


def grade_questions(quiz: Quiz, answers: dict, *, include_hidden: bool = True) -> list[Result]:
    """One Result per question (hidden ones only with ``include_hidden``), in the quiz's order."""
    return [grade_question(q, answers.get(q.id)) for q in quiz.questions if include_hidden or not q.hidden]


def check_answers(path, *, problems=(), quiz: str | None = None, student: str | None = None, grading: bool = False,
                  text: str | None = None) -> QuizReport:
    """Grade a quiz answers file (spec section 2); ``text``: its contents when the caller has read
    them already (``check`` reads every file through ``grader.problems.intake``).

    In grading mode the file is data only: the quiz is ``quiz`` (``--exercise``) or the file's
    name (``ID.yaml`` or ``ID.answers.yaml``), never its ``quiz:`` key; the student is ``student``
    or ``GRADQUIZ_STUDENT``, never its ``student:`` key; points come from the grading secret.
    """
    path = Path(path)
    answers, positions = read_answers(path, text)
    loaded = answers_quiz(path, answers, positions, problems=problems, quiz=quiz, student=student, grading=grading)
    return report_answers(loaded, answers, positions, file=path, grading=grading)


def answers_quiz(path: Path, answers: AnswersSpec, positions: Positions, *, problems=(), quiz: str | None = None,
                 student: str | None = None, grading: bool = False) -> Quiz:
    """The quiz an answers file is graded against, loaded for the student it is graded as."""
    if grading:
        quiz_id = quiz or id_from_name(path)
        chosen = student_id(student)
        where = (path, None)
    else:
        quiz_id = quiz or answers.quiz
        chosen = student_id(student) or answers.student or ""
        where = (path, positions.line_of(("quiz",)) if not quiz else None)
    if not quiz_id:
        raise GradquizError("missing required key 'quiz' (the id of the quiz these answers are for)", path, 1)
    salt = grading_salt() if grading else ()
    return find_quiz(quiz_id, problems, chosen, where, grading=grading, salt=salt)


def report_answers(quiz: Quiz, answers: AnswersSpec, positions: Positions | None = None, *, file: Path | str | None,
                   grading: bool, student: str | None = None) -> QuizReport:
    """The report of a quiz's answers with its notes (answers to questions the quiz does not have,
    the variant, hidden questions); ``file``: the answers file, or None for answers given as data."""
    given = {str(k): v for k, v in (answers.answers or {}).items()}
    report = QuizReport(
        id=quiz.id,
        kind="quiz",
        title=quiz.title,
        file=str(file) if file is not None else "",
        results=grade_questions(quiz, given, include_hidden=grading),
        student=quiz.student if student is None else student,
    )
    _notes(report, quiz, answers, given, positions or Positions(), file, grading)
    if grading and answers.quiz and answers.quiz != quiz.id:
        report.notes.append(
            f"the file's `quiz: {answers.quiz}` was not followed: grading mode grades the quiz named by "
            f"--exercise or the file name ('{quiz.id}')"
        )
    return report


def _notes(report, quiz, answers, given, positions, path, grading) -> None:
    ids = [q.id for q in quiz.questions]
    for key, original in zip(given, (answers.answers or {}), strict=False):
        if key in ids:
            continue
        report.unknown.append(key)
        if len(report.unknown) > MAX_UNKNOWN_NOTES:  # a file of thousands of made-up ids
            continue
        close = [i for i in ids if i.casefold() == key.casefold()] or difflib.get_close_matches(key, ids, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        where = f"{path}:{positions.line_of(('answers', original))}: " if path is not None else ""
        report.notes.append(f"{where}answers.{key}: quiz '{quiz.id}' has no question '{key}'{hint}; this answer was not graded")
    if len(report.unknown) > MAX_UNKNOWN_NOTES:
        where = f"{path}: " if path is not None else ""
        report.notes.append(f"{where}{len(report.unknown) - MAX_UNKNOWN_NOTES} more answers to questions quiz '{quiz.id}' does not have; not graded")
    if quiz.params and not report.student:
        from grader.problems import describe

        report.notes.append(
            f"no student id given: graded the default variant ({describe(quiz.params)}), which may not be yours; pick "
            "yours with --student ID or GRADQUIZ_STUDENT=ID, or a `student: ID` line in the answers file"
        )
    if answers.student and report.student != answers.student:
        report.notes.append(f"these answers were given as student '{answers.student}' but were graded as '{report.student or '(default)'}'")
    hidden = sum(q.hidden for q in quiz.questions)
    if hidden and not grading:
        report.notes.append(f"{hidden} hidden question{'s' if hidden > 1 else ''} will be graded when your work is graded.")
