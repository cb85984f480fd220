"""Writing a student's or author's file atomically: ``write_atomic(path, text)``.

The text goes to a new temporary file in the target's folder, is flushed to disk, then
renamed over the target with ``os.replace``: whoever reads the file (or a Ctrl-C, a
crash, a full disk half-way) sees the old content or the new, never half of it.

(``grader.reports.files.write_report`` does the same for reports, with more care about
links a student may plant in a graded folder; the two may be merged.)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from grader.errors import GradquizError


def write_atomic(path, text: str, what: str = "write") -> None:
    """Replace ``path`` by ``text`` (UTF-8) in one step; errors say ``cannot {what} (...)``."""
    path = Path(path)
    folder = path.parent
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise GradquizError(f"cannot {what} ({exc.strerror})", path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), _mode(path))
        os.replace(temp, path)
    except BaseException as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise GradquizError(f"cannot {what} ({exc.strerror})", path) from None
        raise


def _mode(path: Path) -> int:
    """The existing file's mode, else what ``open()`` would give a new file."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask
