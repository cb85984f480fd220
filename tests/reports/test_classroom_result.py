"""grader.reports.classroom: GitHub Classroom's result format, one test per task with its own
score (partial credit counts), a failed grading one error test out of the points at stake, and
feedback cut and made printable. (tests/batch/test_classroom.py is the workflow's, end to end.)"""

from __future__ import annotations

import json

from grader.reports.classroom import MESSAGE, classroom_result, render_classroom
from grader.reports.model import Report, Result


def test_one_test_per_task_with_its_score():
    report = Report("ex", "exercise", "Ex", "ex.py", [
        Result("f", 1, 1, True, "Right."),
        Result("g", 0.5, 2, False, "Half\x1b[31m.", hidden=True),
    ])
    body = json.loads(render_classroom(report))
    assert (body["version"], body["status"], body["max_score"]) == (1, "fail", 3.0)
    tests = [(t["name"], t["status"], t["score"]) for t in body["tests"]]
    assert tests == [("f", "pass", 1), ("g (hidden)", "fail", 0.5)]
    assert body["tests"][1]["message"] == "Half\\x1b[31m." and body["tests"][0]["filename"] == "ex.py"
    assert classroom_result(Report("ex", "exercise", "Ex", "", [Result("f", 1, 1, True, "")]))["status"] == "pass"


def test_a_failed_grading_is_one_error_test_out_of_the_points_at_stake():
    result = classroom_result(Report.failed("no file exercise1.py", id="exercise1", file="exercise1.py"), possible=4)
    assert (result["status"], result["max_score"]) == ("error", 4)
    (test,) = result["tests"]
    assert (test["name"], test["status"], test["score"]) == ("exercise1", "error", 0)
    assert test["message"] == "Could not grade: no file exercise1.py"
    assert classroom_result(Report.failed("x"))["max_score"] == 0


def test_long_feedback_is_cut():
    result = classroom_result(Report("ex", "exercise", "Ex", "", [Result("f", 0, 1, False, "y" * 5000)]))
    message = result["tests"][0]["message"]
    assert len(message) == MESSAGE and message.endswith("...")
