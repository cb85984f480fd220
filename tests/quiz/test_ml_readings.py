"""Issue 17, typed answers: a quiz's helper functions (`define:`), readings that used to be
refused (|x|, ±, no solution, a part of a choice's text, going down), bracket hints, and the
verdicts that were wrong; each test shows an old behaviour gone."""

from __future__ import annotations

import pytest
import yaml

from grader.errors import GradquizError
from grader.quiz import load_quiz
from grader.quiz.grade import grade_question
from grader.quiz.kinds.stationary_points import read_points
from grader.quiz.model import Unreadable
from grader.quiz.sets import read_interval

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

CHOICES = ["Use a finite difference (f(x+h) - f(x))/h", "Use gradient ascent", "Use gradient descent"]


def quiz(tmp_path, questions, **top):
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump({"id": "q", "title": "t", **top, "questions": questions}), encoding="utf-8")
    return {q.id: q for q in load_quiz(path).questions}


@pytest.fixture
def sigmoid_quiz(tmp_path):
    return quiz(tmp_path, [
        {"id": "prime", "kind": "expression", "prompt": "Type s'(x).", "answer": "exp(-x)/(1 + exp(-x))**2"},
        {"id": "inner", "kind": "expression", "f": "s(2x)"},
        {"id": "loss", "kind": "expression", "f": "-log(s(3x))"},
    ], define={"s": "1/(1 + exp(-x))"})


def test_define_names_a_helper_that_answers_and_keys_use(sigmoid_quiz):
    assert grade_question(sigmoid_quiz["prime"], "s(x)(1 - s(x))").passed
    assert grade_question(sigmoid_quiz["prime"], "s(x) (1 - s(x))").passed
    assert not grade_question(sigmoid_quiz["prime"], "s(x)^2").passed
    assert grade_question(sigmoid_quiz["inner"], "2 s(2x)(1 - s(2x))").passed
    assert grade_question(sigmoid_quiz["loss"], "-3(1 - s(3x))").passed


def test_prompts_show_the_helper_as_written(sigmoid_quiz, tmp_path):
    assert sigmoid_quiz["inner"].prompt == "f(x) = s(2x). Type f'(x)."
    assert sigmoid_quiz["loss"].prompt == "f(x) = -log(s(3x)). Type f'(x)."
    plain = quiz(tmp_path, [{"id": "p", "kind": "sign", "f": "exp(-x) + x**3", "at": 1}])["p"]
    assert plain.prompt == "Is f(x) = x^3 + e^(-x) increasing, decreasing or stationary at x = 1?"


def test_a_helper_typed_without_its_inner_factor_is_the_chain_rule(sigmoid_quiz):
    result = grade_question(sigmoid_quiz["inner"], "s(2x)(1 - s(2x))")
    assert not result.passed and result.extra["mistake"] == "chain_rule"
    assert "needs the factor 2 (the derivative of 2x)" in result.feedback
    result = grade_question(sigmoid_quiz["loss"], "-(1 - s(3x))")
    assert not result.passed and result.extra["mistake"] == "chain_rule", result.feedback
    assert "needs the factor 3 (the derivative of 3x)" in result.feedback


def test_without_define_s_is_unknown(tmp_path):
    q = quiz(tmp_path, [{"id": "prime", "kind": "expression", "prompt": "Type s'(x).", "answer": "exp(-x)/(1 + exp(-x))**2"}])
    result = grade_question(q["prime"], "s(x)(1 - s(x))")
    assert not result.passed and "unknown" in result.feedback


@pytest.mark.parametrize("define, message", [
    ({"sin": "x"}, "define.sin: 'sin' is already a function or constant of formulas: choose another name"),
    ({"s": "x*y"}, "define.s: a helper function has one variable; 'x*y' has x, y"),
    ({"s": "exp(("}, "define.s: cannot read formula 'exp(('"),
])
def test_a_bad_define_names_its_file_line_and_key(tmp_path, define, message):
    with pytest.raises(GradquizError) as err:
        quiz(tmp_path, [{"id": "a", "kind": "expression", "prompt": "p", "answer": "x"}], define=define)
    assert message in str(err.value) and "q.yaml:" in str(err.value)


def test_the_rules_quiz_accepts_its_own_s():
    from grader.problems.discovery import find_problem

    questions = {q.id: q for q in load_quiz(find_problem("rules", ())).questions}
    assert grade_question(questions["sigmoid"], "s(x)(1 - s(x))").passed


