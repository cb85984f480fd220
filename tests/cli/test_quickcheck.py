"""`gradquiz check FILE [options]` without Typer (``grader.cli.quickcheck``): what its parse takes
and what it leaves to Typer, and, end to end, that a plain check prints and exits exactly as the
Typer command does, without importing Typer, click, pydantic or SymPy."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXERCISES, GRADQUIZ, SOLUTIONS, clean_env, run_cli_many

from grader.cli.listing import ANSI
from grader.cli.quickcheck import parse

RIGHT, WRONG = str(SOLUTIONS / "exercise1.py"), str(SOLUTIONS / "exercise1_wrong.py")
# the same command through Typer's parse (the app itself), whatever the arguments
TYPER = [sys.executable, "-c", "import sys; from grader.cli import app; sys.argv[0] = 'gradquiz'; app()"]


def test_the_plain_forms_are_parsed():
    assert parse(["a.py"]) == {"file": Path("a.py"), "problems": [], "exercise": None, "student": None,
                               "format": "text", "output": [], "grading": False, "plot": None}
    got = parse(["--problems", "p1", "a.py", "--problems=p2", "--exercise", "e", "--student=s", "--format", "json",
                 "--output", "-", "--output", "junit:r.xml", "--grading", "--plot", "f.svg"])
    assert got == {"file": Path("a.py"), "problems": [Path("p1"), Path("p2")], "exercise": "e", "student": "s",
                   "format": "json", "output": ["-", "junit:r.xml"], "grading": True, "plot": Path("f.svg")}


@pytest.mark.parametrize("args", [
    [], ["-h"], ["a.py", "--help"], ["a.py", "--version"], ["a.py", "b.py"], ["--", "a.py"], ["a.py", "--bogus"],
    ["a.py", "-x"], ["a.py", "--exercise"], ["a.py", "--exercise", "e", "--exercise", "f"], ["a.py", "--student="],
    ["a.py", "--exercise", "--grading"], ["a.py", "--format", "xml"], ["a.py", "--format", "JSON"],
    ["a.py", "--grading=1"], ["a.py", "--grading", "--grading"], [""], ["-"], ["--problems", "p"],
], ids=repr)
def test_anything_unusual_is_left_to_typer(args):
    assert parse(args) is None


CASES = [
    [RIGHT],
    [WRONG, "--exercise", "exercise1", "--format", "json"],
    [WRONG, "--problems", str(EXERCISES), "--format=junit", "--student", "s1"],
    ["nowhere.py"],
    [RIGHT, "--output", "weird:r.txt"],
    [RIGHT, "--output", "-", "--output", "-"],
    [RIGHT, "--plot", "picture.gif"],
    [str(SOLUTIONS / "signs.answers.yaml"), "--plot", "p.svg"],
    [str(SOLUTIONS / "signs.answers.yaml"), "--format", "gradescope"],
]


@pytest.mark.e2e
def test_a_plain_check_prints_and_exits_as_the_typer_command_does(tmp_path):
    jobs = [(["check", *args], tmp_path, None) for args in CASES]
    plain = run_cli_many(jobs)
    typed = [subprocess.run([*TYPER, "check", *args], capture_output=True, text=True, cwd=tmp_path, env=clean_env(),
                            timeout=120) for args in CASES]
    for args, (code, out, err), proc in zip(CASES, plain, typed, strict=True):
        assert (code, out, err) == (proc.returncode, proc.stdout, proc.stderr), args
    codes = [code for code, _, _ in plain]
    assert codes == [0, 1, 1, 2, 2, 2, 2, 0, 0]
    assert plain[3][2] == "gradquiz: nowhere.py: no such file\n"
    assert plain[4][2].startswith("gradquiz: weird:r.txt: unknown report format 'weird'")
    assert "note: --plot draws exercises only" in plain[7][2]


@pytest.mark.e2e
@pytest.mark.parametrize("args, code, said", [
    (["-h"], 0, "Usage:"), ([RIGHT, "--bogus"], 2, "No such option"), ([], 2, "Missing argument"),
    ([RIGHT, "--format", "xml"], 2, "Invalid value"),
], ids=["help", "unknown-option", "no-file", "bad-format"])
def test_typer_still_answers_what_the_plain_parse_leaves(args, code, said, tmp_path):
    proc = subprocess.run([*GRADQUIZ, "check", *args], capture_output=True, text=True, cwd=tmp_path, env=clean_env(),
                          timeout=60)
    assert proc.returncode == code and said in proc.stdout + proc.stderr, proc.stdout + proc.stderr


@pytest.mark.e2e
def test_a_plain_check_imports_no_typer_click_pydantic_or_sympy(tmp_path):
    """Of a right answer whose exercise is in the cache (the first check puts it there; a cache of
    its own, so the suite's cache-off pass tests the same thing)."""
    cache = str(tmp_path / "cache")
    first = subprocess.run([*GRADQUIZ, "check", RIGHT], capture_output=True, text=True, cwd=tmp_path,
                           env=clean_env(GRADQUIZ_CACHE=cache), timeout=120)
    assert first.returncode == 0, first.stderr[-2000:]
    proc = subprocess.run([*GRADQUIZ, "check", RIGHT], capture_output=True, text=True, cwd=tmp_path,
                          env=clean_env(GRADQUIZ_CACHE=cache, PYTHONPROFILEIMPORTTIME="1"), timeout=120)
    assert proc.returncode == 0 and proc.stdout.endswith("Score: 3 / 3\n"), proc.stderr[-2000:]
    names = {m.group(1).split(".")[0] for m in re.finditer(r"^import time:.*\|\s*(\S+)$", proc.stderr, re.M)}
    assert "grader" in names and "numpy" in names  # the parse saw the imports
    assert not {"typer", "click", "pydantic", "sympy"} & names, sorted({"typer", "click", "pydantic", "sympy"} & names)


@pytest.mark.e2e
def test_the_text_report_on_a_pipe_is_what_rich_prints_there_without_colour(tmp_path):
    """Not a terminal: the plain text, without rich's console; FORCE_COLOR=1 makes rich colour it."""
    plain, coloured = run_cli_many([(["check", WRONG], tmp_path, None),
                                    (["check", WRONG], tmp_path, clean_env(FORCE_COLOR="1"))])
    assert plain[0] == coloured[0] == 1
    assert "\x1b[" in coloured[1] and "\x1b[" not in plain[1] and "Score: 0 / 3" in plain[1]
    assert ANSI.sub("", coloured[1]) == plain[1]


@pytest.mark.e2e
def test_the_child_started_first_leaves_nothing_behind_when_nothing_is_graded(tmp_path):
    """A check that fails before its sandbox takes the child started first (no such exercise) kills
    it and removes its folder; a graded one leaves nothing either."""
    (tmp_path / "tmp").mkdir()
    (tmp_path / "lost.py").write_text("# gradquiz: no-such-exercise\ndef f(x):\n    return x\n")
    env = clean_env(TMPDIR=tmp_path / "tmp")
    (lost, _, lost_err), (right, _, _) = run_cli_many([(["check", tmp_path / "lost.py"], tmp_path, env),
                                                       (["check", RIGHT], tmp_path, env)])
    assert lost == 2 and "no-such-exercise" in lost_err and lost_err.count("\n") == 1
    assert right == 0
    assert list((tmp_path / "tmp").iterdir()) == []
