"""Hostile submissions are contained: each misbehaviour fails its own task only, the
other tasks of the same file are still graded and pass, the report stays intact, the
grader's and other students' files stay untouched and nothing outlives the check."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import textwrap
import time
import xml.etree.ElementTree as ET

import pytest

import as_user
from as_user import USERS
from conftest import CAPABILITY_PROBE, by_id, clean_env, run_cli_many, task

ROOT_USER = os.geteuid() == 0
NEEDS_ROOT = pytest.mark.skipif(
    not ROOT_USER,
    reason="only a grader running as root has capabilities to drop",
)

# Three tasks: the hostile one sits between two correct ones, so a crash must not take
# the earlier result with it and the later task must get a fresh child.
TASKS = [
    task("before", "derivative", "x**2", (-1, 1), timeout=1),
    task("hostile", "derivative", "x**3", (-1, 1), timeout=1),
    task("after", "gradient", "x**2*y", (-1, 1), timeout=1),
]
GOOD = """
import math
import os
import sys

import numpy as np


def before(x):
    return 2 * x


def after(p):
    x, y = p
    return np.array([2 * x * y, x**2])
"""


def hostile(body: str, top: str = "") -> str:
    """The good functions, plus ``top`` at module level and ``hostile(x)`` with ``body``."""
    return GOOD + textwrap.dedent(top) + "\n\ndef hostile(x):\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n"


def assert_only_hostile_fails(report: dict) -> str:
    results = by_id(report)
    assert [r["id"] for r in report["results"]] == ["before", "hostile", "after"]
    assert results["before"]["passed"] and results["before"]["score"] == 1.0, results["before"]["feedback"]
    assert results["after"]["passed"] and results["after"]["score"] == 1.0, results["after"]["feedback"]
    assert not results["hostile"]["passed"] and results["hostile"]["score"] == 0.0
    assert report["score"] == 2.0 and report["max_score"] == 3.0
    return results["hostile"]["feedback"]


EVIL_CLASSES = """
class FloatRaises:
    def __float__(self):
        raise RuntimeError("no float for you")


class FloatLoops:
    def __float__(self):
        while True:
            pass


class ArrayRaises:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array for you")


class ArrayLoops:
    def __array__(self, *args, **kwargs):
        while True:
            pass


class LenLies:
    def __len__(self):
        raise RuntimeError("no length")

    def __getitem__(self, i):
        raise RuntimeError("no items")


class DelExits:
    def __float__(self):
        return 0.0

    def __del__(self):
        os._exit(0)
