"""GitHub Classroom's result format: what its autograding reporter
(classroom-resources/autograding-grading-reporter) reads, base64-encoded, from each runner's
``result`` step output.

``{"version": 1, "status": "pass"|"fail"|"error", "max_score": N, "tests": [{"name", "status",
"score", "message", "test_code", "filename", "line_no", "duration"}]}``: one test per task or
question with its own score, so partial credit counts (the reporter's ``Points X/Y`` notice adds
the tests' ``score`` and the runners' ``max_score``). A report that could not happen is one
``error`` test of score 0 out of ``possible`` (the problem's points), so the total still says
what the student missed.
"""

from __future__ import annotations

import json
from typing import Any

from grader.reports.json import json_safe
from grader.reports.model import Report
from grader.reports.text import printable

MESSAGE = 1000  # characters of feedback kept per test


def _message(text: str) -> str:
    text = printable(text or "").strip()
    return text if len(text) <= MESSAGE else text[: MESSAGE - 3] + "..."


def classroom_result(report: Report, possible: float | None = None) -> dict[str, Any]:
    """The result as data; ``possible``: the points at stake when the report is a failed one."""
    if report.error:
        test = {"name": report.id or "gradquiz", "status": "error", "score": 0,
                "message": _message(f"Could not grade: {report.error}"), "test_code": "", "filename": report.file,
                "line_no": 0, "duration": 0}
        return {"version": 1, "status": "error", "max_score": possible or 0, "tests": [test]}
    tests = [
        {
            "name": f"{r.id} (hidden)" if r.hidden else r.id,
            "status": "pass" if r.passed else "fail",
            "score": r.score,
            "message": _message(r.feedback),
            "test_code": "",
            "filename": report.file,
            "line_no": 0,
            "duration": 0,
        }
        for r in report.results
    ]
    return {"version": 1, "status": "pass" if report.passed else "fail", "max_score": report.max_score, "tests": tests}


def render_classroom(report: Report) -> str:
    return json.dumps(json_safe(classroom_result(report)), indent=2, allow_nan=False) + "\n"
