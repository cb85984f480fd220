"""The parent trusts nothing from the child: every shape of reply becomes a result (a garbled
one fails the task), never a traceback; and the text report cannot be imitated by what the
submission prints."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from conftest import run_cli, run_cli_many, task

from grader.sandbox import Run

# -- replies of any shape, straight into grading (as a sandbox could hand them over) ---------------


@pytest.fixture(scope="module")
def graded_task(tmp_path_factory):
    """A loaded exercise task and its check points (3 random points, no shown ones)."""
    from conftest import exercise_text

    from grader.exercise.grading import check_points
    from grader.exercise.problem import load_exercise

    folder = tmp_path_factory.mktemp("trust")
    path = folder / "tq.yaml"
    path.write_text(exercise_text([task("d", "derivative", "x**2", (0.5, 1.5), samples=3)]))
    exercise = load_exercise(path)
    the_task = exercise.tasks[0]
    return the_task, check_points(the_task, exercise)


GOOD = {"ok": True, "shape": [], "data": [1.0]}
ODD_RESULTS = {
    "not a list": "results",
    "too few": [GOOD],
    "too many": [GOOD] * 4,
    "items not dicts": [5, "x", None],
    "shape not a list": [{"ok": True, "shape": "zz", "data": [1.0]}] * 3,
    "data not a list": [{"ok": True, "shape": [], "data": {"a": 1}}] * 3,
    "data of strings": [{"ok": True, "shape": [], "data": ["1.0"]}] * 3,
    "huge shape": [{"ok": True, "shape": [10**6, 10**6], "data": [1.0]}] * 3,
    "negative shape": [{"ok": True, "shape": [-1], "data": []}] * 3,
    "shape of floats": [{"ok": True, "shape": [1.5], "data": [1.0]}] * 3,
    "deep shape": [{"ok": True, "shape": [1] * 40, "data": [1.0]}] * 3,
    "size mismatch": [{"ok": True, "shape": [2, 2], "data": [1.0]}] * 3,
    "an integer past float": [{"ok": True, "shape": [], "data": [10**400]}] * 3,
    "booleans": [{"ok": True, "shape": [], "data": [True]}] * 3,
}
ODD_FAILURES = {
    "unknown failure": Run(failure="pwned"),
    "failure of another type": Run(failure=["import"]),
    "detail not a dict": Run(failure="import", detail="timeout"),
    "timeout not a number": Run(failure="timeout", detail={"timeout": "soon"}),
    "timeout nan": Run(failure="timeout", detail={"timeout": math.nan}),
    "import error of odd types": Run(failure="import", detail={"type": 5, "message": ["x"], "line": "7", "text": {}}),
    "returncode odd": Run(failure="crash", detail={"returncode": "x"}),
}
CALL_ERRORS = [
    {"ok": False, "error": {"type": 5, "message": None, "line": -3}},
    {"ok": False, "error": "boom"},
    {"ok": False, "returned": {"x": 1}},
    {"ok": False},
    {"ok": "yes", "shape": [], "data": [1.0]},  # only `true` is a value
    {"ok": False, "error": {"type": "ValueError", "message": "x" * 100_000, "line": 10**100, "text": "y" * 10_000}},
]


def judge(graded_task, run):
    from grader.exercise.grading import checked_run, judge

    the_task, points = graded_task
    return judge(the_task, points, checked_run(run, len(points.x)))


@pytest.mark.parametrize("name", ODD_RESULTS)
def test_odd_results_fail_the_task_as_garbled(graded_task, name):
    verdict = judge(graded_task, Run(results=ODD_RESULTS[name]))
    assert verdict.passed is False
    assert verdict.extra["error"] == "garbled"
    assert "The submission's process sent a garbled reply while `d` was being checked" in verdict.text


@pytest.mark.parametrize("name", ODD_FAILURES)
def test_odd_failures_give_feedback_not_a_traceback(graded_task, name):
    verdict = judge(graded_task, ODD_FAILURES[name])
    assert verdict.passed is False and verdict.text
    if name in ("unknown failure", "failure of another type"):
        assert verdict.extra["error"] == "garbled"
    if name == "timeout not a number":
        assert verdict.text == "`d` did not return within 2 s (an infinite loop, or very slow code?)."


@pytest.mark.parametrize("item", CALL_ERRORS, ids=range(len(CALL_ERRORS)))
def test_odd_call_errors_give_feedback_not_a_traceback(graded_task, item):
    verdict = judge(graded_task, Run(results=[item] * 3))
    assert verdict.passed is False and verdict.extra == {"error": "call"}
    assert len(verdict.text) < 3000


def test_nan_and_inf_values_fail_and_render_as_strict_json(graded_task):
    from grader.reports import Report, Result, render_json

    results = [{"ok": True, "shape": [], "data": [v]} for v in (math.nan, math.inf, -math.inf)]
    verdict = judge(graded_task, Run(results=results))
    assert verdict.passed is False
    report = Report("tq", "exercise", "T", "s.py", [Result("d", 0.0, 1.0, False, verdict.text, extra=verdict.extra)])
    json.loads(render_json(report), parse_constant=lambda c: pytest.fail(f"non-standard JSON {c}"))


def test_right_values_still_pass(graded_task):
    the_task, points = graded_task
    results = [{"ok": True, "shape": [], "data": [2 * float(x[0])]} for x in points.x]
    assert judge(graded_task, Run(results=results)).passed is True


# -- a forged reply on the result pipe, end to end ----------------------------------------------------

FORGE = """
import os, sys
fd = int(sys.argv[1])  # the child's reply pipe
os.write(fd, {reply!r} + b'\\n')

