"""Red team of the spare sandbox child (``grader.sandbox.spare``, issue 19): a child started before
the submission is known, unconfined until a sandbox claims it and sends the config.

In process (the suite's own user), against a claimed spare:

* the submission runs only once the child is confined: its first line already finds seccomp on,
  no new privileges, and a write outside its folder refused (the spare itself, before the claim,
  is not confined: ``Seccomp: 0``, so these lines show when the source runs, not what the child is);
* nothing of the grader reaches it: not its environment (``GRADQUIZ_SECRET`` set before
  ``prestart``), nor a descriptor the grader holds open and inheritable, nor its memory or
  environment through ``/proc``; its open descriptors are those of a child the sandbox starts;
* a module the exercise forbids is nowhere in its memory (``gc.get_objects()``, ``sys.modules``),
  and forbidding ``numpy`` (or a module numpy loads) fails closed;
* after a timeout, and in a fork of the grader, nothing is left (child, folder, cgroup) and no
  other process's spare is taken or killed.

End to end (the real command, as root and as the ordinary user): a hostile submission graded in
grading mode with a secret finds nothing, leaves nothing; ^C and SIGTERM while the spare or the
claimed child is alive leave nothing behind and exit as a signalled command does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import as_user
import pytest
from as_user import USERS
from conftest import clean_env, exercise_text, task

from grader.sandbox import Sandbox, discard_spare, parent, prestart
from grader.sandbox.spare import Spare

SECRET = "h16-secret-7f3a"

PROBE = '''
import gc, os, sys

WON = []
import ctypes

_prctl = ctypes.CDLL(None).prctl
if _prctl(21, 0, 0, 0, 0) != 2 or _prctl(39, 0, 0, 0, 0) != 1:  # PR_GET_SECCOMP (filter), PR_GET_NO_NEW_PRIVS
    WON.append("ran unconfined")
for folder in (OUTSIDE, "/tmp", "/dev/shm"):
    try:
        with open(os.path.join(folder, "h16-left"), "w") as handle:
            handle.write("left")
        WON.append("wrote in " + folder)
    except OSError:
        pass
for path in (SECRET_FILE, f"/proc/{os.getppid()}/environ", f"/proc/{os.getppid()}/mem", f"/proc/{os.getppid()}/maps"):
    try:
        with open(path, "rb") as handle:
            handle.read(64)
        WON.append("read " + path)
    except OSError:
        pass
try:
    with open("/proc/self/environ", "rb") as handle:
        started_with = handle.read()
except OSError:
    started_with = b""
if SECRET.encode() in started_with or any(SECRET in v or "GRADQUIZ" in k for k, v in os.environ.items()):
    WON.append("environment")
FDS = []
for fd in range(3, 512):
    try:
        info = os.fstat(fd)
    except OSError:
        continue
    FDS.append(fd)
    if (info.st_dev, info.st_ino) == SECRET_ID:
        WON.append(f"the grader's descriptor {fd}")
for thing in gc.get_objects():
    if type(thing) is type(os) and getattr(thing, "__name__", "").split(".")[0] in FORBID:
        if not getattr(thing, "__forbidden__", False):
            WON.append("in memory: " + thing.__name__)
for name, module in list(sys.modules.items()):
    if name.split(".")[0] in FORBID and not getattr(module, "__forbidden__", False):
        WON.append("in sys.modules: " + name)


def f(x):
    if WON:
        raise RuntimeError("; ".join(sorted(set(WON))))
    return 2 * x


def fds(x):
    return float(len(FDS))
'''
FORBID = ("fractions", "statistics", "decimal", "sympy")


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def status_of(pid: int) -> dict:
    with open(f"/proc/{pid}/status") as handle:
        return dict(line.rstrip("\n").split(":\t", 1) for line in handle if ":\t" in line)


@pytest.fixture(autouse=True)
def no_spare_left():
    yield
    discard_spare()
    assert parent._SPARE == []


def the_spare() -> Spare:
    assert len(parent._SPARE) == 1, "prestart started no child"
    return parent._SPARE[0]


def probe_source(tmp_path: Path) -> str:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    info = secret.stat()
    return (f"SECRET = {SECRET!r}\nSECRET_FILE = {str(secret)!r}\nOUTSIDE = {str(outside)!r}\n"
            f"SECRET_ID = {(info.st_dev, info.st_ino)!r}\nFORBID = {FORBID!r}\n" + PROBE)


def test_a_claimed_spare_runs_the_submission_confined_and_sees_nothing_of_the_grader(tmp_path, monkeypatch):
    """The spare is started with the secret in the grader's environment and a descriptor of a secret
    file open and inheritable; it is unconfined until claimed. Would the child run the source before
    confining itself, keep the grader's environment or inherit its descriptors, or preload what
    the exercise forbids (the fork server's PRELOAD has fractions, statistics, decimal), ``f``
    raises and the task fails."""
    source = probe_source(tmp_path)
    monkeypatch.setenv("GRADQUIZ_SECRET", SECRET)
    held = os.open(tmp_path / "secret.txt", os.O_RDONLY)
    os.set_inheritable(held, True)
    try:
        with Sandbox(source, "alone.py", forbid=FORBID) as sb:  # a child the sandbox starts itself
            alone = sb.run("fds", "scalars", [[0.0]], 30)
        prestart()
        spare = the_spare()
        spare.settle()
        assert status_of(spare.pid)["Seccomp"].strip() == "0"  # waiting for its config, unconfined
        with Sandbox(source, "probe.py", forbid=FORBID) as sb:
            assert sb.pid == spare.pid
            got = sb.run("f", "scalars", [[1.5]], 30)
            count = sb.run("fds", "scalars", [[0.0]], 30)
            printed = sb.output()
            assert status_of(sb.pid)["Seccomp"].strip() == "2"
    finally:
        os.close(held)
    assert got.results == [{"ok": True, "shape": [], "data": [3.0]}], (got, printed)
    assert count.results == alone.results  # the same descriptors as a child started for it
    assert not (tmp_path / "outside" / "h16-left").exists()
    assert not alive(spare.pid) and not Path(spare._tmp).exists()


USES_NUMPY = "import numpy as np\nprint('RAN')\ndef f(x):\n    return float(np.fft.fft([x])[0].real + np.random.default_rng(0).random() * 0)\n"


@pytest.mark.parametrize("forbid", [("numpy",), ("pickle",), ("numpy.linalg",), ("numpy.fft",), ("numpy.random",)], ids=repr)
def test_forbidding_what_numpy_loads_fails_closed_in_a_spare(forbid):
    """The spare loaded numpy before it knew the exercise: forbidding numpy or what it loads, or a
    part of numpy the child does not load until used (``numpy.fft``: the stand-ins stop top-level
    names only, so it imported from numpy's readable folder, where the child that preloaded it
    used to fail closed), fails every task and the submission never runs. The schema refuses such
    a forbid list (``forbid: [numpy]``, a dotted name); the sandbox must not rely on that."""
    prestart()
    spare = the_spare()
    with Sandbox(USES_NUMPY, "forbid.py", forbid=forbid) as sb:
        assert sb.pid == spare.pid
        run = sb.run("f", "scalars", [[1.0]], 30)
        printed = sb.output()[0]
    assert run.failure == "import" and "cannot be forbidden here" in run.detail["message"], run
    assert "RAN" not in printed


def test_a_timed_out_claimed_spare_leaves_nothing_and_the_next_task_gets_a_fresh_child():
    prestart()
    spare = the_spare()
    source = "def spin(x):\n    while True:\n        pass\n\ndef f(x):\n    return 3 * x\n"
    with Sandbox(source, "spin.py") as sb:
        assert sb.pid == spare.pid
        cgroup = sb._cgroup.path if sb._cgroup else None
        assert sb.run("spin", "scalars", [[1.0]], 1.0).failure == "timeout"
        assert not alive(spare.pid) and (cgroup is None or not os.path.exists(cgroup))
        assert sb.run("f", "scalars", [[2.0]], 30).results == [{"ok": True, "shape": [], "data": [6.0]}]
        fresh, folder = sb.pid, sb._tmp
        assert fresh != spare.pid
    assert not alive(fresh) and not folder.exists()


def test_a_fork_of_the_grader_neither_takes_nor_kills_its_parents_spare():
    """A forked worker's copy of the list holds the parent's spare: its sandbox starts its own child
    and its ``discard_spare`` leaves the parent's alone (killing it would kill another process's
    child; taking it would share one child between two graders)."""
    prestart()
    spare = the_spare()
    spare.settle()  # no thread of ours in the middle of its work when we fork
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the fork
        code = 1
        try:
            with Sandbox("def f(x):\n    return 5 * x\n", "fork.py") as sb:
                took = sb.pid == spare.pid
                results = sb.run("f", "scalars", [[1.0]], 30).results
            discard_spare()
            os.write(write, repr((took, results)).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read) as handle:
        said = handle.read()
    assert os.waitstatus_to_exitcode(status) == 0
    assert said == repr((False, [{"ok": True, "shape": [], "data": [5.0]}]))
    assert [spare] == parent._SPARE and alive(spare.pid) and Path(spare._tmp).is_dir()


def test_a_ctrl_c_as_the_spare_starts_is_not_swallowed(monkeypatch, tmp_path):
    """^C while the spare's cgroup thread is being started (found by the end-to-end signal test
    below, about one run in ten under load): the thread never ran, ``close`` joined it, ``join``
    raised RuntimeError ("cannot join thread before it is started") over the KeyboardInterrupt,
    and ``prestart``, which lets a spare fail quietly, swallowed it: the check went on, ignoring
    the ^C. Here the ^C comes exactly there: ``Thread.start`` raises it before starting."""
    import grader.sandbox.spare as spare_module

    def interrupted(thread) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(spare_module.threading.Thread, "start", interrupted)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(parent, "_TEMP", [])
    before = set(os.listdir("/proc"))
    with pytest.raises(KeyboardInterrupt):
        prestart()
    assert parent._SPARE == [] and parent._OPEN == {}
    assert list(tmp_path.iterdir()) == []  # its folder removed
    started = [int(p) for p in set(os.listdir("/proc")) - before if p.isdigit()]
    assert not [pid for pid in started if alive(pid) and str(os.getpid()) in _cmdline(pid)]  # its child killed


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


# -- end to end: the command, as root and as an ordinary user ------------------------------------

def _workspace(submission: str, **top) -> tuple[Path, Path, Path]:
    ws = as_user.user_workspace()
    (ws / "tmp").mkdir()
    problem = ws / "tq.yaml"
    problem.write_text(exercise_text([task("f", "derivative", "x**2", (-1, 1), timeout=20)], **top))
    sub = ws / "eve.py"
    sub.write_text(submission)
    as_user.give(ws)
    return ws, problem, sub


@pytest.mark.e2e
@pytest.mark.parametrize("who", USERS)
def test_a_hostile_submission_checked_with_a_secret_finds_nothing_and_leaves_nothing(who):
    ws, problem, sub = _workspace("", forbid=list(FORBID))
    try:
        info = problem.stat()
        sub.write_text("# gradquiz: tq\n" + f"SECRET = {SECRET!r}\nSECRET_FILE = {str(problem)!r}\n"
                       f"OUTSIDE = {str(ws)!r}\nSECRET_ID = {(info.st_dev, info.st_ino)!r}\nFORBID = {FORBID!r}\n" + PROBE)
        as_user.give(ws)
        env = clean_env(TMPDIR=ws / "tmp", GRADQUIZ_SECRET=SECRET)
        argv = [*as_user.gradquiz(who), "check", sub, "--problems", problem, "--grading", "--exercise", "tq"]
        proc = subprocess.run(as_user.command(argv, who, ws, env), env=env, capture_output=True, text=True,
                              timeout=150, cwd=ws, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert proc.stdout.endswith("Score: 1 / 1\n"), proc.stdout
        assert SECRET not in proc.stdout + proc.stderr
        assert not (ws / "h16-left").exists()
        assert sorted(p.name for p in (ws / "tmp").iterdir()) == []
    finally:
        subprocess.run(["rm", "-rf", str(ws)], check=False)


SLOW = "# gradquiz: tq\nimport time\ntime.sleep(30)\n\ndef f(x):\n    return 2 * x\n"


def _children_of(pid: int) -> list[int]:
    """Processes whose command line names the grader's pid as a sandbox child's parent."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    words = handle.read().split(b"\0")
            except OSError:
                continue
            if any(w.endswith(b"child.py") for w in words) and str(pid).encode() in words:
                found.append(int(entry))
    return found


