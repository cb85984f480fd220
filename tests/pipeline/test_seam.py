"""The seam every submission goes through (grader.pipeline): grade_exercise with a compiled
exercise and a sandbox factory (a real one, no fakes), grade_answers from an answers file or from
plain data, and gradquiz grade's worker giving what `check --grading` gives."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from grader import api
from grader.errors import GradquizError
from grader.pipeline import CompiledExercise, ExerciseFile, grade_answers, grade_exercise, read_exercise
from grader.quiz.answers import read_answers
from grader.quiz.grade import answers_quiz
from grader.reports import render_json
from grader.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
EXERCISES, QUIZZES, SOLUTIONS = ROOT / "exercises", ROOT / "quizzes", ROOT / "solutions"


def scores(report) -> list[tuple]:
    return [(r.id, r.score, r.max_score, r.passed) for r in report.results]


def test_a_compiled_exercise_graded_through_a_sandbox_factory():
    problem = read_exercise(EXERCISES / "exercise1.yaml", "exercise1.py")
    assert isinstance(problem, ExerciseFile) and not problem.per_student
    compiled = problem.compile("s01")
    assert isinstance(compiled, CompiledExercise) and compiled.exercise.student == "s01"
    with pytest.raises(dataclasses.FrozenInstanceError):
        compiled.forbid = ()  # type: ignore[misc]
    assert compiled.compile("s01") is compiled  # kept as it is for the student it was compiled for
    other = compiled.compile("s02")
    assert other.exercise.student == "s02" and (other.forbid, other.allow) == (compiled.forbid, compiled.allow)
    started = []

    def factory(source, filename, forbid, allow):
        started.append((filename, tuple(forbid), tuple(allow)))
        return Sandbox(source, filename, forbid, allow=allow)

    right = grade_exercise((SOLUTIONS / "exercise1.py").read_text(), "exercise1.py", compiled, student="s02",
                           sandbox=factory)
    wrong = grade_exercise((SOLUTIONS / "exercise1_wrong.py").read_text(), "w.py", compiled, sandbox=factory)
    assert started == [("exercise1.py", compiled.forbid, compiled.allow), ("w.py", compiled.forbid, compiled.allow)]
    assert right.score == right.max_score > wrong.score
    assert right.student == "s02"  # an exercise without params: the same exercise, graded as s02
    via_check = api.check(SOLUTIONS / "exercise1.py")
    assert scores(right) == scores(via_check)
    assert [r.feedback for r in right.results] == [r.feedback for r in via_check.results]


def test_an_exercise_file_compiles_after_the_child_started(monkeypatch):
    import grader.pipeline.exercise as seam

    order = []
    compile_ = ExerciseFile.compile

    def compiling(self, student):
        order.append("compile")
        return compile_(self, student)

    def factory(source, filename, forbid, allow):
        order.append("child")
        return Sandbox(source, filename, forbid, allow=allow)

    monkeypatch.setattr(seam.ExerciseFile, "compile", compiling)
    problem = read_exercise(EXERCISES / "exercise1.yaml", "exercise1.py")
    report = grade_exercise((SOLUTIONS / "exercise1.py").read_text(), "exercise1.py", problem, sandbox=factory)
    assert order == ["child", "compile"] and report.passed


def test_read_exercise_refuses_a_quiz_and_a_variant_without_a_student(tmp_path):
    with pytest.raises(GradquizError) as caught:
        read_exercise(QUIZZES / "signs.yaml", "signs.py")
    assert str(caught.value) == "signs.py: 'signs' is a quiz; answer it in a .yaml answers file"
    varied = tmp_path / "pv.yaml"
    varied.write_text(
        "id: pv\ntitle: P\nparams:\n  a: [2, 3]\ntasks:\n  - id: t\n    function: d\n    f: a*x**2\n"
    )
    assert read_exercise(varied, "pv.py").per_student
    with pytest.raises(GradquizError, match="pv.py: exercise 'pv' has a variant per student: grading it needs"):
        read_exercise(varied, "pv.py", grading=True)


@pytest.mark.parametrize("name", ["signs", "signs_wrong", "tangent", "derivatives_wrong"])
def test_a_quiz_graded_from_data_equals_the_answers_file(name, monkeypatch):
    path = SOLUTIONS / f"{name}.answers.yaml"
    from_file = api.check(path, student="s01")
    spec, positions = read_answers(path)
    quiz = answers_quiz(path, spec, positions, student="s01")
    from_data = grade_answers(quiz, dict(spec.answers))
    assert from_data.results == from_file.results
    assert (from_data.score, from_data.max_score, from_data.isolation) == (
        from_file.score, from_file.max_score, from_file.isolation
    )
    in_kernel = api.check(quiz.id, answers=dict(spec.answers), student="s01")
    assert in_kernel.results == from_file.results and in_kernel.file == "answers given in this notebook"
    assert from_file.to_dict()["isolation"]["code"].startswith("none")


def test_answers_as_data_are_read_as_yaml_would_give_them():
    import numpy as np

    quiz = answers_quiz(SOLUTIONS / "signs.answers.yaml", *read_answers(SOLUTIONS / "signs.answers.yaml"))
    plain = grade_answers(quiz, {"q1": "decreasing", "q2": 1, "q3": "3x^2", "q4": 1})
    numpy = grade_answers(quiz, {"q1": "decreasing", "q2": np.int64(1), "q3": "3x^2", "q4": np.float64(1.0)})
    assert plain.results[1:2] == numpy.results[1:2] and numpy.score == plain.score == plain.max_score
    with pytest.raises(GradquizError) as caught:
        grade_answers(quiz, {"q1": object()})
    assert str(caught.value) == "answers['q1']: give a number, a text or a list of them, not a object"
    typo = grade_answers(quiz, {"Q1": "decreasing"})
    assert typo.notes[0] == ("answers.Q1: quiz 'signs' has no question 'Q1' (did you mean 'q1'?); this answer "
                             "was not graded")  # no file, no line: given as data


def test_the_worker_grades_as_check_grading_does(tmp_path, monkeypatch):
    from grader.batch import worker

    monkeypatch.setenv("GRADQUIZ_SECRET", "the same points")
    monkeypatch.setenv("GRADQUIZ_GRADING", "1")
    try:
        for name, problem, kind in [("exercise1_wrong.py", "exercise1", "exercise"),
                                    ("signs_wrong.answers.yaml", "signs", "quiz")]:
            path = SOLUTIONS / name
            folder = EXERCISES if kind == "exercise" else QUIZZES
            job = {"student": "s01", "problem": problem, "kind": kind, "file": str(path), "sha256": "",
                   "problem_path": str(folder / f"{problem}.yaml")}
            record = worker.grade_job(job, "the same points")
            checked = api.check(path, exercise=problem, student="s01", grading=True)
            assert record["status"] == "ok", record
            assert json.loads(record["report"]) == json.loads(render_json(checked))
    finally:
        worker.shutdown()
