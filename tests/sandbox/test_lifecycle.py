"""The sandbox's life cycle and protocol: signals to the grader, the grader's death, a child
that never reads, the reply schema, ``allow:``, the isolation report and the fork server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

import as_user
from as_user import USERS
from conftest import clean_env, exercise_text, task
from grader.sandbox import ForkServer, Sandbox, replies
from grader.sandbox.parent import landlock_abi

SLEEPER = """# gradquiz: tq
import os, time
print("CHILD", os.getpid(), flush=True)


def d(x):
    time.sleep(120)
    return 2 * x
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def wait_for(predicate, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


def child_pid(tmp: Path):
    """The pid the sleeping submission printed into the grader's temp folder, once it has."""
    for out in tmp.glob("gradquiz-*/stdout"):
        try:
            text = out.read_text()
        except OSError:
            continue
        if text.startswith("CHILD "):
            return int(text.split()[1])
    return None


def start_sleeping_check(who: str):
    ws = as_user.user_workspace()
    (ws / "tmp").mkdir()
    (ws / "tq.yaml").write_text(exercise_text([task("d", "derivative", "x**2", (-1, 1), timeout=120)]))
    (ws / "sleeper.py").write_text(SLEEPER)
    as_user.give(ws)
    argv = [as_user.gradquiz(who), "check", ws / "sleeper.py", "--problems", ws / "tq.yaml", "--format", "json"]
    env = clean_env(TMPDIR=ws / "tmp")
    proc = subprocess.Popen(as_user.command(argv, who, ws, env), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ws)
    pid = wait_for(lambda: child_pid(ws / "tmp") or proc.poll() is not None)
    if pid is True or not pid:
        proc.kill()
        out, err = proc.communicate()
        shutil.rmtree(ws, ignore_errors=True)
        pytest.fail(f"the submission never started: exit {proc.returncode}: {out[-500:]} {err[-1500:]}")
    return ws, proc, pid


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=["TERM", "HUP", "INT"])
def test_a_signal_to_the_grader_kills_the_child_and_removes_its_files(who, sig):
    ws, proc, pid = start_sleeping_check(who)
    try:
        proc.send_signal(sig)
        proc.communicate(timeout=60)
        if sig == signal.SIGINT:  # Python's own handler runs after the clean-up: KeyboardInterrupt
            assert proc.returncode != 0
        else:
            assert proc.returncode == -sig  # died of the signal: exit status 128 + sig
        assert wait_for(lambda: not alive(pid), 10), "the child outlived the grader"
        assert list((ws / "tmp").iterdir()) == []
    finally:
        proc.kill()
        shutil.rmtree(ws, ignore_errors=True)


@pytest.mark.parametrize("who", USERS)
def test_the_child_dies_with_a_killed_grader(who):
    ws, proc, pid = start_sleeping_check(who)
    try:
        proc.kill()  # SIGKILL: no handler runs; PR_SET_PDEATHSIG takes the child
        proc.communicate(timeout=60)
        assert wait_for(lambda: not alive(pid), 10), "the child outlived the grader"
    finally:
        shutil.rmtree(ws, ignore_errors=True)


NEVER_READS = """
import os, sys, time

def f(x):
    os.write(int(sys.argv[1]), b'{"results": [{"ok": true, "shape": [], "data": [1.0]}]}\\n')
    time.sleep(600)  # never reads the next request
"""


def test_a_child_that_never_reads_its_requests_cannot_block_the_parent():
    outcome = {}

    def scenario():
        with Sandbox(NEVER_READS, "never.py") as sb:
            outcome["first"] = sb.run("f", "scalars", [[1.0]], 60)
            outcome["second"] = sb.run("f", "scalars", [[float(i)] for i in range(300_000)], 2)

    worker = threading.Thread(target=scenario, daemon=True)
    worker.start()
    worker.join(120)
    assert not worker.is_alive(), "the parent blocked writing to a child that does not read"
    assert outcome["first"].results == [{"ok": True, "shape": [], "data": [1.0]}]  # forged but well-formed
    assert outcome["second"].failure == "timeout"


# -- the reply schema ----------------------------------------------------------------------------

GOOD_ITEM = {"ok": True, "shape": [2], "data": [1.0, 2]}
ERROR = {"type": "ValueError", "message": "boom", "line": 3, "text": "raise ValueError('boom')"}


