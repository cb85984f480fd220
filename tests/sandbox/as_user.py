"""Run the grader as an ordinary user from a suite that runs as root (as CI does).

The user is ``gradquiz-test`` (created once with ``useradd``). It needs a usable Python, but
this one may live under a 0700 folder (``/root/.pyenv``, a ``mktemp -d`` venv). So each
command runs in a private mount namespace (invisible to the rest of the machine): every
folder on the way to the interpreter, the venv, the repository and the given workspaces
that the user could not enter is covered with an empty world-enterable tmpfs, into which
the one entry needed is bind-mounted back; then the process drops to the user
(``setgroups([])``, ``setgid``, ``setuid``) and execs the command.

``USERS`` is the parametrisation of the attack tests: ``root`` (skipped unless the suite
runs as root) and ``user`` (through this module as root; directly as the suite's own
ordinary user otherwise).
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

NAME = "gradquiz-test"
ROOT = Path(__file__).resolve().parents[2]
IS_ROOT = os.geteuid() == 0
USERS = [
    pytest.param("root", marks=pytest.mark.skipif(not IS_ROOT, reason="the suite does not run as root: only the ordinary-user case runs")),
    "user",
]

_HELPER = r"""
import ctypes, json, os, sys
plan = json.loads(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
def check(ok, what):
    if ok != 0:
        raise OSError(ctypes.get_errno(), what)
if plan["cover"]:
    check(libc.unshare(0x00020000), "unshare")
    check(libc.mount(None, b"/", None, 16384 | 262144, None), "private /")  # MS_REC | MS_PRIVATE
for hidden, children in plan["cover"]:
    fds = [os.open(os.path.join(hidden, c), os.O_PATH) for c in children]
    check(libc.mount(b"tmpfs", hidden.encode(), b"tmpfs", 0, b"mode=755"), "tmpfs " + hidden)
    for child, fd in zip(children, fds):
        target = os.path.join(hidden, child)
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            os.mkdir(target)
        else:
            open(target, "w").close()
        check(libc.mount(f"/proc/self/fd/{fd}".encode(), target.encode(), None, 4096 | 16384, None), "bind " + target)
        os.close(fd)
os.chdir(plan["cwd"])
os.setgroups([])
os.setgid(plan["gid"])
os.setuid(plan["uid"])
os.execve(plan["argv"][0], plan["argv"], plan["env"])
""".replace("import ctypes, json, os, sys", "import ctypes, json, os, stat, sys")


def ensure_user() -> tuple[int, int]:
    """(uid, gid) of the test user, created if needed (root only)."""
    try:
        entry = pwd.getpwnam(NAME)
    except KeyError:
        if shutil.which("useradd") is None:
            pytest.skip("useradd is missing: no ordinary user to run the grader as")
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", NAME],
            check=False, capture_output=True,
        )
        entry = pwd.getpwnam(NAME)
    return entry.pw_uid, entry.pw_gid


def _cover_plan(paths) -> list[tuple[str, list[str]]]:
    """[(folder the user cannot enter, [entries to bind back])], outermost first."""
    cover: dict[str, list[str]] = {}
    for path in paths:
        parts = Path(os.path.abspath(path)).parts
        for depth in range(1, len(parts) - 1 + 1):
            folder = os.path.join(*parts[:depth])
            mode = os.stat(folder).st_mode
            if depth < len(parts) and not mode & stat.S_IXOTH:
                children = cover.setdefault(folder, [])
                if parts[depth] not in children:
                    children.append(parts[depth])
    return sorted(cover.items(), key=lambda item: len(Path(item[0]).parts))


def user_workspace(prefix="gradquiz-user-") -> Path:
    """A fresh folder owned by the test user (or by the suite's own user)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    if IS_ROOT:
        uid, gid = ensure_user()
        os.chown(folder, uid, gid)
    return folder


def give(path: Path) -> None:
    """Hand a file or folder tree over to the test user (no-op when not root)."""
    if not IS_ROOT:
        return
    uid, gid = ensure_user()
    for item in [path, *(path.rglob("*") if path.is_dir() else [])]:
        os.lchown(item, uid, gid)


_usable: list = []


def _check_usable(uid: int, gid: int) -> None:
    """Skip (visibly) where this machine cannot run the interpreter as the test user, e.g. a
    container without the right to make a mount namespace."""
    if not _usable:
        folder = user_workspace("gradquiz-probe-")
        probe = [sys.executable, "-I", "-c", _HELPER, json.dumps(_plan([sys.executable, "-c", "import numpy, grader"], folder, {}, uid, gid))]
        _usable.append(subprocess.run(probe, capture_output=True, text=True, timeout=60))
        shutil.rmtree(folder, ignore_errors=True)
    if _usable[0].returncode != 0:
        pytest.skip(f"cannot run Python as the user {NAME} here: {_usable[0].stderr.strip().splitlines()[-1:]}")


def _plan(argv, cwd, env, uid, gid, folders=()) -> dict:
    needed = [sys.base_prefix, sys.prefix, str(ROOT), str(cwd), *map(str, folders)]
    return {
        "cover": _cover_plan(needed),
        "uid": uid,
        "gid": gid,
        "cwd": str(cwd),
        "argv": [shutil.which(str(argv[0])) or str(argv[0]), *map(str, argv[1:])],
        "env": {**env, "HOME": str(cwd)},
    }


def command(argv, who: str, cwd, env: dict, folders=()) -> list[str]:
    """``argv`` as a command line that runs as ``who`` ("root" or "user")."""
    if who == "root" or not IS_ROOT:
        return list(map(str, argv))
    uid, gid = ensure_user()
    _check_usable(uid, gid)
    return [sys.executable, "-I", "-c", _HELPER, json.dumps(_plan(argv, cwd, env, uid, gid, folders))]


def gradquiz(who: str) -> list[str]:
    """The command as an argv prefix (this interpreter's ``-m grader``), for ``who`` too."""
    return [sys.executable, "-m", "grader"]
