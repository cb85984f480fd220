"""Per-student variants: params drawn per student (with constraints), the same in
`starter`, `check` and `quiz`, different between students, and graded against each
student's own functions."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import sympy
from conftest import clean_env, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from grader import api
from grader.authoring.starters import starter, substitute
from grader.errors import GradquizError
from grader.exercise.problem import load_exercise
from grader.maths.parser import parse_math
from grader.problems.constraints import ConstraintError, draw_variant, parse_constraint, show_value
from grader.problems.schema import Param
from grader.problems.variants import draw

POWERS = textwrap.dedent("""\
    id: powers
    title: Powers for {a}
    intro: f(x) = {a}*x**{n}
    params:
      a: {choice: [2, 3, 5, 7]}
      n: {integer: [2, 6]}
    constraints: ["a != n"]
    tasks:
      - id: derivative
        kind: derivative
        function: derivative
        f: a*x**n
        domain: [-1.5, 1.5]
        at: [0.5]
    """)

SLOPES = textwrap.dedent("""\
    id: slopes
    title: Slopes
    params:
      a: {choice: [2, 3, 5, 7]}
      b: {integer: [1, 9]}
    constraints: ["a != b"]
    questions:
      - id: slope
        kind: number
        prompt: "f(x) = {a}x^2 + {b}x. What is f'(1)?"
        answer: 2*a + b
      - id: formula
        kind: expression
        prompt: "f(x) = {a}x^3. Type f'(x)."
        answer: 3*a*x**2
    """)


@pytest.fixture
def problems(tmp_path) -> Path:
    folder = tmp_path / "problems"
    folder.mkdir()
    (folder / "powers.yaml").write_text(POWERS)
    (folder / "slopes.yaml").write_text(SLOPES)
    return folder


def variant(problems, student) -> tuple[int, int]:
    params = load_exercise(problems / "powers.yaml", student).params
    return int(params["a"]), int(params["n"])


def solution(tmp_path, a, n, name) -> Path:
    path = tmp_path / f"{name}.py"
    path.write_text(f"# gradquiz: powers\ndef derivative(x):\n    return {a * n} * x**{n - 1}\n")
    return path


def test_two_students_get_different_functions(problems):
    assert variant(problems, "alice") == (2, 5)
    assert variant(problems, "bob") == (3, 2)
    assert variant(problems, "alice") == variant(problems, "alice")  # the same every time


def test_each_student_is_right_with_their_own_solution_and_wrong_with_the_others(problems, tmp_path):
    alice, bob = variant(problems, "alice"), variant(problems, "bob")
    alice_py, bob_py = solution(tmp_path, *alice, "alice"), solution(tmp_path, *bob, "bob")
    assert api.check(alice_py, problems=[problems], student="alice").exit_code == 0
    assert api.check(bob_py, problems=[problems], student="bob").exit_code == 0
    wrong = api.check(bob_py, problems=[problems], student="alice")
    assert wrong.exit_code == 1
    assert wrong.results[0].feedback.startswith("At x = 0.5 your `derivative` returned ")
    assert api.check(alice_py, problems=[problems], student="bob").exit_code == 1


@pytest.mark.e2e
def test_student_from_the_flag_or_the_environment(problems, tmp_path):
    alice_py = solution(tmp_path, *variant(problems, "alice"), "alice")
    rc, out, err = run_cli("check", alice_py, "--problems", problems, "--format", "json", env=clean_env(GRADQUIZ_STUDENT="alice"))
    assert rc == 0, err
    assert json.loads(out)["student"] == "alice"
    rc, _, _ = run_cli("check", alice_py, "--problems", problems, env=clean_env(GRADQUIZ_STUDENT="bob"))
    assert rc == 1
    rc, _, _ = run_cli("check", alice_py, "--problems", problems, "--student", "alice", env=clean_env(GRADQUIZ_STUDENT="bob"))
    assert rc == 0  # --student wins


@pytest.mark.e2e
def test_the_starter_shows_the_same_variant_that_check_grades(problems, tmp_path):
    a, n = variant(problems, "alice")
    rc, text, err = run_cli("starter", "powers", "--problems", problems, env=clean_env(GRADQUIZ_STUDENT="alice"))
    assert rc == 0, err
    assert text == starter("powers", [problems], "alice")
    lines = text.splitlines()
    assert lines[:4] == ["# gradquiz: powers student=alice", f"# Your variant (student alice): a={a}, n={n}", f'"""Powers for {a}', "=" * len(f"Powers for {a}")]
    assert f"f(x) = {a}*x**{n}" in text  # the intro's {a} and {n}
    assert f"Return f'(x), the derivative of f(x) = {a}*x**{n}, as a number." in text
    # the student fills in the starter's stub and gets full marks
    filled = text.replace("    raise NotImplementedError", f"    return {a * n} * x**{n - 1}")
    path = tmp_path / "mine.py"
    path.write_text(filled)
    assert api.check(path, problems=[problems], student="alice").exit_code == 0
    assert starter("powers", [problems], "bob") != text


def test_constraints_hold_for_every_student(problems):
    for i in range(60):
        a, n = variant(problems, f"student{i}")
        assert a != n