@pytest.mark.parametrize(
    "reply, expect, points",
    [
        ({"isolation": {"landlock": 7, "missing": ["x"]}}, "isolation", 0),
        ({"ready": True}, "ready", 0),
        ({"import_error": ERROR}, "ready", 0),
        ({"missing": True}, "results", 3),
        ({"results": [GOOD_ITEM, {"ok": False, "returned": "str"}, {"ok": False, "error": ERROR}]}, "results", 3),
        ({"results": [{"ok": True, "shape": [], "data": [float("nan")]}]}, "results", 1),
    ],
)
def test_well_formed_replies_are_accepted(reply, expect, points):
    assert replies.parse(json.dumps(reply).encode(), expect, points) == json.loads(json.dumps(reply))


@pytest.mark.parametrize(
    "line, expect, points",
    [
        (b'{"results": "all correct"}', "results", 1),
        (b'{"results": [{"ok": true, "shape": [2], "data": [1.0]}]}', "results", 1),  # shape != data
        (b'{"results": [{"ok": true, "shape": [], "data": [true]}]}', "results", 1),  # a bool
        (b'{"results": [{"ok": true, "shape": [], "data": [1.0], "score": 1}]}', "results", 1),  # extra key
        (b'{"results": [{"ok": "yes", "returned": "x"}]}', "results", 1),
        (b'{"results": [{"ok": false, "returned": "' + b"x" * 1000 + b'"}]}', "results", 1),
        (b'{"results": []}', "results", 1),  # wrong count
        (b'{"results": [' + b"[" * 50_000 + b"]" * 50_000 + b"]}", "results", 1),  # nesting
        (b'{"results": [{"ok": true, "shape": [], "data": [' + b"9" * 10_000 + b"]}]}", "results", 1),
        (b'{"results": [{"ok": true, "shape": [1,1,1,1,1,1,1,1,1], "data": [1.0]}]}', "results", 1),
        (b'{"ready": true, "results": []}', "ready", 0),
        (b'{"ready": 1}', "ready", 0),
        (b'{"import_error": {"type": "E", "message": "m", "line": "3", "text": ""}}', "ready", 0),
        (b'{"results": [{"ok": true, "shape": [], "data": [1.0]}]}', "ready", 0),  # out of turn
        (b'{"isolation": {"landlock": [[1]]}}', "isolation", 0),
        (b"\xff\xfe not json", "ready", 0),
        (b"[1, 2, 3]", "results", 3),
    ],
)
def test_malformed_replies_are_refused(line, expect, points):
    assert replies.parse(line, expect, points) is None


# -- allow:, the isolation report, the fork server -------------------------------------------

USES_YAML = "import yaml\n\ndef f(x):\n    return yaml.safe_load('[1, 2]')[1] * x\n"


def test_allow_grants_a_package_and_nothing_else_is_readable():
    with Sandbox(USES_YAML, "allowed.py", allow=("yaml",)) as sb:
        assert sb.run("f", "scalars", [[3.0]], 30).results == [{"ok": True, "shape": [], "data": [6.0]}]
    with Sandbox(USES_YAML, "denied.py") as sb:
        run = sb.run("f", "scalars", [[3.0]], 30)
    if landlock_abi():
        assert run.failure == "import" and run.detail["type"] in ("PermissionError", "ModuleNotFoundError")
        assert "the packages the exercise allows" in run.detail["message"]


def test_the_isolation_report_says_what_was_enforced():
    with Sandbox("def f(x):\n    return x\n", "iso.py") as sb:
        isolation = sb.isolation
        assert sb.run("f", "scalars", [[1.0]], 30).results is not None
    assert set(isolation) >= {"landlock", "filesystem", "network", "signals", "processes", "user", "memory", "missing"}
    assert isolation["landlock"] == landlock_abi()
    if landlock_abi() >= 6:
        assert isolation["filesystem"] == "landlock" and isolation["signals"] == "landlock-scoped"
    if os.uname().machine == "x86_64":
        assert isolation["processes"] == "seccomp"
    assert isolation["user"] == ("root-without-capabilities" if os.geteuid() == 0 and landlock_abi() else "same-user")
    assert isinstance(isolation["missing"], list)
    assert ("cgroup" in isolation["memory"]) != any("cgroup" in m for m in isolation["missing"])


