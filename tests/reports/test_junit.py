"""grader.reports.junit: one testcase per task, failures with their feedback, a failed grading as
one testcase in error; nothing a student wrote can break the XML."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from grader.reports.junit import render_junit
from grader.reports.model import Report, Result


def suite(report: Report) -> ET.Element:
    root = ET.fromstring(render_junit(report).split("\n", 1)[1])
    assert root.tag == "testsuites"
    return root.find("testsuite")


def test_one_testcase_per_task_with_scores_and_failures():
    report = Report("ex", "exercise", "Ex", "ex.py", [
        Result("f", 1, 1, True, "Right."),
        Result("g", 0, 2, False, "Wrong at x = 1.\nExpected 3, got 2."),
    ])
    s = suite(report)
    assert (s.get("name"), s.get("tests"), s.get("failures"), s.get("errors")) == ("ex", "2", "1", "0")
    f, g = s.findall("testcase")
    assert f.get("name") == "f" and f.find("system-out").text == "Right." and f.find("failure") is None
    assert {p.get("name"): p.get("value") for p in g.iter("property")} == {"score": "0", "max_score": "2"}
    failure = g.find("failure")
    assert failure.get("message") == "Wrong at x = 1." and failure.text == "Wrong at x = 1.\nExpected 3, got 2."


def test_a_failed_grading_is_one_testcase_in_error():
    s = suite(Report.failed("ex.py:3: no function 'f'", id="ex"))
    assert (s.get("tests"), s.get("errors"), s.get("failures")) == ("1", "1", "0")
    error = s.find("testcase/error")
    assert (error.get("type"), error.get("message")) == ("GradingError", "ex.py:3: no function 'f'")


def test_control_characters_and_markup_from_a_student_stay_text():
    feedback = "</failure><x>\x1b[31m\x00 \ud800"
    s = suite(Report("ex", "exercise", "Ex", "ex.py", [Result("f\x07", 0, 1, False, feedback)]))
    case = s.find("testcase")
    assert case.get("name") == "f\\x07"
    assert case.find("failure").text == "</failure><x>\\x1b[31m\\x00 \\ud800"
