"""Writing a report (or any output file the grader makes) safely: ``write_file(path, text)``.

The folder being graded belongs to a student, who can plant things where a report will be
written: a symbolic link to a file of the grader's user (root on Gradescope), a FIFO that
blocks the writer forever, a device, or a linked folder that leads somewhere else. So:

- the text goes to a new temp file in the target's folder (created 0600 with O_EXCL and
  O_NOFOLLOW), which is then given the mode a new file would get (0666 minus the umask,
  never world-writable) and renamed over the target with ``os.replace``: a reader never
  sees half a report, and the rename replaces a name, it never writes through one;
- an existing target that is a symbolic link, a FIFO, a device, a socket or a folder is
  refused (it is never opened: a FIFO cannot hang the grader);
- a symbolic link among the folders of the path *inside the current folder* (which is
  where a student's repository is) is refused too; links above it (``/tmp`` on macOS, a
  home folder on another disk) are the machine's own and are followed;
- the folder is opened once, and the temp file, the check of the target and the rename
  all happen relative to that open folder, so swapping a folder for a link half-way
  changes nothing.

Every refusal is a GradquizError (exit 2, one line naming the file).

``replace_file(path, text)`` is the same atomic write for a folder the grader owns (``gradquiz
grade``'s output folder): the folder is made when missing and must not be a link, the file is
created 0600, and whatever is at the target (a report a student's file replaced by a link) is
replaced by the rename, never written through.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from grader.errors import GradquizError


def write_file(path: str | os.PathLike[str], text: str, *, what: str = "report") -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically, never through a link, FIFO or device.

    ``what`` names the file in error lines ("the {what}", "the answers")."""
    path = Path(path)
    if not path.name or path.name in (".", ".."):
        raise GradquizError(f"expected a file name to write the {what} to", path)
    folder = path.parent
    _check_folders(path, what)
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise GradquizError(f"cannot write the {what}: no such folder", folder) from None
    except NotADirectoryError:
        raise GradquizError(f"cannot write the {what}: not a folder", folder) from None
    except OSError as exc:
        raise GradquizError(f"cannot write the {what} ({exc.strerror})", path) from None
    try:
        _check_target(path, dir_fd, what)
        _replace(path, text.encode("utf-8"), dir_fd, what, _mode())
    finally:
        os.close(dir_fd)


def replace_file(path: Path | str, text: str, *, mode: int = 0o600) -> None:
    """Write ``text`` to ``path`` in a folder of the grader's own (made when missing), atomically:
    the rename replaces whatever the name holds, a symbolic link included, and never follows it."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GradquizError(f"cannot write ({exc.strerror})", path) from None
    if path.parent.is_symlink():
        raise GradquizError("refusing to write into a symbolic link", path.parent)
    flags = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        dir_fd = os.open(path.parent, flags)
    except OSError as exc:
        raise GradquizError(f"cannot write ({exc.strerror})", path) from None
    try:
        data = text.encode("utf-8", "backslashreplace")  # a file name that is not UTF-8: escaped
        _replace(path, data, dir_fd, None, mode)
    finally:
        os.close(dir_fd)


def _check_folders(path: Path, what: str) -> None:
    """Refuse a symbolic link among the path's folders that lie inside the current folder."""
    cwd = Path(os.path.abspath(os.getcwd()))
    absolute = Path(os.path.abspath(path))  # no resolving: links must stay visible
    try:
        inside = absolute.parent.relative_to(cwd)
    except ValueError:
        return
    current = cwd
    for part in inside.parts:
        current = current / part
        if current.is_symlink():
            raise GradquizError(
                f"is a symbolic link to a folder; refusing to write the {what} through it", current
            )


def _check_target(path: Path, dir_fd: int, what: str) -> None:
    try:
        info = os.stat(path.name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise GradquizError(f"cannot write the {what} ({exc.strerror})", path) from None
    if stat.S_ISLNK(info.st_mode):
        raise GradquizError(f"is a symbolic link; refusing to write the {what} through it", path)
    if stat.S_ISDIR(info.st_mode):
        raise GradquizError(f"is a folder; expected a file name to write the {what} to", path)
    if not stat.S_ISREG(info.st_mode):
        raise GradquizError(f"is not a regular file (a FIFO, device or socket); refusing to write the {what} to it", path)


def _mode() -> int:
    """What a new file gets from open(): 0666 minus the umask, and never world-writable."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask & ~0o002


def _replace(path: Path, data: bytes, dir_fd: int, what: str | None, mode: int) -> None:
    """A temp file beside the target, written, given ``mode`` and renamed over the target."""
    failed = f"cannot write the {what}" if what else "cannot write"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        temp = f".{path.name[:200]}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(temp, flags, 0o600, dir_fd=dir_fd)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise GradquizError(f"{failed} ({exc.strerror})", path) from None
    else:
        raise GradquizError(f"{failed} (no free temporary name)", path)
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                os.fchmod(handle.fileno(), mode)
            os.replace(temp, path.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except OSError as exc:
            raise GradquizError(f"{failed} ({exc.strerror})", path) from None
    except BaseException:
        try:
            os.unlink(temp, dir_fd=dir_fd)
        except OSError:
            pass
        raise