PROBE = """
import os, sys

def f(x):
    out = []
    try:
        os.fork()
        out.append("forked")
    except OSError:
        pass
    for path in (PROBLEM, os.path.join(os.path.dirname(os.path.abspath(sys.argv[0])), "parent.py")):
        try:
            open(path).read()
            out.append("read " + path)
        except OSError:
            pass
    sys.meta_path[:] = [m for m in sys.meta_path if type(m).__name__ != "_ForbidFinder"]
    sys.modules.pop("sympy", None)
    try:
        import sympy
        out.append("sympy")
    except Exception:
        pass
    if out:
        raise RuntimeError(", ".join(out))
    return 2 * x
"""


def test_the_fork_server_confines_each_child_like_a_sandbox(tmp_path):
    problem = tmp_path / "secret.yaml"
    problem.write_text("answer: 42\n")
    source = f"PROBLEM = {str(problem)!r}\n" + PROBE
    with Sandbox(source, "alone.py", forbid=("sympy",)) as sb:
        alone = sb.run("f", "scalars", [[1.0]], 30)
        reference = sb.isolation
    assert alone.results == [{"ok": True, "shape": [], "data": [2.0]}], alone
    with ForkServer() as zygote:
        pids = set()
        for i in range(3):
            with zygote.sandbox(source, f"s{i}.py", forbid=("sympy",)) as sb:
                run = sb.run("f", "scalars", [[1.0]], 30)
                assert run.results == [{"ok": True, "shape": [], "data": [2.0]}], run
                assert sb.isolation == reference
                pids.add(sb.pid)
        with zygote.sandbox("import os\nos._exit(3)\n", "crash.py") as sb:  # the zygote survives it
            assert sb.run("f", "scalars", [[1.0]], 30).failure == "import"
        with zygote.sandbox("def f(x):\n    return 3 * x\n", "after.py") as sb:
            assert sb.run("f", "scalars", [[1.0]], 30).results[0]["data"] == [3.0]
        assert len(pids) == 3
        zygote_pid = zygote.pid
    assert wait_for(lambda: not alive(zygote_pid), 10)


def test_the_fork_server_refuses_an_exercise_that_does_not_allow_what_it_preloaded():
    with ForkServer(allow=("yaml",)) as zygote:
        with pytest.raises(ValueError, match="preloads"):
            zygote.sandbox(USES_YAML, "a.py")
        with pytest.raises(ValueError, match="preloads"):
            zygote.sandbox(USES_YAML, "a.py", allow=("yaml",), forbid=("yaml",))
        with zygote.sandbox(USES_YAML, "a.py", allow=("yaml",)) as sb:
            assert sb.run("f", "scalars", [[2.0]], 30).results[0]["data"] == [4.0]


SCIPY = "import scipy.special\n\ndef f(x):\n    return float(scipy.special.gamma(3.0)) * x\n"


def test_an_allowed_scipy_imports_in_a_sandbox_and_a_fork_server():
    pytest.importorskip("scipy")
    with Sandbox(SCIPY, "sp.py", allow=("scipy",)) as sb:
        assert sb.run("f", "scalars", [[1.5]], 60).results[0]["data"] == [3.0]
    with ForkServer(allow=("scipy",)) as zygote:
        with zygote.sandbox(SCIPY, "sp.py", allow=("scipy",), forbid=("sympy",)) as sb:
            assert sb.run("f", "scalars", [[1.5]], 60).results[0]["data"] == [3.0]


def test_imports_still_work_after_the_import_caches_are_invalidated():
    source = "import importlib\nimportlib.invalidate_caches()\nimport glob, json\n\ndef f(x):\n    return 2 * x\n"
    with Sandbox(source, "caches.py") as sb:
        run = sb.run("f", "scalars", [[1.0]], 30)
    assert run.results == [{"ok": True, "shape": [], "data": [2.0]}], run


def test_a_fork_server_whose_zygote_died_starts_a_new_one():
    with ForkServer() as zygote:
        first = zygote.pid
        os.killpg(first, signal.SIGKILL)
        assert wait_for(lambda: zygote.proc.poll() is not None, 10)
        with zygote.sandbox("def f(x):\n    return 2 * x\n", "again.py") as sb:
            assert sb.run("f", "scalars", [[1.0]], 30).results[0]["data"] == [2.0]
        assert zygote.pid != first
