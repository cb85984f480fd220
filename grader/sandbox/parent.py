"""Run a student's submission in a child process and get plain values back.

The child (``child.py``) runs in its own session and process group, in a scratch folder,
confined by the kernel (``confine.py``: Landlock, seccomp, no capabilities, resource limits;
see docs/security.md). It only ever returns numbers, shapes and error descriptions as JSON,
which are validated against a strict schema (``replies.py``); every score is computed in the
parent. A timeout, crash, garbled reply or ``os._exit`` in one task kills the child's whole
group; the next task gets a fresh child. SIGTERM, SIGINT and SIGHUP to the grader kill every
open child and remove its files before the grader goes."""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, BinaryIO, Literal, Protocol

from grader.sandbox import cgroups, cleanup, replies

CHILD = Path(__file__).with_name("child.py")
OUTPUT_LIMIT = 4000  # characters of captured stdout/stderr kept for feedback
SANDBOX_UIDS = (200_000, 100_000)  # (first, count): fallback uids when root has no Landlock
_serial = 0
Failure = Literal["import", "missing", "timeout", "crash", "garbled"]  # why a task's calls gave no results
Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None  # what signal.signal returns


def _sandbox_uid() -> int:
    global _serial
    _serial += 1
    first, count = SANDBOX_UIDS
    return first + (os.getpid() * 97 + _serial) % count


def landlock_abi() -> int:
    """The kernel's Landlock ABI (0: none); probed once."""
    global _ABI
    if _ABI is None and not sys.platform.startswith("linux"):
        _ABI = 0
    if _ABI is None:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        _ABI = max(int(libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1))), 0)
    return _ABI


_ABI: int | None = None
_TEMP: list[str | None] = []  # [the folder that holds each child's folder, or None for the usual temp folder]
SHM = "/dev/shm"


def temp_root() -> str | None:
    """Where each child's folder (its scratch folder, stdout and stderr) is made: a tmpfs
    (``/dev/shm``) when the grader runs as root and can bound each child's memory with a
    cgroup, which counts tmpfs pages too; else the usual temp folder. On a tmpfs making and
    removing thousands of folders costs no disk I/O, and no inode churn on the disk's file
    system (where, on ext4 without a journal, each new inode is searched past every one
    deleted in the last minutes). A ``TMPDIR`` that is set wins."""
    if not _TEMP:
        _TEMP.append(SHM if os.environ.get("TMPDIR") is None and cgroups.possible() and _is_tmpfs(SHM) else None)
    return _TEMP[0]


def temp_folder(kind: str, where: str | None = None) -> str:
    """A new private (0700) folder ``gradquiz-KIND-PID-XXXX`` in ``where`` (default: ``temp_root``).
    Folders of this kind left there by a grader that was killed (SIGKILL runs no clean-up) are
    removed first, once per process and folder: on a tmpfs they would hold memory."""
    where = where if where is not None else (temp_root() or tempfile.gettempdir())
    if (kind, where) not in _SWEPT:
        _SWEPT.add((kind, where))
        cleanup.remove_stale(where, f"gradquiz-{kind}-")
    return tempfile.mkdtemp(prefix=f"gradquiz-{kind}-{os.getpid()}-", dir=where)


_SWEPT: set[tuple[str, str]] = set()


def _is_tmpfs(path: str) -> bool:
    try:
        if os.path.islink(path) or not os.path.isdir(path) or not os.access(path, os.W_OK | os.X_OK):
            return False
        with open("/proc/self/mounts") as handle:
            return any(line.split()[1:3] == [path, "tmpfs"] for line in handle if len(line.split()) > 2)
    except OSError:
        return False


@dataclass(frozen=True)
class Limits:
    import_timeout: float = 10.0  # seconds for the file's top level to run
    memory_mb: int = 2048  # address space of the child (and its memory cgroup, where there is one)
    cpu_seconds: int = 120  # CPU time of one child, all tasks together


@dataclass
class Run:
    """What one task's calls gave: per-point results, or why there are none."""

    results: list[dict[str, Any]] | None = None
    failure: Failure | None = None
    detail: dict[str, Any] = field(default_factory=dict)


# -- every open sandbox, for the signal handlers ----------------------------------------------
class _Open(Protocol):  # a sandbox or fork server: what the signal handlers need of it
    def _emergency(self) -> None: ...


