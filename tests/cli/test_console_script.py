"""The installed ``gradquiz`` console script itself (the rest of the suite runs ``python -m grader``):
it is where ``pip install`` put it, next to this interpreter, and it is the same command."""

from __future__ import annotations

import subprocess

import pytest

from conftest import CONSOLE_SCRIPT, GRADQUIZ, SOLUTIONS, clean_env

pytestmark = pytest.mark.e2e


def test_the_installed_script_grades_like_python_m_grader(tmp_path):
    assert CONSOLE_SCRIPT is not None, "no `gradquiz` next to the interpreter: run `pip install -e .`"
    args = ["check", str(SOLUTIONS / "exercise1_wrong.py"), "--exercise", "exercise1", "--format", "json"]
    script = subprocess.run([CONSOLE_SCRIPT, *args], capture_output=True, text=True, cwd=tmp_path, env=clean_env(),
                            timeout=120)
    module = subprocess.run([*GRADQUIZ, *args], capture_output=True, text=True, cwd=tmp_path, env=clean_env(),
                            timeout=120)
    assert script.returncode == module.returncode == 1, script.stderr + module.stderr
    assert '"score"' in script.stdout
    assert script.stdout == module.stdout


def test_the_installed_script_exits_2_on_a_missing_file(tmp_path):
    assert CONSOLE_SCRIPT is not None, "no `gradquiz` next to the interpreter: run `pip install -e .`"
    proc = subprocess.run([CONSOLE_SCRIPT, "check", "nowhere.py"], capture_output=True, text=True, cwd=tmp_path,
                          env=clean_env(), timeout=60)
    assert proc.returncode == 2
    assert "nowhere.py" in proc.stderr and "Traceback" not in proc.stderr
