"""The attacks of issue 8 that the sandbox must stop, each as a task of one hostile submission
graded by the real command, as root and as an ordinary user (``as_user``).

Every attack task returns the right derivative when the attack fails and prints ``WON <name>``
and returns a wrong value when it succeeds; so a passing task with no ``WON`` line, plus the
side effects checked here (files unchanged, processes alive or gone), mean the attack failed.
One command per user runs them all (a command costs a second or two of start-up).
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import textwrap
import time
import uuid
from pathlib import Path

import pytest

import as_user
from as_user import USERS
from conftest import by_id, clean_env, exercise_text, task
from grader.sandbox.parent import landlock_abi

pytestmark = pytest.mark.e2e  # every test here runs the command

PRELUDE = '''
import ctypes, os, signal, socket, sys


def won(name, how=""):
    print("WON", name, str(how)[:80], flush=True)
    return 12345.0


def result_fd():
    if sys.argv[1:2] != ["--zygote"]:
        return int(sys.argv[1])
    import fcntl, stat  # forked by a fork server: the pipe open for writing
    for fd in range(3, 4096):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode) and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_WRONLY:
                return fd
        except OSError:
            pass
    return -1


def forge(data):
    fd = result_fd()
    while data:
        data = data[os.write(fd, data):]
'''

ATTACKS = {
    "problem_file": """
        try:
            return won(NAME, open(PROBLEM).read()[:40])
        except OSError:
            pass
    """,
    "problem_from_cmdline": """
        try:
            args = open(f"/proc/{os.getppid()}/cmdline", "rb").read().split(b"\\0")
            path = args[args.index(b"--problems") + 1].decode()
            return won(NAME, open(path if path.endswith(".yaml") else os.path.join(path, "tq.yaml")).read()[:40])
        except (OSError, ValueError, IndexError):
            pass
    """,
    "bundled_problems": """
        here = os.path.dirname(os.path.abspath(sys.argv[0]))
        for folder in (os.path.join(here, "..", "..", "exercises"), os.path.join(here, "..", "_bundled")):
            try:
                for name in os.listdir(folder):
                    return won(NAME, open(os.path.join(folder, name)).read()[:40])
            except OSError:
                pass
    """,
    "grader_package": """
        here = os.path.dirname(os.path.abspath(sys.argv[0]))
        try:
            return won(NAME, open(os.path.join(here, "..", "api.py")).read()[:40])
        except OSError:
            pass
        sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_ForbidFinder"]
        try:
            import grader.maths.equivalence
            return won(NAME, "imported grader")
        except Exception:
            pass
    """,
    "sympy_without_forbid": """
        sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_ForbidFinder"]
        for name in [m for m in sys.modules if m.split(".")[0] in ("sympy", "mpmath")]:
            del sys.modules[name]
        try:
            import sympy
            s = sympy.Symbol("s")
            return won(NAME, float(sympy.diff(s**2, s).subs(s, x)))
        except Exception:
            pass
    """,
    "other_students_file": """
        try:
            return won(NAME, open(OTHER).read()[:40])
        except OSError:
            pass
    """,
    "outlive_the_grader": """
        try:
            pid = os.fork()
        except OSError:
            pid = None
        if pid == 0:
            os.setsid()
            os.execv("/bin/sleep", ["sleep", "30"])
        if pid:
            return won(NAME, pid)
    """,
    "signal_the_grader": """
        try:
            os.kill(os.getppid(), signal.SIGCONT)  # harmless, but a SIGSTOP would hang the grader
            return won(NAME)
        except OSError:
            pass
    """,
    "grader_environment": """
        try:
            return won(NAME, open(f"/proc/{os.getppid()}/environ", "rb").read()[:40])
        except OSError:
            pass
    """,
    "grader_memory": """
        try:
            start = int(open(f"/proc/{os.getppid()}/maps").readline().split("-")[0], 16)
            with open(f"/proc/{os.getppid()}/mem", "rb") as mem:
                mem.seek(start)
                return won(NAME, mem.read(8))
        except (OSError, ValueError):
            pass
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.ptrace(0x4206, os.getppid(), None, None) == 0:  # PTRACE_SEIZE: no stop
            return won(NAME, "ptrace")
    """,
    "grader_stdout": """
        try:
            open(f"/proc/{os.getppid()}/fd/1", "w").close()
            return won(NAME)
        except OSError:
            pass
    """,
    "edit_problem_file": """
        try:
            with open(PROBLEM, "a") as handle:
                handle.write("# edited\\n")
            return won(NAME)
        except OSError:
            pass
        try:
            os.chmod(PROBLEM, 0o666)
            return won(NAME, "chmod")
        except OSError:
            pass
    """,
    "kill_a_neighbour": """
        try:
            os.kill(VICTIM, signal.SIGKILL)
            return won(NAME)
        except OSError:
            pass
    """,
    "leave_files_behind": """
        for folder in ("/tmp", "/dev/shm", "/var/tmp"):
            try:
                open(os.path.join(folder, LEFT), "w").close()
                return won(NAME, folder)
            except OSError:
                pass
    """,
    "tcp_connect": """
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=2).close()
            return won(NAME)
        except OSError:
            pass
    """,
    "abstract_unix_socket": """
        try:
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.connect("\\0" + ABSTRACT)
            return won(NAME)
        except OSError:
            pass
    """,
    "sigio_to_the_grader": """
        import fcntl, struct
        try:  # SIGIO (default: terminate) to the grader whenever the pipe is read
            fcntl.fcntl(result_fd(), fcntl.F_SETOWN, os.getppid())
            return won(NAME, "F_SETOWN")
        except OSError:
            pass
        try:
            fcntl.ioctl(result_fd(), 0x8901, struct.pack("i", os.getppid()))  # FIOSETOWN
            return won(NAME, "FIOSETOWN")
        except OSError:
            pass
    """,
    "neighbour_folders": """
        # its own folder's files (stdout, stderr) and those around it: under `gradquiz grade`, the
        # folders of the other students' children of the same fork server
        for path in ("..", "../..", "../stdout", "../../..", "/dev/shm", "/tmp"):
            try:
                found = os.listdir(path) if os.path.isdir(path) else open(path).read()[:40]
                return won(NAME, f"{path}: {found}")
            except OSError:
                pass
    """,
    "sysv_message_queue": """
        import struct
        libc = ctypes.CDLL(None, use_errno=True)
        message = ctypes.create_string_buffer(struct.pack("l", 1) + b"forged", 14)
        if libc.msgsnd(MSQID, message, 6, 0o4000) == 0:  # IPC_NOWAIT
            return won(NAME)
    """,
}
NEEDS_SECCOMP = {"sigio_to_the_grader", "sysv_message_queue"}  # system calls Landlock does not cover

GARBLED = {  # each writes a reply of its own on the result pipe before the real one
    "garbled_types": r"""b'{"results": "all correct"}\n'""",
    "garbled_forged_items": r"""b'{"results": [{"ok": true, "shape": [], "data": ["1"]}]}\n'""",
    "garbled_nested": r"""b'{"results": ' + b'[' * 100_000 + b']' * 100_000 + b'}\n'""",
    "garbled_huge_int": r"""b'{"results": [{"ok": true, "shape": [], "data": [' + b'9' * 50_000 + b']}]}\n'""",
    "garbled_bytes": r"""b'\xff\xfe{"ready": true}\x00\n'""",
    "garbled_oversized": r"""b'{"results": ["' + b'x' * (70 << 20)""",
}


def attack_source(constants: dict, garbled: bool) -> str:
    code = "# gradquiz: tq\n" + PRELUDE
    code += "".join(f"{k} = {v!r}\n" for k, v in constants.items())
    for name, body in ({} if garbled else ATTACKS).items():
        code += f"\n\ndef {name}(x):\n    NAME = {name!r}\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ")
        code += "\n    return 2 * x\n"
    for name, data in (GARBLED if garbled else {}).items():
        code += f"\n\ndef {name}(x):\n    forge({data})\n    return 2 * x\n"
    code += "\n\ndef honest(x):\n    return 2 * x\n"
    return code


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


class Attack:
    """One run of a hostile submission by ``who`` (the attacks, or the garbled replies: a
    grader that a garbled reply crashes would hide the other attacks), and what it left."""

    def __init__(self, who: str, garbled: bool, via: str = "check"):
        self.who, self.via = who, via
        self.ws = as_user.user_workspace()
        self.tag = uuid.uuid4().hex[:12]
        self.problem = self.ws / "tq.yaml"
        names = [*(GARBLED if garbled else ATTACKS), "honest"]
        self.problem.write_text(
            exercise_text([task(n, "derivative", "x**2", (-1, 1), timeout=10) for n in names], forbid=["sympy"])
        )
        # under `grade`, a class of two: the attacker and bob, graded side by side
        self.other = self.ws / ("class/bob/tq.py" if via == "grade" else "bob.py")
        self.other.parent.mkdir(parents=True, exist_ok=True)
        self.other.write_text("def honest(x):\n    return 2 * x  # bob's work\n")
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.setblocking(False)
        self.abstract_name = f"gradquiz-attack-{self.tag}"
        self.abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.abstract.bind("\0" + self.abstract_name)
        self.abstract.listen()
        self.abstract.setblocking(False)
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.msqid = self.libc.msgget(0, 0o1666)  # IPC_PRIVATE, IPC_CREAT | 0666: anyone may send
        env = clean_env()
        self.victim = subprocess.Popen(as_user.command(["/bin/sleep", "300"], who, self.ws, env), env=env)
        self.submission = self.ws / ("class/eve/tq.py" if via == "grade" else "attack.py")
        self.submission.parent.mkdir(parents=True, exist_ok=True)
        self.submission.write_text(attack_source({
            "PROBLEM": str(self.problem), "OTHER": str(self.other), "PORT": self.server.getsockname()[1],
            "ABSTRACT": self.abstract_name, "VICTIM": self.victim.pid, "MSQID": self.msqid, "LEFT": f"gradquiz-left-{self.tag}",
        }, garbled))
        as_user.give(self.ws)
        self.problem.chmod(0o644)
        self.before = self.problem.read_bytes()
        time.sleep(0.2)  # the victim has exec'd sleep
        if via == "grade":  # each submission in a child of a worker's fork server
            argv = [*as_user.gradquiz(who), "grade", self.ws / "class", "--problems", self.problem,
                    "--output", self.ws / "out", "--quiet"]
        else:
            argv = [*as_user.gradquiz(who), "check", self.submission, "--problems", self.problem, "--format", "json"]
        # The report goes to a file of the user's (as a terminal would be), which the old
        # child could open through /proc/<grader>/fd/1; a pipe of root's it could not.
        out = self.ws / "stdout.json"
        out.touch()
        as_user.give(out)
        with open(out, "w") as handle:
            proc = subprocess.run(as_user.command(argv, who, self.ws, env), env=env, stdout=handle, stderr=subprocess.PIPE, text=True, timeout=300, cwd=self.ws)
        self.rc, self.stdout, self.stderr = proc.returncode, out.read_text(), proc.stderr
        report = self.ws / "out" / "reports" / "eve" / "tq.json"
        if via == "grade":
            self.stdout = report.read_text() if report.is_file() else ""
        self.report = json.loads(self.stdout) if self.stdout.strip().startswith("{") else None
        self.output = (self.report or {}).get("output", "")

    def connections(self) -> int:
        count = 0
        for listener in (self.server, self.abstract):
            try:
                listener.accept()[0].close()
                count += 1
            except BlockingIOError:
                pass
        return count

    def close(self):
        for line in self.output.splitlines():  # old code: kill what escaped
            if line.startswith("WON outlive_the_grader"):
                try:
                    os.killpg(int(line.split()[2]), signal.SIGKILL)
                except (OSError, ValueError, IndexError):
                    pass
        self.victim.kill()
        self.victim.wait()
        self.libc.msgctl(self.msqid, 0, None)  # IPC_RMID
        self.server.close()
        self.abstract.close()
        for folder in ("/tmp", "/dev/shm", "/var/tmp"):
            Path(folder, f"gradquiz-left-{self.tag}").unlink(missing_ok=True)
        shutil.rmtree(self.ws, ignore_errors=True)


_RUNS: dict[tuple, Attack] = {}


@pytest.fixture(scope="module")
def attacks():
    yield _RUNS
    for run in _RUNS.values():
        run.close()


def attacked(attacks, who, garbled=False, via="check") -> Attack:
    if (who, garbled, via) not in attacks:
        attacks[who, garbled, via] = Attack(who, garbled, via)
    run = attacks[who, garbled, via]
    assert run.report is not None, f"exit {run.rc}; stderr: {run.stderr[-2000:]}"
    return run


VIAS = ["check", "grade"]  # one submission alone; a class, each child forked by a worker's fork server


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("who", USERS)
def test_the_report_is_whole_and_the_honest_task_passes(attacks, who, via):
    if not landlock_abi():
        pytest.skip("this kernel has no Landlock: some attacks succeed (the isolation report says so)")
    run = attacked(attacks, who, via=via)
    assert run.rc == 0, run.stderr[-2000:]  # every attack failed, so every task passed
    assert by_id(run.report)["honest"]["passed"]
    assert run.report["score"] == run.report["max_score"] == len(ATTACKS) + 1
    if via == "grade":
        return  # the garbled replies are one parent's code either way: run through `check` only
    run = attacked(attacks, who, garbled=True)
    assert run.rc == 1, run.stderr[-2000:]  # the garbled tasks fail, the honest one passes
    assert "Traceback" not in run.stderr
    assert by_id(run.report)["honest"]["passed"]
    assert run.report["score"] == 1 and run.report["max_score"] == len(GARBLED) + 1


NEEDS_LANDLOCK = {"problem_file", "problem_from_cmdline", "bundled_problems", "grader_package",
                  "sympy_without_forbid", "other_students_file", "grader_environment", "grader_memory",
                  "grader_stdout", "edit_problem_file", "leave_files_behind", "neighbour_folders"}


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_fails(attacks, who, name, via):
    if name in NEEDS_LANDLOCK and not landlock_abi():
        pytest.skip("this kernel has no Landlock: the child's files are not confined (its isolation report says so)")
    if name in NEEDS_SECCOMP and os.uname().machine != "x86_64":
        pytest.skip("no seccomp filter on this architecture (its isolation report says so)")
    if name not in NEEDS_LANDLOCK and os.uname().machine != "x86_64" and landlock_abi() < 6:
        pytest.skip("no seccomp filter on this architecture and no Landlock scoping (its isolation report says so)")
    run = attacked(attacks, who, via=via)
    result = by_id(run.report)[name]
    assert f"WON {name}" not in run.output, run.output
    assert result["passed"], result["feedback"]


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("who", USERS)
def test_side_effects_of_the_attacks(attacks, who, via):
    """The problem file is unchanged, the neighbour lives, nothing connected or was left."""
    if not landlock_abi():
        pytest.skip("this kernel has no Landlock: the child's files are not confined")
    run = attacked(attacks, who, via=via)
    assert run.problem.read_bytes() == run.before
    assert oct(run.problem.stat().st_mode & 0o777) == oct(0o644)
    assert run.victim.poll() is None and alive(run.victim.pid)
    assert run.connections() == 0
    for folder in ("/tmp", "/dev/shm", "/var/tmp"):
        assert not Path(folder, f"gradquiz-left-{run.tag}").exists()


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("name", list(GARBLED))
def test_garbled_reply_fails_its_task_only(attacks, who, name):
    run = attacked(attacks, who, garbled=True)
    result = by_id(run.report)[name]
    assert not result["passed"] and result["score"] == 0.0
    assert result["feedback"].startswith("The submission's process sent a garbled reply"), result["feedback"]