"""

# (body of hostile(x), a phrase its feedback must contain)
MISBEHAVIOURS = {
    "raise": ('raise ValueError("boom")', "ValueError: boom"),
    "sys.exit(0)": ("sys.exit(0)", "your code called sys.exit(0)"),
    "sys.exit(3)": ("sys.exit(3)", "your code called sys.exit(3)"),
    "os._exit(0)": ("os._exit(0)", "Your code ended the process while `hostile` was running"),
    "infinite loop": ("while True:\n    pass", "`hostile` did not return within 1 s"),
    "huge bytearray": ("return bytearray(10**11)", "MemoryError"),
    "deep recursion": ("return hostile(x + 1)", "RecursionError"),
    "KeyboardInterrupt": ("raise KeyboardInterrupt", "KeyboardInterrupt"),
    "__float__ raises": ("return FloatRaises()", "returned FloatRaises"),
    "__float__ loops": ("return FloatLoops()", "`hostile` did not return within 1 s"),
    "__array__ raises": ("return ArrayRaises()", "returned ArrayRaises"),
    "__array__ loops": ("return ArrayLoops()", "`hostile` did not return within 1 s"),
    "__len__ raises": ("return LenLies()", "returned LenLies"),
    "__del__ exits": ("return DelExits()", "Your code ended the process while `hostile` was running"),
    "returns None": ("pass", "Did you forget `return`?"),
    "returns a string": ('return "3*x**2"', "returned str"),
}


@pytest.mark.parametrize("name", list(MISBEHAVIOURS))
def test_misbehaving_task_fails_alone(ws, name):
    body, phrase = MISBEHAVIOURS[name]
    ws.exercise(TASKS)
    sub = ws.submission(hostile(body, EVIL_CLASSES))
    start = time.monotonic()
    report = ws.check(sub, grading=True)
    assert time.monotonic() - start < 20
    feedback = assert_only_hostile_fails(report)
    assert phrase in feedback


def test_memory_blow_up_with_a_growing_list_fails_alone(ws):
    ws.exercise(TASKS)
    sub = ws.submission(hostile("xs = []\nwhile True:\n    xs.append([0.0] * 100_000)"))
    feedback = assert_only_hostile_fails(ws.check(sub, grading=True))
    # Either the memory limit (2 GB of address space) or the 1 s timeout stops it.
    assert "MemoryError" in feedback or "did not return within 1 s" in feedback or "ended the process" in feedback


@pytest.mark.e2e
def test_misbehaviours_through_the_command(ws):
    """One file, several hostile tasks, the real command: each fails alone, exit 1."""
    tasks = [task("ok_first", "derivative", "x**2", (-1, 1), timeout=1)]
    bodies = {
        "crash": 'raise ZeroDivisionError("oops")',
        "exit0": "sys.exit(0)",
        "exit3": "sys.exit(3)",
        "hard_exit": "os._exit(0)",
        "loop": "while True:\n    pass",
        "memory": "return bytearray(10**11)",
    }
    code = GOOD + "\n\ndef ok_first(x):\n    return 2 * x\n"
    for name, body in bodies.items():
        tasks.append(task(name, "derivative", "x**3", (-1, 1), timeout=1))
        code += f"\n\ndef {name}(x):\n" + textwrap.indent(body, "    ") + "\n"
    tasks.append(task("ok_last", "derivative", "x**3", (-1, 1), timeout=1, function="ok_last"))
    code += "\n\ndef ok_last(x):\n    return 3 * x**2\n"
    ws.exercise(tasks)
    sub = ws.submission(code)
    start = time.monotonic()
    rc, report, err = ws.cli_json(sub)
    assert time.monotonic() - start < 30
    assert rc == 1
    results = by_id(report)
    assert [r["id"] for r in report["results"]] == [t["id"] for t in tasks]
    assert results["ok_first"]["passed"] and results["ok_last"]["passed"]
    for name in bodies:
        assert not results[name]["passed"], name
    assert "ZeroDivisionError: oops" in results["crash"]["feedback"]
    assert "sys.exit(0)" in results["exit0"]["feedback"]
    assert "sys.exit(3)" in results["exit3"]["feedback"]
    assert "ended the process" in results["hard_exit"]["feedback"]
    assert "did not return within 1 s" in results["loop"]["feedback"]
    assert "MemoryError" in results["memory"]["feedback"]
    assert report["score"] == 2.0


# -- the top level of the file --------------------------------------------------------------

TOP_LEVEL = {
    "sys.exit(0)": ("import sys\nsys.exit(0)\n", "your code called sys.exit(0)"),
    "sys.exit(3)": ("import sys\nsys.exit(3)\n", "your code called sys.exit(3)"),
    "os._exit(0)": ("import os\nos._exit(0)\n", "Your file ended the process while loading"),
    "raise": ("raise RuntimeError('at import')\n", "RuntimeError: at import"),
    "loop": ("while True:\n    pass\n", "Your file did not finish loading within 10 s"),
}


@pytest.mark.e2e
@pytest.mark.parametrize("name", list(TOP_LEVEL))
def test_misbehaving_top_level_fails_every_task_with_exit_1(ws, name):
    code, phrase = TOP_LEVEL[name]
    ws.exercise(TASKS)
    sub = ws.submission(code + GOOD + "\n\ndef hostile(x):\n    return 3 * x**2\n")
    start = time.monotonic()
    rc, report, err = ws.cli_json(sub, timeout=60)
    assert time.monotonic() - start < 30  # the 10 s import limit, then done: no hang
    assert rc == 1
    assert report["score"] == 0.0 and report["max_score"] == 3.0
    for result in report["results"]:
        assert not result["passed"]
        assert phrase in result["feedback"]
        assert "nothing could be graded" in result["feedback"]


@pytest.mark.e2e
def test_syntax_error_names_the_students_line(ws):
    ws.exercise(TASKS)
    sub = ws.submission(
        """
        def before(x):
            return 2 * x

        def hostile(x)
            return 3 * x**2
        """
    )  # the header is line 1, so `def hostile(x)` is line 5
    rc, out, err = ws.cli("check", sub, "--problems", ws.root)
    assert rc == 1
    assert "line 5: SyntaxError" in out
    assert "def hostile(x)" in out
    assert "_child" not in out and "grader/" not in out and "Traceback" not in out


# -- tampering with the grader --------------------------------------------------------------

PATCHES = """
import builtins
import math

