"""A per-student exercise checked in student mode (issue 10): the starter records the
student id in its `# gradquiz: ID student=S` line and `check` reads it; without any id,
the report says which variant it graded and how to pick yours."""

from __future__ import annotations

import textwrap

import pytest
from conftest import clean_env, run_cli

from grader.exercise.problem import load_exercise

VARIANT = """
id: pv
title: A variant per student
params:
  a: {choice: [2, 3, 5, 7]}
tasks:
  - id: d
    kind: derivative
    function: d
    f: a*x**2
    domain: [-1, 1]
"""


@pytest.fixture
def setup(tmp_path):
    problem = tmp_path / "pv.yaml"
    problem.write_text(textwrap.dedent(VARIANT))
    students = {s: int(load_exercise(problem, s).params["a"]) for s in ("s01", "s03", "s04", "s05")}
    mine = next(s for s in students if students[s] != int(load_exercise(problem).params["a"]))
    other = next(s for s in students if students[s] != students[mine])
    return tmp_path, problem, students, mine, other


def _starter(tmp_path, problem, student, a):
    rc, out, err = run_cli("starter", "pv", "--problems", problem, "--student", student, "--output", tmp_path / "pv.py")
    assert rc == 0, err
    path = tmp_path / "pv.py"
    path.write_text(path.read_text().replace("raise NotImplementedError", f"return {2 * a} * x"))
    return path


@pytest.mark.e2e
def test_the_starter_records_the_student_and_check_grades_that_variant(setup):
    tmp_path, problem, students, mine, _ = setup
    path = _starter(tmp_path, problem, mine, students[mine])
    lines = path.read_text().splitlines()
    assert lines[0] == f"# gradquiz: pv student={mine}"
    assert lines[1] == f"# Your variant (student {mine}): a={students[mine]}"
    rc, out, err = run_cli("check", path, "--problems", problem, cwd=tmp_path, env=clean_env(COLUMNS="300"))
    assert rc == 0, out + err
    assert f"note: graded the variant of student '{mine}' (a={students[mine]}), from the file's `# gradquiz:` line" in out


def _write_starter(tmp_path, problem, student, a):
    from grader.authoring.starters import starter

    path = tmp_path / "pv.py"
    path.write_text(starter("pv", [problem], student).replace("raise NotImplementedError", f"return {2 * a} * x"))
    return path


def test_without_any_id_the_report_names_the_default_variant_and_how_to_pick_yours(setup):
    from grader import api
    from grader.authoring.starters import starter

    tmp_path, problem, students, mine, _ = setup
    path = _write_starter(tmp_path, problem, mine, students[mine])
    path.write_text(path.read_text().replace(f" student={mine}", ""))
    report = api.check(path, problems=[problem])
    default = int(load_exercise(problem).params["a"])
    assert report.exit_code == 1 and report.score == 0  # the default variant is not this student's
    assert report.notes == [
        f"no student id given: graded the default variant (a={default}), which may not be yours; pick yours with "
        "--student ID or GRADQUIZ_STUDENT=ID, or start the file with `# gradquiz: pv student=ID` (as `gradquiz "
        "starter ID --student ID` writes it)"
    ]
    assert starter("pv", [problem]).splitlines()[:2] == [
        "# gradquiz: pv",
        f"# The default variant: a={default}. For yours, run `gradquiz starter pv --student YOUR_ID`.",
    ]


def test_the_option_and_the_environment_win_over_the_line_and_say_so(setup, monkeypatch):
    from grader import api

    tmp_path, problem, students, mine, other = setup
    path = _write_starter(tmp_path, problem, mine, students[mine])
    report = api.check(path, problems=[problem], student=other)
    assert report.exit_code == 1 and report.student == other
    assert report.notes == [
        f"the file's `# gradquiz:` line names student '{mine}', but --student asked for '{other}' (a={students[other]})"
    ]
    assert api.check(path, problems=[problem], student=mine).notes == []  # nothing to say: the same student
    monkeypatch.setenv("GRADQUIZ_STUDENT", other)
    report = api.check(path, problems=[problem])
    assert report.exit_code == 1 and report.notes[0].endswith(f"but GRADQUIZ_STUDENT asked for '{other}' (a={students[other]})")


def test_grading_mode_never_takes_the_student_from_the_file(setup):
    from grader import api
    from grader.errors import GradquizError

    tmp_path, problem, students, mine, _ = setup
    path = _write_starter(tmp_path, problem, mine, students[mine])
    try:
        report = api.check(path, problems=[problem], grading=True)
    except GradquizError as exc:  # grading mode refuses a per-student exercise without --student
        assert "--student" in str(exc)
    else:
        assert report.student == "" and not any("from the file's" in n for n in report.notes)


def test_an_exercise_without_params_says_nothing_about_variants(tmp_path, monkeypatch):
    from conftest import SOLUTIONS

    from grader import api

    monkeypatch.chdir(tmp_path)
    report = api.check(SOLUTIONS / "exercise1.py")
    assert report.exit_code == 0 and not any("variant" in n for n in report.notes)


def test_a_quiz_with_params_and_no_student_names_the_default_variant(tmp_path):
    from grader.quiz.grade import check_answers

    quiz = tmp_path / "vq.yaml"
    quiz.write_text("id: vq\ntitle: T\nparams:\n  a: {choice: [2]}\nquestions:\n  - id: q\n    kind: number\n"
                    "    prompt: 'f(x) = {a}x^2; f(1)?'\n    answer: a\n")
    answers = tmp_path / "a.yaml"
    answers.write_text("quiz: vq\nanswers:\n  q: 2\n")
    report = check_answers(answers, problems=[quiz])
    assert report.passed and report.notes == [
        "no student id given: graded the default variant (a=2), which may not be yours; pick yours with "
        "--student ID or GRADQUIZ_STUDENT=ID, or a `student: ID` line in the answers file"
    ]
    answers.write_text("quiz: vq\nstudent: s1\nanswers:\n  q: 2\n")
    assert check_answers(answers, problems=[quiz]).notes == []
