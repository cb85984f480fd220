"""`gradquiz check FILE`: grade one submission or answers file and deliver its reports.

The grading is ``grader.api.check``; which report goes where (stdout, files, GitHub annotations,
the failed report on exit 2) is ``grader.reports.delivery``.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from grader.cli.options import ProblemsOpt, StudentOpt, VersionOpt, typer_app, user_errors
from grader.errors import GradquizError

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
    from grader import api
    from grader.reports import cannot_grade, deliver_all, github_wanted, internal_error, render_all, targets

    grading = api.grading_mode(True if grading else None)
    github = github_wanted(format is Format.github)
    outputs = targets(output, "text" if format is Format.github else format.value)
    try:
        if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
            what = plot.suffix or "a file without a suffix"
            raise GradquizError(f"--plot: a picture is a .png or .svg file, not {what}", plot)
        result = api.check(file, problems=problems or (), exercise=exercise, student=student, grading=grading,
                           plot=plot or False)
        bodies = render_all(result, outputs)
    except GradquizError as err:
        raise typer.Exit(cannot_grade(str(err), file, exercise, outputs, github)) from None
    except Exception as exc:  # the last line of defence: a bug must not lose the report  # noqa: BLE001
        raise typer.Exit(cannot_grade(internal_error(exc), file, exercise, outputs, github)) from None
    if plot is not None and result.kind != "exercise":
        typer.echo(f"gradquiz: note: --plot draws exercises only; {plot} was not written", err=True)
    raise typer.Exit(deliver_all(result, bodies, file=file, github=github, grading=grading))
