"""Grading mode trusts only the instructor (spec section 6), through the installed command:
problems never from the student's folder, the exercise from --exercise or the file name, a
student id required for variants, secret check points, no symbolic links as the graded file."""

from __future__ import annotations

import json
import os
import textwrap

import pytest
import yaml

from conftest import SOLUTIONS, clean_env, exercise_text, run_cli, run_cli_many, task

pytestmark = pytest.mark.e2e  # every test here runs the command


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def report_of(rc, out, err):
    assert rc in (0, 1), f"exit {rc}: {err}"
    assert "Traceback" not in err
    return json.loads(out)


# -- where problems come from ---------------------------------------------------------------------


@pytest.fixture
def planted(tmp_path):
    """A student's folder with ./exercises/exercise1.yaml that any constant passes, and a
    submission that returns that constant."""
    fake = task("derivative", "derivative", "3*x", (-1, 1))
    write(tmp_path / "exercises" / "exercise1.yaml", exercise_text([fake], id="exercise1", title="Planted"))
    sub = write(tmp_path / "exercise1.py", "def derivative(x):\n    return 3.0\n")
    return tmp_path, sub


def test_an_exercises_folder_in_the_students_folder_does_not_replace_the_real_exercise(planted):
    folder, sub = planted
    student, grading = run_cli_many(
        [
            (("check", sub, "--format", "json"), folder, None),
            (("check", sub, "--format", "json", "--grading"), folder, None),
        ]
    )
    assert report_of(*student)["title"] == "Planted"  # student mode: ./exercises is searched (documented)
    report = report_of(*grading)
    assert report["title"] == "The derivative of a parabola"  # the bundled exercise1
    assert report["score"] == 0 and report["passed"] is False


def test_grading_mode_from_the_environment_too(planted):
    folder, sub = planted
    report = report_of(*run_cli("check", sub, "--format", "json", cwd=folder, env=clean_env(GRADQUIZ_GRADING="1")))
    assert report["title"] == "The derivative of a parabola" and report["score"] == 0


def test_gradquiz_path_is_the_instructors_and_is_searched(tmp_path):
    course = tmp_path / "course"
    write(course / "mine.yaml", exercise_text([task("d", "derivative", "x**3")], id="mine"))
    sub = write(tmp_path / "student" / "mine.py", "def d(x):\n    return 3 * x**2\n")
    report = report_of(*run_cli("check", sub, "--grading", "--format", "json", cwd=sub.parent,
                                env=clean_env(GRADQUIZ_PATH=course)))
    assert report["id"] == "mine" and report["passed"] is True


# -- which exercise -------------------------------------------------------------------------------


def test_a_header_naming_another_exercise_is_not_followed_when_grading(tmp_path):
    sub = tmp_path / "exercise5.py"
    sub.write_text((SOLUTIONS / "exercise1.py").read_text())  # "# gradquiz: exercise1" at the top
    student, grading = run_cli_many(
        [
            (("check", sub, "--format", "json"), tmp_path, None),
            (("check", sub, "--format", "json", "--grading"), tmp_path, None),
        ]
    )
    as_student = report_of(*student)
    assert as_student["id"] == "exercise1" and as_student["passed"] is True
    assert as_student["notes"] == ["graded as 'exercise1', the exercise the file's `# gradquiz:` line names"]
    graded = report_of(*grading)
    assert graded["id"] == "exercise5" and graded["score"] == 0
    assert (
        "the file's `# gradquiz: exercise1` line was not followed: grading mode grades the exercise named by "
        "--exercise or the file name ('exercise5')"
    ) in graded["notes"]


def test_exercise_option_decides_in_grading_mode(tmp_path):
    sub = tmp_path / "anything.py"
    sub.write_text((SOLUTIONS / "exercise1.py").read_text())
    report = report_of(*run_cli("check", sub, "--grading", "--exercise", "exercise1", "--format", "json", cwd=tmp_path))
    assert report["id"] == "exercise1" and report["passed"] is True
    assert "notes" not in report


def test_a_file_name_that_names_no_exercise_says_where_the_id_comes_from(tmp_path):
    sub = tmp_path / "homework.py"
    sub.write_text((SOLUTIONS / "exercise1.py").read_text())
    rc, out, err = run_cli("check", sub, "--grading", cwd=tmp_path)
    assert (rc, out) == (2, "")
    assert err == (
        f"gradquiz: {sub}: no exercise or quiz with id 'homework' (see `gradquiz list`); "
        "grading mode takes the id from --exercise ID or the file's name\n"
    )


# -- students and variants ------------------------------------------------------------------------

VARIANT = """
id: powers
title: Powers
params:
  n: {integer: [2, 9]}
tasks:
  - id: d
    kind: derivative
    function: d
    f: x**n
    domain: [0.5, 1.5]
"""


