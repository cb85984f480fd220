"""grader.reports.gradescope: Gradescope's results.json (hidden tasks after publishing)."""

from __future__ import annotations

import json

from grader.reports.gradescope import render_gradescope
from grader.reports.model import Report, Result


def test_tests_scores_and_visibility():
    report = Report("ex", "exercise", "Derivatives", "ex.py", [
        Result("f", 1, 1, True, "Right."),
        Result("g", 0.5, 2, False, "Half.", hidden=True),
    ])
    body = json.loads(render_gradescope(report))
    assert body == {
        "score": 1.5, "max_score": 3.0, "output": "Derivatives: 1.5 / 3",
        "tests": [
            {"name": "f", "score": 1, "max_score": 1, "status": "passed", "output": "Right.", "visibility": "visible"},
            {"name": "g", "score": 0.5, "max_score": 2, "status": "failed", "output": "Half.",
             "visibility": "after_published"},
        ],
    }


def test_a_failed_grading_scores_zero_and_says_why():
    body = json.loads(render_gradescope(Report.failed("exercise1.py: not UTF-8 text")))
    assert body == {"score": 0.0, "output": "Could not grade: exercise1.py: not UTF-8 text", "tests": []}


def test_a_non_finite_score_is_still_strict_json():
    text = render_gradescope(Report("ex", "exercise", "Ex", "", [Result("f", float("nan"), 1, False, "")]))
    assert json.loads(text)["tests"][0]["score"] == "nan" and "NaN" not in text
