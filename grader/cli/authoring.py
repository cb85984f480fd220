"""The instructor's and the student's helpers: `gradquiz validate`, `new`, `starter`, `show`,
`export` and `list` (each a thin layer over the authoring wing, the plots or the catalogue)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from grader.cli.options import (
    ForceOpt,
    OutputFileOpt,
    ProblemsOpt,
    StudentOpt,
    VersionOpt,
    emit,
    typer_app,
    user_errors,
)

app = typer_app()


@app.command()
@user_errors
def validate(
    paths: list[Path] = typer.Argument(..., metavar="PATH...", help="Problem files or folders."),
    show_version: bool = VersionOpt,
) -> None:
    """Lint problem files in every variant: schema, formulas, references, domains, points, ids. Exit 0 ok, 2 errors."""
    from grader.authoring import validate_paths

    problems = validate_paths(paths)
    bad = [p for p in problems if p.errors]
    for item in problems:
        if item.errors:
            for message in item.errors:
                typer.echo(f"{message}", err=True)
        else:
            typer.echo(f"{item.path}: ok ({item.summary})")
    if bad:
        raise typer.Exit(2)


class NewKind(str, Enum):
    exercise = "exercise"
    quiz = "quiz"


@app.command()
@user_errors
def new(
    kind: NewKind = typer.Argument(..., metavar="exercise|quiz", help="exercise or quiz"),
    id: str = typer.Argument(..., metavar="ID", help="The new problem's id."),
    output: Path | None = OutputFileOpt,
    force: bool = ForceOpt,
    show_version: bool = VersionOpt,
) -> None:
    """Print (or write) a commented exercise or quiz template that validates."""
    from grader.authoring import template

    emit(template(kind.value, id), output, force)


@app.command()
@user_errors
def starter(
    id: str = typer.Argument(..., metavar="ID", help="The exercise or quiz id."),
    problems: list[Path] | None = ProblemsOpt,
    student: str | None = StudentOpt,
    output: Path | None = OutputFileOpt,
    force: bool = ForceOpt,
    notebook: bool = typer.Option(False, "--notebook", help="An exercise's starter as a Jupyter notebook (.ipynb)."),
    show_version: bool = VersionOpt,
) -> None:
    """The student's starter .py (exercise) or answers template .yaml (quiz), in their variant."""
    if notebook:
        from grader.authoring import notebook_output, starter_notebook

        emit(starter_notebook(id, problems or (), student), notebook_output(id, output), force)
        return
    from grader.authoring import starter as make

    emit(make(id, problems or (), student), output, force)


@app.command()
@user_errors
def show(
    id: str = typer.Argument(..., help="The exercise or quiz id."),
    problems: list[Path] | None = ProblemsOpt,
    student: str | None = StudentOpt,
    output: Path | None = typer.Option(
        None, "--output", help="The picture's file, .png or .svg (default: ID.png here)."
    ),
    show_version: bool = VersionOpt,
) -> None:
    """Draw the problem's f with f' and its tangent lines at the shown points (the lesson's picture)."""
    from grader.api import show as draw

    path = output or Path(f"{id}.png")
    draw(id, path, problems=problems or (), student=student)
    typer.echo(f"wrote {path}")


@app.command()
@user_errors
def export(
    paths: list[Path] = typer.Argument(..., metavar="PATH...", help="Problem files or folders."),
    output: Path = typer.Option(
        ..., "--output", metavar="DIR", help="Folder for the student edition (exercises/ and quizzes/ inside)."
    ),
    show_version: bool = VersionOpt,
) -> None:
    """Write the student edition: no references, hidden tasks or quiz answer keys (quiz answers are recorded)."""
    from grader.authoring import export as run

    for path in run(paths, output):
        typer.echo(f"wrote {path}")


@app.command("list")
@user_errors
def list_(problems: list[Path] | None = ProblemsOpt, show_version: bool = VersionOpt) -> None:
    """List the available exercises and quizzes (files that cannot be read: a warning each on stderr)."""
    from grader.cli.listing import print_catalogue

    print_catalogue(problems or ())
