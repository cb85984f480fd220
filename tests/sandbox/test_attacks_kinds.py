"""A hostile student against the methods' kinds (numerical_derivative, numerical_gradient,
autodiff, gradient_descent) and their ``"args"`` calls, which build the function given to the
student's function inside the sandbox child: graded by the real command (``check`` alone,
``grade`` as a class through a worker's fork server), as root and as an ordinary user.

Three sorts of attack, one task each:

* ``CONFINED``: the kernel sandbox holds for the new protocol. Each attack runs inside the
  student's function (or inside a ``uses`` name the grader's callable calls), prints
  ``WON <name>`` if it gets through, and otherwise answers right: the task passes with no
  ``WON`` line, and nothing is left behind.
* ``CHEATS``: ways to a higher score than earned (the exact derivative through the given f by a
  complex step or dual numbers, with a made-up dependence on h): the task must fail.
* ``HOSTILE``: values and objects that could hang or crash the grader (inf, 1e308, a function,
  a generator, 10**5000, a billion-entry view, deep nesting, hostile ``__float__`` and
  ``__array__``, a crash of the child): the task fails with feedback, the report is whole and
  the honest task after them passes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
import uuid
from pathlib import Path

import as_user
import pytest
from as_user import USERS
from conftest import by_id, clean_env, exercise_text

from grader.sandbox.parent import landlock_abi

pytestmark = pytest.mark.e2e  # every test here runs the command (and compiles ML exercises through the cache)

ND = {"kind": "numerical_derivative", "functions": ["sin(x)", "exp(2*x)"], "at": [0.3, -1.2], "h": [0.01, 0.001]}
NG = {
    "kind": "numerical_gradient",
    "functions": ["x0**2*x1 + sin(x1)"],
    "variables": ["x0", "x1"],
    "at": [[0.5, -0.2]],
    "h": [0.001],
}
AD = {"kind": "autodiff", "functions": ["x*sin(x)", "sin(x)/(2 + x*x)"], "uses": ["sin"], "at": [0.4, -1.3]}
GD = {
    "kind": "gradient_descent",
    "f": "(x0 - 1)**2 + 3*(x1 + 2)**2",
    "variables": ["x0", "x1"],
    "start": [[0, 0]],
    "lr": [0.05],
    "steps": [20],
}

PRELUDE = '''
import gc, math, os, socket, sys
import numpy


def won(name, how=""):
    print("WON", name, str(how)[:80], flush=True)


def central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def central_gradient(f, x, h):
    x = numpy.array(x, dtype=float)
    out = []
    for i in range(len(x)):
        e = numpy.zeros(len(x))
        e[i] = h
        out.append((f(x + e) - f(x - e)) / (2 * h))
    return numpy.array(out)


def descend(grad, x0, lr, steps):
    x = numpy.array(x0, dtype=float)
    for _ in range(steps):
        x = x - lr * grad(x)
    return x


class Dual:
    def __init__(self, a, b=0.0):
        self.a, self.b = a, b

    def __add__(self, o):
        o = o if isinstance(o, Dual) else Dual(o)
        return Dual(self.a + o.a, self.b + o.b)

    __radd__ = __add__

    def __mul__(self, o):
        o = o if isinstance(o, Dual) else Dual(o)
        return Dual(self.a * o.a, self.b * o.a + self.a * o.b)

    __rmul__ = __mul__

    def __truediv__(self, o):
        o = o if isinstance(o, Dual) else Dual(o)
        return Dual(self.a / o.a, (self.b * o.a - self.a * o.b) / o.a ** 2)

    def __rtruediv__(self, o):
        return Dual(o) / self

    def sin(self):  # what numpy.sin calls on an object
        return Dual(math.sin(self.a), math.cos(self.a) * self.b)

    def exp(self):
        return Dual(math.exp(self.a), math.exp(self.a) * self.b)


def sin(u):  # the `uses` name of the autodiff tasks
    return u.sin() if isinstance(u, Dual) else math.sin(u)


def try_everything(name):
    """The kernel's confinement, tried from inside a call of the new protocol."""
    for path in (PROBLEM, OTHER, "/etc/shadow", "/proc/self/environ", f"/proc/{os.getppid()}/environ"):
        try:
            with open(path, "rb") as handle:
                data = handle.read()
            if path.endswith("environ") and b"GRADQUIZ_SECRET" not in data:
                continue
            return won(name, path)
        except OSError:
            pass
    for folder in ("/tmp", "/dev/shm", "/var/tmp", os.path.dirname(PROBLEM)):
        try:
            with open(os.path.join(folder, LEFT), "w") as handle:
                handle.write("left")
            return won(name, "wrote in " + folder)
        except OSError:
            pass
    try:
        socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
        return won(name, "connected")
    except OSError:
        pass
    try:
        os.kill(VICTIM, 9)
        return won(name, "killed")
    except OSError:
        pass
