"""A memory cgroup per sandbox child, where the platform lets the grader make one.

RLIMIT_AS bounds the child's address space, but not memory it keeps outside it (pages of a
tmpfs file in its scratch folder, for one). A memory cgroup bounds all of it. The grader can
create one when it runs as root with cgroup v2 (a folder under the unified hierarchy whose
parent delegates the memory controller) or cgroup v1 (``/sys/fs/cgroup/memory``). Elsewhere
(an ordinary user without a delegated cgroup) ``limit`` returns None and the child's
``isolation`` lists the cgroup as missing.
"""

from __future__ import annotations

import itertools
import os
import time
from typing import Literal

V2_ROOTS = ("/sys/fs/cgroup", "/sys/fs/cgroup/unified")
V1_MEMORY = "/sys/fs/cgroup/memory"
_serial = itertools.count()
CgroupKind = Literal["cgroup-v2", "cgroup-v1"]  # the JSON isolation's memory key


class Cgroup:
    def __init__(self, path: str, kind: CgroupKind) -> None:
        self.path, self.kind = path, kind

    def remove(self, seconds: float = 2.0) -> None:
        deadline = time.monotonic() + seconds
        while True:  # a killed child may take a moment to leave it
            try:
                os.rmdir(self.path)
                return
            except FileNotFoundError:
                return
            except OSError:
                if time.monotonic() > deadline:
                    return
                time.sleep(0.01)


def _remove_stale(parent: str) -> None:
    """Empty cgroups left by graders that were killed (SIGKILL runs no clean-up)."""
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        parts = name.split("-")
        if len(parts) == 3 and parts[0] == "gradquiz" and parts[1].isdigit():
            if not os.path.exists(f"/proc/{parts[1]}"):
                try:
                    os.rmdir(os.path.join(parent, name))
                except OSError:
                    pass


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


_swept: set[str] = set()


def _make(parent: str, files: dict[str, str], pid: int, kind: CgroupKind) -> Cgroup | None:
    if parent not in _swept:
        _swept.add(parent)
        _remove_stale(parent)
    path = os.path.join(parent, f"gradquiz-{os.getpid()}-{next(_serial)}")
    try:
        os.mkdir(path, 0o700)
    except OSError:
        return None
    try:
        for name, value in files.items():
            try:
                _write(os.path.join(path, name), value)
            except OSError:
                if not name.endswith(".swap.max"):  # optional: no swap accounting
                    raise
        _write(os.path.join(path, "cgroup.procs"), str(pid))
    except OSError:
        Cgroup(path, kind).remove()
        return None
    return Cgroup(path, kind)


def possible() -> bool:
    """Whether ``limit`` can make memory cgroups here (root, with the memory controller)."""
    if os.geteuid() != 0:
        return False
    for root in V2_ROOTS:
        try:
            with open(os.path.join(root, "cgroup.subtree_control")) as handle:
                if "memory" in handle.read().split():
                    return True
        except OSError:
            continue
    return os.path.isdir(V1_MEMORY)


def limit(pid: int, memory_mb: int) -> Cgroup | None:
    """Move ``pid`` into a new memory cgroup of ``memory_mb``; the Cgroup, or None."""
    if os.geteuid() != 0 or not memory_mb:
        return None
    limit_bytes = str(memory_mb << 20)
    for root in V2_ROOTS:
        try:
            with open(os.path.join(root, "cgroup.subtree_control")) as handle:
                if "memory" not in handle.read().split():
                    continue
        except OSError:
            continue
        made = _make(root, {"memory.max": limit_bytes, "memory.swap.max": "0"}, pid, "cgroup-v2")
        if made:
            return made
    if os.path.isdir(V1_MEMORY):
        return _make(V1_MEMORY, {"memory.limit_in_bytes": limit_bytes}, pid, "cgroup-v1")
    return None
