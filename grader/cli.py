"""The `gradquiz` command: a thin Typer layer over ``grader.api``.

User mistakes (GradquizError) print one line on stderr and exit 2; bugs keep
their traceback. Every command takes ``-h``/``--help`` and ``--version``. Help is
plain text (Typer's rich panels print every flag as ``<bool>`` and the help option
too), so flags read as flags.
"""

from __future__ import annotations

import functools
import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from grader.errors import GradquizError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Auto-graded exercises and quizzes on derivatives and gradients.",
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def version() -> str:
    """``gradquiz 0.x.y``: the installed distribution's version."""
    from importlib.metadata import PackageNotFoundError, version as installed

    try:
        return f"gradquiz {installed('gradquiz')}"
    except PackageNotFoundError:  # run from a source tree that is not installed
        from grader import __version__

        return f"gradquiz {__version__}"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(version())
        raise typer.Exit(0)


VersionOpt = typer.Option(
    False, "--version", callback=_print_version, is_eager=True, expose_value=False, help="Print the version and exit."
)


@app.callback()
def _main(show_version: bool = VersionOpt):
    """Auto-graded exercises and quizzes on derivatives and gradients."""


class Format(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    gradescope = "gradescope"
    github = "github"


ProblemsOpt = typer.Option(None, "--problems", metavar="PATH", help="A problem file or folder to search first (repeatable).")
StudentOpt = typer.Option(None, "--student", metavar="ID", help="Student id: picks the variant (default: $GRADQUIZ_STUDENT).")


def user_errors(command):
    """Turn a GradquizError into one line on stderr and exit 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except GradquizError as err:
            typer.echo(f"gradquiz: {err}", err=True)
            raise typer.Exit(err.exit_code) from None

    return wrapper


@app.command()
@user_errors
def check(
    file: Path = typer.Argument(..., metavar="FILE", help="A student's .py or .ipynb submission or a quiz answers .yaml."),
    problems: Optional[List[Path]] = ProblemsOpt,
    exercise: Optional[str] = typer.Option(None, "--exercise", metavar="ID", help="The exercise or quiz id (default: from the file)."),
    student: Optional[str] = StudentOpt,
    format: Format = typer.Option(
        Format.text, "--format", help="Report format (github: the text, plus annotations and a step summary)."
    ),
    output: Optional[List[str]] = typer.Option(
        None, "--output", metavar="FILE", help="Write a report (repeatable): PATH (format from .json .xml .txt), FORMAT:PATH, or - (stdout)."
    ),
    grading: bool = typer.Option(
        False, "--grading", help="Grading mode: also run hidden checks (default: $GRADQUIZ_GRADING=1, else off)."
    ),
    plot: Optional[Path] = typer.Option(
        None, "--plot", metavar="FILE", help="Draw your functions against the right ones into FILE (.png or .svg)."
    ),
    show_version: bool = VersionOpt,
):
    """Grade a submission (.py, .ipynb) or answers (.yaml) and print a score with feedback.

    Exit status: 0 every task passed; 1 graded, but something failed; 2 the grading
    could not happen (no such file or exercise, an invalid problem file, unreadable
    answers), with a one-line reason on stderr (and in each requested report).
    """
    from grader import api
    from grader.reports.outputs import targets

    grading = api.grading_mode(True if grading else None)
    github = format is Format.github or os.environ.get("GITHUB_ACTIONS", "").strip().lower() == "true"
    outputs = targets(output, "text" if format is Format.github else format.value)
    try:
        if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
            raise GradquizError(f"--plot: a picture is a .png or .svg file, not {plot.suffix or 'a file without a suffix'}", plot)
        result = api.check(file, problems=problems or (), exercise=exercise, student=student, grading=grading,
                           plot=plot or False)
        bodies = [(_render(result, fmt, path), path) for fmt, path in outputs]
    except GradquizError as err:
        _cannot_grade(str(err), file, exercise, outputs, github)
    except Exception as exc:  # the last line of defence: a bug must not lose the report  # noqa: BLE001
        _cannot_grade(f"internal error, please report it: {type(exc).__name__}: {_first_line(exc)}", file, exercise,
                      outputs, github)
    if plot is not None and result.kind != "exercise":
        typer.echo(f"gradquiz: note: --plot draws exercises only; {plot} was not written", err=True)
    _isolation_warning(result, grading)
    for body, path in bodies:
        _deliver(body, path, result)
    if all(path is not None for _, path in bodies) and (github or sys.stdout.isatty()):
        _deliver(None, None, result)  # reports to files: the text still goes to the terminal (and the CI log)
    if github:
        _github(result, file, to_stderr=any(path is None and body is not None for body, path in bodies))
    raise typer.Exit(result.exit_code)


def _render(result, fmt: str, path) -> str | None:
    """The report as text for a file or stdout; None: print it to the terminal with colour."""
    from grader import reports

    if fmt == "text":
        if path is None:
            return None
        from grader.reports.text import plain_text

        return plain_text(result)
    return reports.RENDERERS[fmt](result)


def _deliver(body: str | None, output, result=None) -> None:
    if output is not None:
        from grader.reports.files import write_report

        write_report(output, body)
    elif body is not None:
        sys.stdout.write(body)
    else:
        from rich.console import Console

        from grader.reports import render_text

        render_text(result, Console(highlight=False, soft_wrap=not sys.stdout.isatty()))


def _github(result, file, to_stderr: bool = False) -> None:
    """GitHub Actions: annotations on the student's lines (stdout, or stderr when stdout carries a
    machine-readable report), and the summary table appended to $GITHUB_STEP_SUMMARY."""
    from grader.reports import github

    try:
        source = Path(file).read_text(encoding="utf-8", errors="replace") if not Path(file).is_symlink() else ""
    except OSError:
        source = ""
    sys.stdout.flush()
    (sys.stderr if to_stderr else sys.stdout).write(github.annotations(result, source))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(github.summary(result))
        except OSError as exc:
            typer.echo(f"gradquiz: {summary}: cannot append the step summary ({exc.strerror})", err=True)


def _cannot_grade(reason: str, file, exercise, outputs, github: bool = False) -> None:
    """Exit 2 with the reason on stderr, after writing each requested report of score 0 that carries it."""
    from grader.reports import Report

    typer.echo(f"gradquiz: {reason}", err=True)
    failed = Report.failed(reason, file=file, id=exercise or "")
    for fmt, path in outputs:
        if path is not None or fmt != "text":
            _deliver(_render(failed, fmt, path), path)
    if github:
        _github(failed, file, to_stderr=any(path is None and fmt != "text" for fmt, path in outputs))
    raise typer.Exit(2)


def _first_line(exc: BaseException) -> str:
    from grader.reports import printable

    lines = printable(str(exc)).strip().splitlines()
    return lines[0][:300] if lines else "(no message)"


def _isolation_warning(result, grading: bool) -> None:
    """In grading mode, one line on stderr when the sandbox could not enforce everything here."""
    missing = (result.isolation or {}).get("missing") if isinstance(result.isolation, dict) else None
    if grading and missing:
        what = "; ".join(map(str, missing)) if isinstance(missing, (list, tuple)) else str(missing)
        typer.echo(f"gradquiz: warning: the sandbox could not enforce everything on this machine: {what} "
                   "(see docs/security.md)", err=True)


@app.command()
@user_errors
def validate(
    paths: List[Path] = typer.Argument(..., metavar="PATH...", help="Problem files or folders."),
    show_version: bool = VersionOpt,
):
    """Lint problem files in every variant: schema, formulas, references, domains, points, ids. Exit 0 ok, 2 errors."""
    from grader.authoring.validate import validate_paths

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


ForceOpt = typer.Option(False, "--force", help="Overwrite FILE if it exists.")


def _emit(text: str, output: Optional[Path], force: bool) -> None:
    """Print ``text``, or write it to a new file (never over existing work without --force)."""
    if output is None:
        sys.stdout.write(text)
        return
    from grader.authoring.starters import write_new

    write_new(output, text, force)
    typer.echo(f"wrote {output}", err=True)


@app.command()
@user_errors
def new(
    kind: NewKind = typer.Argument(..., metavar="exercise|quiz", help="exercise or quiz"),
    id: str = typer.Argument(..., metavar="ID", help="The new problem's id."),
    output: Optional[Path] = typer.Option(None, "--output", metavar="FILE", help="Write to this file (default: print)."),
    force: bool = ForceOpt,
    show_version: bool = VersionOpt,
):
    """Print (or write) a commented exercise or quiz template that validates."""
    from grader.authoring.starters import template

    _emit(template(kind.value, id), output, force)


@app.command()
@user_errors
def starter(
    id: str = typer.Argument(..., metavar="ID", help="The exercise or quiz id."),
    problems: Optional[List[Path]] = ProblemsOpt,
    student: Optional[str] = StudentOpt,
    output: Optional[Path] = typer.Option(None, "--output", metavar="FILE", help="Write to this file (default: print)."),
    force: bool = ForceOpt,
    notebook: bool = typer.Option(False, "--notebook", help="An exercise's starter as a Jupyter notebook (.ipynb)."),
    show_version: bool = VersionOpt,
):
    """The student's starter .py (exercise) or answers template .yaml (quiz), in their variant."""
    if notebook:
        from grader.authoring.notebook import starter_notebook

        _emit(starter_notebook(id, problems or (), student), output, force)
        return
    from grader.authoring.starters import starter as make

    _emit(make(id, problems or (), student), output, force)


