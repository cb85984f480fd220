"""`gradquiz new`, `starter` and `export`, and hidden checks in student and grading mode.

New templates validate; a starter for every bundled exercise imports cleanly and an
untouched one scores 0 with "not written yet" feedback and exit 1; the student edition
leaks no reference, answer key or hidden task, and still grades exercises for real.
"""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

import pytest

from conftest import EXERCISES, SOLUTIONS, clean_env, run_cli
from grader import api
from grader.authoring.edition import export
from grader.authoring.starters import starter, template
from grader.errors import GradquizError
from grader.authoring.validate import validate_paths

BUNDLED = sorted(p.stem for p in EXERCISES.glob("*.yaml"))

# A problem set whose answers are easy to grep for: distinctive references, hints and ids.
SECRET = textwrap.dedent("""\
    id: secretive
    title: Secrets
    intro: Differentiate.
    tasks:
      - id: visible_one
        kind: derivative
        function: slope
        f: x**3 + 7*x
        reference: 3*x**2 + 7 + 0*x**5
        domain: [-2, 2]
        at: [0.5]
        hint: The power rule, term by term.
      - id: hidden_zebra_task
        kind: derivative
        function: slope
        f: x**3 + 7*x
        reference: 7 + 3*x*x + 0*x**9
        domain: [-9, 9]
        samples: 30
        hint: hidden-hint-platypus
        visibility: hidden
      - id: hidden_okapi_task
        kind: derivative
        function: slope
        f: x**3 + 7*x
        domain: [1, 2]
        visibility: hidden
    """)
SECRET_SOLUTION = "# gradquiz: secretive\ndef slope(x):\n    return 3*x**2 + 7\n"
SECRET_WRONG_OUTSIDE = (  # right on [-2, 2] only: the hidden task on [-9, 9] catches it
    "# gradquiz: secretive\ndef slope(x):\n    return 3*x**2 + 7 if abs(x) <= 2 else 0.0\n"
)


@pytest.fixture
def secret(tmp_path) -> Path:
    folder = tmp_path / "instructor"
    folder.mkdir()
    (folder / "secretive.yaml").write_text(SECRET, encoding="utf-8")
    return folder


# -- new ------------------------------------------------------------------------------------

@pytest.mark.e2e
def test_new_exercise_template_validates(tmp_path):
    rc, out, err = run_cli("new", "exercise", "my_first", "--output", tmp_path / "my_first.yaml", cwd=tmp_path)
    assert rc == 0, err
    rc, out, err = run_cli("validate", tmp_path / "my_first.yaml", cwd=tmp_path)
    assert (rc, err) == (0, ""), err
    assert "ok (exercise, 3 tasks)" in out


def test_new_template_explains_every_field():
    text = template("exercise", "x1")
    for key in ("id:", "title:", "intro:", "forbid:", "params:", "constraints:", "kind:", "function:", "f:",
                "variables:", "reference:", "domain:", "at:", "samples:", "rtol:", "atol:", "points:", "timeout:",
                "hint:", "visibility:", "call:", "wrt:", "choice", "integer", "number"):
        lines = text.splitlines()
        i = next(i for i, line in enumerate(lines) if key in line)
        assert "#" in lines[i] or lines[i - 1].lstrip().startswith("#"), f"{key} has no comment"


@pytest.mark.e2e
def test_new_prints_without_output_and_never_overwrites(tmp_path):
    rc, out, _ = run_cli("new", "exercise", "x1", cwd=tmp_path)
    assert rc == 0 and out.startswith("# An exercise")
    target = tmp_path / "x1.yaml"
    target.write_text("my work\n")
    rc, _, err = run_cli("new", "exercise", "x1", "--output", target, cwd=tmp_path)
    assert rc == 2
    assert err == f"gradquiz: {target}: already exists; choose another --output (or add --force to overwrite it)\n"
    assert target.read_text() == "my work\n"


