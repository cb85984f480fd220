"""A submission's intake, in one place for ``check``, ``gradquiz grade``'s workers and the notebook:

- ``read_submission``: the safe read of a submission or answers file (``lstat`` first; in grading
  mode no symbolic link, neither the file nor a folder of it inside the current folder; opened
  ``O_NOFOLLOW | O_NONBLOCK`` and checked again with ``fstat``, so a FIFO or device swapped in
  never blocks the read; a size cap; UTF-8 with a clear error);
- ``id_from_name`` (the problem id a file's name gives) and ``submission_id`` (``--exercise``, else
  the ``# gradquiz:`` line in the student's mode, else the name);
- ``find_exercise``: the problem file for a submission, or the did-you-mean error that says where
  the id came from;
- ``choose_student``, ``header_notes`` and ``variant_notes``: which variant is graded, and what the
  report says of the ``# gradquiz:`` line and of the variant.

May import ``grader.problems`` and ``grader.errors`` (as the rest of this wing).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grader.errors import GradquizError
from grader.problems.discovery import HEADER, find_problem, header_id, header_student, known_ids, suggest

MAX_BYTES = 16 << 20  # a submission (16 MB): a notebook with pictures stays far below it
ENDINGS = (".answers.yaml", ".answers.yml", ".yaml", ".yml", ".py", ".ipynb")


def read_submission(path: Path | str, *, grading: bool, folders: bool = True, what: str = "file",
                    max_bytes: int = MAX_BYTES) -> str:
    """The text of a submission (or answers) file, read safely: a GradquizError naming the file for
    anything that is not the student's own regular UTF-8 file (``what`` names it when too large).

    ``grading``: no symbolic link as the file, nor (``folders``) among its folders inside the current
    folder; ``gradquiz grade``'s workers pass ``folders=False``: the class's layout, which they are
    given, already refused the links a student could plant."""
    return decode(read_bytes(path, grading=grading, folders=folders, what=what, max_bytes=max_bytes), path)


def read_bytes(path: Path | str, *, grading: bool, folders: bool = True, what: str = "file",
               max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes (``read_submission`` before the decoding)."""
    path = Path(path)
    _plain(_lstat(path, grading), path)
    if grading and folders:
        linked = linked_folder(path)
        if linked:
            raise GradquizError(f"is reached through a symbolic link ({linked}); grading mode grades only "
                                "the student's own files", path)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | (getattr(os, "O_NOFOLLOW", 0) if grading else 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise GradquizError(_swapped(exc, grading), path) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        _plain(info.st_mode, path)  # swapped for a FIFO or device since the lstat
        if info.st_size > max_bytes:
            raise GradquizError(_too_large(what, info.st_size, max_bytes), path)
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise GradquizError(f"cannot read ({exc.strerror})", path) from None
    if len(data) > max_bytes:  # it grew since the fstat
        raise GradquizError(_too_large(what, len(data), max_bytes), path)
    return data


def _lstat(path: Path, grading: bool) -> int:
    """The file's mode, from ``lstat``: a link is refused in grading mode, else followed."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise GradquizError("no such file", path) from None
    except OSError as exc:
        raise GradquizError(f"cannot read ({exc.strerror})", path) from None
    if not stat.S_ISLNK(info.st_mode):
        return info.st_mode
    if grading:
        raise GradquizError("is a symbolic link; grading mode grades only the student's own regular files", path)
    try:
        return os.stat(path).st_mode
    except OSError:
        raise GradquizError("is a broken symbolic link", path) from None


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 text, or the one-line error every reader of a student's file gives."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GradquizError(f"not UTF-8 text ({exc.reason})", path) from None


def _plain(mode: int, path: Path) -> None:
    if stat.S_ISDIR(mode):
        raise GradquizError("is a folder, expected a file", path)
    if not stat.S_ISREG(mode):
        raise GradquizError("is not a regular file (a FIFO, device or socket)", path)


def _swapped(exc: OSError, grading: bool) -> str:
    import errno

    if grading and exc.errno == errno.ELOOP:  # made a link since the lstat
        return "is a symbolic link; grading mode grades only the student's own regular files"
    if exc.errno == errno.ENOENT:
        return "no such file"
    return f"cannot read ({exc.strerror})"


def _too_large(what: str, size: int, most: int) -> str:
    return f"the {what} is too large ({size // 1024} KB; at most {most // 1024} KB)"


def linked_folder(path: Path | str) -> str | None:
    """A symbolic link among the path's folders inside the current folder (a student's repository)."""
    cwd = Path(os.path.abspath(os.getcwd()))
    try:
        inside = Path(os.path.abspath(path)).parent.relative_to(cwd)
    except ValueError:
        return None
    current = cwd
    for part in inside.parts:
        current = current / part
        if current.is_symlink():
            return str(current)
    return None


# -- which problem, which student -------------------------------------------------------------
def id_from_name(path: Path | str) -> str:
    """The problem id a file's name gives: ``exercise1.py``, ``exercise1.ipynb``, ``signs.yaml`` and
    ``signs.answers.yaml`` (or ``.yml``) -> ``exercise1``, ``signs``; any other name: its stem."""
    path = Path(path)
    for end in ENDINGS:
        if path.name.endswith(end) and len(path.name) > len(end):
            return path.name[: -len(end)]
    return path.stem


def submission_id(path: Path | str, source: str, explicit: str | None = None, *, header: bool = True) -> str:
    """``--exercise ID``, else a ``# gradquiz: ID`` comment in the first lines (not in grading
    mode: ``header=False``), else the file's name."""
    if explicit:
        return explicit
    named = header_id(source) if header else None
    return named or id_from_name(path)