@app.command()
@user_errors
def show(
    id: str = typer.Argument(..., help="The exercise or quiz id."),
    problems: Optional[List[Path]] = ProblemsOpt,
    student: Optional[str] = StudentOpt,
    output: Optional[Path] = typer.Option(None, "--output", help="The picture's file, .png or .svg (default: ID.png here)."),
    show_version: bool = VersionOpt,
):
    """Draw the problem's f with f' and its tangent lines at the shown points (the lesson's picture)."""
    from grader.api import show as draw

    path = output or Path(f"{id}.png")
    draw(id, path, problems=problems or (), student=student)
    typer.echo(f"wrote {path}")


@app.command()
@user_errors
def export(
    paths: List[Path] = typer.Argument(..., metavar="PATH...", help="Problem files or folders."),
    output: Path = typer.Option(..., "--output", metavar="DIR", help="Folder for the student edition (exercises/ and quizzes/ inside)."),
    show_version: bool = VersionOpt,
):
    """Write the student edition: no references, hidden tasks or quiz answer keys (quiz answers are recorded)."""
    from grader.authoring.edition import export as run

    for path in run(paths, output):
        typer.echo(f"wrote {path}")


@app.command("list")
@user_errors
def list_(problems: Optional[List[Path]] = ProblemsOpt, show_version: bool = VersionOpt):
    """List the available exercises and quizzes (files that cannot be read: a warning each on stderr)."""
    from grader.problems.catalogue import catalogue

    warnings: list[str] = []
    entries = catalogue(problems or (), warnings)
    for line in warnings:
        typer.echo(f"gradquiz: warning: {line}", err=True)
    if not entries:
        typer.echo("No exercises or quizzes found.")
        return
    width = max(len(e.id) for e in entries)
    for e in entries:
        typer.echo(f"{e.id:<{width}}  {e.kind:<8}  {e.title}  ({_shorten(e.path)})")


