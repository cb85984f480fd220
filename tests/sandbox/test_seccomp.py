"""grader.sandbox.seccomp on its own: the filter installed in a fresh interpreter (so this process
stays unfiltered) refuses new processes, sockets, chmod, signals to others and F_SETOWN, and lets
the process write its files and signal itself."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from grader.sandbox.seccomp import AGAIN, DENIED, SELF_ONLY, seccomp_program

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

PROBE = textwrap.dedent("""
    import ctypes, errno, fcntl, json, os, socket, sys
    from grader.sandbox.seccomp import install

    ctypes.CDLL(None, use_errno=True).prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS, as the sandbox sets it
    path = sys.argv[1]
    install(os.getpid())
    out = {}

    def attempt(name, call):
        try:
            call()
            out[name] = "allowed"
        except OSError as exc:
            out[name] = errno.errorcode.get(exc.errno, str(exc.errno))

    attempt("fork", os.fork)
    attempt("socket", lambda: socket.socket())
    attempt("chmod", lambda: os.chmod(path, 0o777))
    attempt("kill_init", lambda: os.kill(1, 0))
    attempt("kill_self", lambda: os.kill(os.getpid(), 0))
    attempt("write", lambda: open(path, "a").write("more\\n"))
    fd = os.open(path, os.O_RDONLY)
    attempt("setown", lambda: fcntl.fcntl(fd, fcntl.F_SETOWN, os.getppid()))
    attempt("exec", lambda: os.execv("/bin/true", ["/bin/true"]))
    print(json.dumps(out))
""")


def test_the_program_is_whole_bpf_for_this_pid():
    program = seccomp_program(4242)
    assert len(program) % 8 == 0 and len(program) // 8 < 4096  # BPF_MAXINSNS
    assert program != seccomp_program(4243)  # the pid is in it
    assert {"execve", "ptrace", "socket", "chmod", "bpf", "io_uring_setup"} <= set(DENIED)
    assert set(DENIED) >= AGAIN and "kill" in SELF_ONLY


@pytest.mark.skipif(sys.platform != "linux", reason="seccomp is Linux's")
def test_the_filter_refuses_what_it_lists_and_allows_the_rest(tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("start\n")
    proc = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout.splitlines()[-1])
    assert results == {"fork": "EAGAIN", "socket": "EPERM", "chmod": "EPERM", "kill_init": "EPERM",
                       "kill_self": "allowed", "write": "allowed", "setown": "EPERM", "exec": "EPERM"}
    assert path.read_text() == "start\nmore\n" and (path.stat().st_mode & 0o777) != 0o777
