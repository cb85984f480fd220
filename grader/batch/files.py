"""Writing the output folder: ``write_text`` is ``grader.reports.files.replace_file`` (each file to
a temp file beside it, then renamed over the target, never following a symlink planted in DIR; a
reader never sees half a gradebook)."""

from __future__ import annotations

from pathlib import Path

from grader.reports.files import replace_file


def write_text(path: Path, text: str) -> None:
    """``text`` to ``path`` (0600), atomically, in the output folder (made when missing)."""
    replace_file(path, text)
