"""Run a student's submission in a child process and get plain values back.

The child (``grader/_child.py``) runs in its own session and process group, in a
scratch folder, with memory, CPU and file-size limits, and as an unprivileged user of its own when the
grader runs as root. It only ever returns numbers, shapes and error descriptions
as JSON; every score is computed in the parent. A timeout, crash or ``os._exit``
in one task kills the child's whole group; the next task gets a fresh child.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CHILD = Path(__file__).with_name("child.py")
MAX_REPLY = 64 << 20  # bytes of one JSON reply line
OUTPUT_LIMIT = 4000  # characters of captured stdout/stderr kept for feedback
SANDBOX_UIDS = (200_000, 100_000)  # (first, count): a uid of its own for every child when root
_serial = 0


def _sandbox_uid() -> int:
    """A fresh unprivileged uid (no passwd entry needed), so that concurrent children,
    each running as a different user, cannot signal or read one another."""
    global _serial
    _serial += 1
    first, count = SANDBOX_UIDS
    return first + (os.getpid() * 97 + _serial) % count


@dataclass(frozen=True)
class Limits:
    import_timeout: float = 10.0  # seconds for the file's top level to run
    memory_mb: int = 2048  # address space of the child
    cpu_seconds: int = 120  # CPU time of one child, all tasks together


@dataclass
class Run:
    """What one task's calls gave: per-point results, or why there are none."""

    results: list[dict] | None = None
    failure: str | None = None  # "import" | "missing" | "timeout" | "crash"
    detail: dict = field(default_factory=dict)


class Sandbox:
    """One submission's child process; ``run`` one task at a time; always ``close``."""

    def __init__(self, source: str, filename: str, forbid=(), limits: Limits = Limits()):
        self.source, self.filename, self.forbid, self.limits = source, filename, list(forbid), limits
        self.module = _module_name(filename)
        self.proc: subprocess.Popen | None = None
        self.import_failure: Run | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="gradquiz-"))
        self._out = open(self._tmp / "stdout", "w+b")
        self._err = open(self._tmp / "stderr", "w+b")
        self._ready = False
        self.start()

    # -- life cycle -------------------------------------------------------------
    def start(self) -> None:
        scratch = tempfile.mkdtemp(prefix="scratch-", dir=self._tmp)
        privileged = os.geteuid() == 0
        os.chmod(self._tmp, 0o711 if privileged else 0o700)
        uid = _sandbox_uid() if privileged else None
        if privileged:
            os.chown(scratch, uid, uid)
        read_req, self._req = os.pipe()
        self._res, write_res = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-I", str(CHILD), str(write_res)],
            stdin=read_req,
            stdout=self._out,
            stderr=self._err,
            pass_fds=(write_res,),
            start_new_session=True,
            env=_child_env(),
            cwd=scratch,
        )
        os.close(read_req)
        os.close(write_res)
        self._buffer = b""
        self._ready = False
        config = {
            "source": self.source,
            "filename": self.filename,
            "module": self.module,
            "forbid": self.forbid,
            "scratch": scratch,
            "memory_mb": self.limits.memory_mb,
            "cpu_seconds": self.limits.cpu_seconds,
            "uid": uid,
            "gid": uid,
        }
        self._write(config)

    def close(self) -> None:
        self._kill()
        for handle in (self._out, self._err):
            handle.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _kill(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        for fd in (self._req, self._res):
            try:
                os.close(fd)
            except OSError:
                pass
        self.proc = None

    # -- protocol ---------------------------------------------------------------
    def run(self, function: str, call: str, points: list, timeout: float) -> Run:
        """Call ``function`` at every point; never raises for anything the student did."""
        if self.import_failure:
            return self.import_failure
        if self.proc is None:
            self.start()
        if not self._ready:
            reply = self._read(self.limits.import_timeout)
            if reply is None or "import_error" in reply or "ready" not in reply:
                return self._failed_import(reply)
            self._ready = True
        if not self._write({"function": function, "call": call, "points": points}):
            return self._crashed(timeout)
        reply = self._read(timeout)
        if reply is None:
            return self._crashed(timeout)
        if reply.get("missing"):
            return Run(failure="missing")
        results = reply.get("results")
        if not isinstance(results, list) or len(results) != len(points):
            self._kill()
            return Run(failure="crash", detail={"reason": "garbled"})
        return Run(results=results)

    def _failed_import(self, reply) -> Run:
        if reply is None:
            timed_out = self._timed_out
            self._kill()
            if timed_out:
                run = Run(failure="import", detail={"timeout": self.limits.import_timeout})
            else:
                run = Run(failure="import", detail={"crash": True})
        else:
            run = Run(failure="import", detail=reply.get("import_error") or {})
            self._kill()
        self.import_failure = run
        return run

    def _crashed(self, timeout: float) -> Run:
        timed_out = self._timed_out
        self._kill()
        if timed_out:
            return Run(failure="timeout", detail={"timeout": timeout})
        return Run(failure="crash", detail={"returncode": self._returncode})

    def _write(self, message) -> bool:
        data = (json.dumps(message) + "\n").encode()
        try:
            while data:
                data = data[os.write(self._req, data):]
        except (BrokenPipeError, OSError):
            return False
        return True

    def _read(self, timeout: float):
        """One JSON line from the child, or None on timeout, exit or garbage."""
        deadline = time.monotonic() + timeout
        self._timed_out = False
        self._returncode = None
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                self._timed_out = True
                return None
            ready, _, _ = select.select([self._res], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._res, 1 << 16)
            if not chunk:
                self._returncode = self.proc.wait() if self.proc else None
                return None
            self._buffer += chunk
            if len(self._buffer) > MAX_REPLY:
                return None
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            reply = json.loads(line)
        except ValueError:
            return None
        if b"\\ud" in line.lower() or b"\xed" in line:  # a lone surrogate, escaped or raw
            reply = _no_surrogates(reply)
        return reply if isinstance(reply, dict) else None

    def output(self) -> tuple[str, str]:
        """What the submission printed (stdout, stderr), truncated."""
        return _tail(self._out), _tail(self._err)


def _no_surrogates(value):
    """The reply with lone surrogates in its strings (from a student's error message) written
    as \\udXXX: as they are, no report with them can be printed or encoded as UTF-8."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    return value


def _tail(handle) -> str:
    from grader.sandbox.output import tail

    return tail(handle, OUTPUT_LIMIT)


def _child_env() -> dict:
    keep = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS_", "LC_", "LANG"))}
    keep.update(
        PATH="/usr/bin:/bin",
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return keep


def _module_name(filename: str) -> str:
    stem = Path(filename).stem
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in stem) or "submission"
    return name if not name[0].isdigit() else "_" + name
