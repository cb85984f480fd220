"""grader.batch.html (the class report's page, rendered from a plan and records built here) and
grader.batch.files. Named apart from tests/reports/test_html.py: test files' names are unique.
The page in a real browser is tests/batch/test_report_html.py's."""

from __future__ import annotations

import stat

from grader.batch.files import write_text
from grader.batch.gradebook import build
from grader.batch.html import render, write_report
from test_gradebook import class_plan, records  # noqa: F401 (fixtures)


def test_cards_tables_and_statuses(class_plan, records):  # noqa: F811
    records[("bo", "ex")]["tasks"][1].update(mistake="power rule", feedback="<b>x^3</b> is 3x^2")
    infos, rows = build(class_plan, records)
    page = render(class_plan, infos, rows, records)
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</body></html>\n")
    assert "<title>Class report: Ex</title>" in page
    assert "7 students, 5 submissions graded" in page  # dee's record is of an older file
    assert '<div class="card"><b>2</b>ok</div>' in page and '<div class="card"><b>1</b>timeout</div>' in page
    assert "with 0% for work that could not be graded (2 error, 1 misnamed, 1 missing, 1 timeout)" in page
    assert "<td>ex</td><td>f</td><td class='num'>1</td><td class='num'>3/5</td><td class='num'>60%</td>" in page
    assert "<td>power rule</td>" in page and "&lt;b&gt;x^3&lt;/b&gt; is 3x^2" in page and "<b>x^3</b>" not in page
    assert "<td>fay</td><td>ex</td><td>f: import, g: import</td>" in page
    assert "<td>=cmd</td>" in page


def test_the_page_is_written_atomically_and_private(tmp_path, class_plan, records):  # noqa: F811
    infos, rows = build(class_plan, records)
    write_report(tmp_path / "out" / "report.html", class_plan, infos, rows, records)
    page = tmp_path / "out" / "report.html"
    assert page.read_text().startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(page.stat().st_mode) == 0o600


def test_write_text_makes_the_folder_and_replaces_a_planted_link(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("keep\n")
    out = tmp_path / "out" / "deep"
    write_text(out / "gradebook.csv", "student\n")
    (out / "gradebook.csv").unlink()
    (out / "gradebook.csv").symlink_to(secret)
    write_text(out / "gradebook.csv", "student\nada\n")
    assert (out / "gradebook.csv").read_text() == "student\nada\n" and not (out / "gradebook.csv").is_symlink()
    assert secret.read_text() == "keep\n"