_OPEN: dict[int, _Open] = {}
_PREVIOUS: dict[int, Handler] = {}
_CAUGHT = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _register(sandbox: _Open) -> None:
    _OPEN[id(sandbox)] = sandbox
    if not _PREVIOUS and threading.current_thread() is threading.main_thread():
        for sig in _CAUGHT:
            if signal.getsignal(sig) != signal.SIG_IGN:  # one the grader ignores (nohup's SIGHUP) stays ignored
                _PREVIOUS[sig] = signal.signal(sig, _on_signal)


def _unregister(sandbox: _Open) -> None:
    _OPEN.pop(id(sandbox), None)
    if not _OPEN and _PREVIOUS and threading.current_thread() is threading.main_thread():
        for sig, previous in _PREVIOUS.items():
            signal.signal(sig, previous)
        _PREVIOUS.clear()


def _on_signal(sig: int, frame: FrameType | None) -> None:
    """Kill every child and remove its files; then do what the grader did before (raise
    KeyboardInterrupt for SIGINT), or die of the signal (exit status 128 + sig)."""
    for sandbox in list(_OPEN.values()):
        sandbox._emergency()
    previous = _PREVIOUS.get(sig, signal.SIG_DFL)
    for other, handler in _PREVIOUS.items():
        signal.signal(other, handler)
    _PREVIOUS.clear()
    _OPEN.clear()
    if callable(previous):
        previous(sig, frame)
    elif previous != signal.SIG_IGN:
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)


