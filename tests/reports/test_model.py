"""grader.reports.model: the one result model (scores, passed, exit codes, the JSON dict)."""

from __future__ import annotations

from grader.reports.model import Report, Result, as_dict


def report(*results: Result, **extra) -> Report:
    return Report(id="ex", kind="exercise", title="Ex", file="ex.py", results=list(results), **extra)


PASS = Result("f", 1.0, 1.0, True, "Right.")
FAIL = Result("g", 0.5, 2.0, False, "Wrong at x = 1.", hidden=True, extra={"mistake": "sign"})


def test_scores_add_up_and_round():
    r = report(Result("a", 0.1, 1, True, ""), Result("b", 0.2, 1, True, ""))
    assert r.score == 0.3 and r.max_score == 2  # not 0.30000000000000004
    assert (r.passed, r.exit_code) == (True, 0)
    assert (report(PASS, FAIL).passed, report(PASS, FAIL).exit_code) == (False, 1)


def test_a_failed_report_scores_zero_and_exits_2():
    r = Report.failed("no such file", file="ex.py", id="ex", kind="exercise")
    assert (r.score, r.max_score, r.passed, r.exit_code) == (0, 0, False, 2)
    assert r.to_dict() == {"id": "ex", "score": 0, "max_score": 0, "passed": False, "results": [],
                           "kind": "exercise", "title": "ex", "file": "ex.py", "error": "no such file"}
    assert Report.failed("x").title == "gradquiz"


def test_the_dict_has_the_optional_keys_only_when_set():
    plain = report(PASS).to_dict()
    assert set(plain) == {"id", "score", "max_score", "passed", "results", "kind", "title", "file"}
    full = report(PASS, FAIL, student="ada", notes=["hidden checks"], output="hi\n",
                  isolation={"landlock": 3}).to_dict()
    assert (full["student"], full["notes"], full["output"], full["isolation"]) == (
        "ada", ["hidden checks"], "hi\n", {"landlock": 3})
    assert full["results"][1] == {"id": "g", "score": 0.5, "max_score": 2.0, "passed": False,
                                  "feedback": "Wrong at x = 1.", "hidden": True, "mistake": "sign"}


def test_the_trace_never_reaches_the_dict():
    result = Result("f", 1, 1, True, "", trace={"points": [1, 2]})
    assert "trace" not in result.to_dict()
    assert as_dict(result)["trace"] == {"points": [1, 2]}
    assert result == Result("f", 1, 1, True, "")  # the trace is not compared


def test_str_is_the_plain_text_report():
    text = str(report(PASS, FAIL))
    assert "Score: 1.5 / 3" in text and "Wrong at x = 1." in text
    assert "\x1b[" not in text
