"""JUnit XML, one testcase per task or question."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from grader.reports.model import Report
from grader.reports.text import fmt as _fmt
from grader.reports.text import printable


def render_junit(report: Report) -> str:
    failures = sum(not r.passed for r in report.results)
    suite = ET.Element(
        "testsuite",
        name=printable(report.id or "gradquiz"),
        tests=str(len(report.results) + bool(report.error)),
        failures=str(failures),
        errors=str(int(bool(report.error))),
        skipped="0",
    )
    if report.error:  # grading could not happen: one testcase in error that carries the reason
        case = ET.SubElement(suite, "testcase", classname=printable(report.id or "gradquiz"), name="grading")
        reason = printable(report.error)
        ET.SubElement(case, "error", message=reason, type="GradingError").text = reason
    for r in report.results:
        case = ET.SubElement(suite, "testcase", classname=printable(report.id), name=printable(r.id))
        ET.SubElement(case, "properties").extend(
            [
                ET.Element("property", name="score", value=_fmt(r.score)),
                ET.Element("property", name="max_score", value=_fmt(r.max_score)),
            ]
        )
        feedback = printable(r.feedback)
        if not r.passed:
            failure = ET.SubElement(case, "failure", message=feedback.splitlines()[0] if feedback else "failed")
            failure.text = feedback
        else:
            ET.SubElement(case, "system-out").text = feedback
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