def test_new_rejects_a_bad_id():
    with pytest.raises(GradquizError, match="an id is letters"):
        template("exercise", "no spaces")


# -- starter ----------------------------------------------------------------------------------

@pytest.mark.parametrize("exercise", BUNDLED)
def test_starter_for_every_bundled_exercise_scores_0_with_not_written_yet(exercise, tmp_path):
    from grader.exercise.problem import load_exercise

    text = starter(exercise)
    assert text.splitlines()[0] == f"# gradquiz: {exercise}"
    tree = ast.parse(text)  # it is Python
    defined = {n.name: [a.arg for a in n.args.args] for n in tree.body if isinstance(n, ast.FunctionDef)}
    problem = load_exercise(EXERCISES / f"{exercise}.yaml")
    for task in problem.tasks:
        want = ["p"] if task.call == "vector" else list(task.variables)
        if task.call == "args":  # a method's (f, x, h) or, over array parameters, (W, b, X, y)
            want = task.arguments.split(", ")
        assert defined[task.spec.function] == want
    namespace: dict = {}
    exec(compile(text, "starter.py", "exec"), namespace)  # imports cleanly
    assert ast.get_docstring(tree).startswith(problem.spec.title)
    path = tmp_path / f"{exercise}.py"
    path.write_text(text)
    report = api.check(path)
    assert (report.score, report.exit_code) == (0, 1)
    for result in report.results:
        function = next(t.spec.function for t in problem.tasks if t.id == result.id)
        assert result.feedback.startswith(
            f"`{function}` is not written yet (it raises NotImplementedError): replace `raise NotImplementedError` "
            "with code that returns "
        )


@pytest.mark.e2e
def test_untouched_starter_through_the_command(tmp_path):
    rc, _, err = run_cli("starter", "exercise1", "--output", tmp_path / "exercise1.py", cwd=tmp_path)
    assert rc == 0, err
    rc, out, err = run_cli("check", tmp_path / "exercise1.py", "--format", "json", cwd=tmp_path)
    assert rc == 1, err
    report = json.loads(out)
    assert report["score"] == 0 and report["max_score"] == 3
    assert report["results"][0]["feedback"].startswith("`derivative` is not written yet (it raises NotImplementedError)")


def test_starter_docstring_states_the_task():
    text = starter("exercise4")
    tree = ast.parse(text)
    doc = ast.get_docstring(next(n for n in tree.body if isinstance(n, ast.FunctionDef)))
    assert " ".join(doc.split()).startswith(
        "Return the gradient of f(x, y) = x**2*y + sin(y): the vector [∂f/∂x, ∂f/∂y], shape (2,)."
    )
    assert "`p` is a 1-D NumPy array holding" in doc
    assert "Shown check points:" in doc and "random points in the domain" in doc


def test_starter_leaves_out_hidden_tasks_and_says_how_many(secret):
    text = starter("secretive", [secret])
    assert text.count("def slope(x):") == 1
    assert "hidden_zebra_task" not in text and "hidden_okapi_task" not in text and "platypus" not in text
    assert "# 2 hidden checks will also run when your work is graded" in text


@pytest.mark.e2e
def test_starter_for_an_unknown_id_exits_2(tmp_path):
    rc, _, err = run_cli("starter", "nope", cwd=tmp_path)
    assert rc == 2 and err == "gradquiz: no exercise or quiz with id 'nope' (see `gradquiz list`)\n"


# -- hidden checks: student mode by default, grading mode on request -------------------------------

def test_student_mode_skips_hidden_tasks_and_counts_them(secret, tmp_path):
    sub = tmp_path / "secretive.py"
    sub.write_text(SECRET_WRONG_OUTSIDE)
    report = api.check(sub, problems=[secret])
    assert [r.id for r in report.results] == ["visible_one"]
    assert report.exit_code == 0
    assert report.notes == ["2 hidden checks will run when your work is graded."]


