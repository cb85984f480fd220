"""Writing the output folder: each file to a temp file beside it, then renamed over the target
(never following a symlink planted in DIR; a reader never sees half a gradebook)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from grader.errors import GradquizError


def write_text(path: Path, text: str) -> None:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.parent.is_symlink():
            raise GradquizError("refusing to write into a symbolic link", path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            os.replace(tmp, path)  # replaces a symlink itself, never its target
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        raise GradquizError(f"cannot write ({exc.strerror})", path) from None