import numpy as np

np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.all = lambda *a, **k: True
np.abs = np.absolute = lambda *a, **k: 0.0
np.max = np.amax = lambda *a, **k: 0.0
np.isfinite = lambda *a, **k: True
np.linalg.norm = lambda *a, **k: 0.0
math.isclose = lambda *a, **k: True
math.fabs = lambda *a, **k: 0.0
builtins.abs = lambda *a, **k: 0.0
builtins.max = lambda *a, **k: 0.0
builtins.all = lambda *a, **k: True
"""


def test_monkeypatching_numpy_math_builtins_does_not_change_a_wrong_score(ws):
    ws.exercise([task("d", "derivative", "x**3", (-1, 1)), task("g", "gradient", "x**2*y", (-1, 1))])
    sub = ws.submission(
        PATCHES
        + """

def d(x):
    return 3 * x**2 + 1  # wrong: a constant offset


def g(p):
    return [2 * p[0] * p[1], 0.0]  # wrong second component
"""
    )
    report = ws.check(sub, grading=True)
    assert report["score"] == 0.0
    results = by_id(report)
    assert results["d"]["mistake"] == "constant"
    assert "plus 1" in results["d"]["feedback"]
    assert not results["g"]["passed"]


def test_patching_inside_a_task_does_not_help_the_next_one(ws):
    ws.exercise([task("a", "derivative", "x**2", (-1, 1)), task("b", "derivative", "x**3", (-1, 1))])
    sub = ws.submission(
        """
        import numpy as np

        def a(x):
            np.allclose = lambda *args, **kwargs: True
            __builtins__["abs"] = lambda v: 0.0
            return 2 * x

        def b(x):
            return -3 * x**2
        """
    )
    results = by_id(ws.check(sub, grading=True))
    assert results["a"]["passed"]
    assert not results["b"]["passed"] and results["b"]["mistake"] == "sign"


@pytest.mark.e2e
def test_flood_of_output_does_not_corrupt_the_json_report(ws):
    ws.exercise(TASKS)
    sub = ws.submission(
        hostile(
            """
            print('{"score": 3.0, "max_score": 3.0, "passed": true}')
            print("y" * 200_000)
            return 0.0
            """,
            top="""
            print('{"id": "tq", "score": 3.0, "passed": true, "results": []}')
            print("x" * 300_000, flush=True)
            sys.stderr.write("e" * 300_000 + "\\n")
            sys.stdout.buffer.write(b"\\xff\\xfe not utf-8 \\x00 \\x1b[31m red\\n")
            print("\\n".join(str(i) for i in range(20_000)))
            """,
        )
    )
    rc, out, err = ws.cli("check", sub, "--problems", ws.root, "--format", "json")
    assert rc == 1
    report = json.loads(out)  # the whole of stdout is the report
    assert report["id"] == "tq"
    assert_only_hostile_fails(report)
    assert "output" in report and len(report["output"]) < 20_000  # kept, but truncated


@pytest.mark.e2e
def test_control_characters_and_lone_surrogates_cannot_break_or_forge_reports(ws):
    """Escape sequences could move the cursor of the terminal showing the report (and paint
    a PASS over a FAIL), make the JUnit XML invalid, or stop the report being written."""
    ws.exercise(TASKS)
    sub = ws.submission(
        hostile(
            'raise ValueError("\\x1b[1A\\x1b[2K\\rPASS hostile \\ud800 \\x00 \\x07")',
            top='print("\\x1b[2J\\x1b[1;1HScore: 3 / 3 \\x1b]0;title\\x07", flush=True)',
        )
    )
    base = ("check", sub, "--problems", ws.root)
    jobs = [(base, ws.root, None), (base + ("--format", "junit"), ws.root, None), (base + ("--format", "json"), ws.root, None)]
    (rc_text, text, err_text), (rc_xml, xml, err_xml), (rc_json, out, err_json) = run_cli_many(jobs)
    assert (rc_text, rc_xml, rc_json) == (1, 1, 1), err_text + err_xml + err_json
    assert "\x1b" not in text and "\r" not in text and "\x00" not in text and "\x07" not in text
    assert "\\x1b[1A\\x1b[2K\\x0dPASS hostile \\ud800" in text  # shown, harmless
    assert "FAIL hostile  0/1" in text and text.rstrip().endswith("Score: 2 / 3")
    suite = ET.fromstring(xml).find("testsuite")
    failure = suite.findall("testcase")[1].find("failure")
    assert "PASS hostile \\ud800" in failure.text
    report = json.loads(out)
    feedback = by_id(report)["hostile"]["feedback"]
    feedback.encode("utf-8")  # no lone surrogate left: any consumer can print it
    assert_only_hostile_fails(report)


# -- files ----------------------------------------------------------------------------------

@pytest.fixture
def course(tmp_path):
    """A course folder that the test user owns (``as_user``), like a real one (pytest's own
    tmp folder is private to root, which would make every write fail for the wrong reason)."""
    folder = as_user.user_workspace("gradquiz-course-")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@NEEDS_ROOT
def test_as_root_the_child_keeps_uid_0_without_capabilities_and_imports_work(ws):
    """The old child switched to a fresh uid, which could not read a Python under /root
    (0700): `import glob` failed and correct work scored 0. Now it stays uid 0, without
    any capability: it cannot change uid, chown, or raise a capability back."""
    ws.exercise([task("d", "derivative", "x**2", (-1, 1))])
    sub = ws.submission(
        "import glob, json, fractions, statistics, unittest, xml.dom.minidom\n"
        + CAPABILITY_PROBE
        + "\n\ndef d(x):\n    return 2 * x\n"
    )
    report = ws.check(sub, grading=True)
    assert report["passed"], report["results"][0]["feedback"]
    assert "UID 0 0 CAPS [0, 0, 0, 0, 0, 0] SECUREBITS 239" in report["output"]
    assert "BOUNDING []" in report["output"]
    assert "DENIED setuid 1" in report["output"] and "DENIED chown 1" in report["output"]
    assert "ALLOWED" not in report["output"]


@pytest.mark.e2e
@pytest.mark.parametrize("who", USERS)
def test_submission_cannot_write_problem_report_or_other_students_files(course, who):
    from conftest import exercise_text

    problem = course / "tq.yaml"
    problem.write_text(exercise_text([task("d", "derivative", "x**2", (-1, 1))]))
    other = course / "bob.py"
    other.write_text("def d(x):\n    return 2 * x\n")
    existing_report = course / "old-report.json"
    existing_report.write_text("{}")
    report_path = course / "report.json"
    for path in (problem, other, existing_report):
        path.chmod(0o644)
    before = {p: p.read_bytes() for p in (problem, other, existing_report)}
    targets = [problem, other, existing_report, report_path, course / "new-file.txt"]
    sub = course / "alice.py"
    sub.write_text(
        "# gradquiz: tq\nimport os\n"
        f"TARGETS = {[str(t) for t in targets]!r}\n"
        + textwrap.dedent(
            """
            for target in TARGETS:
                try:
                    with open(target, "a") as handle:
                        handle.write("HACKED")
                    print("WROTE", target)
                except OSError as exc:
                    print("DENIED", target, type(exc).__name__)
                for attempt in (lambda: os.chmod(target, 0o666), lambda: os.remove(target)):
                    try:
                        attempt()
                        print("CHANGED", target)
                    except OSError:
                        pass

            def d(x):
                return 2 * x
            """
        )
    )
    sub.chmod(0o644)
    as_user.give(course)
    argv = [*as_user.gradquiz(who), "check", sub, "--problems", problem, "--format", "json", "--output", report_path]
    env = clean_env()
    proc = subprocess.run(as_user.command(argv, who, course, env), env=env, capture_output=True, text=True, timeout=120, cwd=course)
    rc, out, err = proc.returncode, proc.stdout, proc.stderr
    assert rc == 0, err
    assert out == ""
    report = json.loads(report_path.read_text())  # the parent wrote the report, untouched
    assert report["passed"] and report["score"] == 1.0
    printed = report["output"]
    for target in targets:
        assert f"DENIED {target} PermissionError" in printed
    assert "WROTE" not in printed and "CHANGED" not in printed
    assert {p: p.read_bytes() for p in before} == before
    assert not (course / "new-file.txt").exists()
    for path in before:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644


# -- processes ------------------------------------------------------------------------------

def alive(pid: int) -> bool:
    """A running process (a zombie waiting for its parent to reap it is not running)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