@pytest.mark.e2e
@pytest.mark.parametrize("how", ["flag", "env"])
def test_grading_mode_runs_hidden_tasks_and_marks_them(secret, tmp_path, how):
    sub = tmp_path / "secretive.py"
    sub.write_text(SECRET_WRONG_OUTSIDE)
    extra = ["--grading"] if how == "flag" else []
    env = clean_env(GRADQUIZ_GRADING="1") if how == "env" else clean_env()
    rc, out, err = run_cli("check", sub, "--problems", secret, "--format", "json", *extra, env=env, cwd=tmp_path)
    assert rc == 1, err
    results = {r["id"]: r for r in json.loads(out)["results"]}
    assert list(results) == ["visible_one", "hidden_zebra_task", "hidden_okapi_task"]
    assert "hidden" not in results["visible_one"]
    assert results["hidden_zebra_task"]["hidden"] is True and results["hidden_zebra_task"]["passed"] is False
    assert results["hidden_okapi_task"]["hidden"] is True and results["hidden_okapi_task"]["passed"] is True


@pytest.mark.e2e
def test_gradescope_publishes_hidden_results_later(secret, tmp_path):
    sub = tmp_path / "secretive.py"
    sub.write_text(SECRET_SOLUTION)
    rc, out, err = run_cli("check", sub, "--problems", secret, "--format", "gradescope", "--grading", cwd=tmp_path)
    assert rc == 0, err
    visibility = {t["name"]: t["visibility"] for t in json.loads(out)["tests"]}
    assert visibility == {"visible_one": "visible", "hidden_zebra_task": "after_published",
                          "hidden_okapi_task": "after_published"}


# -- export: the student edition ------------------------------------------------------------------

def test_export_leaks_no_reference_or_hidden_task(secret, tmp_path):
    out = tmp_path / "handout"
    written = export([secret], out)
    assert written == [out / "exercises" / "secretive.yaml"]
    text = written[0].read_text()
    for secret_text in ("3*x**2 + 7 + 0*x**5", "7 + 3*x*x + 0*x**9", "reference", "hidden_zebra_task",
                        "hidden_okapi_task", "platypus", "visibility", "[-9, 9]"):
        assert secret_text not in text, secret_text
    assert "hidden_checks: 2" in text and "student_edition: true" in text
    assert "The power rule, term by term." in text  # hints of visible tasks stay


def test_export_of_the_bundled_set_has_no_reference_key(tmp_path):
    written = export([EXERCISES], tmp_path / "handout")
    assert len(written) == len(BUNDLED)
    for path in written:
        assert "reference:" not in path.read_text()
    assert all(not item.errors for item in validate_paths([tmp_path / "handout"]))


@pytest.mark.e2e
def test_student_edition_still_grades_exercises_for_real(tmp_path):
    rc, _, err = run_cli("export", EXERCISES, "--output", tmp_path / "handout", cwd=tmp_path)
    assert rc == 0, err
    edition = tmp_path / "handout" / "exercises"
    right = api.check(SOLUTIONS / "exercise4.py", problems=[edition])
    wrong = api.check(SOLUTIONS / "exercise4_wrong.py", problems=[edition])
    assert (right.exit_code, right.score, right.max_score) == (0, 5.0, 5.0)
    assert wrong.exit_code == 1
    full = api.check(SOLUTIONS / "exercise4_wrong.py", problems=[EXERCISES])
    assert [r.feedback for r in wrong.results] == [r.feedback for r in full.results]


def test_student_edition_says_hidden_checks_exist(secret, tmp_path):
    export([secret], tmp_path / "handout")
    sub = tmp_path / "secretive.py"
    sub.write_text(SECRET_SOLUTION)
    report = api.check(sub, problems=[tmp_path / "handout" / "exercises"])
    assert report.exit_code == 0
    assert report.notes == ["2 hidden checks will run when your work is graded."]
    graded = api.check(sub, problems=[tmp_path / "handout" / "exercises"], grading=True)
    assert graded.notes == ["This is the student edition: its 2 hidden checks are not in it; the instructor's files run them."]


