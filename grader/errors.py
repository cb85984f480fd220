"""The one error root for users' mistakes: caught by the CLI, printed as one line, exit 2."""

from __future__ import annotations


class GradquizError(Exception):
    """A mistake in the user's input (a file, a flag, a problem set), never a bug.

    ``str()`` gives the one line the CLI prints: ``file:line: message``.
    """

    exit_code = 2

    def __init__(self, message: str, file: object = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = None if file is None else str(file)
        self.line = line

    def __str__(self) -> str:
        where = self.file or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message
