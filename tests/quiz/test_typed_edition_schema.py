"""grader.quiz.typed (reading typed answers: numbers, words, commas), grader.quiz.edition (a
student edition records answers, never judges them), grader.quiz.schema (the quiz file's and the
answers file's fields, errors at their line) and grader.quiz.context (through a question's
compile: the function and the point it asks about)."""

from __future__ import annotations

import math

import pytest
import sympy

from grader.errors import GradquizError
from grader.problems.fields import Where
from grader.problems.schema import validate
from grader.problems.yamlio import Positions, load_yaml
from grader.quiz.context import Context, domain_of, one_variable, slope_at
from grader.quiz.edition import RECORDED, is_edition, only_recorded, with_stand_ins
from grader.quiz.grade import QuizReport, grade_question
from grader.quiz.load import load_quiz
from grader.quiz.model import Unreadable
from grader.quiz.schema import AnswersSpec, QuestionSpec, QuizSpec
from grader.quiz.typed import (
    fold_word,
    prompt_variables,
    real_number,
    show_number,
    top_level_commas,
    trend_word,
    typed_text,
)

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass


def test_numbers_are_shown_as_people_write_them():
    assert show_number(2.0) == "2" and show_number(sympy.Rational(3, 4)) == "0.75"
    assert show_number(sympy.Rational(1, 3)) == "1/3" and show_number(sympy.sqrt(2) / 2) == "sqrt(2)/2"


def test_typed_text_refuses_what_is_no_single_answer():
    assert typed_text("  3x ") == "3x" and typed_text(0.5) == "0.5" and typed_text(2) == "2"
    with pytest.raises(Unreadable, match=r"^expected an answer, got true \(quote it in YAML\)$"):
        typed_text(True)
    with pytest.raises(Unreadable, match=r"^expected one answer, got \[1, 2\]$"):
        typed_text([1, 2])
    with pytest.raises(Unreadable, match="the answer is too long"):
        typed_text("x" * 100_000)


def test_words_numbers_and_commas():
    names = {"up": "increasing", "down": "decreasing", "flat": "stationary"}
    assert trend_word("  Goes UP. ", names, "a direction") == "increasing"
    assert trend_word("↓", names, "a direction") == "decreasing"
    with pytest.raises(Unreadable, match=r"^expected a direction, got 'sideways'$"):
        trend_word("sideways", names, "a direction")
    assert fold_word("'Decreasing.'") == "decreasing"
    assert real_number(sympy.pi) == pytest.approx(math.pi)
    with pytest.raises(Unreadable, match="expected a number, not a formula in x"):
        real_number(sympy.Symbol("x") + 1)
    with pytest.raises(Unreadable, match="expected a real number"):
        real_number(sympy.I)
    assert top_level_commas("sqrt(2)/2, -1") == ["sqrt(2)/2", " -1"]
    assert top_level_commas("(0, 1), {2, 3}") == ["(0, 1)", " {2, 3}"]
    assert prompt_variables("What is g'(t, s) when x = 1?") == ("t", "s", "x")


EDITION = """\
id: e
title: E
student_edition: true
questions:
  - {id: c, kind: choice, prompt: Which?, choices: [red, green]}
  - {id: n, kind: number, prompt: How many?}
  - {id: s, kind: sign, f: x**2, at: 1}
"""


def test_a_student_edition_records_answers_and_never_judges(tmp_path):
    path = tmp_path / "e.yaml"
    path.write_text(EDITION)
    data, _ = load_yaml(path)
    assert is_edition(data) and not is_edition({"student_edition": "yes"})
    stood_in = with_stand_ins(data)
    assert [q.get("answer") for q in stood_in["questions"]] == [0, 0, None]
    quiz = load_quiz(path, "")
    c, n, s = quiz.questions
    result = grade_question(c, "green")
    assert (result.passed, result.score, result.extra["status"]) == (False, 0.0, "recorded")
    assert result.feedback == RECORDED.format(answer="1 (green)")
    assert grade_question(s, "decreasing").extra["status"] == "recorded"  # not judged, though wrong
    assert grade_question(n, "many").extra["error"] == "unreadable"  # a typo is still caught at once
    report = QuizReport("e", "quiz", "E", str(path), [grade_question(c, "green"), grade_question(s, "decreasing")])
    assert only_recorded(report) and report.exit_code == 0
    report.results.append(grade_question(n, "many"))
    assert not only_recorded(report) and report.exit_code == 1


def test_the_schemas_name_the_wrong_field_and_its_line(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text("id: q\ntitle: Q\nquestions:\n  - id: a\n    kind: sign\n    f: x\n    at: 1\n    colour: red\n")
    data, positions = load_yaml(path)
    with pytest.raises(GradquizError) as info:
        validate(QuizSpec, data, positions, path)
    assert info.value.line == 8 and "colour" in info.value.message
    question = {"id": "a", "kind": "sign", "f": "x", "at": 1}
    spec = validate(QuizSpec, {"id": "q", "title": "Q", "questions": [question]}, Positions(), path)
    assert (spec.id, spec.title, [q.id for q in spec.questions]) == ("q", "Q", ["a"])
    answers = validate(AnswersSpec, {"quiz": "q", "answers": {"a": "up"}}, Positions(), path)
    assert answers.quiz == "q" and answers.answers == {"a": "up"}
    with pytest.raises(GradquizError, match="answers"):
        validate(AnswersSpec, {"quiz": "q", "answers": [1]}, Positions(), path)


def test_a_question_compiles_through_its_context(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text("id: q\ntitle: Q\nquestions:\n  - {id: a, kind: sign, f: 't**3', at: -1}\n"
                    "  - {id: b, kind: sign, f: 'x*y', at: 1}\n")
    with pytest.raises(GradquizError) as info:
        load_quiz(path, "")
    assert info.value.line == 5  # two variables for a one-variable question, at its line
    path.write_text("id: q\ntitle: Q\nquestions:\n  - {id: a, kind: sign, f: 't**3', at: -1}\n")
    (q,) = load_quiz(path, "").questions
    assert (q.variables, q.x, q.slope, q.key) == (("t",), "t", 3.0, "increasing")


def test_the_context_helpers_read_f_at_and_domain(tmp_path):
    path = tmp_path / "q.yaml"
    spec = QuestionSpec(id="a", kind="sign", f="a*x**2", at="1/a", domain=[-1, "pi"])
    where = Where(path, Positions({("questions", 0): 4, ("questions", 0, "at"): 6}))
    ctx = Context(spec, ("questions", 0), where, {"a": 2}, ())
    f, names = one_variable(ctx)
    assert str(f) == "2*x**2" and names == ("x",)
    at, slope, value = slope_at(ctx, f, "x")
    assert (at, slope, value) == (sympy.Rational(1, 2), 2, 2.0)
    assert domain_of(ctx, names) == {"x": (-1.0, pytest.approx(math.pi))}
    bad = Context(QuestionSpec(id="a", kind="sign", f="1/x", at=0), ("questions", 0), where, {}, ())
    with pytest.raises(GradquizError) as info:
        slope_at(bad, one_variable(bad)[0], "x")
    assert (info.value.line, info.value.message) == (
        6, "questions[0].at: f'(x) is not defined at x = 0: choose another `at`")