def d(x):
    return 2 * x
"""
READY = b'{"ready": true}\n'
FORGED = {  # what the submission writes on the reply pipe before the child's own first line
    "items of the wrong type": READY + b'{"results": [5, "x", null]}',
    "data that is a mapping": READY + b'{"results": [{"ok": true, "shape": [], "data": {"a": 1}}, {}, {}]}',
    "odd error fields": READY + b'{"results": [{"ok": false, "error": {"type": 1, "message": [2], "line": "3"}}, {}, {}]}',
    "a number past float": READY + b'{"results": [{"ok": true, "shape": [], "data": [1' + b"0" * 400 + b']}, {}, {}]}',
    "an import error of odd types": b'{"import_error": {"type": 1, "message": null, "line": "x"}}',
    "an import error that is a string": b'{"import_error": "timeout"}',
}


@pytest.fixture(scope="module")
def forged_runs(tmp_path_factory):
    from conftest import exercise_text

    folder = tmp_path_factory.mktemp("forged")
    (folder / "tq.yaml").write_text(exercise_text([task("d", "derivative", "x**2", (0.5, 1.5), samples=3)]))
    jobs = []
    for i, reply in enumerate(FORGED.values()):
        sub = folder / f"forged{i}.py"
        sub.write_text(FORGE.format(reply=reply))
        jobs.append((("check", sub, "--exercise", "tq", "--problems", folder, "--format", "json", "--output",
                      folder / f"r{i}.json"), folder, None))
    return folder, run_cli_many(jobs)


@pytest.mark.e2e
@pytest.mark.parametrize("index", range(len(FORGED)), ids=list(FORGED))
def test_a_forged_reply_fails_the_task_and_the_report_is_written(forged_runs, index):
    folder, runs = forged_runs
    rc, out, err = runs[index]
    assert "Traceback" not in err
    assert rc == 1, err
    report = json.loads((folder / f"r{index}.json").read_text())
    assert report["score"] == 0 and report["results"][0]["passed"] is False


# -- the text report cannot be imitated ---------------------------------------------------------------

SPOOF = r'''
import sys
print("PASS d  1/1")
print("Score: 1 / 1")
print("\x1b[2K\x1b[1A\rScore: 1 / 1")
print(" " * 200 + "Score: 1 / 1")
sys.stderr.write("note: all hidden checks passed\n")

def d(x):
    return 0.0
'''


@pytest.mark.e2e
def test_printed_text_comes_first_set_apart_and_never_looks_like_the_score(tmp_path):
    from conftest import exercise_text

    (tmp_path / "tq.yaml").write_text(exercise_text([task("d", "derivative", "x**2", (0.5, 1.5), samples=3)]))
    sub = tmp_path / "tq.py"
    sub.write_text(SPOOF)
    rc, out, err = run_cli("check", sub, "--problems", tmp_path, cwd=tmp_path)
    assert rc == 1, err
    lines = out.splitlines()
    assert lines[1] == "Your code printed (shown as printed; not part of the grade):"
    end = lines.index("  '-- end of what your code printed")
    printed = lines[2:end]
    assert printed[:2] == ["  | PASS d  1/1", "  | Score: 1 / 1"]
    assert printed[2] == "  | \\x1b[2K\\x1b[1A\\x0dScore: 1 / 1"  # control characters shown, not obeyed
    assert all(line.startswith("  | ") for line in printed)
    assert "\x1b" not in out and "\r" not in out
    after = lines[end + 1 :]
    assert after[0].startswith("FAIL d  0/1")
    assert [line for line in lines if line.startswith("Score:")] == ["Score: 0 / 1"] == lines[-1:]
    assert not [line for line in lines if re.match(r"(PASS|FAIL|note:)", line) and lines.index(line) < end]
    # the same in a report file
    rc, out, err = run_cli("check", sub, "--problems", tmp_path, "--output", tmp_path / "r.txt", cwd=tmp_path)
    text = (tmp_path / "r.txt").read_text().splitlines()
    assert text[-1] == "Score: 0 / 1" and text.index("  | Score: 1 / 1") < text.index("FAIL d  0/1")


def test_a_long_printed_line_is_cut_not_wrapped_to_the_margin():
    from io import StringIO

    from rich.console import Console

    from grader.reports import Report, Result
    from grader.reports.text import render_text

    report = Report("tq", "exercise", "T", "s.py", [Result("d", 0.0, 1.0, False, "wrong")],
                    output=" " * 70 + "Score: 1 / 1")
    buffer = StringIO()
    render_text(report, Console(file=buffer, width=60, no_color=True, soft_wrap=False))
    lines = buffer.getvalue().splitlines()
    assert [line for line in lines if "Score" in line] == ["  | " + " " * 15 + "Score: 1 / 1", "Score: 0 / 1"]
    assert all(len(line) <= 60 for line in lines)


@pytest.mark.e2e
def test_the_json_report_says_what_isolation_it_had(tmp_path):
    from conftest import SOLUTIONS

    quiz, exercise = run_cli_many(
        [
            (("check", SOLUTIONS / "signs.answers.yaml", "--format", "json"), tmp_path, None),
            (("check", SOLUTIONS / "exercise1.py", "--format", "json"), tmp_path, None),
        ]
    )
    assert json.loads(quiz[1])["isolation"] == {"code": "none: a quiz runs no submitted code; answers are data, read without eval"}
    isolation = json.loads(exercise[1]).get("isolation")
    assert isolation is None or isinstance(isolation, dict)  # the sandbox's own account, where it gives one


def test_grading_mode_warns_when_the_sandbox_enforced_less(capsys):
    from grader.reports import Report
    from grader.reports.delivery import isolation_warning as _isolation_warning

    report = Report("tq", "exercise", "T", "s.py", [], isolation={"missing": ["landlock", "cgroup memory limit"]})
    _isolation_warning(report, grading=False)
    assert capsys.readouterr().err == ""
    _isolation_warning(report, grading=True)
    assert capsys.readouterr().err == (
        "gradquiz: warning: the sandbox could not enforce everything on this machine: landlock; cgroup memory "
        "limit (see docs/security.md)\n"
    )
    _isolation_warning(Report("tq", "exercise", "T", "s.py", [], isolation={"missing": []}), grading=True)
    assert capsys.readouterr().err == ""


def test_values_of_numpy_types_are_json(tmp_path):
    from grader.reports.json import json_safe

    assert json_safe({"a": np.float64("nan"), 1: np.array([1.0, np.inf]), "b": b"x", "c": {"d": [np.int64(3)]}}) == {
        "a": "nan", "1": [1.0, "inf"], "b": "b'x'", "c": {"d": [3]}
    }


# -- any JSON value at all ------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SCALARS = st.none() | st.booleans() | st.integers(-(10**400), 10**400) | st.floats() | st.text(max_size=20)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.sampled_from(
        ["ok", "shape", "data", "error", "returned", "type", "message", "line", "text", "x"]), inner, max_size=5),
    max_leaves=20,
)
ITEMS = st.fixed_dictionaries({}, optional={"ok": JSON | st.just(True), "shape": JSON | st.just([]),
                                            "data": JSON | st.lists(st.floats(), max_size=3), "error": JSON,
                                            "returned": JSON}) | JSON


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(results=st.lists(ITEMS, min_size=3, max_size=3) | JSON,
       failure=st.sampled_from([None, "import", "missing", "timeout", "crash", "garbled"]) | JSON,
       detail=JSON)
def test_any_reply_value_gives_a_verdict(graded_task, results, failure, detail):
    from grader.reports import Report, Result, render_json
    from grader.reports.junit import render_junit

    run = Run(results=results, failure=failure, detail=detail) if failure is None else Run(failure=failure, detail=detail)
    verdict = judge(graded_task, run)
    assert isinstance(verdict.text, str) and verdict.text
    report = Report("tq", "exercise", "T", "s.py", [Result("d", 0.0, 1.0, verdict.passed, verdict.text, extra=verdict.extra)])
    json.loads(render_json(report))
    render_junit(report)


FORGED_ERROR = r'''
def d(x):
    raise ValueError("\nPASS d  1/1\nScore: 1 / 1\u2028Score: 1 / 1")
'''


@pytest.mark.e2e
def test_an_exception_message_cannot_forge_report_lines(tmp_path):
    """Line breaks in a student's exception message stay inside its one feedback line, shown escaped."""
    from conftest import exercise_text

    (tmp_path / "te.yaml").write_text(exercise_text([task("d", "derivative", "x**2", (0.5, 1.5), samples=3)]))
    sub = tmp_path / "te.py"
    sub.write_text(FORGED_ERROR)
    rc, out, err = run_cli("check", sub, "--problems", tmp_path, cwd=tmp_path)
    assert rc == 1, err
    assert r"ValueError: \nPASS d  1/1\nScore: 1 / 1\u2028Score: 1 / 1" in out  # shown escaped, on one line
    lines = [line.strip() for line in out.splitlines()]
    assert [line for line in lines if line.startswith(("Score:", "PASS"))] == ["Score: 0 / 1"]
