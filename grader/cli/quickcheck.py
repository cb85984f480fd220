"""`gradquiz check FILE [options]` without Typer: ``parse`` reads the plain form of the command's
arguments, and ``run`` is the command's body, which the Typer command (``grader.cli.check``) calls
too, so both print the same reports and lines and exit with the same status.

``main`` answers a plain check through ``parse`` and ``run`` before Typer is imported (Typer, click,
rich and pydantic cost a check more than a third of its time). Anything ``parse`` does not know
for sure (``-h``, ``--version``, an unknown or repeated option, a missing value or file, ``--``,
an empty value, a value that starts with ``-``, a ``--format`` that is not one of the choices)
gives None, and Typer parses the command as before, with its own messages.

``run`` starts the sandbox child of a .py or .ipynb submission first of all (``grader.sandbox.
prestart``), so that its interpreter loads NumPy while this one imports the grading code.
"""

from __future__ import annotations

import os
from pathlib import Path

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs the command's start a few ms

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

FORMATS = ("text", "json", "junit", "gradescope", "github")
VALUED = ("--problems", "--exercise", "--student", "--format", "--output", "--plot")
REPEATABLE = ("--problems", "--output")


def parse(args: Sequence[str]) -> dict[str, Any] | None:
    """``run``'s keyword arguments for the words after ``check``, or None: Typer parses them."""
    found: dict[str, Any] = {"file": None, "problems": [], "exercise": None, "student": None, "format": "text",
                             "output": [], "grading": False, "plot": None}
    seen: set[str] = set()
    words = list(args)
    while words:
        word = words.pop(0)
        if not word.startswith("-"):
            if found["file"] is not None or not word:
                return None
            found["file"] = Path(word)
            continue
        name, equals, value = word.partition("=")
        if name in seen and name not in REPEATABLE:
            return None
        seen.add(name)
        if name == "--grading" and not equals:
            found["grading"] = True
            continue
        if name not in VALUED:
            return None
        if not equals:
            if not words:
                return None
            value = words.pop(0)
        if not value or (value.startswith("-") and value != "-"):
            return None
        key = name[2:]
        if key == "format" and value not in FORMATS:
            return None
        if key in ("problems", "output"):
            found[key].append(Path(value) if key == "problems" else value)
        else:
            found[key] = Path(value) if key == "plot" else value
    return found if found["file"] is not None else None


def run(file: Path, problems: Sequence[Path] = (), exercise: str | None = None, student: str | None = None,
        format: str = "text", output: Sequence[str] = (), grading: bool = False, plot: Path | None = None) -> int:
    """Grade ``file`` and deliver its reports: the exit status of ``gradquiz check`` (a user's
    mistake is one line on stderr and 2, as ``options.user_errors`` gives it)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy: its BLAS threads only spin here
    spare = file.suffix in (".py", ".ipynb") and os.path.isfile(file)
    if spare:  # first of all: nothing else is imported yet
        from grader.sandbox import prestart

        prestart()
    from grader.errors import GradquizError

    try:
        return _run(file, problems, exercise, student, format, output, grading, plot)
    except GradquizError as err:
        from grader.cli.listing import echo

        echo(f"gradquiz: {err}", err=True)
        return err.exit_code
    finally:
        if spare:
            from grader.sandbox import discard_spare

            discard_spare()


def _run(file: Path, problems: Sequence[Path], exercise: str | None, student: str | None, format: str,
         output: Sequence[str], grading: bool, plot: Path | None) -> int:
    from grader import api
    from grader.errors import GradquizError
    from grader.reports import cannot_grade, deliver_all, github_wanted, internal_error, render_all, targets

    grading = api.grading_mode(True if grading else None)
    github = github_wanted(format == "github")
    outputs = targets(output or None, "text" if format == "github" else format)
    try:
        if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
            what = plot.suffix or "a file without a suffix"
            raise GradquizError(f"--plot: a picture is a .png or .svg file, not {what}", plot)
        result = api.check(file, problems=problems or (), exercise=exercise, student=student, grading=grading,
                           plot=plot or False)
        bodies = render_all(result, outputs)
    except GradquizError as err:
        return cannot_grade(str(err), file, exercise, outputs, github)
    except Exception as exc:  # the last line of defence: a bug must not lose the report  # noqa: BLE001
        return cannot_grade(internal_error(exc), file, exercise, outputs, github)
    if plot is not None and result.kind != "exercise":
        from grader.cli.listing import echo

        echo(f"gradquiz: note: --plot draws exercises only; {plot} was not written", err=True)
    return deliver_all(result, bodies, file=file, github=github, grading=grading)


def main(args: Sequence[str]) -> int | None:
    """The exit status of a plain ``check ARGS`` (None: not plain, Typer's to parse); ^C exits 130
    and a closed stdout 1, as under Typer."""
    options = parse(args)
    if options is None:
        return None
    try:
        return run(**options)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