SPAWN = """
import os, sys


def spawn(tag, setsid=False, argv=("/bin/sleep", "30")):
    try:
        pid = os.fork()
    except OSError as exc:
        print("REFUSED", tag, type(exc).__name__, flush=True)
        return
    if pid == 0:
        try:
            if setsid:
                os.setsid()
            if argv:
                os.execv(argv[0], list(argv))
            while True:
                pass
        finally:
            os._exit(0)
    print("PID", tag, pid, flush=True)


spawn("top")
"""


def test_background_processes_are_gone_after_the_check(ws):
    ws.exercise(
        [task("loop", "derivative", "x**2", (-1, 1)), task("escape", "derivative", "x**3", (-1, 1))]
    )
    code = SPAWN + textwrap.dedent(
        """
        def loop(x):
            spawn("loop", argv=None)  # a forked copy of Python that spins forever
            return 2 * x


        def escape(x):
            spawn("escape", setsid=True)  # tries to leave the process group
            return 3 * x**2
        """
    )
    sub = ws.submission(code)
    start = time.monotonic()
    report = ws.check(sub, grading=True)
    assert time.monotonic() - start < 15  # did not wait for `sleep 30`
    assert report["passed"]  # spawning is not an error in itself here
    lines = report["output"].splitlines()
    pids = [int(line.split()[2]) for line in lines if line.startswith("PID ")]
    refused = [line for line in lines if line.startswith("REFUSED ")]
    assert pids or refused  # something was attempted and observed
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in pids if alive(pid)], report["output"]


