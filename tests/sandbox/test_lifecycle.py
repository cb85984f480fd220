"""The sandbox's life cycle and protocol: signals to the grader, the grader's death, a child
that never reads, the reply schema, ``allow:``, the isolation report and the fork server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

import as_user
from as_user import USERS
from conftest import CAPABILITY_PROBE, clean_env, exercise_text, task
from grader.sandbox import ForkServer, Sandbox, cgroups, parent, replies
from grader.sandbox.parent import SHM, landlock_abi, temp_root

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


# A submission that clears its death signal (prctl(PR_SET_PDEATHSIG, 0)): seccomp must refuse,
# or it outlives a grader killed with SIGKILL, asleep where RLIMIT_CPU never ends it. It says
# its pid from the task, once nothing is left to write to the dead grader (a write would end it).
UNDYING = """# gradquiz: tq
import ctypes, os, time
ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)


def d(x):
    print("CHILD", os.getpid(), flush=True)
    time.sleep(120)
    return 2 * x
"""


def start_sleeping_check(who: str, source: str = SLEEPER):
    ws = as_user.user_workspace()
    (ws / "tmp").mkdir()
    (ws / "tq.yaml").write_text(exercise_text([task("d", "derivative", "x**2", (-1, 1), timeout=120)]))
    (ws / "sleeper.py").write_text(source)
    as_user.give(ws)
    argv = [*as_user.gradquiz(who), "check", ws / "sleeper.py", "--problems", ws / "tq.yaml", "--format", "json"]
    env = clean_env(TMPDIR=ws / "tmp")
    proc = subprocess.Popen(as_user.command(argv, who, ws, env), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ws)
    pid = wait_for(lambda: child_pid(ws / "tmp") or proc.poll() is not None)
    if pid is True or not pid:
        proc.kill()
        out, err = proc.communicate()
        shutil.rmtree(ws, ignore_errors=True)
        pytest.fail(f"the submission never started: exit {proc.returncode}: {out[-500:]} {err[-1500:]}")
    return ws, proc, pid


@pytest.mark.e2e
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


@pytest.mark.e2e
@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("source", [SLEEPER, UNDYING], ids=["sleeper", "clears-its-death-signal"])
def test_the_child_dies_with_a_killed_grader(who, source):
    if source is UNDYING and os.uname().machine != "x86_64":
        pytest.skip("no seccomp filter on this architecture: the child may clear its death signal")
    ws, proc, pid = start_sleeping_check(who, source)
    try:
        proc.kill()  # SIGKILL: no handler runs; PR_SET_PDEATHSIG takes the child
        proc.communicate(timeout=60)
        assert wait_for(lambda: not alive(pid), 10), "the child outlived the grader"
    finally:
        if alive(pid):  # it escaped: do not leave it behind
            os.kill(pid, signal.SIGKILL)
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


@pytest.mark.parametrize("filler", [b"[],", b"{},", b"0,", b'"ab",'])
def test_a_garbled_reply_of_many_small_objects_is_refused_before_it_is_built(filler):
    """json.loads would first build every object: 60 MB of ``[],`` took the grader 1.6 GB and
    half a minute. The bytes are checked against what a valid reply can hold first
    (tracemalloc counts allocations exactly, whatever the machine's load)."""
    import tracemalloc

    line = b'{"results": [' + filler * 1_000_000 + b"0]}"
    tracemalloc.start()
    try:
        assert replies.parse(line, "results", 1) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, f"parsing allocated {peak >> 20} MB"


def test_the_largest_valid_replies_still_fit_the_budget():
    data = [float(i) / 7 for i in range(replies.MAX_VALUES)]
    item = {"ok": True, "shape": [replies.MAX_VALUES], "data": data}
    error = {"ok": False, "error": {"type": "E" * 100, "message": "[{," * 333, "line": 1, "text": "[{," * 133}}
    reply = {"results": [item, error, item]}
    assert replies.parse(json.dumps(reply).encode(), "results", 3) == reply
    isolation = {"isolation": {f"k{i}": ["[{," * 100] * 20 for i in range(20)}}
    assert replies.parse(json.dumps(isolation).encode(), "isolation", 0) == isolation


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


CAPABILITIES = CAPABILITY_PROBE + "\n\ndef f(x):\n    return 2 * x\n"


@pytest.mark.skipif(os.geteuid() != 0 or not landlock_abi(), reason="only a grader running as root (with Landlock) has "
                    "capabilities for the fork server to drop")
def test_a_fork_servers_children_start_without_any_capability():
    """The fork server drops every capability once, before it forks (its children skip that
    step): each child is uid 0 with nothing in any set, the bounding set empty, the securebits
    locked, exactly as a child started on its own."""
    with Sandbox(CAPABILITIES, "alone.py") as sb:
        assert sb.run("f", "scalars", [[1.0]], 30).results[0]["data"] == [2.0]
        alone = sb.output()[0]
    with ForkServer() as zygote:
        for i in range(2):
            with zygote.sandbox(CAPABILITIES, f"caps{i}.py") as sb:
                assert sb.run("f", "scalars", [[1.0]], 30).results[0]["data"] == [2.0]
                out = sb.output()[0]
            assert "UID 0 0 CAPS [0, 0, 0, 0, 0, 0] SECUREBITS 239" in out, out
            assert "BOUNDING []" in out and "DENIED setuid 1" in out and "DENIED chown 1" in out, out
            assert "ALLOWED" not in out
            assert out == alone


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


OPTIONAL = (
    "try:\n    import yaml\nexcept ImportError:\n    yaml = None\n\n"
    "def f(x):\n    return 2.0 * x if yaml is None else -1.0\n"
)


def test_an_installed_but_unreadable_module_is_an_import_error_not_a_permission_error():
    """Optional imports (`try: import x except ImportError`) in a submission or an allowed
    package work: the module is installed (PyYAML is a dependency) but not readable."""
    with Sandbox(OPTIONAL, "opt.py") as sb:
        run = sb.run("f", "scalars", [[1.5]], 60)
        assert run.failure is None, run.detail
        assert run.results[0]["data"] == [3.0]


FILL_SCRATCH = """
import os
print("CWD", os.getcwd(), flush=True)
written = 0
block = b"x" * (1 << 20)
try:
    for i in range(200):
        with open(f"fill{i}", "wb") as handle:
            for _ in range(4):
                handle.write(block)
                handle.flush()
                written += 1
        print("MB", written, flush=True)
except OSError as exc:
    print("REFUSED", written, type(exc).__name__, flush=True)


def f(x):
    return 2 * x
"""


@pytest.mark.skipif(not cgroups.possible() or temp_root() is None,
                    reason="the scratch folder is on a tmpfs only for a root grader with memory cgroups")
def test_as_root_the_scratch_folder_is_on_a_tmpfs_that_counts_against_the_childs_memory():
    """Making and removing a folder per child costs no disk I/O on /dev/shm, and the pages a
    submission writes there are charged to its memory cgroup: its files cannot take more memory
    than the child may have (here 128 MiB; 800 MiB of files attempted). The child is stopped,
    the grader goes on, and the files go with the child's folder."""
    from grader.sandbox.parent import Limits

    with Sandbox(FILL_SCRATCH, "fill.py", limits=Limits(memory_mb=128)) as sb:
        run = sb.run("f", "scalars", [[1.0]], 60)
        out = sb.output()[0]
        assert sb.isolation["memory"].startswith("rlimit-as+cgroup"), sb.isolation
        folder = sb._tmp
    assert f"CWD {SHM}/gradquiz-" in out, out
    megabytes = max([int(line.split()[1]) for line in out.splitlines() if line.startswith(("MB", "REFUSED"))] or [0])
    assert 0 < megabytes < 128, out  # stopped (killed by the cgroup, or refused) before outgrowing it
    assert run.results is None or "REFUSED" in out, (run, out)
    assert not folder.exists()  # and everything it wrote is gone with its folder


def test_a_set_tmpdir_keeps_the_childs_folder_there(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(parent, "_TEMP", [])
    with Sandbox("import os\nprint('CWD', os.getcwd())\n\ndef f(x):\n    return 2 * x\n", "where.py") as sb:
        assert sb.run("f", "scalars", [[1.0]], 30).results[0]["data"] == [2.0]
        out = sb.output()[0]
    assert f"CWD {tmp_path}/gradquiz-" in out, out


def test_the_second_layer_covers_what_the_child_reads_and_never_the_scratch_root():
    from grader.sandbox.confine import _cover

    reads = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/python3.11/json", "/etc/ld.so.cache", "/dev/null", "/dev/urandom"]
    assert _cover(reads, "/dev/shm/gradquiz-forks-1") == ["/dev/null", "/dev/urandom", "/etc", "/usr"]
    assert _cover(reads + ["/tmp/venv/lib/python3.11"], "/tmp/gradquiz-forks-1") == [
        "/dev", "/etc", "/tmp/venv", "/usr"]
    assert _cover(["/tmp"], "/tmp/gradquiz-forks-1") is None  # nothing holds it without the root
    assert _cover(["/tmp/gradquiz-forks-1/x"], "/tmp/gradquiz-forks-1") is None


READS_CSV = """
import os
path = os.path.join(os.path.dirname(os.__file__), "csv.py")
try:
    print("READ", len(open(path).read()) > 0)
except OSError as exc:
    print("DENIED", exc.errno)


def f(x):
    return 2 * x
"""


@pytest.mark.skipif(not landlock_abi(), reason="the fork server's Landlock layer needs Landlock")
def test_a_layered_fork_server_still_hides_a_forbidden_standard_module_and_refuses_more_packages():
    """Its children add a few broad rules over the server's layer, unless the exercise forbids a
    module the server's layer allows (then every rule but the forbidden ones): `csv` stays
    unreadable where forbidden (`json`, which the server has in memory, would be a plain child), readable elsewhere. A package beyond the server's is refused
    before any fork (the caller starts a plain child instead)."""
    with ForkServer() as zygote:
        assert zygote.layered
        with zygote.sandbox(READS_CSV, "open.py") as sb:
            assert sb.run("f", "scalars", [[1.0]], 30).results[0]["data"] == [2.0]
            assert "READ True" in sb.output()[0]
        with zygote.sandbox(READS_CSV, "hidden.py", forbid=("csv", "sympy")) as sb:
            assert sb.run("f", "scalars", [[1.0]], 30).results[0]["data"] == [2.0]
            assert "DENIED 13" in sb.output()[0], sb.output()
        with pytest.raises(ValueError, match="beyond numpy"):
            zygote.sandbox(READS_CSV, "more.py", allow=("yaml",))
