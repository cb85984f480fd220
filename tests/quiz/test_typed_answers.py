"""Issue 10, typed maths and the reading of quiz answers: each test shows an old behaviour gone."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
import xml.etree.ElementTree as ET

import pytest
import yaml
from conftest import GRADQUIZ

from grader.quiz import load_quiz
from grader.quiz.grade import grade_question
from grader.quiz.kinds.stationary_points import read_points
from grader.quiz.model import Unreadable
from grader.quiz.sets import read_interval

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

QUIZ = """
id: typed
title: Typed answers
questions:
  - id: sqrt_slope
    kind: expression
    f: sqrt(x)
  - id: exp_slope
    kind: expression
    prompt: f(x) = e^(2x). Type f'(x).
    answer: 2*exp(2*x)
  - id: half_x
    kind: expression
    prompt: Type x/2.
    answer: x/2
  - id: one
    kind: expression
    prompt: Simplify cos(x)^2 + sin(x)^2.
    answer: "1"
  - id: far
    kind: expression
    prompt: Type the derivative of 2 sqrt(t - 25) with respect to t.
    answer: 1/sqrt(t - 25)
  - id: plain
    kind: expression
    prompt: Type x^2.
    answer: x**2
  - id: pi_x
    kind: expression
    prompt: Type pi x.
    answer: pi*x
  - id: pi
    kind: number
    prompt: What is pi?
    answer: pi
  - id: pi_abs
    kind: number
    prompt: What is pi, within 0.01?
    answer: pi
    tolerance: 0.01
  - id: zero
    kind: number
    prompt: What is sin(0)?
    answer: 0
  - id: sign
    kind: sign
    f: x**2
    at: 1
  - id: step
    kind: descent
    f: x**2
    at: 1
  - id: pick
    kind: choice
    prompt: What does f'(x) = 0 say?
    choices: [f is increasing, A stationary point, f is undefined]
    answer: 1
  - id: points
    kind: stationary_points
    f: x**3 - 3*x
  - id: points_partial
    kind: stationary_points
    f: x**3 - 3*x
    points: 2
    partial: true
  - id: rising
    kind: interval
    f: x**3 - 3*x
  - id: rising_partial
    kind: interval
    f: x**3 - 3*x
    points: 2
    partial: true
