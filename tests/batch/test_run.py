"""grader.batch.run: the class secret kept between runs, the refusals before any grading, what a
run announces, and (end to end, in process) a class graded, resumed and regraded."""

from __future__ import annotations

import stat

import pytest
from conftest import SOLUTIONS

from grader.batch.layout import Issue, Plan
from grader.batch.run import GradeOptions, announce, class_secret, grade_class, nothing_graded
from grader.errors import GradquizError


def test_the_class_secret_is_made_once_and_kept_private(tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = class_secret(out)
    assert len(first) == 32 and class_secret(out) == first
    assert stat.S_IMODE((out / ".gradquiz").stat().st_mode) == 0o700
    assert stat.S_IMODE((out / ".gradquiz" / "secret").stat().st_mode) == 0o600
    monkeypatch.setenv("GRADQUIZ_SECRET", "from-the-environment")
    assert class_secret(out) == "from-the-environment"


def refusal(**options) -> str:
    with pytest.raises(GradquizError) as info:
        grade_class(GradeOptions(**options), say=lambda line: None)
    return str(info.value)


def test_bad_options_are_refused_before_grading(tmp_path):
    subs = tmp_path / "subs"
    (subs / "ada").mkdir(parents=True)
    (subs / "ada" / "exercise1.py").write_text("x = 1\n")
    assert refusal(submissions=[subs], output=tmp_path / "o", executor="gpu") == (
        "--executor must be local or dask, not 'gpu'")
    (tmp_path / "file").write_text("")
    assert refusal(submissions=[subs], output=tmp_path / "file") == f"{tmp_path / 'file'}: --output must be a folder"
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert refusal(submissions=[subs], output=tmp_path / "link") == (
        f"{tmp_path / 'link'}: --output is a symbolic link (refused)")
    assert refusal(submissions=[subs], output=tmp_path / "o", exercises=["exercise1"], regrade=["zed"]) == (
        "--regrade: no student 'zed' in this class")
    assert not (tmp_path / "o" / "journal.jsonl").exists()


def test_announce_names_the_problem_files_and_the_unmatched_files_safely(tmp_path):
    the_plan = Plan([], [], {"ex": (tmp_path / "ex.yaml", "exercise")}, ["ada"],
                    unmatched=[("subs/evil\x1b[2J.py", "'evil' is not on the roster")])
    assert announce(the_plan) == [
        f"gradquiz: grading ex from {tmp_path / 'ex.yaml'}",
        "gradquiz: 1 file match nobody on the roster (not graded, no row):",
        "  subs/evil?[2J.py: 'evil' is not on the roster",
    ]


def test_nothing_graded_says_what_was_looked_for(tmp_path):
    the_plan = Plan([], [Issue("ada", "ex", "missing", "no ex.py"), Issue("bo", "ex", "misnamed", "no ex.py")],
                    {"ex": (tmp_path / "ex.yaml", "exercise"), "q": (tmp_path / "q.yaml", "quiz")}, ["ada", "bo"],
                    unmatched=[("x.py", "nobody")])
    assert nothing_graded(the_plan) == (
        "graded nothing: 2 students (1 misnamed, 1 missing); 1 files match nobody on the roster; looked for "
        "ex.py or .ipynb, q.answers.yaml in each student's folder (name the problems with --exercise ID, give a "
        "roster with --roster)")


@pytest.mark.e2e
def test_a_class_is_graded_resumed_and_regraded_in_process(tmp_path):
    subs = tmp_path / "subs"
    for student, solution in (("ada", "exercise1.py"), ("bo", "exercise1_wrong.py")):
        (subs / student).mkdir(parents=True)
        (subs / student / "exercise1.py").write_text((SOLUTIONS / solution).read_text())
    (subs / "cy").mkdir()
    said: list[str] = []
    options = dict(submissions=[subs], output=tmp_path / "out", exercises=["exercise1"], jobs=1, quiet=True,
                   html=False)
    first = grade_class(GradeOptions(**options), say=said.append)
    assert (first.graded, first.skipped) == (2, 0)
    assert first.statuses == {"ok": 2, "missing": 1}
    assert said[0].startswith("gradquiz: grading exercise1 from ")
    assert {r.student: r.percent for r in first.rows}["ada"] == 100.0
    again = grade_class(GradeOptions(**options), say=said.append)
    assert (again.graded, again.skipped) == (0, 2)
    regraded = grade_class(GradeOptions(**options, regrade=["bo"]), say=said.append)
    assert (regraded.graded, regraded.skipped) == (1, 1)
    assert (tmp_path / "out" / "gradebook.csv").read_text().startswith("student,")