@pytest.mark.e2e
def test_export_never_overwrites_the_instructors_files(secret, tmp_path):
    (secret / "exercises").mkdir()
    (secret / "exercises" / "secretive.yaml").write_text(SECRET)
    rc, _, err = run_cli("export", secret / "exercises", "--output", secret, cwd=tmp_path)
    assert rc == 2
    assert err.endswith("exercises/secretive.yaml: would overwrite the instructor's own file; choose another --output\n")
    (tmp_path / "other" / "exercises").mkdir(parents=True)
    (tmp_path / "other" / "exercises" / "secretive.yaml").write_text(SECRET)
    rc, _, err = run_cli("export", secret / "secretive.yaml", "--output", tmp_path / "other", cwd=tmp_path)
    assert rc == 2
    assert err.endswith("secretive.yaml: exists and is not a student edition; choose another --output\n")
    export([secret / "secretive.yaml"], tmp_path / "again")
    export([secret / "secretive.yaml"], tmp_path / "again")  # a student edition may be regenerated


@pytest.mark.e2e
def test_export_refuses_a_broken_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: B\ntasks:\n  - id: d\n    kind: derivitive\n    function: d\n    f: x\n    domain: [0, 1]\n")
    rc, _, err = run_cli("export", bad, "--output", tmp_path / "out", cwd=tmp_path)
    assert rc == 2 and err.startswith(f"gradquiz: {bad}:5: tasks[0].kind: expected one of")
    assert not (tmp_path / "out").exists()


# -- quizzes -----------------------------------------------------------------------------------------

from conftest import ROOT  # noqa: E402

QUIZZES = ROOT / "quizzes"
BUNDLED_QUIZZES = sorted(p.stem for p in QUIZZES.glob("*.yaml"))


@pytest.mark.e2e
def test_new_quiz_template_validates(tmp_path):
    rc, _, err = run_cli("new", "quiz", "my_quiz", "--output", tmp_path / "my_quiz.yaml", cwd=tmp_path)
    assert rc == 0, err
    rc, out, err = run_cli("validate", tmp_path / "my_quiz.yaml", cwd=tmp_path)
    assert (rc, err) == (0, ""), err
    assert "ok (quiz, 8 questions)" in out


@pytest.mark.parametrize("quiz", BUNDLED_QUIZZES)
def test_quiz_starter_lists_every_question_and_scores_0(quiz, tmp_path):
    import yaml

    from grader.quiz import load_quiz

    text = starter(quiz)
    data = yaml.safe_load(text)
    loaded = load_quiz(QUIZZES / f"{quiz}.yaml")
    assert data == {"quiz": quiz, "answers": {q.id: None for q in loaded.questions}}
    for q in loaded.questions:
        assert f"  # {q.prompt.strip().splitlines()[0]}".rstrip() in text
    path = tmp_path / f"{quiz}.answers.yaml"
    path.write_text(text)
    report = api.check(path)
    assert report.score == 0 and report.exit_code == 1
    assert all(r.feedback == "no answer" for r in report.results)


def test_quiz_starter_marks_hidden_questions():
    text = starter("tangent")
    assert "(Hidden: graded later, no feedback now.)" in text


SECRET_QUIZ = textwrap.dedent("""\
    id: secret_quiz
    title: Secret quiz
    questions:
      - id: pick
        kind: choice
        prompt: Which is right?
        choices: [wrong one, right one, another wrong one]
        answer: 1
        hint: hint-armadillo
      - id: formula
        kind: expression
        prompt: f(x) = x^3 + 11x. Type f'(x).
        answer: 3*x**2 + 11 + 0*x**7
      - id: number
        kind: number
        prompt: What is 37 * 3?
        answer: 111
      - id: sign
        kind: sign
        f: x**2
        at: -0.5
      - id: exam
        kind: number
        prompt: What is 2 + 2?
        answer: 4
        visibility: hidden
    """)
