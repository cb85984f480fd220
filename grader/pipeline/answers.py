"""A quiz's side of the seam: ``grade_answers(quiz, answers, ...) -> QuizReport``.

``answers`` is what an answers file held (an ``AnswersSpec`` with its ``positions``, so that a
note can name the line) or plain data (``{question id: answer}``, as a notebook passes it, graded
directly: no file is written and read back). A quiz runs no submitted code: its report says so
(``QUIZ_ISOLATION``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.errors import GradquizError

if TYPE_CHECKING:
    from grader.problems import Positions
    from grader.quiz import AnswersSpec, Quiz, QuizReport

# A quiz runs no submitted code: what the JSON report's `isolation` says for one.
QUIZ_ISOLATION = {"code": "none: a quiz runs no submitted code; answers are data, read without eval"}


def grade_answers(quiz: Quiz, answers: AnswersSpec | Mapping[Any, Any], *, positions: Positions | None = None,
                  file: Path | str | None = None, grading: bool = False, student: str | None = None) -> QuizReport:
    """The report of ``answers`` to ``quiz`` (compiled for the student graded); ``file``: the answers
    file the notes name with their line, None for answers given as data."""
    from grader.quiz import AnswersSpec, report_answers

    spec = answers if isinstance(answers, AnswersSpec) else answers_spec(quiz.id, answers)
    report = report_answers(quiz, spec, positions, file=file, grading=grading, student=student)
    report.isolation = dict(QUIZ_ISOLATION)
    return report


def answers_spec(quiz_id: str, answers: Mapping[Any, Any]) -> AnswersSpec:
    """Answers given as data, as an answers file would hold them: ids as text, each answer a number,
    a text, a list of them or nothing (a GradquizError names the first that is none of these)."""
    from grader.quiz import AnswersSpec

    if not isinstance(answers, Mapping):
        raise GradquizError(f"answers: expected a mapping of question id to answer, not {type(answers).__name__}")
    return AnswersSpec(quiz=quiz_id, answers={str(k): _plain(v, str(k)) for k, v in answers.items()})


def _plain(value: Any, key: str) -> Any:
    """The answer as YAML would give it back: tuples as lists, NumPy's scalars as Python's."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item, key) for item in value]
    item = getattr(value, "item", None)  # a NumPy scalar
    if callable(item) and getattr(value, "shape", None) == ():
        return _plain(item(), key)
    raise GradquizError(f"answers['{key}']: give a number, a text or a list of them, not a {type(value).__name__}")

