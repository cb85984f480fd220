"""A sandbox child started before its submission is known: ``prestart`` and ``discard_spare``.

``gradquiz check`` calls ``prestart`` first of all, before it imports the grading code or reads
the exercise: the child's interpreter starts and loads numpy (``child.py`` does so before it reads
its config) while the grader does the rest, instead of after it. The next ``Sandbox`` of the same
limits, in the same process and thread (the child dies with the thread that started it), takes the
spare child (``Spare.claim``): it sends the config (the submission, what it may import) and the
child confines itself then, exactly as a child the sandbox started would. Until then the child
holds no submission and runs nothing but ``child.py``. A spare no sandbox took is killed and its
files are removed by ``discard_spare`` (or by the signal handlers, as any open sandbox's).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from grader.sandbox import cgroups
from grader.sandbox.parent import _SPARE, Limits, Sandbox, _private_file, _register, temp_folder


class Spare(Sandbox):
    """A started child waiting for its config (``Sandbox._configure``, from the sandbox that claims it).

    Its memory cgroup is made in a thread of its own (moving a process into a cgroup waits ~10 ms
    for the kernel, time the grader spends importing meanwhile); ``settle`` waits for it."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.pid = self.proc = None
        self._cgroup = None
        self._req = self._res = -1
        self._limiting: threading.Thread | None = None
        self.owner = (os.getpid(), threading.get_ident())
        self._tmp = Path(temp_folder("child", self._temp_dir()))
        _register(self)
        self._out = _private_file(self._tmp / "stdout")
        self._err = _private_file(self._tmp / "stderr")
        try:
            self.scratch, self.uid = self._launch()
            self._limiting = threading.Thread(target=self._limit, name="gradquiz-cgroup", daemon=True)
            self._limiting.start()
        except BaseException:
            self.close()
            raise

    def _limit(self) -> None:
        try:
            if self.pid is not None:
                self._cgroup = cgroups.limit(self.pid, self.limits.memory_mb)
        except Exception:  # noqa: BLE001, S110 - no cgroup: the child's isolation report says so
            pass

    def settle(self) -> None:
        """Wait until the child's memory cgroup is made (or could not be)."""
        if self._limiting is not None:
            self._limiting.join()
            self._limiting = None

    def claim(self, limits: Limits) -> Spare | None:
        """This child, for a sandbox of ``limits`` starting in the process and thread that started it
        (a fork's copy is not its parent; the child dies with the thread that started it), if it
        is alive; else None (and it is discarded, but for another process's or thread's)."""
        if self.owner != (os.getpid(), threading.get_ident()):
            return None
        _SPARE.remove(self)
        self.settle()
        if self.limits == limits and self.proc is not None and self.proc.poll() is None:
            return self
        self.close()
        return None

    def close(self) -> None:
        self.settle()
        super().close()


def prestart(limits: Limits = Limits()) -> None:
    """Start the child of the next ``Sandbox`` of ``limits`` now. Failing to start one is no
    error: the sandbox will start its own (and say why it cannot)."""
    if _SPARE:
        return
    try:
        _SPARE.append(Spare(limits))
    except Exception:  # noqa: BLE001, S110 - see above
        pass


def discard_spare() -> None:
    """Kill the spare child, if no sandbox took it, and remove its files."""
    while _SPARE:
        spare = _SPARE.pop()
        if spare.owner[0] == os.getpid():  # a fork's copy of the list holds its parent's child: not ours
            spare.close()