QUIZ_ANSWERS = "quiz: secret_quiz\nanswers:\n  pick: 1\n  formula: 3x^2 + 11\n  number: 111\n  sign: decreasing\n  exam: 4\n"


@pytest.fixture
def secret_quiz(tmp_path) -> Path:
    folder = tmp_path / "instructor_quizzes"
    folder.mkdir()
    (folder / "secret_quiz.yaml").write_text(SECRET_QUIZ)
    return folder


def test_quiz_export_leaks_no_answer_key(secret_quiz, tmp_path):
    [written] = export([secret_quiz], tmp_path / "handout")
    assert written == tmp_path / "handout" / "quizzes" / "secret_quiz.yaml"
    text = written.read_text()
    for leak in ("answer:", "0*x**7", "111", "armadillo"):
        assert leak not in text, leak
    assert "student_edition: true" in text and "variables: [x]" in text
    assert all(not item.errors for item in validate_paths([written]))


@pytest.mark.e2e
def test_quiz_student_edition_records_answers_with_exit_0(secret_quiz, tmp_path):
    export([secret_quiz], tmp_path / "handout")
    answers = tmp_path / "mine.answers.yaml"
    answers.write_text(QUIZ_ANSWERS)
    rc, out, err = run_cli("check", answers, "--problems", tmp_path / "handout" / "quizzes", "--format", "json", cwd=tmp_path)
    assert rc == 0, err
    report = json.loads(out)
    assert (report["score"], report["max_score"], report["passed"]) == (0, 4, False)
    assert [r["status"] for r in report["results"]] == ["recorded"] * 4  # hidden `exam`: graded at grading time
    assert report["notes"] == ["1 hidden question will be graded when your work is graded."]
    assert report["results"][1]["feedback"] == "Recorded: 3*x^2 + 11. It is graded later with the instructor's answer key."
    rc, out, _ = run_cli("check", answers, "--problems", tmp_path / "handout" / "quizzes", cwd=tmp_path)
    assert rc == 0 and "RECORDED pick  0/1" in out and "Recorded 4 answers; the score comes when they are graded." in out
    # the instructor's full file grades the same answers file for the real score
    full = api.check(answers, problems=[secret_quiz], grading=True, exercise="secret_quiz")
    assert (full.score, full.max_score, full.exit_code) == (5, 5, 0)


def test_quiz_student_edition_still_catches_an_unreadable_answer(secret_quiz, tmp_path):
    export([secret_quiz], tmp_path / "handout")
    answers = tmp_path / "mine.answers.yaml"
    answers.write_text(QUIZ_ANSWERS.replace("sign: decreasing", "sign: sideways"))
    report = api.check(answers, problems=[tmp_path / "handout" / "quizzes"])
    assert report.exit_code == 1
    bad = next(r for r in report.results if r.id == "sign")
    assert bad.feedback.startswith("could not read your answer: expected increasing, decreasing or stationary")


def test_quiz_starter_from_the_student_edition(secret_quiz, tmp_path):
    export([secret_quiz], tmp_path / "handout")
    text = starter("secret_quiz", [tmp_path / "handout" / "quizzes"])
    assert "  #   1: right one" in text and "  # f(x) = x^3 + 11x. Type f'(x)." in text


def test_export_of_the_bundled_quizzes_has_no_answer_key_or_hint(tmp_path):
    import yaml

    written = export([QUIZZES], tmp_path / "handout")
    assert len(written) == len(BUNDLED_QUIZZES)
    for path in written:
        data = yaml.safe_load(path.read_text())
        assert data["student_edition"] is True
        assert all("answer" not in q and "hint" not in q for q in data["questions"]), path
    assert all(not item.errors for item in validate_paths([tmp_path / "handout"]))