def _shorten(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class LMS(str, Enum):
    canvas = "canvas"
    moodle = "moodle"


class Executor(str, Enum):
    local = "local"
    dask = "dask"


@app.command()
@user_errors
def grade(
    submissions: List[Path] = typer.Argument(..., help="Folders (a folder or a file per student) or zips of them."),
    output: Path = typer.Option(..., "--output", help="Folder for the gradebook, reports and journal."),
    problems: Optional[List[Path]] = ProblemsOpt,
    exercise: Optional[List[str]] = typer.Option(None, "--exercise", metavar="ID", help="A problem to grade (repeatable; default: every problem given with --problems, GRADQUIZ_PATH or ./exercises and ./quizzes)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", min=1, help="Parallel workers (default: the cores)."),
    roster: Optional[Path] = typer.Option(None, "--roster", help="The class: a CSV, Canvas's gradebook export or Moodle's grading worksheet."),
    regrade: Optional[List[str]] = typer.Option(None, "--regrade", help="Grade these students again (repeatable, or a,b,c)."),
    lms: Optional[LMS] = typer.Option(None, "--lms", help="Also write an LMS import file (canvas.csv or moodle.csv: the roster's own export written back)."),
    executor: Executor = typer.Option(Executor.local, "--executor", help="local processes, or a Dask cluster."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="The Dask scheduler's address (tcp://HOST:8786)."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar; one summary line."),
    show_version: bool = VersionOpt,
):
    """Grade a whole class in grading mode: gradebook.csv/json, report.html and a report per student in DIR.
    Re-running the same command grades only what is missing."""
    from grader.batch import GradeOptions, grade_class

    options = GradeOptions(
        submissions=list(submissions), output=output, problems=list(problems or ()),
        exercises=[e for item in exercise or () for e in item.split(",") if e],
        jobs=jobs, roster=roster, regrade=[s for r in regrade or () for s in r.split(",") if s],
        lms=lms.value if lms else None,
        executor=executor.value, scheduler=scheduler, quiet=quiet,
    )
    outcome = grade_class(options, say=lambda line: typer.echo(line, err=True))
    counts = ", ".join(f"{n} {status}" for status, n in sorted(outcome.statuses.items()))
    rate = f" ({outcome.graded / outcome.seconds:.1f}/s)" if outcome.graded and outcome.seconds > 0 else ""
    typer.echo(
        f"graded {outcome.graded} submission{'s' if outcome.graded != 1 else ''} in {outcome.seconds:.1f} s{rate}"
        f", {outcome.skipped} already graded; {len(outcome.rows)} students: {counts}; see {output / 'gradebook.csv'}"
    )


class CI(str, Enum):
    github = "github"
    gradescope = "gradescope"


@app.command()
@user_errors
def ci(
    target: CI = typer.Argument(..., help="github (a GitHub Classroom workflow) or gradescope (an autograder zip)."),
    exercise: Optional[List[str]] = typer.Option(None, "--exercise", help="A problem to grade (repeatable; default: all of --problems)."),
    problems: Optional[List[Path]] = ProblemsOpt,
    problems_repo: Optional[str] = typer.Option(None, "--problems-repo", help="github: OWNER/REPO holding the problem files, checked out by the workflow."),
    package: str = typer.Option("gradquiz", "--package", help="What `pip install` installs (e.g. git+https://github.com/ORG/gradquiz)."),
    output: Optional[Path] = typer.Option(None, "--output", help="Where to write (default: .github/workflows/classroom.yml, autograder.zip)."),
    force: bool = ForceOpt,
    show_version: bool = VersionOpt,
):
    """Write CI for a course: a GitHub Classroom autograding workflow, or a Gradescope autograder bundle."""
    from grader.authoring.starters import write_new
    from grader.batch import ci as make

    if target is CI.github:
        text = make.github_workflow(exercise or (), problems or (), problems_repo, package)
        path = output or Path(".github/workflows/classroom.yml")
        path.parent.mkdir(parents=True, exist_ok=True)
        write_new(path, text, force)
    else:
        data = make.gradescope_bundle(exercise or (), problems or (), package)
        path = output or Path("autograder.zip")
        if path.exists() and not force:
            raise GradquizError("exists; pass --force to overwrite it", path)
        path.write_bytes(data)
    typer.echo(f"wrote {path}", err=True)


from grader.quiz.interactive import quiz_command  # noqa: E402
app.command("quiz")(user_errors(quiz_command))


def main() -> None:
    """The console script: run the command, then leave without tearing down SymPy's many
    objects (a clean interpreter exit costs about 0.1 s, a fifth of a whole check)."""
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    main()
