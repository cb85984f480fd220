"""Gradescope's results.json."""

from __future__ import annotations

import json

from grader.reports.json import json_safe
from grader.reports.model import Report
from grader.reports.safe import one_line, printable
from grader.reports.text import fmt as _fmt


def render_gradescope(report: Report) -> str:
    if report.error:  # grading could not happen: score 0, the reason shown to the student
        body = {"score": 0.0, "output": f"Could not grade: {one_line(report.error)}", "tests": []}
        return json.dumps(json_safe(body), indent=2, allow_nan=False) + "\n"
    tests = [
        {
            "name": one_line(r.id),
            "score": r.score,
            "max_score": r.max_score,
            "status": "passed" if r.passed else "failed",
            "output": printable(r.feedback),  # the submission's strings in it: already one line each
            "visibility": "after_published" if r.hidden else "visible",
        }
        for r in report.results
    ]
    body = {
        "score": report.score,
        "max_score": report.max_score,
        "output": f"{report.title}: {_fmt(report.score)} / {_fmt(report.max_score)}",
        "tests": tests,
    }
    return json.dumps(json_safe(body), indent=2, allow_nan=False) + "\n"