def find_exercise(path: Path, source: str, exercise: str | None, problems: Sequence[Any] = (),
                  grading: bool = False) -> Path:
    """The problem file for a submission; when there is none, say where the id came from."""
    wanted = submission_id(path, source, exercise, header=not grading)
    try:
        return find_problem(wanted, problems, here=not grading)
    except GradquizError as err:
        if err.file is not None:
            raise
        raise GradquizError(err.message + _origin(wanted, source, exercise, problems, grading), path) from None


def _origin(wanted: str, source: str, exercise: str | None, problems: Sequence[Any], grading: bool) -> str:
    """Where the id that matched nothing came from, and the id it most likely means."""
    meant = suggest(wanted, known_ids(problems))
    if exercise:
        return f"; did you mean {meant}?" if meant else ""
    if grading:
        return "; grading mode takes the id from --exercise ID or the file's name" + (
            f": did you mean {meant}? Rename the file {meant}.py or pass --exercise {meant}" if meant else ""
        )
    if any(HEADER.match(line) for line in source.splitlines()[:10]):
        return "; the id is from the file's `# gradquiz:` line" + (f": did you mean {meant}?" if meant else "")
    if meant:
        return (
            f"; the id is the file's name: did you mean {meant}? Rename the file {meant}.py, start it with "
            f"`# gradquiz: {meant}` or pass --exercise {meant}"
        )
    return "; the id is the file's name: start the file with `# gradquiz: ID` or pass --exercise ID"


def choose_student(explicit: str | None, source: str, grading: bool) -> tuple[str, str]:
    """(student id, where it came from): --student, GRADQUIZ_STUDENT, else (student mode
    only) the ``# gradquiz: ID student=S`` line a starter writes, else '' (the default variant)."""
    if explicit:
        return explicit, "option"
    if os.environ.get("GRADQUIZ_STUDENT", ""):
        return os.environ["GRADQUIZ_STUDENT"], "environment"
    if not grading:
        named = header_student(source)
        if named:
            return named, "header"
    return "", "none"


def header_notes(source: str, graded: str, name: str, *, grading: bool, exercise: str | None = None) -> list[str]:
    """What the report says of a `# gradquiz:` line naming another exercise than the one graded
    (``name``: the id the file's name gives)."""
    named = header_id(source)
    if grading and named and named != graded:
        return [f"the file's `# gradquiz: {named}` line was not followed: grading mode grades the exercise named "
                f"by --exercise or the file name ('{graded}')"]
    if not grading and not exercise and named and named != name:
        return [f"graded as '{graded}', the exercise the file's `# gradquiz:` line names"]
    return []


def variant_notes(problem: Any, origin: str, source: str) -> list[str]:
    """Which variant of an exercise with params was graded, and how to pick another."""
    if not problem.params:
        return []
    shown = getattr(problem, "variant", None)  # an exercise names it (a compiled one without SymPy)
    if shown is None:
        from grader.problems.constraints import describe

        shown = describe(problem.params)
    if origin == "none":
        return [
            f"no student id given: graded the default variant ({shown}), which may not be yours; pick yours with "
            f"--student ID or GRADQUIZ_STUDENT=ID, or start the file with `# gradquiz: {problem.id} student=ID` "
            "(as `gradquiz starter ID --student ID` writes it)"
        ]
    if origin == "header":
        return [f"graded the variant of student '{problem.student}' ({shown}), from the file's `# gradquiz:` line"]
    named = header_student(source)
    if named and named != problem.student:
        flag = "--student" if origin == "option" else "GRADQUIZ_STUDENT"
        return [f"the file's `# gradquiz:` line names student '{named}', but {flag} asked for '{problem.student}' "
                f"({shown})"]
    return []