class Sandbox:
    """One submission's child process; ``run`` one task at a time; always ``close``."""

    def __init__(self, source: str, filename: str, forbid: Iterable[object] = (), limits: Limits = Limits(),
                 allow: Iterable[object] = ()) -> None:
        self.source, self.filename, self.limits = source, filename, limits
        self.forbid = [m for m in forbid if isinstance(m, str)]
        self.allow = [m for m in allow if isinstance(m, str) and m not in self.forbid]
        self.module = _module_name(filename)
        self.pid: int | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self.import_failure: Run | None = None
        self._isolation: dict[str, Any] | None = None
        self._cgroup: cgroups.Cgroup | None = None
        spare = _SPARE[0].claim(limits) if _SPARE and type(self) is Sandbox else None
        if spare is None:
            self._tmp = Path(temp_folder("child", self._temp_dir()))
            _register(self)
            self._out = _private_file(self._tmp / "stdout")
            self._err = _private_file(self._tmp / "stderr")
            self._req = self._res = -1
        else:  # a child started before the submission was known (``spare.prestart``): this one's now
            for name in ("_tmp", "_out", "_err", "pid", "proc", "_cgroup", "_req", "_res"):
                setattr(self, name, getattr(spare, name))
            _register(self)
            _unregister(spare)
        self._ready = False
        self._returncode: int | None = None
        try:
            if spare is None:
                self.start()
            else:
                self._configure(spare.scratch, spare.uid)
        except BaseException:
            self.close()
            raise

    # -- life cycle -------------------------------------------------------------
    def start(self) -> None:
        scratch, uid = self._launch()
        assert self.pid is not None  # _launch started the child
        self._cgroup = cgroups.limit(self.pid, self.limits.memory_mb)
        self._configure(scratch, uid)

    def _launch(self) -> tuple[str, int | None]:
        """Start the child (it loads NumPy, then waits for its config): (scratch folder, uid or None)."""
        scratch = tempfile.mkdtemp(prefix="scratch-", dir=self._tmp)
        uid = None
        if os.geteuid() == 0 and not landlock_abi():  # old kernel: fall back to a uid of its own
            uid = _sandbox_uid()
            os.chmod(self._tmp, 0o711)
            os.chown(scratch, uid, uid)
        read_req, self._req = os.pipe()
        self._res, write_res = os.pipe()
        for fd in (self._req, self._res):
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
        try:
            self.pid = self._spawn(scratch, read_req, write_res)
        finally:
            os.close(read_req)
            os.close(write_res)
        return scratch, uid

    def _configure(self, scratch: str, uid: int | None) -> None:
        """Send the started child its config: the submission, what it may import, its limits."""
        self._buffer = bytearray()
        self._ready = self._confined = False
        self._unconfined: dict[str, Any] | None = None
        config = {
            "source": self.source,
            "filename": self.filename,
            "module": self.module,
            "forbid": self.forbid,
            "allow": self.allow,
            "scratch": scratch,
            "memory_mb": self.limits.memory_mb,
            "cpu_seconds": self.limits.cpu_seconds,
            "uid": uid,
            "memory_cgroup": self._cgroup.kind if self._cgroup else None,
        }
        self._write(config, self.limits.import_timeout)  # a child that never reads shows on its first reply

    def _temp_dir(self) -> str | None:
        """The folder this child's folder is made in (None: the usual temp folder)."""
        return temp_root()

    def _spawn(self, scratch: str, read_req: int, write_res: int) -> int:
        self.proc = subprocess.Popen(
            [sys.executable, "-I", str(CHILD), str(write_res), str(os.getpid())],
            stdin=read_req,
            stdout=self._out,
            stderr=self._err,
            pass_fds=(write_res,),
            start_new_session=True,
            env=_child_env(),
            cwd=scratch,
        )
        return self.proc.pid

    def close(self) -> None:
        """Kill the child, remove its folder; never raises (a failure is one line on stderr)."""
        try:
            if self.pid is not None or self._req >= 0:
                self._kill()
            for handle in (self._out, self._err):
                handle.close()
        except Exception as exc:  # noqa: BLE001 - clean-up must not cost a grade
            cleanup.report(f"could not stop a sandbox child ({exc})")
        cleanup.remove_or_report(self._tmp)
        _unregister(self)

    def _emergency(self) -> None:
        """From a signal handler: the child's group killed, its files gone."""
        if self.pid is not None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                pass
        cleanup.remove_or_report(self._tmp)
        if self._cgroup:
            self._cgroup.remove(0.5)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _kill(self) -> None:
        if self.pid is None:
            return
        for kill in (os.killpg, os.kill):  # the group; and the child, should it not lead one yet
            try:
                kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
        if self.proc:
            self._returncode = self.proc.wait()
        else:  # a fork server's child: gone once its end of the result pipe closes
            self._returncode = None
            _wait_for_eof(self._res, 2.0)
        for fd in (self._req, self._res):
            try:
                os.close(fd)
            except OSError:
                pass
        if self._cgroup:
            self._cgroup.remove()
            self._cgroup = None
        self.pid = self.proc = None

    # -- protocol ---------------------------------------------------------------
    @property
    def isolation(self) -> dict[str, Any]:
        """What the kernel enforced on this child (see ``grader.sandbox``); read from the
        child's first line, which it writes before the submission runs."""
        if not self._confined and self.pid is not None:
            self._read_isolation()
        return dict(self._isolation or {"error": "the sandbox child did not start"})

    def _read_isolation(self) -> Literal[True] | dict[str, Any] | None:
        """True once the child has said how it is confined; else the failed reply (None or
        an ``import_error`` when it could not confine itself)."""
        if self._confined:
            return True
        if self._unconfined is not None:
            return self._unconfined
        reply = self._read(self.limits.import_timeout, "isolation")
        if reply is None or "isolation" not in reply:
            if reply is not None:
                self._isolation = {"error": reply["import_error"]["message"]}
                self._unconfined = reply
            return reply
        self._isolation, self._confined = reply["isolation"], True
        return True

    def run(self, function: str, call: str, points: list[Any], timeout: float) -> Run:
        """Call ``function`` at every point; never raises for anything the student did."""
        failed = self._loaded()
        if failed:
            return failed
        if not self._write({"function": function, "call": call, "points": points}, timeout):
            return self._crashed(timeout)
        reply = self._read(timeout, "results", len(points))
        if reply is None:
            return self._crashed(timeout)
        if "missing" in reply:
            return Run(failure="missing")
        return Run(results=reply["results"])

    def run_each(self, function: str, call: str, points: list[Any], timeout: float, parts: int = 0) -> Run:
        """``run`` in one request whose calls the child answers one by one, all within
        ``timeout``: a timeout's ``detail`` says how many calls returned (``done``) and when
        the last of them did (``elapsed``, seconds after the request)."""
        failed = self._loaded()
        if failed:
            return failed
        start = time.monotonic()
        request: dict[str, Any] = {"function": function, "call": call, "points": points, "each": True}
        if parts:  # each call returns that many arrays (child.py: _to_parts)
            request["parts"] = parts
        if not self._write(request, timeout):
            return self._crashed(timeout)
        results: list[dict[str, Any]] = []
        last = start
        for done in range(len(points)):
            reply = self._read(max(start + timeout - time.monotonic(), 1e-3), "results", 1)
            if reply is None:
                run = self._crashed(timeout)
                if run.failure == "timeout":
                    run.detail = {**run.detail, "done": done, "elapsed": last - start}
                return run
            if "missing" in reply:
                return Run(failure="missing")
            results += reply["results"]
            last = time.monotonic()
        return Run(results=results)

    def _loaded(self) -> Run | None:
        """None once the child is confined and the submission's file has run; else the failure."""
        if self.import_failure:
            return self.import_failure
        if self.pid is None:
            self.start()
        if not self._ready:
            first = self._read_isolation()
            reply = self._read(self.limits.import_timeout, "ready") if first is True else first
            if reply is None or "ready" not in reply:
                return self._failed_import(reply)
            self._ready = True
        return None

    def _failed_import(self, reply: dict[str, Any] | None) -> Run:
        if reply is None:
            timed_out, garbled = self._timed_out, self._garbled
            self._kill()
            if garbled:
                run = Run(failure="garbled")
            elif timed_out:
                run = Run(failure="import", detail={"timeout": self.limits.import_timeout})
            else:
                run = Run(failure="import", detail={"crash": True})
        else:
            run = Run(failure="import", detail=reply["import_error"])
            self._kill()
        self.import_failure = run
        return run

    def _crashed(self, timeout: float) -> Run:
        timed_out, garbled = self._timed_out, self._garbled
        self._kill()
        if garbled:
            return Run(failure="garbled")
        if timed_out:
            return Run(failure="timeout", detail={"timeout": timeout})
        return Run(failure="crash", detail={"returncode": self._returncode})

    def _write(self, message: dict[str, Any], timeout: float) -> bool:
        """Write without blocking, under ``timeout``: a child that never reads cannot hang us."""
        data = (json.dumps(message) + "\n").encode()
        deadline = time.monotonic() + timeout
        self._timed_out = self._garbled = False
        self._returncode = None
        while data:
            left = deadline - time.monotonic()
            if left <= 0:
                self._timed_out = True
                return False
            try:
                _, ready, _ = select.select([], [self._req], [], left)
                if ready:
                    data = data[os.write(self._req, data):]
            except BlockingIOError:
                continue
            except (OSError, ValueError):
                return False
        return True

    def _read(self, timeout: float, expect: replies.Expect, points: int = 0) -> dict[str, Any] | None:
        """One reply of the expected schema, or None on timeout, exit or garbage (then
        ``_timed_out`` or ``_garbled`` says which)."""
        deadline = time.monotonic() + timeout
        self._timed_out = self._garbled = False
        self._returncode = None
        end = self._buffer.find(b"\n")
        while end < 0:
            left = deadline - time.monotonic()
            if left <= 0:
                self._timed_out = True
                return None
            try:
                ready, _, _ = select.select([self._res], [], [], left)
                if not ready:
                    continue
                chunk = os.read(self._res, 1 << 20)
            except BlockingIOError:
                continue
            except (OSError, ValueError):
                return None
            if not chunk:
                return None
            newline = chunk.find(b"\n")
            if newline >= 0:
                end = len(self._buffer) + newline
            self._buffer += chunk
            if end > replies.MAX_REPLY or (end < 0 and len(self._buffer) > replies.MAX_REPLY):
                self._garbled = True
                return None
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        reply = replies.parse(line, expect, points)
        if reply is None:
            self._garbled = True
        return reply

    def output(self) -> tuple[str, str]:
        """What the submission printed (stdout, stderr), truncated."""
        return _tail(self._out), _tail(self._err)


_SPARE: list[Any] = []  # the spare.Spare (it imports this module) prestart started for the next Sandbox, if any


def _wait_for_eof(fd: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            if select.select([fd], [], [], left)[0] and not os.read(fd, 1 << 20):
                return
        except BlockingIOError:
            continue
        except (OSError, ValueError):
            return


def _private_file(path: Path) -> BinaryIO:
    return os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600), "w+b")


def _tail(handle: BinaryIO) -> str:
    from grader.sandbox.output import tail

    return tail(handle, OUTPUT_LIMIT)


def _child_env() -> dict[str, str]:
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
