"""Report delivery (grader.reports.delivery), without Typer: which report goes where (a file,
stdout, the terminal's text), the GitHub annotations and step summary, and the failed report of
exit 2 in every requested target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.reports import Report, Result, delivery
from grader.reports.outputs import targets

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass


def report(passed: bool = False) -> Report:
    results = [
        Result("t1", 1.0, 1.0, True, "right"),
        Result("t2", 1.0 if passed else 0.0, 1.0, passed, "right" if passed else "expected 2*x, got x"),
    ]
    return Report("exercise1", "exercise", "The derivative", "exercise1.py", results, isolation={"missing": []})


def test_render_gives_none_only_for_the_terminals_text(tmp_path):
    graded = report()
    assert delivery.render(graded, "text", None) is None  # coloured, by rich, at delivery
    text = delivery.render(graded, "text", tmp_path / "r.txt")
    assert "The derivative" in text and "expected 2*x, got x" in text and "\x1b[" not in text
    assert json.loads(delivery.render(graded, "json", None))["score"] == 1.0
    assert delivery.render(graded, "junit", tmp_path / "r.xml").startswith("<?xml")


def test_reports_to_files_and_json_to_stdout(tmp_path, capsys):
    graded = report()
    wanted = targets([str(tmp_path / "r.json"), f"junit:{tmp_path / 'r.xml'}", "-"], "json")
    code = delivery.deliver_all(graded, delivery.render_all(graded, wanted), file="exercise1.py", github=False,
                                grading=True)
    assert code == 1  # graded, but something failed
    out, err = capsys.readouterr()
    assert json.loads(out)["max_score"] == 2.0 and err == ""  # nothing is missing: no warning
    assert json.loads((tmp_path / "r.json").read_text())["score"] == 1.0
    assert "<testsuite" in (tmp_path / "r.xml").read_text()


def test_every_report_to_a_file_leaves_stdout_alone_off_a_terminal(tmp_path, capsys):
    graded = report(passed=True)
    wanted = targets([str(tmp_path / "r.txt")])
    assert delivery.deliver_all(graded, delivery.render_all(graded, wanted), file="x.py", github=False,
                                grading=False) == 0
    assert capsys.readouterr() == ("", "")
    assert (tmp_path / "r.txt").read_text().splitlines()[-1] == "Score: 2 / 2"


def test_github_annotations_and_the_step_summary(tmp_path, capsys, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    source = tmp_path / "exercise1.py"
    source.write_text("def t1(x):\n    return 2 * x\n\ndef t2(x):\n    return x\n")
    graded = report()
    wanted = targets([str(tmp_path / "r.json")], "text")
    delivery.deliver_all(graded, delivery.render_all(graded, wanted), file=source, github=True, grading=False)
    out, _ = capsys.readouterr()
    assert "The derivative" in out  # the reports went to files: the text still goes to the CI log
    assert "::error " in out and "::notice" in out
    assert summary.read_text().startswith("### The derivative (exercise1): 1 / 2")


def test_github_annotations_go_to_stderr_when_stdout_carries_json(tmp_path, capsys):
    source = tmp_path / "exercise1.py"
    source.write_text("x = 1\n")
    graded = report()
    delivery.deliver_all(graded, delivery.render_all(graded, targets(None, "json")), file=source, github=True,
                         grading=False)
    out, err = capsys.readouterr()
    assert json.loads(out)["id"] == "exercise1"
    assert "::notice" in err and "::" not in out


def test_cannot_grade_writes_the_failed_report_to_every_target(tmp_path, capsys):
    wanted = targets([str(tmp_path / "r.json"), str(tmp_path / "r.txt"), "-"], "text")
    code = delivery.cannot_grade("missing.py: no such file", "missing.py", None, wanted)
    assert code == 2
    out, err = capsys.readouterr()
    assert err == "gradquiz: missing.py: no such file\n"
    assert out == ""  # the terminal's text of a failed report is the line on stderr
    failed = json.loads((tmp_path / "r.json").read_text())
    assert (failed["error"], failed["score"]) == ("missing.py: no such file", 0.0)
    assert "missing.py: no such file" in (tmp_path / "r.txt").read_text()


def test_cannot_grade_prints_a_machine_readable_report_on_stdout(capsys):
    assert delivery.cannot_grade("bad.py:3: oops", "bad.py", "exercise1", targets(None, "gradescope")) == 2
    out, err = capsys.readouterr()
    assert json.loads(out)["output"].endswith("bad.py:3: oops") and err == "gradquiz: bad.py:3: oops\n"


def test_a_refused_target_is_a_user_error(tmp_path):
    from grader.errors import GradquizError

    (tmp_path / "link.json").symlink_to(tmp_path / "elsewhere.json")
    wanted = targets([str(tmp_path / "link.json")], "text")
    with pytest.raises(GradquizError, match="is a symbolic link; refusing to write the report through it"):
        delivery.deliver_all(report(), delivery.render_all(report(), wanted), file="x.py", github=False, grading=False)
    assert not (tmp_path / "elsewhere.json").exists()


def test_internal_error_names_the_bug_in_one_line():
    try:
        raise RuntimeError("first line\nsecond line")
    except RuntimeError as exc:
        assert delivery.internal_error(exc) == "internal error, please report it: RuntimeError: first line"


def test_isolation_warning_only_in_grading_mode(capsys):
    weak = Report("t", "exercise", "T", "s.py", [], isolation={"missing": ["landlock"]})
    delivery.isolation_warning(weak, grading=False)
    assert capsys.readouterr().err == ""
    delivery.isolation_warning(weak, grading=True)
    assert capsys.readouterr().err == (
        "gradquiz: warning: the sandbox could not enforce everything on this machine: landlock (see docs/security.md)\n"
    )


def test_delivery_needs_no_typer():
    import subprocess
    import sys

    code = "import sys, grader.reports.delivery, grader.reports.outputs; assert 'typer' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent)


def test_report_formats_are_named_once_and_checked_where_they_come_in(tmp_path):
    from grader.errors import GradquizError
    from grader.reports.outputs import FORMATS, report_format

    assert FORMATS == ("text", "json", "junit", "gradescope", "classroom")
    assert [report_format(name) for name in ("junit", "pdf", "")] == ["junit", None, None]
    assert targets([f"gradescope:{tmp_path / 'results.json'}", "-"], "json") == [
        ("gradescope", tmp_path / "results.json"), ("json", None)]
    with pytest.raises(GradquizError, match=r"^unknown report format 'pdf' \(one of text, json, junit, gradescope, "
                                            r"classroom\)$"):
        targets(None, "pdf")