def test_a_variant_exercise_needs_a_student_id_when_grading(tmp_path):
    problems = write(tmp_path / "course" / "powers.yaml", VARIANT)
    n = 4
    sub = write(tmp_path / "powers.py", f"def d(x):\n    return {n} * x**{n - 1}\n")
    rc, out, err = run_cli("check", sub, "--problems", problems, "--grading", cwd=tmp_path)
    assert (rc, out) == (2, "")
    assert err == (
        f"gradquiz: {sub}: exercise 'powers' has a variant per student: grading it needs --student ID or "
        "GRADQUIZ_STUDENT\n"
    )
    # the student's mode still grades the default variant, as documented
    rc, out, err = run_cli("check", sub, "--problems", problems, "--format", "json", cwd=tmp_path)
    assert rc in (0, 1), err
    # with an id (option or environment) grading happens
    by_option, by_env = run_cli_many(
        [
            (("check", sub, "--problems", problems, "--grading", "--student", "alice", "--format", "json"), tmp_path, None),
            (("check", sub, "--problems", problems, "--grading", "--format", "json"), tmp_path,
             clean_env(GRADQUIZ_STUDENT="alice")),
        ]
    )
    assert report_of(*by_option)["student"] == report_of(*by_env)["student"] == "alice"


VARIANT_QUIZ = """
id: vq
title: Variant quiz
params:
  a: {integer: [2, 9]}
questions:
  - id: slope
    kind: number
    prompt: "f(x) = {a} x. What is f'(0)?"
    answer: a
"""


def test_an_answers_files_student_key_is_not_trusted_when_grading(tmp_path):
    problems = write(tmp_path / "course" / "vq.yaml", VARIANT_QUIZ)
    from grader.quiz import load_quiz

    alice = int(load_quiz(problems, "alice").params["a"])
    answers = write(tmp_path / "vq.answers.yaml", yaml.safe_dump({"quiz": "vq", "student": "alice", "answers": {"slope": alice}}))
    rc, out, err = run_cli("check", answers, "--problems", problems, "--grading", cwd=tmp_path)
    assert (rc, out) == (2, "")
    assert err == (
        f"gradquiz: {answers}: quiz 'vq' has a variant per student: grading it needs --student ID or "
        "GRADQUIZ_STUDENT (an answers file's `student:` is not trusted)\n"
    )
    as_alice, as_bob = run_cli_many(
        [
            (("check", answers, "--problems", problems, "--grading", "--student", "alice", "--format", "json"), tmp_path, None),
            (("check", answers, "--problems", problems, "--grading", "--format", "json"), tmp_path,
             clean_env(GRADQUIZ_STUDENT="bob")),
        ]
    )
    assert report_of(*as_alice)["student"] == "alice"
    bob = report_of(*as_bob)
    assert bob["student"] == "bob"
    assert "these answers were given as student 'alice' but were graded as 'bob'" in bob["notes"]


def test_an_answers_files_quiz_key_is_not_followed_when_grading(tmp_path):
    answers = tmp_path / "signs.answers.yaml"
    answers.write_text((SOLUTIONS / "reading.answers.yaml").read_text())  # quiz: reading
    report = report_of(*run_cli("check", answers, "--grading", "--format", "json", cwd=tmp_path))
    assert report["id"] == "signs"
    assert (
        "the file's `quiz: reading` was not followed: grading mode grades the quiz named by --exercise or the "
        "file name ('signs')"
    ) in report["notes"]


# -- check points from a secret -------------------------------------------------------------------

PRINTING = "def derivative(x):\n    print('X', repr(x))\n    return 2 * x\n"


def printed(report) -> list[str]:
    return [line.split(" ", 1)[1] for line in report.get("output", "").splitlines() if line.startswith("X ")]


def test_grading_points_come_from_the_secret_and_never_equal_the_students(tmp_path):
    sub = write(tmp_path / "exercise1.py", PRINTING)
    args = ("check", sub, "--format", "json")
    runs = run_cli_many(
        [
            (args, tmp_path, None),  # the student's run: reproducible, shown in feedback
            (args, tmp_path, None),
            (args + ("--grading",), tmp_path, clean_env(GRADQUIZ_SECRET="s3cret")),
            (args + ("--grading",), tmp_path, clean_env(GRADQUIZ_SECRET="s3cret")),  # a regrade
            (args + ("--grading",), tmp_path, clean_env(GRADQUIZ_SECRET="other")),
            (args + ("--grading",), tmp_path, None),  # no secret: fresh randomness
            (args + ("--grading",), tmp_path, None),
        ]
    )
    student, student2, secret, regrade, other, fresh, fresh2 = (printed(report_of(*r)) for r in runs)
    shown = 3  # exercise1's `at:` points come first and are the same in every run
    assert student == student2 and len(student) == shown + 20
    assert secret == regrade and len(secret) == shown + 20
    assert student[:shown] == secret[:shown] == other[:shown] == fresh[:shown]
    random = [set(points[shown:]) for points in (student, secret, other, fresh, fresh2)]
    for i, one in enumerate(random):
        for two in random[i + 1 :]:
            assert not one & two
    for value in map(float, secret[shown:] + fresh[shown:]):
        assert -1 <= value <= 1


