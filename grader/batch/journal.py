"""The grading journal: one JSON line per graded submission, appended and fsync'd as it finishes.

A run killed at any moment loses at most the line being written. Reading dedupes: the last
entry per (student, problem) wins, and a torn line (a kill mid-write) is ignored. Appending
after a torn line first ends it, so the next record starts on a line of its own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


class Journal:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        self._fd = os.open(self.path, flags, 0o600)
        size = os.fstat(self._fd).st_size
        if size:
            with open(self.path, "rb") as handle:
                handle.seek(size - 1)
                if handle.read(1) != b"\n":  # a torn last line: end it
                    os.write(self._fd, b"\n")

    def append(self, record: dict) -> None:
        data = (json.dumps(record, allow_nan=False, default=str, separators=(",", ":")) + "\n").encode()
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view):]
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read(path: Path) -> dict[tuple[str, str], dict]:
    """(student, problem) -> the last complete record; torn or foreign lines are skipped."""
    out: dict[tuple[str, str], dict] = {}
    try:
        handle = open(path, "rb")  # noqa: SIM115 - kept open for the run
    except FileNotFoundError:
        return out
    with handle:
        for line in handle:
            if not line.endswith(b"\n"):
                break  # torn by a kill mid-write
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("student"), str) and isinstance(record.get("problem"), str):
                out.pop((record["student"], record["problem"]), None)
                out[(record["student"], record["problem"])] = record
    return out


def count(path: Path) -> int:
    """Complete records in the journal (every append, duplicates included)."""
    try:
        with open(path, "rb") as handle:
            return sum(1 for line in handle if line.endswith(b"\n") and line.strip().startswith(b"{"))
    except FileNotFoundError:
        return 0
