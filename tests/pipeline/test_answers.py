"""grader.pipeline.answers: a quiz's side of the seam, answers given as data (as a notebook gives
them) graded directly, the report saying that no code ran; data that is no answer refused."""

from __future__ import annotations

import numpy as np
import pytest

from grader.errors import GradquizError
from grader.pipeline.answers import QUIZ_ISOLATION, answers_spec, grade_answers
from grader.quiz import load_quiz

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

QUIZ = """\
id: q
title: Q
questions:
  - {id: a, kind: sign, f: x**2, at: 1}
  - {id: b, kind: number, f: x**2, at: 2}
"""


@pytest.fixture
def quiz(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(QUIZ)
    return load_quiz(path, "")


def test_answers_as_data_are_graded_and_no_code_ran(quiz):
    report = grade_answers(quiz, {"a": "increasing", "b": np.float64(4.0)})
    assert (report.score, report.max_score, report.passed) == (2, 2, True)
    assert report.isolation == QUIZ_ISOLATION and report.isolation is not QUIZ_ISOLATION
    wrong = grade_answers(quiz, {"a": "decreasing"})
    assert wrong.score == 0 and [r.extra.get("error") for r in wrong.results] == [None, "missing"]


def test_data_is_turned_into_what_an_answers_file_holds():
    spec = answers_spec("q", {1: (1, 2.5), "b": np.int64(3), "c": None})
    assert spec.quiz == "q" and spec.answers == {"1": [1, 2.5], "b": 3, "c": None}
    assert type(spec.answers["b"]) is int


def test_data_that_is_no_answer_is_refused_in_one_line():
    with pytest.raises(GradquizError, match=r"^answers: expected a mapping of question id to answer, not list$"):
        answers_spec("q", [1, 2])
    with pytest.raises(GradquizError, match=r"^answers\['a'\]: give a number, a text or a list of them, not a dict$"):
        answers_spec("q", {"a": {"nested": 1}})
    with pytest.raises(GradquizError, match=r"not a ndarray$"):
        answers_spec("q", {"a": np.zeros(3)})
