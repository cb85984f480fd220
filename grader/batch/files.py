"""Files of a class run: writing the output folder (``write_text`` is
``grader.reports.files.replace_file``: each file to a temp file beside it, then renamed over the
target, never following a symlink planted in DIR; a reader never sees half a gradebook; a name
that is not UTF-8 written escaped), and reading the submissions, whose every path is hostile
(``read_limited``)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from grader.reports import replace_file, shown_name


def write_text(path: Path, text: str) -> None:
    """``text`` to ``path`` (0600), atomically, in the output folder (made when missing)."""
    replace_file(path, text)


def read_limited(path: Path, limit: int) -> tuple[bytes | None, str]:
    """The bytes of a regular file of at most ``limit`` bytes, or (None, why not).

    The path is hostile (a student's, or a member of a student's zip): ``lstat`` first (a link,
    a FIFO, a device or a socket is refused by its type, never opened), then opened with
    ``O_NOFOLLOW | O_NONBLOCK`` (a file swapped for a link or a FIFO since cannot follow it or
    block), ``fstat`` (still the same regular file), and at most ``limit + 1`` bytes read."""
    name = shown_name(Path(path).name)
    try:
        info = os.lstat(path)
    except OSError as exc:
        return None, f"{name}: {exc.strerror or exc}"
    kind = _kind(info.st_mode)
    if kind:
        return None, f"{name} is {kind} (refused in grading mode)"
    if info.st_size > limit:
        return None, f"{name} is too large ({info.st_size} bytes; the limit is {limit})"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        return None, f"{name}: {exc.strerror or exc}"
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
            return None, f"{name} changed while it was read (refused)"
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        return None, f"{name}: {exc.strerror or exc}"
    finally:
        os.close(fd)
    if size > limit:
        return None, f"{name} is too large (more than {limit} bytes)"
    return b"".join(chunks), ""


def _kind(mode: int) -> str:
    """What a file that is not a regular one is ('' for a regular file)."""
    for test, kind in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "" if stat.S_ISREG(mode) else "not a regular file"


def read_text(path: Path, limit: int) -> tuple[str | None, bytes, str]:
    """(text, bytes, '') of a UTF-8 file read by ``read_limited``, or (None, b'', why not)."""
    data, why = read_limited(path, limit)
    if data is None:
        return None, b"", why
    try:
        return data.decode("utf-8"), data, ""
    except UnicodeDecodeError as exc:
        return None, b"", f"{shown_name(Path(path).name)} is not UTF-8 text (byte {exc.start})"