@pytest.mark.e2e
@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("sig, delay, code", [(signal.SIGINT, 0.0, 130), (signal.SIGINT, 1.0, 130),
                                              (signal.SIGTERM, 0.0, -signal.SIGTERM), (signal.SIGTERM, 1.0, -signal.SIGTERM)],
                         ids=["int-spare", "int-claimed", "term-spare", "term-claimed"])
def test_a_signal_while_the_spare_or_its_claimer_lives_leaves_nothing(who, sig, delay, code):
    """As soon as the child is started (the spare, most likely not yet claimed) or a second
    later (the claimed child, running the submission's 30 s top level): the command exits as a
    signalled one does, with no traceback, and no child, folder or cgroup of it is left."""
    ws, problem, sub = _workspace(SLOW)
    try:
        env = clean_env(TMPDIR=ws / "tmp")
        argv = [*as_user.gradquiz(who), "check", sub, "--problems", problem]
        proc = subprocess.Popen(as_user.command(argv, who, ws, env), env=env, cwd=ws, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not _children_of(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(delay)
        assert proc.poll() is None, proc.communicate()
        children = _children_of(proc.pid)
        confined = status_of(children[0])["Seccomp"].strip() != "0"
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == code, (out, err)
        assert "Traceback" not in err, err
        time.sleep(0.2)
        assert children and not any(alive(pid) for pid in children), children
        assert confined is bool(delay)  # the spare still waiting for its config; the claimed child confined
        assert sorted(p.name for p in (ws / "tmp").iterdir()) == []
        if os.path.isdir("/sys/fs/cgroup"):
            assert not [n for n in os.listdir("/sys/fs/cgroup") if n.startswith(f"gradquiz-{proc.pid}-")]
    finally:
        subprocess.run(["rm", "-rf", str(ws)], check=False)


def _ignore_int_and_hup() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


@pytest.mark.e2e
@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGHUP], ids=["int", "hup"])
def test_a_signal_the_grader_ignores_does_not_kill_the_submission(who, sig):
    """A grader started with SIGHUP ignored (``nohup``) or SIGINT ignored (a background job of a
    script) must keep ignoring it. The sandbox's handler used to take the signal over while a child
    was open, kill the child, then ignore the signal as before: the grading went on, and the
    student got 0 for a file that "ended the process while loading"."""
    ws, problem, sub = _workspace(SLOW.replace("time.sleep(30)", "time.sleep(3)"))
    try:
        env = clean_env(TMPDIR=ws / "tmp")
        argv = [*as_user.gradquiz(who), "check", sub, "--problems", problem]
        proc = subprocess.Popen(as_user.command(argv, who, ws, env), env=env, cwd=ws, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, preexec_fn=_ignore_int_and_hup)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            children = _children_of(proc.pid)
            if children and status_of(children[0])["Seccomp"].strip() != "0":
                break  # the claimed child, confined, running the submission's top level
            time.sleep(0.005)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and out.endswith("Score: 1 / 1\n"), (out, err)
        assert sorted(p.name for p in (ws / "tmp").iterdir()) == []
    finally:
        subprocess.run(["rm", "-rf", str(ws)], check=False)
