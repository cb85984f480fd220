"""`gradquiz check FILE`: grade one submission or answers file and deliver its reports.

Typer's parse of the command; its body is ``grader.cli.quickcheck.run`` (which ``main`` also runs
without Typer for a plain check): the grading is ``grader.api.check``, which report goes where
(stdout, files, GitHub annotations, the failed report on exit 2) ``grader.reports.delivery``.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from grader.cli.options import ProblemsOpt, StudentOpt, VersionOpt, typer_app, user_errors

app = typer_app()


class Format(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    gradescope = "gradescope"
    github = "github"


@app.command()
@user_errors
def check(
    file: Path = typer.Argument(
        ..., metavar="FILE", help="A student's .py or .ipynb submission or a quiz answers .yaml."
    ),
    problems: list[Path] | None = ProblemsOpt,
    exercise: str | None = typer.Option(
        None, "--exercise", metavar="ID", help="The exercise or quiz id (default: from the file)."
    ),
    student: str | None = StudentOpt,
    format: Format = typer.Option(
        Format.text, "--format", help="Report format (github: the text, plus annotations and a step summary)."
    ),
    output: list[str] | None = typer.Option(
        None, "--output", metavar="FILE",
        help="Write a report (repeatable): PATH (format from .json .xml .txt), FORMAT:PATH, or - (stdout).",
    ),
    grading: bool = typer.Option(
        False, "--grading", help="Grading mode: also run hidden checks (default: $GRADQUIZ_GRADING=1, else off)."
    ),
    plot: Path | None = typer.Option(
        None, "--plot", metavar="FILE", help="Draw your functions against the right ones into FILE (.png or .svg)."
    ),
    show_version: bool = VersionOpt,
) -> None:
    """Grade a submission (.py, .ipynb) or answers (.yaml) and print a score with feedback.

    Exit status: 0 every task passed; 1 graded, but something failed; 2 the grading
    could not happen (no such file or exercise, an invalid problem file, unreadable
    answers), with a one-line reason on stderr (and in each requested report).
    """
    from grader.cli.quickcheck import run

    raise typer.Exit(run(file, problems or (), exercise, student, format.value, output or (), grading, plot))
