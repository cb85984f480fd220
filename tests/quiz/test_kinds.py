"""grader.quiz.kinds and each kind's module: the registry holds one object per kind; each kind
compiles its question from a quiz file written here, reads typed answers (refusing what is no
answer of its kind) and judges right and wrong ones. Loaded by grader.quiz.load, graded by
grader.quiz.grade.grade_question, in grader.quiz.model's types."""

from __future__ import annotations

import pytest

from grader.quiz.grade import grade_question
from grader.quiz.kinds import QUESTION_KINDS
from grader.quiz.kinds.choice import Choice
from grader.quiz.kinds.descent import Descent
from grader.quiz.kinds.expression import Expression
from grader.quiz.kinds.interval import Interval
from grader.quiz.kinds.number import Number, allowed_error
from grader.quiz.kinds.sign import Sign
from grader.quiz.kinds.stationary_points import StationaryPoints
from grader.quiz.load import load_quiz
from grader.quiz.model import Question, QuestionKind, Quiz, Unreadable, help_text

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

QUIZ = """\
id: k
title: Kinds
questions:
  - {id: sign, kind: sign, f: x**2, at: -0.5}
  - {id: descent, kind: descent, f: x**2, at: -0.5}
  - {id: choice, kind: choice, prompt: Which?, choices: [red, green], answer: 1}
  - {id: number, kind: number, f: x**2, at: 0.5}
  - {id: expression, kind: expression, f: x**3, points: 2}
  - {id: interval, kind: interval, f: x**3 - 3*x}
  - {id: stationary_points, kind: stationary_points, f: x**3 - 3*x}
"""

CASES = {  # kind: (class, right answer, wrong answer, junk)
    "sign": (Sign, "decreasing", "increasing", "sideways"),
    "descent": (Descent, "increase", "decrease", "sideways"),
    "choice": (Choice, "green", "red", "blue"),
    "number": (Number, "1", "-1", "one-ish"),
    "expression": (Expression, "3x^2", "x^4/4", "3x^^2"),
    "interval": (Interval, "(-oo, -1) U (1, oo)", "x > 0", "[[1"),
    "stationary_points": (StationaryPoints, "{-1, 1}", "1, 2", "{a, b"),
}


@pytest.fixture(scope="module")
def quiz(tmp_path_factory) -> Quiz:
    path = tmp_path_factory.mktemp("kinds") / "k.yaml"
    path.write_text(QUIZ)
    return load_quiz(path, "")


def test_the_registry_has_one_object_per_kind():
    assert set(QUESTION_KINDS) == set(CASES)
    for name, (cls, *_) in CASES.items():
        kind = QUESTION_KINDS[name]
        assert isinstance(kind, cls) and isinstance(kind, QuestionKind) and kind.name == name


def test_questions_compile_to_the_model(quiz):
    assert quiz.id == "k" and quiz.title == "Kinds" and [q.id for q in quiz.questions] == list(CASES)
    sign = quiz.questions[0]
    assert isinstance(sign, Question) and sign.key == "decreasing" and sign.slope == -1.0 and sign.x == "x"
    assert quiz.questions[4].points_label == "2 points" and sign.points_label == "1 point"
    assert sign.derivative_at(2) == 4.0
    assert help_text(sign) == "Type increasing, decreasing or stationary."


@pytest.mark.parametrize("name", list(CASES))
def test_right_wrong_and_junk_answers(quiz, name):
    q = next(q for q in quiz.questions if q.id == name)
    _, right, wrong, junk = CASES[name]
    graded = grade_question(q, right)
    assert graded.passed and graded.score == graded.max_score == q.spec.points, graded.feedback
    graded = grade_question(q, wrong)
    assert not graded.passed and graded.score == 0 and graded.feedback, name
    graded = grade_question(q, junk)
    assert not graded.passed and graded.extra.get("error") == "unreadable", graded.feedback
    assert graded.feedback.startswith(("could not read your answer: ", "could not judge your answer"))
    with pytest.raises(Unreadable):
        q.kind.read(q, junk)
    missing = grade_question(q, "  ")
    assert (missing.feedback, missing.extra["error"]) == ("no answer", "missing")


def test_feedback_says_why(quiz):
    sign, descent, choice = quiz.questions[:3]
    assert grade_question(sign, "increasing").feedback == (
        "Not increasing: f'(-0.5) = -1 is negative, so f is decreasing at x = -0.5.")
    assert "gradient descent steps against the derivative" in grade_question(descent, "decrease").feedback
    assert grade_question(choice, "B").passed  # by letter too
    assert grade_question(choice, "a").feedback == 'Not "red". The answer is 1: green.'


def test_allowed_error_of_a_number_question(quiz):
    number = quiz.questions[3]
    tolerance, said = allowed_error(number, 1.0)
    assert tolerance > 0 and "significant figures" in said