'''

CONFINED = {  # name: (task keys, body of `def name(<arguments>)`)
    "nd_confined": (
        ND,
        """
        try_everything(NAME)
        return central(f, x, h)
    """,
    ),
    "nd_through_the_callable": (
        ND,
        """
        # numpy from the callable's globals: the kernel refuses its file functions too
        np = f.__globals__["numpy"]
        try:
            return won(NAME, np.fromfile(PROBLEM, dtype=numpy.uint8)[:20].tobytes())
        except OSError:
            pass
        try:
            np.save(os.path.join(os.path.dirname(PROBLEM), LEFT + ".npy"), np.zeros(1))
            return won(NAME, "saved")
        except OSError:
            pass
        return central(f, x, h)
    """,
    ),
    "ng_confined": (
        NG,
        """
        try_everything(NAME)
        return central_gradient(f, x, h)
    """,
    ),
    "ad_confined_in_uses": (
        AD,
        """
        # the grader's callable calls the student's `sin`: that too runs confined
        global sin
        plain = sin

        def sin(u):
            try_everything(NAME)
            return plain(u)

        try:
            return f(Dual(x, 1.0)).b
        finally:
            sin = plain
    """,
    ),
    "gd_confined": (
        GD,
        """
        try_everything(NAME)
        return descend(grad, x0, lr, steps)
    """,
    ),
    "grading_data": (
        ND,
        """
        # The child holds no expected value and (outside grading mode) nothing of a hidden
        # task: not in the callable's globals, code or closure, not anywhere the gc reaches
        # (the unread requests in the protocol's buffer included).
        hidden = HIDDEN[0] + HIDDEN[1]  # only this frame holds the joined text
        exact = {round(math.cos(v), 12) for v in (0.3, -1.2)} | {round(2 * math.exp(2 * v), 12) for v in (0.3, -1.2)}
        seen = [f.__globals__, f.__code__.co_consts, f.__closure__ or ()]
        for o in gc.get_objects():
            if isinstance(o, (dict, list, tuple, bytes, bytearray)):
                seen.append(o)
        frames = [o.gi_frame for o in gc.get_objects() if type(o).__name__ == "generator" and o.gi_frame]
        seen += [fr.f_locals for fr in frames]
        for o in seen:
            items = o.values() if isinstance(o, dict) else o
            if isinstance(o, (bytes, bytearray)):
                if hidden.encode() in o and not GRADING:
                    return won(NAME, "hidden task in memory")
                continue
            try:
                for v in list(items):
                    if isinstance(v, float) and round(v, 12) in exact and abs(v) > 0.1:
                        return won(NAME, f"expected value {v}")
                    if isinstance(v, (str, bytes)) and hidden in str(v) and not GRADING:
                        return won(NAME, "hidden task")
            except Exception:
                pass
        return central(f, x, h)
    """,
    ),
}

CHEATS = {  # the exact derivative with no difference quotient, made to change with h
    "complex_step": (
        ND,
        """
        return f(x + 1e-30j).imag / 1e-30 + 1e-6 * h * h
    """,
    ),
    "dual_through_f": (
        ND,
        """
        return f(Dual(x, 1.0)).b + 1e-6 * h * h
    """,
    ),
    "complex_step_gradient": (
        NG,
        """
        out = []
        for i in range(len(x)):
            e = numpy.zeros(len(x), dtype=complex)
            e[i] = 1e-30j
            out.append(f(x + e).imag / 1e-30 + 1e-6 * h * h)
        return numpy.array(out)
    """,
    ),
}

KNOWN_CHEATS = {  # open holes (test marked xfail below): the derivative written by hand from the starter's list
    "hardcoded_derivative": (
        {**ND, "functions": ["sin(x)"]},
        """
        return math.cos(x) + 1e-6 * h * h  # never calls f; the fake term makes it change with h
    """,
    ),
    "hardcoded_descent": (
        GD,
        """
        x = numpy.array(x0, dtype=float)  # the gradient of the starter's f by hand; grad never called
        for _ in range(steps):
            x = x - lr * numpy.array([2 * (x[0] - 1), 6 * (x[1] + 2)])
        return x
    """,
    ),
}

HOSTILE = {  # name: (task keys, body, a piece of the feedback)
    "returns_inf": (ND, "return float('inf')", "returned inf"),
    "returns_huge_path": (GD, "return numpy.array([1e308, -1e308]) * (1 if steps % 2 else -1)", "returned"),
    "returns_the_callable": (ND, "return f", "returned function"),
    "returns_a_generator": (GD, "return (v for v in x0)", "returned generator"),
    "returns_enormous_int": (AD, "return 10 ** 5000", "returned int"),
    "returns_a_billion": (NG, "return numpy.broadcast_to(1.0, (10 ** 9,))", "an array of 1000000000 numbers"),
    "returns_deep_nesting": (
        ND,
        """
        v = 1.0
        for _ in range(100_000):
            v = [v]
        return v
    """,
        "returned list",
    ),
    "hostile_float": (
        ND,
        """
        class Sly:
            def __float__(self):
                try_everything(NAME)
                raise ValueError("no")

            def __array__(self, *args, **kwargs):
                try_everything(NAME)
                while True:
                    pass
        return Sly()
    """,
        "did not finish",
    ),
    "crashes_the_child": (
        AD,
        """
        sys.setrecursionlimit(10 ** 6)

        def down(n):
            return down(n + 1) + 1
        return down(0)
    """,
        "",
    ),
}
ARGS = {
    "numerical_derivative": "f, x, h",
    "numerical_gradient": "f, x, h",
    "autodiff": "f, x",
    "gradient_descent": "grad, x0, lr, steps",
}


def _tasks() -> list[dict]:
    out = []
    for name, (keys, *_) in {**CONFINED, **CHEATS, **KNOWN_CHEATS, **HOSTILE}.items():
        out.append({"id": name, "function": name, **keys, "timeout": 3 if name == "hostile_float" else 10})
    out.append({"id": "honest", "function": "honest", **ND})
    out.append({"id": "hidden", "function": "honest", **ND, "functions": ["cosh(3*x)"], "visibility": "hidden"})
    return out


def _source(constants: dict) -> str:
    code = "# gradquiz: tq\n" + PRELUDE + "".join(f"{k} = {v!r}\n" for k, v in constants.items())
    kinds = {t["id"]: t["kind"] for t in _tasks()}
    for name, (_, body, *_) in {**CONFINED, **CHEATS, **KNOWN_CHEATS, **HOSTILE}.items():
        code += f"\n\ndef {name}({ARGS[kinds[name]]}):\n    NAME = {name!r}\n"
        code += textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n"
    return code + "\n\ndef honest(f, x, h):\n    return central(f, x, h)\n"


class Run:
    """One graded run of the hostile submission by ``who`` through ``via``."""

    def __init__(self, who: str, via: str):
        self.ws = as_user.user_workspace()
        self.tag = uuid.uuid4().hex[:12]
        self.problem = self.ws / "tq.yaml"
        self.problem.write_text(exercise_text(_tasks(), forbid=["sympy"]))
        self.other = self.ws / ("class/bob/tq.py" if via == "grade" else "bob.py")
        self.other.parent.mkdir(parents=True, exist_ok=True)
        self.other.write_text("def honest(f, x, h):\n    return (f(x + h) - f(x - h)) / (2 * h)  # bob's\n")
        import socket

        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.setblocking(False)
        env = clean_env(GRADQUIZ_SECRET="s3cr3t-" + self.tag)
        self.victim = subprocess.Popen(as_user.command(["/bin/sleep", "300"], who, self.ws, env), env=env)
        self.submission = self.ws / ("class/eve/tq.py" if via == "grade" else "attack.py")
        self.submission.parent.mkdir(parents=True, exist_ok=True)
        self.submission.write_text(
            _source(
                {
                    "PROBLEM": str(self.problem),
                    "OTHER": str(self.other),
                    "PORT": self.server.getsockname()[1],
                    "VICTIM": self.victim.pid,
                    "LEFT": f"gradquiz-left-{self.tag}",
                    "HIDDEN": ["numpy.", "cosh(3*v0)"],
                    "GRADING": via == "grade",
                }
            )
        )
        as_user.give(self.ws)
        self.problem.chmod(0o644)
        self.before = self.problem.read_bytes()
        if via == "grade":
            argv = [
                *as_user.gradquiz(who),
                "grade",
                self.ws / "class",
                "--problems",
                self.problem,
                "--output",
                self.ws / "out",
                "--quiet",
            ]
        else:
            argv = [*as_user.gradquiz(who), "check", self.submission, "--problems", self.problem, "--format", "json"]
        proc = subprocess.run(
            as_user.command(argv, who, self.ws, env),
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            cwd=self.ws,
            check=False,
        )
        self.rc, self.stdout, self.stderr = proc.returncode, proc.stdout, proc.stderr
        if via == "grade":
            report = self.ws / "out" / "reports" / "eve" / "tq.json"
            self.stdout = report.read_text() if report.is_file() else ""
        self.report = json.loads(self.stdout) if self.stdout.strip().startswith("{") else None
        self.output = (self.report or {}).get("output", "")
        try:
            self.server.accept()[0].close()
            self.connections = 1
        except BlockingIOError:
            self.connections = 0
        self.victim_alive = self.victim.poll() is None

    def close(self) -> None:
        self.victim.kill()
        self.victim.wait()
        self.server.close()
        for folder in ("/tmp", "/dev/shm", "/var/tmp"):
            Path(folder, f"gradquiz-left-{self.tag}").unlink(missing_ok=True)
        shutil.rmtree(self.ws, ignore_errors=True)


_RUNS: dict[tuple, Run] = {}


@pytest.fixture(scope="module")
def runs():
    yield _RUNS
    for run in _RUNS.values():
        run.close()


def graded(runs, who: str, via: str) -> Run:
    if (who, via) not in runs:
        runs[who, via] = Run(who, via)
    run = runs[who, via]
    assert run.report is not None, f"exit {run.rc}; stderr: {run.stderr[-2000:]}"
    return run


VIAS = ["check", "grade"]


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("who", USERS)
def test_the_report_is_whole(runs, who, via):
    run = graded(runs, who, via)
    assert run.rc == (1 if via == "check" else 0), run.stderr[-2000:]
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr[-2000:]
    results = by_id(run.report)
    assert results["honest"]["passed"], results["honest"]["feedback"]
    assert ("hidden" in results) == (via == "grade")
    assert set(results) >= set(CONFINED) | set(CHEATS) | set(HOSTILE)


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("name", list(CONFINED))
def test_confined_in_the_new_protocol(runs, who, via, name):
    if not landlock_abi():
        pytest.skip("this kernel has no Landlock: the child's files are not confined (its isolation report says so)")
    run = graded(runs, who, via)
    assert f"WON {name}" not in run.output, run.output
    result = by_id(run.report)[name]
    assert result["passed"], result["feedback"]


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("who", USERS)
def test_nothing_left_or_reached(runs, who, via):
    if not landlock_abi():
        pytest.skip("this kernel has no Landlock")
    run = graded(runs, who, via)
    assert run.problem.read_bytes() == run.before
    assert run.connections == 0 and run.victim_alive
    for folder in ("/tmp", "/dev/shm", "/var/tmp", str(run.ws)):
        assert not Path(folder, f"gradquiz-left-{run.tag}").exists()
        assert not Path(folder, f"gradquiz-left-{run.tag}.npy").exists()


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("name", list(CHEATS))
def test_the_exact_derivative_through_f_earns_nothing(runs, who, name):
    """f takes real floats only: a complex step or dual numbers through it fail the task."""
    result = by_id(graded(runs, who, "check").report)[name]
    assert not result["passed"] and result["score"] == 0.0, result["feedback"]


@pytest.mark.xfail(
    strict=True,
    reason="open: a methods task's starter lists its functions (and points), so a student can return their "
    "derivatives written by hand plus a made-up h term (1e-6*h*h) without calling f, or descend with a gradient "
    "derived by hand without calling grad; by values alone this is a more accurate stencil (which the task "
    "accepts) or a right descent. Mitigation: hidden tasks over functions the starter does not name.",
)
@pytest.mark.parametrize("name", list(KNOWN_CHEATS))
def test_a_derivative_written_by_hand_earns_nothing(runs, name):
    result = by_id(graded(runs, "user", "check").report)[name]
    assert not result["passed"], result["feedback"]


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_values_fail_their_task_only(runs, who, name):
    run = graded(runs, who, "check")
    result = by_id(run.report)[name]
    assert not result["passed"] and result["score"] == 0.0
    assert HOSTILE[name][2] in result["feedback"], result["feedback"]
    assert f"WON {name}" not in run.output, run.output


def test_inf_is_named_no_slip(runs):
    """inf is within an infinite tolerance of every wrong formula: no slip may be claimed for it."""
    result = by_id(graded(runs, "user", "check").report)["returns_inf"]
    assert "mistake" not in result and "This looks like" not in result["feedback"], result
    assert "order nan" not in result["feedback"], result["feedback"]
    assert "observed_order" not in result.get("checks", {}), result


def test_a_huge_descent_path_is_drawn(tmp_path):
    """A path of +-1e308 used to stretch the plot's axes past what floats hold: the drawing
    failed with an internal error and no report. Such points are left out of the picture."""
    problem = tmp_path / "tq.yaml"
    problem.write_text(
        exercise_text(
            [
                {"id": "path2", "function": "huge", **GD},
                {"id": "path1", "function": "huge", **GD, "f": "x**2 + 1", "variables": ["x"], "start": [1.0]},
                {"id": "loglog", "function": "inf", **ND},
            ]
        )
    )
    submission = tmp_path / "attack.py"
    submission.write_text(
        "# gradquiz: tq\nimport numpy\n\n\ndef huge(grad, x0, lr, steps):\n"
        "    return numpy.full(numpy.shape(x0), 1e308) * (1 if steps % 2 else -1)\n\n\n"
        "def inf(f, x, h):\n    return float('inf') if h < 1e-4 else 1e308\n"
    )
    for name in ("picture.png", "picture.svg"):
        proc = subprocess.run(
            [*as_user.gradquiz("root"), "check", submission, "--problems", problem, "--plot", tmp_path / name],
            env=clean_env(),
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
            check=False,
        )
        assert proc.returncode == 1, proc.stderr[-2000:]
        assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-2000:]
        assert (tmp_path / name).stat().st_size > 1000
