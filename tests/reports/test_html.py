"""grader.reports.html: the HTML report Jupyter shows; every text from the submission escaped."""

from __future__ import annotations

from grader.reports.html import render_html
from grader.reports.model import Report, Result


def test_marks_scores_notes_output_and_figures():
    report = Report("ex", "exercise", "Ex", "ex.py", [
        Result("f", 1, 1, True, "Right."),
        Result("g", 0, 2, False, "Wrong.", hidden=True, extra={"mistake": "chain rule"}),
        Result("q", 0, 0, True, "Recorded.", extra={"status": "recorded"}),
    ], notes=["1 hidden check"], output="printed\n", figures=[("g", "<svg id='pic'></svg>")])
    page = report._repr_html_()
    assert page == render_html(report)
    assert '<p class="fail">Score: 1 / 3</p>' in page
    assert '<span class="pass">PASS</span></td><td><code>f</code>' in page
    assert '<span class="fail">FAIL</span></td><td><code>g</code> <small>(hidden)</small>' in page
    assert "mistake: <code>chain rule</code>" in page
    assert '<span class="rec">RECORDED</span>' in page
    assert '<p class="note">note: 1 hidden check</p>' in page
    assert "<summary>Your code printed</summary><pre>printed</pre>" in page
    assert "<figure><svg id='pic'></svg><figcaption>g</figcaption></figure>" in page


def test_a_students_text_cannot_inject_markup():
    report = Report("ex", "exercise", "<b>T</b>", "ex.py", [Result("f", 1, 1, True, "<script>alert(1)</script>\x1b")],
                    output="<img src=x onerror=alert(1)>")
    page = render_html(report)
    assert "<script>" not in page and "<img" not in page and "<b>T</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\x1b" in page
    assert '<p class="pass">Score: 1 / 1</p>' in page