def test_a_lookup_table_of_the_students_points_fails_when_grading(tmp_path):
    sub = write(tmp_path / "exercise1.py", PRINTING)
    points = printed(report_of(*run_cli("check", sub, "--format", "json", cwd=tmp_path)))
    table = {float(p): 2 * float(p) for p in points}
    cheat = write(tmp_path / "cheat" / "exercise1.py", f"TABLE = {table!r}\n\ndef derivative(x):\n    return TABLE.get(x, 0.0)\n")
    student, grading = run_cli_many(
        [
            (("check", cheat, "--format", "json"), tmp_path, None),
            (("check", cheat, "--format", "json", "--grading"), tmp_path, clean_env(GRADQUIZ_SECRET="s3cret")),
        ]
    )
    assert report_of(*student)["passed"] is True  # the table passes where it was filled in ...
    assert report_of(*grading)["passed"] is False  # ... and nowhere else


# -- the graded file itself -----------------------------------------------------------------------


def test_a_symlink_to_the_instructors_solution_is_refused_when_grading(tmp_path):
    link = tmp_path / "exercise1.py"
    link.symlink_to(SOLUTIONS / "exercise1.py")
    rc, out, err = run_cli("check", link, "--grading", cwd=tmp_path)
    assert (rc, out) == (2, "")
    assert err == f"gradquiz: {link}: is a symbolic link; grading mode grades only the student's own regular files\n"
    rc, out, err = run_cli("check", link, "--format", "json", cwd=tmp_path)
    assert rc == 0  # a student may link their own files while working


def test_a_symlinked_answers_file_is_refused_when_grading(tmp_path):
    link = tmp_path / "signs.answers.yaml"
    link.symlink_to(SOLUTIONS / "signs.answers.yaml")
    rc, out, err = run_cli("check", link, "--grading", "--format", "json", cwd=tmp_path)
    assert rc == 2
    assert err == f"gradquiz: {link}: is a symbolic link; grading mode grades only the student's own regular files\n"
    assert json.loads(out)["error"] == f"{link}: is a symbolic link; grading mode grades only the student's own regular files"


def test_a_file_reached_through_a_linked_folder_in_the_students_folder_is_refused(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "work").symlink_to(SOLUTIONS, target_is_directory=True)
    path = repo / "work" / "exercise1.py"
    rc, out, err = run_cli("check", "work/exercise1.py", "--grading", cwd=repo)
    assert rc == 2
    assert err == (
        f"gradquiz: work/exercise1.py: is reached through a symbolic link ({repo / 'work'}); grading mode grades "
        "only the student's own files\n"
    )
    assert path.exists()


@pytest.mark.parametrize("grading", [False, True])
def test_a_fifo_as_the_submission_is_refused_not_waited_on(tmp_path, grading):
    fifo = tmp_path / "exercise1.py"
    os.mkfifo(fifo)
    rc, out, err = run_cli("check", fifo, *(["--grading"] if grading else []), cwd=tmp_path, timeout=60)
    assert (rc, out, err) == (2, "", f"gradquiz: {fifo}: is not a regular file (a FIFO, device or socket)\n")


def test_a_quizs_check_points_come_from_the_secret_too(tmp_path):
    problems = write(tmp_path / "course" / "eq.yaml", "id: eq\ntitle: E\nquestions:\n  - {id: d, kind: expression, f: x**2}\n")
    answers = write(tmp_path / "eq.answers.yaml", "quiz: eq\nanswers: {d: 3x}\n")
    args = ("check", answers, "--problems", problems, "--format", "json")
    runs = run_cli_many(
        [
            (args, tmp_path, None),
            (args + ("--grading",), tmp_path, clean_env(GRADQUIZ_SECRET="s3cret")),
            (args + ("--grading",), tmp_path, clean_env(GRADQUIZ_SECRET="s3cret")),
            (args + ("--grading",), tmp_path, clean_env(GRADQUIZ_SECRET="other")),
        ]
    )
    student, secret, regrade, other = (report_of(*r)["results"][0]["feedback"].split(" your answer")[0] for r in runs)
    assert student.startswith("At x = ")  # the counterexample shown is one of the check points
    assert secret == regrade and len({student, secret, other}) == 3
