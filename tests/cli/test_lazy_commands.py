"""The command loads what it runs, no more: `gradquiz --version`, `-h` and `list` import neither
SymPy nor NumPy nor the grading code (`--version` and a bare `list` not even Typer), read from
`python -X importtime` of the real command run as `python -m grader`; every command's module is
named in COMMANDS."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader.cli import COMMANDS

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

HEAVY = {"sympy", "numpy", "grader.exercise", "grader.quiz", "grader.pipeline", "grader.sandbox", "grader.maths",
         "grader.api", "matplotlib"}


def imported(*args: str, cwd: Path) -> tuple[set[str], subprocess.CompletedProcess]:
    """The modules `python -X importtime -m grader ARGS` imported (their top-level package and the
    grader wings), and the finished process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADQUIZ_")}
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "grader", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=60)
    names = set()
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+\d+ \|(\s*)(\S+)$", line)
        if match:
            name = match.group(2)
            names.add(name.split(".")[0])
            names.add(".".join(name.split(".")[:2]))
    return names, proc


@pytest.mark.e2e
@pytest.mark.parametrize("args", [["--version"], ["-h"], ["list"]])
def test_quick_commands_leave_the_grading_code_unloaded(args, tmp_path):
    names, proc = imported(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "grader" in names and "grader.cli" in names  # the parse saw the imports
    assert not HEAVY & names, sorted(HEAVY & names)
    if args == ["--version"]:
        assert re.fullmatch(r"gradquiz \d+\.\d+\.\d+\n", proc.stdout)
    if args != ["-h"]:
        assert "typer" not in names and "pydantic" not in names  # answered before Typer is imported
    if args == ["list"]:
        assert "exercise1" in proc.stdout and "signs" in proc.stdout


@pytest.mark.e2e
def test_a_bare_list_prints_what_the_typer_command_prints(tmp_path):
    """`list` (no Typer) and `list --problems DIR` (Typer) print the same lines, warnings included."""
    course = tmp_path / "course"
    (course / "exercises").mkdir(parents=True)
    (course / "exercises" / "bad.yaml").write_text("id: [\n")
    bare = subprocess.run([sys.executable, "-m", "grader", "list"], capture_output=True, text=True, cwd=course,
                          env={k: v for k, v in os.environ.items() if not k.startswith("GRADQUIZ_")}, timeout=60)
    typed = subprocess.run([sys.executable, "-m", "grader", "list", "--problems", str(course / "exercises")],
                           capture_output=True, text=True, cwd=tmp_path, timeout=60,
                           env={k: v for k, v in os.environ.items() if not k.startswith("GRADQUIZ_")})
    assert bare.returncode == typed.returncode == 0
    warning = f"gradquiz: warning: {course / 'exercises' / 'bad.yaml'}:2: invalid YAML: "
    assert bare.stderr.startswith(warning) and typed.stderr.startswith(warning) and bare.stderr == typed.stderr
    assert bare.stdout.splitlines()[0].startswith("exercise1    exercise  The derivative of a parabola  (")
    assert [line.split("(")[0] for line in bare.stdout.splitlines()] == [
        line.split("(")[0] for line in typed.stdout.splitlines()
    ]


@pytest.mark.e2e
def test_check_does_load_the_grading_code(tmp_path):
    """The parse above can see them: a check imports the seam, SymPy and NumPy."""
    solution = Path(__file__).resolve().parents[2] / "solutions" / "signs.answers.yaml"
    names, proc = imported("check", str(solution), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert {"grader.pipeline", "sympy"} <= names


def test_every_command_is_defined_by_the_module_that_commands_names():
    import typer

    from grader.cli import app

    group = typer.main.get_command(app)
    for name, module in COMMANDS.items():
        command = group.get_command(None, name)
        assert command is not None and command.callback.__module__ == module, name
    assert set(group.list_commands(None)) == set(COMMANDS)