def test_starting_a_process_or_thread_is_refused_with_a_clear_message(ws):
    ws.exercise([task("fork", "derivative", "x**2", (-1, 1)), task("thread", "derivative", "x**3", (-1, 1))])
    sub = ws.submission(
        """
        import os
        import threading

        def fork(x):
            os.fork()
            return 2 * x

        def thread(x):
            threading.Thread(target=print).start()
            return 3 * x**2
        """
    )
    results = by_id(ws.check(sub, grading=True))
    for name, line in (("fork", 6), ("thread", 10)):
        feedback = results[name]["feedback"]
        assert not results[name]["passed"]
        assert f"line {line}:" in feedback
        assert feedback.endswith("(The grader does not let submissions start processes or threads.)")


# -- forbidden modules ----------------------------------------------------------------------

def test_forbidden_module_fails_only_the_task_using_it(ws):
    ws.exercise(
        [
            task("by_hand", "derivative", "x**2", (-1, 1)),
            task("with_sympy", "derivative", "x**3", (-1, 1)),
            task("dynamic", "derivative", "x**3", (-1, 1), function="dynamic"),
            task("importlib", "derivative", "x**3", (-1, 1), function="via_importlib"),
            task("submodule", "derivative", "x**3", (-1, 1), function="via_submodule"),
        ],
        forbid=["sympy", "jax"],
    )
    sub = ws.submission(
        """
        import importlib

        import sympy
        from sympy import diff
        from sympy.abc import t


        def by_hand(x):
            return 2 * x


        def with_sympy(x):
            s = sympy.Symbol("s")
            return float(sympy.diff(s**3, s).subs(s, x))


        def dynamic(x):
            mod = __import__("sym" + "py")
            s = mod.Symbol("s")
            return float(mod.diff(s**3, s).subs(s, x))


        def via_importlib(x):
            mod = importlib.import_module("".join(["s", "y", "m", "p", "y"]))
            return float(mod.diff(mod.Symbol("s") ** 3).subs("s", x))


        def via_submodule(x):
            return float(diff(t**3, t).subs(t, x))
        """
    )
    report = ws.check(sub, grading=True)
    results = by_id(report)
    assert results["by_hand"]["passed"]
    for name in ("with_sympy", "dynamic", "importlib", "submodule"):
        assert not results[name]["passed"], name
        assert re.search(r"ForbiddenModule: module 'sympy(\.abc)?' is not allowed in this exercise", results[name]["feedback"]), name
    assert report["score"] == 1.0