# -- readings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, shown", [
    ("|x|>1", "(-oo, -1) U (1, oo)"), ("|x| >= 1", "(-oo, -1] U [1, oo)"), ("abs(x) < 3", "(-3, 3)"),
    ("2 >= |x|", "[-2, 2]"), ("|x| > -1", "(-oo, oo)"),
    ("no solution", "none"), ("No solutions.", "none"), ("there are none", "none"), ("empty", "none"),
])
def test_intervals_read_absolute_values_and_words_for_nothing(typed, shown):
    from grader.quiz.sets import show_set

    assert show_set(read_interval(typed)) == shown


@pytest.mark.parametrize("typed, values", [
    ("x = ±1", [-1, 1]), ("±2", [-2, 2]), ("x = +-1", [-1, 1]), ("x = +/-1 or x = 0", [-1, 0, 1]),
    ("no solution", []), ("None.", []), ("no stationary points", []), ("empty", []),
])
def test_stationary_points_read_plus_minus_and_words_for_nothing(typed, values):
    assert [float(v) for v in read_points(typed)] == values


def test_words_that_are_not_understood_point_to_none():
    for reader in (read_points, read_interval):
        with pytest.raises(Unreadable, match="if there are none, type none"):
            reader("no idea")


def test_a_choice_by_a_unique_part_of_its_text(tmp_path):
    q = quiz(tmp_path, [{"id": "c", "kind": "choice", "prompt": "Which?", "choices": CHOICES, "answer": 1}])["c"]
    assert q.kind.read(q, "finite difference") == 0
    assert q.kind.read(q, "Gradient Ascent") == 1
    with pytest.raises(Unreadable) as err:
        q.kind.read(q, "gradient")
    assert str(err.value) == ("'gradient' is part of choices 1 ('Use gradient ascent') and 2 ('Use gradient descent'): "
                              "type more of it, or the number of your choice")
    with pytest.raises(Unreadable):
        q.kind.read(q, "ent de")  # a part of a word is not a part of the text


@pytest.mark.parametrize("kind, at, typed, right", [
    ("sign", -1, "going down", True), ("sign", 1, "f is increasing", True), ("sign", 1, "going down", False),
    ("descent", 1, "going down", True), ("descent", 1, "it will decrease x", True), ("descent", -1, "x will increase", True),
])
def test_one_vocabulary_for_directions(tmp_path, kind, at, typed, right):
    q = quiz(tmp_path, [{"id": "d", "kind": kind, "f": "x**2", "at": at}])["d"]
    assert grade_question(q, typed).passed is right


def test_a_fraction_on_one_line_gets_the_bracket_hint(tmp_path):
    q = quiz(tmp_path, [{"id": "b", "kind": "expression", "f": "log(x**2 + 1)"}])["b"]
    result = grade_question(q, "2x/x^2+1")
    assert not result.passed and result.extra["mistake"] == "brackets"
    assert "If you meant 2*x/(x^2 + 1), that would be right: add brackets to say so." in result.feedback


# -- verdicts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("answer, key, right", [
    ("(x-2)^6000", "(x-2)**5999", False), ("5999(x-2)^5999", "6000*(x-2)**5999", False),
    ("6000(x-2)^5999", "6000*(x-2)**5999", True), ("(x-2)^6000 e^x", "(x-2)**5999*exp(x)", False),
])
def test_large_exponents_are_decided_exactly(tmp_path, answer, key, right):
    q = quiz(tmp_path, [{"id": "p", "kind": "expression", "prompt": "Type it.", "answer": key, "domain": [1.5, 2.5]}])["p"]
    result = grade_question(q, answer)
    assert result.passed is right, result.feedback
    if not right:
        assert "too small for floats" in result.feedback


def test_a_constant_key_accepts_an_equal_formula_in_a_variable(tmp_path):
    q = quiz(tmp_path, [{"id": "one", "kind": "expression", "prompt": "Simplify the expression.", "answer": "1"}])["one"]
    assert grade_question(q, "cos(x)^2 + sin(x)^2").passed
    assert grade_question(q, "cosh(t)^2 - sinh(t)^2").passed
    assert not grade_question(q, "cos(x)^2 - sin(x)^2").passed


def test_x_to_the_x_and_its_exponential_form_agree(tmp_path):
    q = quiz(tmp_path, [{"id": "xx", "kind": "expression", "f": "x**x"}])["xx"]
    assert grade_question(q, "e^(x ln x)(1 + ln x)").passed
    assert grade_question(q, "x^x (ln x + 1)").passed
    assert not grade_question(q, "x^x ln x").passed


def test_a_quiz_with_helpers_pickles(sigmoid_quiz):
    """A compiled quiz may be cached or sent to a worker: its helpers go with it."""
    import pickle

    q = pickle.loads(pickle.dumps(sigmoid_quiz["inner"]))
    assert grade_question(q, "2 s(2x)(1 - s(2x))").passed
    assert not grade_question(q, "s(2x)(1 - s(2x))").passed
