"""grader.notebook.kernel: the source of an in-kernel ``check("exercise1")``, built from a real
IPython shell's history (run in a child interpreter, so this process's IPython state is left
alone): cells replayed forgivingly, magics and check() cells left out, the current definitions
last. Running that source gives the function the student has now."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from conftest import clean_env

from grader.errors import GradquizError
from grader.notebook.kernel import OUTSIDE, kernel_source

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

SHELL = textwrap.dedent("""
    import json
    from IPython.core.interactiveshell import InteractiveShell
    from grader.notebook.kernel import in_kernel, kernel_source

    before = in_kernel()
    shell = InteractiveShell.instance()
    for cell in json.loads(CELLS):
        shell.run_cell(cell, store_history=True)
    got = kernel_source(["derivative", "inner", "missing"], "exercise1")
    namespace = {}
    exec(compile(got.source, "replay", "exec"), namespace)
    print("RESULT", json.dumps({"before": before, "inside": in_kernel(), "source": got.source, "notes": got.notes,
                                "lines": got.lines, "value": namespace["derivative"](2)}))
""")

CELLS = [
    "%who\nimport math",
    "def derivative(x):\n    return 2 * x",
    "1 / 0",
    "if False:\n    check('exercise1')",
    "def derivative(x):\n    return 3 * math.cos(0) * x",
    "def derivative(x):\n    return 3 * math.cos(0) * x",  # run twice: replayed once
    "def helper():\n    def inner():\n        pass\n    return inner\ninner = helper()",
]


@pytest.fixture(scope="module")
def replayed() -> dict:
    code = f"CELLS = {json.dumps(json.dumps(CELLS))}\n{SHELL}"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=clean_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def test_outside_a_kernel_a_bare_id_says_how_to_check_a_file():
    with pytest.raises(GradquizError) as info:
        kernel_source(["derivative"], "exercise3")
    assert str(info.value) == OUTSIDE.format(id="exercise3")
    assert "check('exercise3.py') or check('exercise3.ipynb')" in str(info.value)


def test_the_shell_is_seen(replayed):
    assert (replayed["before"], replayed["inside"]) == (False, True)


def test_the_history_is_replayed_cell_by_cell_without_magics_or_check(replayed):
    source = replayed["source"]
    assert "_gradquiz_replay('pass\\nimport math\\n', 'In [1]')" in source  # %who left out
    assert "_gradquiz_replay('1 / 0\\n', 'In [3]')" in source  # it failed for the student: it fails quietly here
    assert "check('exercise1')" not in source and "In [4]" not in source
    assert "In [6]" not in source  # the same cell again
    assert replayed["notes"] == [
        "Graded your notebook's 5 code cells as run so far (1 IPython line such as %magics left out); "
        "not In [4]: it calls check()."]


def test_the_current_definition_comes_last_and_is_what_runs(replayed):
    assert replayed["source"].endswith("del _gradquiz_replay\ndef derivative(x):\n    return 3 * math.cos(0) * x\n\n")
    assert replayed["value"] == 6.0
    named = [where for where, _ in replayed["lines"] if where.startswith("the current definition")]
    assert set(named) == {"the current definition of derivative"}  # not inner (nested), not missing
    assert ["In [2]", 1] in replayed["lines"]
