"""Removing what a child leaves behind, in a way that cannot fail.

A child's scratch folder is the student's: any depth (1,500 nested folders make
``shutil.rmtree`` raise ``RecursionError``), any mode (``os.mkdir("keep", 0o300)`` is a folder
its owner can neither list nor empty until it is made u+rwx again), any number of entries.
``remove_tree`` walks the tree without recursion and with one descriptor open at a time (a
stack of names, never of descriptors or paths: a path 1,500 levels deep is longer than
PATH_MAX), makes every folder u+rwx before it reads it (the grader owns every file its child
made, or is root), and never follows a symbolic link. Whatever still cannot be removed is
reported as one line on stderr (``report``), never raised: clean-up must not cost a grade.
"""

from __future__ import annotations

import errno
import os
import stat
import sys

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def report(message: str) -> None:
    """One line on stderr (no traceback); never raises."""
    try:
        text = " ".join(str(message).split()) or "clean-up failed"
        print(f"gradquiz: {text.encode('ascii', 'backslashreplace').decode()}", file=sys.stderr, flush=True)
    except Exception:  # noqa: BLE001, S110 - a closed stderr must not fail the clean-up
        pass


def remove_tree(path: str | os.PathLike[str]) -> str:
    """Remove ``path`` (a folder and all under it, or a file); '' when gone, else why not."""
    path = os.fspath(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return ""
    except OSError as exc:
        return f"{path}: {exc.strerror}"
    if not stat.S_ISDIR(info.st_mode):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            return f"{path}: {exc.strerror}"
        return ""
    try:
        _owner_rwx(path, None, info.st_mode)
        fd = os.open(path, _DIR_FLAGS)
    except OSError as exc:
        return f"{path}: {exc.strerror}"
    first = [""]  # the first error met; the walk goes on past it
    try:
        _empty(fd, first)
    finally:
        os.close(fd)
    try:
        os.rmdir(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        first[0] = first[0] or f"{path}: {exc.strerror}"
    return first[0]


def _owner_rwx(name: str, dir_fd: int | None, mode: int | None = None) -> None:
    """Make a folder u+rwx (its owner may, whatever its mode); root needs nothing."""
    if mode is None:
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    if stat.S_ISDIR(mode) and mode & 0o700 != 0o700 and os.geteuid() != 0:
        os.chmod(name, stat.S_IMODE(mode) | 0o700, dir_fd=dir_fd)


def _names(fd: int) -> list[str]:
    with os.scandir(fd) as entries:
        return [entry.name for entry in entries]


def _empty(top: int, first: list[str]) -> None:
    """Remove everything inside the folder open as ``top`` (which stays open)."""
    fd = os.dup(top)
    stack: list[tuple[str, list[str]]] = [("", _names(fd))]  # (name in its parent, names left)
    try:
        while stack:
            here, left = stack[-1]
            if not left:
                stack.pop()
                if not stack:
                    break
                parent = os.open("..", _DIR_FLAGS, dir_fd=fd)
                os.close(fd)
                fd = parent
                try:
                    os.rmdir(here, dir_fd=fd)
                except OSError as exc:
                    first[0] = first[0] or f"{here}: {exc.strerror}"
                continue
            name = left.pop()
            try:
                os.unlink(name, dir_fd=fd)
                continue
            except FileNotFoundError:
                continue
            except OSError as exc:
                if exc.errno not in (errno.EISDIR, errno.EPERM):
                    first[0] = first[0] or f"{name}: {exc.strerror}"
                    continue
            try:
                _owner_rwx(name, fd)
                os.rmdir(name, dir_fd=fd)
                continue
            except FileNotFoundError:
                continue
            except OSError as exc:
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    first[0] = first[0] or f"{name}: {exc.strerror}"
                    continue
            try:
                inner = os.open(name, _DIR_FLAGS, dir_fd=fd)
                names = _names(inner)
            except OSError as exc:
                first[0] = first[0] or f"{name}: {exc.strerror}"
                continue
            os.close(fd)
            fd = inner
            stack.append((name, names))
    except OSError as exc:  # ".." could not be opened: give up on the rest, say so
        first[0] = first[0] or f"{exc.filename or 'a folder'}: {exc.strerror}"
    finally:
        os.close(fd)


def remove_or_report(path: str | os.PathLike[str], what: str = "a sandbox folder") -> None:
    """``remove_tree``, its failure (or any exception) reported as one line."""
    try:
        why = remove_tree(path)
    except Exception as exc:  # noqa: BLE001 - clean-up never raises
        why = f"{os.fspath(path)}: {exc}"
    if why:
        report(f"could not remove {what} ({why})")


def remove_stale(where: str, prefix: str) -> None:
    """Remove the folders ``PREFIX-PID-...`` in ``where`` of a grader that is gone (killed:
    SIGKILL runs no clean-up), ours only; never raises."""
    try:
        names = os.listdir(where)
    except OSError:
        return
    for name in names:
        pid = name[len(prefix):].split("-")[0]
        if not (name.startswith(prefix) and pid.isdigit()) or os.path.exists(f"/proc/{pid}"):
            continue
        path = os.path.join(where, name)
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if info.st_uid == os.geteuid() and stat.S_ISDIR(info.st_mode):
            remove_or_report(path, "a stale sandbox folder")