def test_forbidden_module_at_top_level_use_fails_every_task_naming_it(ws):
    ws.exercise([task("d", "derivative", "x**2", (-1, 1))], forbid=["sympy"])
    sub = ws.submission("import sympy\nX = sympy.Symbol('x')\n\ndef d(x):\n    return 2 * x\n")
    result = ws.check(sub, grading=True)["results"][0]
    assert not result["passed"]
    assert "module 'sympy' is not allowed in this exercise" in result["feedback"]
    assert "line 3" in result["feedback"]


# -- feedback shows the student's code, never the grader's ---------------------------------

INTERNALS = re.compile(r"_child|grader/|sandbox|Traceback|site-packages")


@pytest.mark.parametrize(
    "code, line, text",
    [
        (  # raised two calls deep in the student's own helper
            """
            import numpy as np

            def helper(v):
                return np.log(v) / 0 if v > 5 else 1 / (v - v)

            def d(x):
                return helper(x)
            """,
            5,
            "return np.log(v) / 0 if v > 5 else 1 / (v - v)",
        ),
        (  # raised inside numpy, called from the student's line
            """
            import numpy as np

            def d(x):
                return np.linalg.inv(np.zeros((2, 2)))[0, 0]
            """,
            5,
            "return np.linalg.inv(np.zeros((2, 2)))[0, 0]",
        ),
        (  # raised while calling: wrong number of arguments
            """
            def d(x, y):
                return 2 * x
            """,
            None,
            "TypeError",
        ),
    ],
    ids=["own helper", "inside numpy", "wrong arity"],
)
def test_exception_feedback_shows_the_students_line_only(ws, code, line, text):
    ws.exercise([task("d", "derivative", "x**2", (-1, 1))])
    sub = ws.submission(code)
    feedback = ws.check(sub, grading=True)["results"][0]["feedback"]
    assert text in feedback
    if line is not None:
        assert f"line {line}:" in feedback
    assert not INTERNALS.search(feedback), feedback
