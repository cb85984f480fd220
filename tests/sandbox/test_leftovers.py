"""Issue 16: a submission cannot make its clean-up fail, leave anything behind, or reach a
module its exercise forbids because the sandbox preloaded it. Each attack is graded by the
real command, as root and as an ordinary user (``as_user``), through ``check`` (one child)
and through ``grade`` (children of a worker's fork server); each failed on the old code
(``RecursionError`` out of ``close``: exit 2; a 0300 folder and multiprocessing's ``pymp-*``
folder left in TMPDIR; ``fractions`` found by ``gc.get_objects()``: full marks).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import as_user
import pytest
from as_user import USERS
from conftest import by_id, clean_env, exercise_text, run_cli, task

LEFTOVERS = '''# gradquiz: tq
import gc, os

top = os.getcwd()
os.mkdir("keep", 0o300)                  # its owner can neither list nor empty it
with open("keep/inside", "wb") as handle:  # w and x are enough to put a file in it
    handle.write(b"k" * 4096)
os.mkdir("keep/locked", 0o000)
for _ in range(1500):                    # deeper than shutil.rmtree's recursion can go
    os.mkdir("d" * 100)
    os.chdir("d" * 100)
with open("bottom", "wb") as handle:
    handle.write(b"x" * (4 << 20))
os.chdir(top)


def honest(x):
    return 2 * x


def preloaded(x):
    for thing in gc.get_objects():  # a module in memory is reachable whatever sys.modules says
        if type(thing).__name__ == "module" and getattr(thing, "__name__", "") == "fractions":
            if hasattr(thing, "Fraction"):
                print("WON preloaded")
                return 12345.0
    return 2 * x
'''


def _run(who: str, via: str) -> tuple:
    ws = as_user.user_workspace()
    try:
        (ws / "tmp").mkdir()
        problem = ws / "tq.yaml"
        problem.write_text(exercise_text([task(n, "derivative", "x**2", (-1, 1), timeout=20)
                                          for n in ("honest", "preloaded")], forbid=["sympy", "fractions"]))
        submission = ws / ("class/eve/tq.py" if via == "grade" else "eve.py")
        submission.parent.mkdir(parents=True, exist_ok=True)
        submission.write_text(LEFTOVERS)
        if via == "grade":
            (ws / "class/bob").mkdir()
            (ws / "class/bob/tq.py").write_text("def honest(x):\n    return 2 * x\n")
        as_user.give(ws)
        env = clean_env(TMPDIR=ws / "tmp")
        exe = as_user.gradquiz(who)
        if via == "grade":
            argv = [*exe, "grade", ws / "class", "--problems", problem, "--output", ws / "out", "--quiet"]
        else:
            argv = [*exe, "check", submission, "--problems", problem, "--format", "json"]
        runs = [subprocess.run(as_user.command(argv, who, ws, env), env=env, capture_output=True, text=True,
                               timeout=150, cwd=ws, check=False) for _ in range(2)]  # the second finds what the first left
        proc = runs[0]
        if via == "grade":
            path = ws / "out/reports/eve/tq.json"
            report = json.loads(path.read_text()) if path.is_file() else None
        else:
            report = json.loads(proc.stdout) if proc.stdout.startswith("{") else None
        left = sorted(p.name for p in (ws / "tmp").iterdir())
        return proc, report, runs[1], left
    finally:
        shutil.rmtree(ws, ignore_errors=True)


_RUNS: dict = {}


def _attacked(who: str, via: str):
    if (who, via) not in _RUNS:
        _RUNS[who, via] = _run(who, via)
    return _RUNS[who, via]


@pytest.mark.e2e
@pytest.mark.parametrize("via", ["check", "grade"])
@pytest.mark.parametrize("who", USERS)
def test_a_deep_or_locked_scratch_tree_is_removed_and_the_grade_stands(who, via):
    proc, report, again, left = _attacked(who, via)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert again.returncode == 0, again.stderr[-2000:]
    assert report is not None and by_id(report)["honest"]["passed"]
    assert left == [], left  # no child's folder, no fork server's, no pymp-* of multiprocessing's
    assert "could not remove" not in proc.stderr, proc.stderr


@pytest.mark.e2e
@pytest.mark.parametrize("via", ["check", "grade"])
@pytest.mark.parametrize("who", USERS)
def test_a_forbidden_standard_module_is_not_preloaded(who, via):
    proc, report, _, _ = _attacked(who, via)
    assert report is not None, proc.stderr[-2000:]
    assert "WON" not in report.get("output", ""), report.get("output")
    assert by_id(report)["preloaded"]["passed"]
    assert report["score"] == report["max_score"] == 2


@pytest.mark.e2e
def test_forbidding_numpy_is_refused_with_the_reason(tmp_path):
    problem = tmp_path / "tq.yaml"
    problem.write_text(exercise_text([task("d", "derivative", "x**2")], forbid=["numpy"]))
    (tmp_path / "d.py").write_text("# gradquiz: tq\ndef d(x):\n    return 2 * x\n")
    for args in (["validate", problem], ["check", tmp_path / "d.py", "--problems", problem]):
        rc, out, err = run_cli(*args)
        assert rc == 2, (out, err)
        assert "numpy cannot be forbidden: the sandbox returns every value through it" in out + err
        assert "Traceback" not in err


@pytest.mark.e2e
def test_forbidding_a_module_numpy_itself_loads_fails_closed(tmp_path):
    problem = tmp_path / "tq.yaml"
    problem.write_text(exercise_text([task("d", "derivative", "x**2")], forbid=["math"]))
    (tmp_path / "d.py").write_text("# gradquiz: tq\ndef d(x):\n    return 2 * x\n")
    rc, out, err = run_cli("check", tmp_path / "d.py", "--problems", problem, "--format", "json")
    assert rc == 1, err
    feedback = json.loads(out)["results"][0]["feedback"]
    assert "math cannot be forbidden here (the sandbox itself loads it with numpy)" in feedback


def test_remove_tree_needs_no_recursion_and_opens_every_mode(tmp_path):
    """In process, as whoever runs the suite: 3,000 levels, names of 200 bytes (a path far
    past PATH_MAX), folders of modes 0, 0300 and 0500, a symbolic link out (never followed)."""
    from grader.sandbox.cleanup import remove_tree

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").write_text("mine")
    top = tmp_path / "tree"
    top.mkdir()
    fd = os.open(top, os.O_RDONLY)
    try:
        for depth in range(3000):
            os.mkdir("n" * 200, dir_fd=fd)
            inner = os.open("n" * 200, os.O_RDONLY, dir_fd=fd)
            if depth % 500 == 0:
                os.symlink(outside, "out", dir_fd=inner)
                os.mkdir("w", 0o300, dir_fd=inner)
                os.mkdir("r", 0o500, dir_fd=inner)
                os.mkdir("z", 0o000, dir_fd=inner)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)
    os.chmod(top, 0o500)
    assert remove_tree(top) == ""
    assert not top.exists()
    assert (outside / "keep").read_text() == "mine"
    assert remove_tree(top) == ""  # already gone: nothing to say
