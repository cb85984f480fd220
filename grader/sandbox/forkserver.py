"""A warm start for batch grading: a fork server ("zygote") with numpy preloaded.

``ForkServer`` starts ``child.py --zygote`` once; it imports numpy (and the packages in
``allow``) and then forks one child per submission. Each child is confined after the fork,
in the child, exactly as a ``Sandbox`` child is (``confine.confine``), so it costs a fork and
a few system calls instead of a new interpreter::

    with ForkServer(allow=("scipy",)) as zygote:
        for source, filename in submissions:
            with zygote.sandbox(source, filename, forbid=("sympy",), allow=("scipy",)) as sb:
                sb.run(...)

Modules the zygote preloaded are in every child's memory, so ``sandbox`` refuses (ValueError)
an exercise that does not allow all of them or forbids one: start one server per ``allow``.
The zygote never runs student code; it dies with the grader (``PR_SET_PDEATHSIG``), and its
children die with it.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time

from grader.sandbox import cleanup
from grader.sandbox.parent import CHILD, Limits, Sandbox, _child_env, _register, _unregister, temp_folder
from grader.sandbox.preload import PRELOAD

START_TIMEOUT = 60.0  # seconds for the zygote to import numpy and the allowed packages


class ForkServerError(RuntimeError):
    pass


class ForkServer:
    def __init__(self, allow=(), limits: Limits = Limits()):
        self.allow = tuple(m for m in allow if isinstance(m, str))
        self.limits = limits
        self.pid = self.proc = None
        self.layered = False
        self.loaded: frozenset = frozenset()  # top-level names of the modules in the zygote's memory
        # every child's folder is made in here: the zygote's own Landlock layer allows it, each
        # child's layer only its own scratch folder inside (see confine.restrict_fork_server)
        self.root = temp_folder("forks")
        _register(self)
        self._start()

    def _start(self) -> None:
        """Start the zygote and wait for it to have preloaded everything."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock = ours
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", str(CHILD), "--zygote", str(os.getpid()), *PRELOAD],
                stdin=theirs,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                env=_child_env(),
                cwd="/",
            )
        finally:
            theirs.close()
        self.pid = self.proc.pid
        self._buffer = b""
        try:
            self._sock.sendall((json.dumps({"allow": list(self.allow), "preload": list(self.allow),
                                            "scratch_root": self.root}) + "\n").encode())
        except OSError:
            pass
        reply = self._reply(START_TIMEOUT)
        if reply.get("ready") is not True:
            self.close()
            raise ForkServerError("the fork server did not start")
        self.layered = reply.get("layered") is True
        loaded = reply.get("loaded")
        self.loaded = frozenset(n for n in loaded if isinstance(n, str)) if isinstance(loaded, list) else frozenset()

    def _stop(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()
            self.proc = None
        self._sock.close()

    def _reply(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._sock], [], [], left)[0]:
                return {}
            chunk = self._sock.recv(1 << 16)
            if not chunk:
                return {}
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            reply = json.loads(line)
        except ValueError:
            return {}
        return reply if isinstance(reply, dict) else {}

    def fork(self, fds) -> int:
        """A new child of the zygote holding ``fds`` (requests, stdout, stderr, results); a
        zygote that has died is started again."""
        if self.proc is None or self.proc.poll() is not None:
            self._stop()
            self._start()
        try:
            socket.send_fds(self._sock, [b"{}"], list(fds))
        except OSError as exc:
            raise ForkServerError(f"the fork server is gone: {exc}") from None
        pid = self._reply(START_TIMEOUT).get("pid")
        if type(pid) is not int or pid <= 1:
            raise ForkServerError("the fork server could not fork")
        return pid

    def sandbox(self, source: str, filename: str, forbid=(), allow=()) -> ForkedSandbox:
        forbid, allow = set(forbid), set(allow)
        if not set(self.allow) <= allow - forbid:
            raise ValueError(
                f"this fork server preloads {sorted(self.allow)}; the exercise allows {sorted(allow - forbid)}"
            )
        if forbid & self.loaded:  # in the zygote's memory, so in every child's
            raise ValueError(f"this fork server preloaded {sorted(forbid & self.loaded)}, which the exercise forbids")
        if self.layered and allow - forbid - set(self.allow):
            raise ValueError(f"this fork server's children may read {sorted(self.allow) or 'no package'} beyond "
                             f"numpy; the exercise allows {sorted(allow - forbid)}")
        return ForkedSandbox(self, source, filename, forbid=sorted(forbid), limits=self.limits, allow=sorted(allow))

    def close(self) -> None:
        """Stop the zygote, remove its folder; never raises (a failure is one line on stderr)."""
        try:
            self._stop()
        except Exception as exc:  # noqa: BLE001 - clean-up must not cost a grade
            cleanup.report(f"could not stop the fork server ({exc})")
        cleanup.remove_or_report(self.root, "the fork server's folder")
        _unregister(self)

    def _emergency(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
        cleanup.remove_or_report(self.root, "the fork server's folder")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ForkedSandbox(Sandbox):
    """A ``Sandbox`` whose child is forked by a ``ForkServer`` (same confinement)."""

    def __init__(self, server: ForkServer, *args, **kwargs):
        self._server = server
        super().__init__(*args, **kwargs)

    def _temp_dir(self) -> str:
        return self._server.root

    def _spawn(self, scratch: str, read_req: int, write_res: int) -> int:
        self.proc = None
        return self._server.fork([read_req, self._out.fileno(), self._err.fileno(), write_res])