"""


@pytest.fixture(scope="module")
def quiz(tmp_path_factory):
    folder = tmp_path_factory.mktemp("typed")
    path = folder / "typed.yaml"
    path.write_text(textwrap.dedent(QUIZ).lstrip(), encoding="utf-8")
    return load_quiz(path)


def grade(quiz, qid, raw):
    return grade_question(next(q for q in quiz.questions if q.id == qid), raw)


# --------------------------------------------------------------------------- 1. readings


@pytest.mark.parametrize(
    "qid, typed, passed, lines",
    [
        ("sqrt_slope", "1/2 x^(-1/2)", True, ["Read as (1/2)*x^(-1/2)."]),
        ("sqrt_slope", "1/2 sqrt(x)", False, ["Read as (1/2)*sqrt(x).", "If you meant 1/(2*sqrt(x)), that would be right: add brackets to say so."]),
        ("exp_slope", "2e^2x", False, ["Read as 2*(e^2)*x.", "If you meant 2*e^(2*x), that would be right: add brackets to say so."]),
        ("half_x", "1/2x", True, ["Read as (1/2)*x."]),
        ("exp_slope", "2e^(2x)", True, []),
        ("exp_slope", "f'(x) = 2e^(2x)", True, ["Read as 2*e^(2*x) (without the 'f'(x) =' in front)."]),
        ("exp_slope", "y' = 2e^(2x)", True, ["Read as 2*e^(2*x) (without the 'y' =' in front)."]),
        ("half_x", "\\frac{x}{2}", True, ["Read as x/2 (from LaTeX)."]),
        ("exp_slope", "2e^{2x}", True, ["Read as 2*e^(2*x)."]),
    ],
)
def test_feedback_says_how_the_answer_was_read(quiz, qid, typed, passed, lines):
    result = grade(quiz, qid, typed)
    assert result.passed is passed, result.feedback
    shown = result.feedback.splitlines()
    assert shown[: len(lines)] == lines, result.feedback
    if not lines:
        assert not result.feedback.startswith("Read as")


# --------------------------------------------------------------------------- 3-5, 7-8. verdicts


@pytest.mark.parametrize(
    "qid, typed, passed, says",
    [
        ("one", "cos(x)^2 + sin(x)^2", True, "Equivalent"),
        ("far", "(t - 25)^(-1/2)", True, "Equivalent"),
        ("far", "1/sqrt(t + 25)", False, ""),
        ("plain", "x^2 + e^(x-200)", False, "At x = 400.37"),
        ("plain", "x^2 + e^(-200)", False, "they differ by 1.38e-87"),
        ("pi_x", "3.14159265x", False, "3.14159265 is not exactly pi: type pi."),
        ("plain", "x^2 + log(x - 3) - log(x - 3)", False, "log(x - 3) is not a real number at x = "),
    ],
)
def test_verdicts(quiz, qid, typed, passed, says):
    result = grade(quiz, qid, typed)
    assert result.passed is passed, result.feedback
    assert says in result.feedback


@pytest.mark.parametrize(
    "typed, passed, says",
    [
        ("3.1416", True, "within 0.005 (3 significant figures)"),
        ("3.14", True, "Right"),
        ("3.15", False, "not within 0.005 (3 significant figures)"),
        ("0,5", False, "Read as 0.5 (the decimal comma read as a point)."),
    ],
)
def test_numbers_default_to_three_significant_figures(quiz, typed, passed, says):
    result = grade(quiz, "pi", typed)
    assert result.passed is passed, result.feedback
    assert says in result.feedback


def test_an_explicit_tolerance_is_absolute_and_zero_has_a_floor(quiz):
    assert grade(quiz, "pi_abs", "3.135").passed
    assert not grade(quiz, "pi_abs", "3.13").passed
    assert grade(quiz, "zero", "1e-7").passed
    assert not grade(quiz, "zero", "1e-5").passed


# --------------------------------------------------------------------------- 9. words, choices


@pytest.mark.parametrize("typed", ["increasing", "Increases", "inc", "increasing.", "up"])
def test_sign_vocabulary(quiz, typed):
    assert grade(quiz, "sign", typed).passed


@pytest.mark.parametrize("typed", ["decrease", "decreases", "decreasing.", "Down", "left"])
def test_descent_shares_the_vocabulary(quiz, typed):
    assert grade(quiz, "step", typed).passed


@pytest.mark.parametrize("typed", ["constant", "no change", "stationary", "stay"])
def test_flat_words_read_the_same_in_both(quiz, typed):
    sign, step = grade(quiz, "sign", typed), grade(quiz, "step", typed)
    assert (sign.extra["read_as"], step.extra["read_as"]) == ("stationary", "stay")


@pytest.mark.parametrize("typed", ["b", "B", "b)", "(b)", "1", "A stationary", "a stationary point."])
def test_choices_by_letter_or_start(quiz, typed):
    assert grade(quiz, "pick", typed).passed, grade(quiz, "pick", typed).feedback


def test_an_ambiguous_start_says_so(quiz):
    result = grade(quiz, "pick", "f is")
    assert "starts 'f is increasing' and 'f is undefined'" in result.feedback


@pytest.mark.parametrize("typed", ["x = -1 or x = 1", "-1 and 1", "(-1, 2), (1, -2)", "x=-1; x=1"])
def test_stationary_points_typing(quiz, typed):
    assert grade(quiz, "points", typed).passed, grade(quiz, "points", typed).feedback


def test_a_single_pair_not_on_the_graph_says_what_is_expected():
    with pytest.raises(Unreadable, match=r"give the x values of the stationary points, e.g. -1, 1 \(for a point \(x, y\) give its x\)"):
        read_points("(-1, 5)", "x", f=None)


@pytest.mark.parametrize("typed", ["(-oo, -1) and (1, oo)", "(-oo, -1), (1, oo)", "x < -1, x > 1"])
def test_interval_unions(typed):
    assert len(read_interval(typed).args) == 2


# --------------------------------------------------------------------------- 10. partial credit


def test_partial_credit_for_points(quiz):
    result = grade(quiz, "points_partial", "1")
    assert (result.score, result.max_score, result.passed) == (1.0, 2.0, False)
    assert "Partial credit: 1 of 2 found (each earns 1), 0 extra (each takes 1 off): 1 of 2 points." in result.feedback
    extra = grade(quiz, "points_partial", "1, 3")
    assert extra.score == 0.0
    assert grade(quiz, "points", "1").score == 0.0  # default: all or nothing


def test_partial_credit_for_intervals(quiz):
    result = grade(quiz, "rising_partial", "(1, oo)")
    assert (result.score, result.passed) == (1.0, False)
    assert "Partial credit: 1 of 2 intervals right" in result.feedback
    assert grade(quiz, "rising_partial", "(1, oo) U (-5, -4)").score == 0.0
    assert grade(quiz, "rising", "(1, oo)").score == 0.0


def test_partial_is_a_known_key_only_where_it_means_something(tmp_path):
    from grader.errors import GradquizError

    path = tmp_path / "p.yaml"
    path.write_text("id: p\ntitle: T\nquestions:\n  - id: a\n    kind: sign\n    f: x\n    at: 1\n    partial: true\n")
    with pytest.raises(GradquizError, match="partial"):
        load_quiz(path)


# --------------------------------------------------------------------------- the command


def run(*args, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADQUIZ_")}
    return subprocess.run([*GRADQUIZ, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


@pytest.mark.e2e
def test_read_as_reaches_every_report_format(tmp_path):
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "typed.yaml").write_text(textwrap.dedent(QUIZ).lstrip(), encoding="utf-8")
    answers = tmp_path / "a.answers.yaml"
    answers.write_text(yaml.safe_dump({"quiz": "typed", "answers": {"sqrt_slope": "1/2 sqrt(x)"}}))
    text = run("check", answers, cwd=tmp_path)
    assert "Read as (1/2)*sqrt(x)." in text.stdout
    junit = run("check", answers, "--format", "junit", cwd=tmp_path)
    assert "Read as (1/2)*sqrt(x)." in "".join(ET.fromstring(junit.stdout).itertext())
    gradescope = run("check", answers, "--format", "gradescope", cwd=tmp_path)
    outputs = [t.get("output", "") for t in json.loads(gradescope.stdout)["tests"]]
    assert any("Read as (1/2)*sqrt(x)." in o for o in outputs)


@pytest.mark.e2e
def test_a_quiz_in_json_syntax_is_found_by_check(tmp_path):
    (tmp_path / "quizzes").mkdir()
    body = {"id": "jq", "title": "JSON", "questions": [{"id": "a", "kind": "number", "prompt": "1+1?", "answer": 2}]}
    (tmp_path / "quizzes" / "written_as_json.yaml").write_text(json.dumps(body))
    answers = tmp_path / "a.answers.yaml"
    answers.write_text("quiz: jq\nanswers:\n  a: 2\n")
    proc = run("check", answers, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


def test_large_exponent_key_loads(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("id: big\ntitle: T\nparams:\n  a: {choice: [2, 3]}\nquestions:\n"
                    "  - id: q\n    kind: expression\n    prompt: Expand nothing.\n    answer: (x-a)^6000\n")
    quiz = load_quiz(path, "s1")
    result = grade_question(quiz.questions[0], f"(x - {quiz.params['a']})^6000")
    assert result.passed, result.feedback


@pytest.mark.parametrize("answer, key", [("e^(50x)(1 + 10^-12)", "e^(50x)"), ("cos(x) + relu(x-1000)", "cos(x)"), ("x^2 + e^(x-200)", "x^2")])
def test_verdicts_do_not_depend_on_question_ids(tmp_path, answer, key):
    questions = [{"id": f"q{i}", "kind": "expression", "prompt": "Type it in x.", "answer": key} for i in range(16)]
    path = tmp_path / "ids.yaml"
    path.write_text(yaml.safe_dump({"id": "ids", "title": "T", "questions": questions}))
    quiz = load_quiz(path)
    assert [grade_question(q, answer).passed for q in quiz.questions] == [False] * 16