def test_a_satisfied_constraint_keeps_the_unconstrained_draw():
    params = {"a": Param(choice=[2, 3, 5, 7]), "n": Param(integer=(2, 6))}
    rule = [parse_constraint("a != n", params)]
    for i in range(40):
        plain = draw(params, "powers", f"s{i}")
        if plain["a"] != plain["n"]:
            assert draw_variant(params, rule, "powers", f"s{i}") == plain


def test_a_rare_constraint_on_a_small_space_falls_back_to_the_satisfying_pool():
    params = {"a": Param(integer=(1, 1000))}
    rule = [parse_constraint("a == 777", params)]
    assert {int(draw_variant(params, rule, "p", f"s{i}")["a"]) for i in range(5)} == {777}


def test_an_unsatisfiable_continuous_range_is_an_error():
    params = {"c": Param(number=(0, 1))}
    with pytest.raises(ConstraintError, match="no draw of the params satisfied every constraint in 1000 attempts"):
        draw_variant(params, [parse_constraint("c > 2", params)], "p", "s")


def test_an_unsatisfiable_problem_cannot_be_checked(tmp_path):
    path = tmp_path / "powers.yaml"
    path.write_text(POWERS.replace('"a != n"', '"a > 10"'))
    with pytest.raises(GradquizError, match=r"powers.yaml:7: constraints: no combination of the params satisfies"):
        load_exercise(path, "alice")


@pytest.mark.parametrize("text, expected", [
    ("a != b", True), ("a == b", False), ("a < b", True), ("a <= 2", True), ("a > b - 2", True),
    ("a >= b", False), ("2*a == b + 1", True), ("sqrt(a*2) == a", True), ("a/3 != 2/3", False),
])
def test_constraint_operators(text, expected):
    params = {"a": Param(choice=[2]), "b": Param(choice=[3])}
    values = {"a": sympy.Integer(2), "b": sympy.Integer(3)}
    from grader.problems.constraints import satisfied

    assert satisfied([parse_constraint(text, params)], values) is expected


# -- quizzes --------------------------------------------------------------------------------------

def answers(tmp_path, quiz, name, **given) -> Path:
    path = tmp_path / f"{name}.answers.yaml"
    path.write_text(json.dumps({"quiz": quiz, "answers": given}))
    return path


def test_quiz_variants_grade_each_students_own_answers(problems, tmp_path):
    from grader.quiz import load_quiz

    a1, b1 = (int(v) for v in load_quiz(problems / "slopes.yaml", "alice").params.values())
    a2, b2 = (int(v) for v in load_quiz(problems / "slopes.yaml", "bob").params.values())
    assert (a1, b1) != (a2, b2) and a1 != b1 and a2 != b2
    mine = answers(tmp_path, "slopes", "alice", slope=2 * a1 + b1, formula=f"{3 * a1}x^2")
    theirs = answers(tmp_path, "slopes", "bob", slope=2 * a2 + b2, formula=f"{3 * a2}x^2")
    assert api.check(mine, problems=[problems], student="alice").exit_code == 0
    assert api.check(theirs, problems=[problems], student="bob").exit_code == 0
    assert api.check(theirs, problems=[problems], student="alice").exit_code == 1


def test_quiz_starter_shows_the_students_prompts(problems):
    from grader.quiz import load_quiz

    a, b = (int(v) for v in load_quiz(problems / "slopes.yaml", "alice").params.values())
    text = starter("slopes", [problems], "alice")
    assert f"  # f(x) = {a}x^2 + {b}x. What is f'(1)?" in text
    assert "student: alice" in text


# -- showing a variant's formulas -----------------------------------------------------------------

@pytest.mark.parametrize("text, params, shown", [
    ("a*x**n", {"a": 3, "n": 2}, "3*x**2"),
    ("2a x", {"a": 3}, "2*3* x"),
    ("x**n", {"n": -2}, "x**(-2)"),
    ("a(x + 1)", {"a": 0.5}, "0.5*(x + 1)"),
    ("sin(a*x)", {"a": sympy.Rational(1, 3)}, "sin((1/3)*x)"),
    ("x + sin(x)", {"s": 1}, "x + sin(x)"),
])
def test_substitute_keeps_the_authors_form(text, params, shown):
    assert substitute(text, {k: sympy.nsimplify(v) for k, v in params.items()}) == shown


@settings(max_examples=40, deadline=None)
@given(
    template=st.sampled_from(["a*x**n + c", "2a x + c", "x**n/c", "a(x + c)**n", "sin(a*x)*c - n", "ax + n", "exp(c*x)/a"]),
    a=st.integers(-9, 9).filter(lambda v: v != 0),
    n=st.integers(-3, 6),
    c=st.decimals(min_value=-5, max_value=5, places=2, allow_nan=False).filter(lambda d: d != 0),
)
def test_substituted_formulas_mean_the_same(template, a, n, c):
    params = {"a": sympy.Integer(a), "n": sympy.Integer(n), "c": sympy.Rational(str(c))}
    text = substitute(template, params)
    assert sympy.expand(parse_math(text) - parse_math(template, constants=params)) == 0, text


def test_show_value():
    assert [show_value(v) for v in (sympy.Integer(-2), sympy.Rational(5, 4), sympy.Rational(1, 3))] == ["-2", "1.25", "1/3"]
