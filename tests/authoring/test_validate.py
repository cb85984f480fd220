"""`gradquiz validate`: every authoring mistake is caught, each message names the file,
line and key path and says what to change (exact text), exit 0 / 2."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import EXERCISES, run_cli

from grader.authoring.validate import validate_paths

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

HEAD = "id: {id}\ntitle: T\n"


def errors(tmp_path: Path, *files: tuple[str, str]) -> list[str]:
    """Write (name, yaml) files into a folder and validate it in process: every error line."""
    folder = tmp_path / "problems"
    folder.mkdir(exist_ok=True)
    for name, text in files:
        (folder / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    out = []
    for item in validate_paths([folder]):
        out += [line.replace(str(folder) + "/", "") for line in item.errors]
    return out


def one_task(body: str, top: str = "", id: str = "p") -> str:
    """A file with one task whose keys are ``body`` (indented under `- `)."""
    lines = textwrap.dedent(body).strip("\n").splitlines()
    task = "  - " + lines[0] + "".join("\n    " + line for line in lines[1:])
    return HEAD.format(id=id) + textwrap.dedent(top) + "tasks:\n" + task + "\n"


# -- schema, formulas, ids --------------------------------------------------------------------

def test_schema_error_names_line_key_path_expected_and_got(tmp_path):
    text = one_task("id: d\nkind: derivitive\nfunction: d\nf: x**2\ndomain: [-1, 1]")
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:5: tasks[0].kind: expected one of function, derivative, second_derivative, partial, gradient, "
        "hessian, jacobian, numerical_derivative, numerical_gradient, autodiff, gradient_descent but got 'derivitive'"
    ]


def test_unknown_key_suggests_the_right_one(tmp_path):
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: x**2\ndomian: [-1, 1]")
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:8: tasks[0].domian: unknown key 'domian' (did you mean 'domain'?)"
    ]


def test_formula_that_does_not_parse(tmp_path):
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: x**2 +* 3\ndomain: [-1, 1]")
    [line] = errors(tmp_path, ("p.yaml", text))
    assert line.startswith("p.yaml:7: tasks[0].f: cannot read formula 'x**2 +* 3': ")


def test_duplicate_task_ids_in_one_file(tmp_path):
    task = "  - id: d\n    kind: derivative\n    function: d\n    f: x**2\n    domain: [-1, 1]\n"
    text = HEAD.format(id="p") + "tasks:\n" + task + task
    assert errors(tmp_path, ("p.yaml", text)) == ["p.yaml:9: tasks[1].id: duplicate id 'd'"]


def test_duplicate_problem_ids_across_files(tmp_path):
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: x**2\ndomain: [-1, 1]", id="same")
    assert errors(tmp_path, ("a.yaml", text), ("b.yaml", text)) == [
        "b.yaml:1: id: 'same' is also the id of a.yaml: give each problem its own id"
    ]


# -- references ---------------------------------------------------------------------------------

def test_reference_that_is_not_the_derivative(tmp_path):
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: x**3\nreference: 3*x\ndomain: [-1, 1]\nat: [0.5]")
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:8: tasks[0].reference: the reference 3x is not the derivative of f = x^3 (that is 3x^2): "
        "at x = 0.5 they give 1.5 and 0.75, a difference of 0.75: fix `reference`, or leave it out to derive it from f"
    ]


def test_reference_off_by_less_than_floating_point_can_see(tmp_path):
    """Only exact arithmetic sees 1e-40: finite differences and float64 both call it equal."""
    text = one_task(
        "id: d\nkind: derivative\nfunction: d\nf: x**13 + 1\nreference: 13*x**12 + 1/10**40\ndomain: [-1, 1]\nat: [0.5]"
    )
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:8: tasks[0].reference: the reference 13x^12 + 1/10000000000000000000000000000000000000000 is not "
        "the derivative of f = x^13 + 1 (that is 13x^12): at x = 0.5 they give 0.00317383 and 0.00317383, "
        "a difference of 1e-40: fix `reference`, or leave it out to derive it from f"
    ]


def test_reference_gradient_with_a_wrong_component(tmp_path):
    text = one_task("id: g\nkind: gradient\nfunction: g\nf: x*y\nreference: [y, y]\ndomain: [-3, 3]\nat: [[1, 2]]")
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:8: tasks[0].reference: the reference [y, y] is not the gradient of f = x*y (that is [y, x]): "
        "at (x, y) = (1, 2) they give [2, 2] and [2, 1], a difference of 1: fix `reference`, or leave it out to "
        "derive it from f"
    ]


def test_equivalent_reference_in_another_form_is_accepted(tmp_path):
    text = one_task(
        "id: d\nkind: derivative\nfunction: d\nf: sin(x)**2\nreference: 2*sin(x)*cos(x)\ndomain: [-1, 1]"
    )
    text2 = one_task("id: d\nkind: derivative\nfunction: d\nf: x*abs(x)\nreference: 2*x**2/abs(x)\ndomain: [-1, 1]", id="q")
    assert errors(tmp_path, ("p.yaml", text), ("q.yaml", text2)) == []


def test_finite_differences_disagreeing_are_reported(tmp_path, monkeypatch):
    """The second, independent oracle: when the exact check is silent, finite differences still count.
    Planted through the exercise wing's surface, which lint imports it from (patching the module
    that defines it would not reach a name the surface has already loaded)."""
    import grader.authoring.lint
    import grader.exercise

    real = grader.exercise.check_points

    def disagreeing(task, exercise):
        points = real(task, exercise)
        points.disagree = 3
        return points

    monkeypatch.setattr(grader.exercise, "check_points", disagreeing)
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: x**2\nreference: 2*x\ndomain: [-1, 1]")
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:8: tasks[0].reference: the reference disagrees with finite differences of f at 3 of 20 points: "
        "f may have a kink or jump in the domain; keep `domain` away from it (or check `reference`, or leave it "
        "out to derive it from f)"
    ]


# -- domains and points -----------------------------------------------------------------------

def test_domain_where_f_is_not_defined(tmp_path):
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: sqrt(x)\ndomain: [-3, -1]")
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:8: tasks[0].domain: only 0 of 20 check points in the domain have f and the reference finite; "
        "need at least 5: change `domain` to where f is defined (or raise `samples`)"
    ]


def test_domain_with_too_few_usable_points(tmp_path):
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: log(x)\ndomain: [-10, 0.1]")
    [line] = errors(tmp_path, ("p.yaml", text))
    assert line.startswith("p.yaml:8: tasks[0].domain: only ")
    assert line.endswith(" of 20 check points in the domain have f and the reference finite; need at least 5: "
                         "change `domain` to where f is defined (or raise `samples`)")


def test_at_point_outside_the_domain(tmp_path):
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: x**2\ndomain: [-1, 1]\nat: [0.5, 2]")
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:9: tasks[0].at[1]: x = 2 is outside the domain (x in [-1, 1]): move the point into the domain "
        "or widen `domain`"
    ]


def test_at_point_outside_a_two_variable_domain(tmp_path):
    text = one_task("id: g\nkind: gradient\nfunction: g\nf: x*y\ndomain: {x: [0, 1], y: [0, 2]}\nat: [[0.5, 3]]")
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:9: tasks[0].at[0]: (x, y) = (0.5, 3) is outside the domain (x in [0, 1], y in [0, 2]): move the "
        "point into the domain or widen `domain`"
    ]


def test_at_point_on_a_singularity_of_f(tmp_path):
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: 1/x\ndomain: [-1, 1]\nat: [0.5, 0]")
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:9: tasks[0].at[1]: f is not finite at x = 0 (a singularity, or outside where f is defined): "
        "choose another point"
    ]


def test_at_point_where_the_derivative_does_not_exist(tmp_path):
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: sqrt(x)\ndomain: [0, 1]\nat: [0]")
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:9: tasks[0].at[0]: the expected answer is not finite at x = 0 (it is inf): the derivative does "
        "not exist there; choose another point"
    ]


# -- hidden tasks, params, constraints ----------------------------------------------------------

def test_hidden_task_calling_a_function_no_visible_task_names(tmp_path):
    text = HEAD.format(id="p") + textwrap.dedent("""\
        tasks:
          - id: d
            kind: derivative
            function: d
            f: x**2
            domain: [-1, 1]
          - id: h
            kind: derivative
            function: secret
            f: x**2
            domain: [-1, 1]
            visibility: hidden
        """)
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:11: tasks[1].function: hidden task 'h' calls `secret`, which no visible task asks for, so students "
        "never learn to write it: check a function a visible task names, or make this task visible"
    ]


def test_every_variant_is_checked_and_named(tmp_path):
    top = "params:\n  a: {integer: [-1, 2]}\n"
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: 1/(x - a)\ndomain: [-3, 3]\nat: [1]", top)
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:11: tasks[0].at[0]: with a=1: f is not finite at x = 1 (a singularity, or outside where f is "
        "defined): choose another point"
    ]


def test_a_mistake_in_many_variants_is_one_line(tmp_path):
    top = "params:\n  a: {integer: [1, 6]}\n"
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: x**2\ndomain: [a, 3]", top)
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:10: tasks[0].domain: with a=3 (also with a=4; a=5 and 1 more variants): expected an interval "
        "[low, high] with low < high, got [a, 3]"
    ]


def test_a_large_space_is_checked_on_sample_students(tmp_path):
    top = "params:\n  c: {number: [0.5, 2.0]}\n"
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: log(x - c)\ndomain: [0, 3]\nat: [1]", top)
    [line] = [e for e in errors(tmp_path, ("p.yaml", text)) if "at[0]" in e]
    assert line.startswith("p.yaml:11: tasks[0].at[0]: with c=")
    assert " more variants): " in line
    assert line.endswith(": f is not finite at x = 1 (a singularity, or outside where f is defined): choose another point")


def test_unsatisfiable_constraints(tmp_path):
    top = 'params:\n  a: {choice: [2]}\n  b: {choice: [2]}\nconstraints: ["a != b"]\n'
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: a*x**b\ndomain: [-1, 1]", top)
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:6: constraints: no combination of the params satisfies every constraint (1 tried): loosen "
        "`constraints` or widen `params`"
    ]


def test_constraint_with_a_single_equals(tmp_path):
    top = 'params:\n  a: {choice: [2, 3]}\nconstraints: ["a = 2"]\n'
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: a*x\ndomain: [-1, 1]", top)
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:5: constraints[0]: cannot read constraint 'a = 2': use == to compare (a single = is not a comparison)"
    ]


def test_constraint_naming_an_unknown_param(tmp_path):
    top = 'params:\n  a: {choice: [2, 3]}\nconstraints: ["a < q"]\n'
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: a*x\ndomain: [-1, 1]", top)
    [line] = errors(tmp_path, ("p.yaml", text))
    assert line.startswith("p.yaml:5: constraints[0]: cannot read constraint 'a < q': unknown name 'q'")


def test_chained_comparison(tmp_path):
    top = 'params:\n  a: {choice: [2, 3]}\nconstraints: ["1 < a < 4"]\n'
    text = one_task("id: d\nkind: derivative\nfunction: d\nf: a*x\ndomain: [-1, 1]", top)
    assert errors(tmp_path, ("p.yaml", text)) == [
        "p.yaml:5: constraints[0]: cannot read constraint '1 < a < 4': use one comparison per constraint "
        "(write 'a < b < c' as 'a < b' and 'b < c')"
    ]


# -- the command ---------------------------------------------------------------------------------

@pytest.mark.e2e
def test_bundled_exercises_validate_with_exit_0():
    rc, out, err = run_cli("validate", EXERCISES)
    assert rc == 0, err
    assert err == ""
    assert "exercise1.yaml: ok (exercise, 1 tasks)" in out


@pytest.mark.e2e
def test_broken_file_exits_2_with_the_messages_on_stderr(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(one_task("id: d\nkind: derivative\nfunction: d\nf: 1/x\ndomain: [-1, 1]\nat: [0]"))
    rc, out, err = run_cli("validate", path, cwd=tmp_path)
    assert rc == 2
    assert err == (
        f"{path}:9: tasks[0].at[0]: f is not finite at x = 0 (a singularity, or outside where f is defined): "
        "choose another point\n"
    )


# -- quizzes ---------------------------------------------------------------------------------------

def quiz(body: str, top: str = "", id: str = "q") -> str:
    return HEAD.format(id=id) + textwrap.dedent(top) + "questions:\n" + textwrap.indent(textwrap.dedent(body), "  ")


def test_choice_answer_out_of_range(tmp_path):
    text = quiz("- id: c\n  kind: choice\n  prompt: Pick one\n  choices: [yes, no]\n  answer: 2\n")
    assert errors(tmp_path, ("q.yaml", text)) == [
        "q.yaml:8: questions[0].answer: expected the 0-based index of the right choice (0 to 1), got 2"
    ]


def test_sign_question_at_a_kink(tmp_path):
    text = quiz("- id: s\n  kind: sign\n  f: abs(x)\n  at: 0\n")
    assert errors(tmp_path, ("q.yaml", text)) == [
        "q.yaml:7: questions[0].at: f has a kink at x = 0: the slope from the left is -1 and from the right 1, "
        "so f'(0) does not exist: choose another `at`"
    ]


def test_sign_question_where_f_is_defined_on_one_side_only(tmp_path):
    text = quiz("- id: s\n  kind: descent\n  f: x*sqrt(x)\n  at: 0\n")
    assert errors(tmp_path, ("q.yaml", text)) == [
        "q.yaml:7: questions[0].at: f is not defined on both sides of x = 0, so f'(0) does not exist: choose another `at`"
    ]


def test_sign_question_where_f_prime_is_not_finite(tmp_path):
    text = quiz("- id: s\n  kind: sign\n  f: cbrt(x)\n  at: 0\n")
    [line] = errors(tmp_path, ("q.yaml", text))
    assert line.startswith("q.yaml:7: questions[0].at: ")
    assert line.endswith("choose another `at`")


def test_quiz_variants_are_named(tmp_path):
    top = "params:\n  a: {integer: [-1, 1]}\n"
    text = quiz("- id: s\n  kind: sign\n  f: abs(x - a)\n  at: 0\n", top)
    assert errors(tmp_path, ("q.yaml", text)) == [
        "q.yaml:9: questions[0].at: with a=0: f has a kink at x = 0: the slope from the left is -1 and from the "
        "right 1, so f'(0) does not exist: choose another `at`"
    ]


def test_a_quiz_and_an_exercise_with_the_same_id(tmp_path):
    ex = one_task("id: d\nkind: derivative\nfunction: d\nf: x**2\ndomain: [-1, 1]", id="same")
    qz = quiz("- id: s\n  kind: sign\n  f: x**2\n  at: 1\n", id="same")
    assert errors(tmp_path, ("a.yaml", ex), ("b.yaml", qz)) == [
        "b.yaml:1: id: 'same' is also the id of a.yaml: give each problem its own id"
    ]


def test_bundled_quizzes_validate():
    from conftest import ROOT

    assert [line for item in validate_paths([ROOT / "quizzes"]) for line in item.errors] == []
