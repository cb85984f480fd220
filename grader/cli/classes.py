"""A whole class: `gradquiz grade` (a folder of submissions into a gradebook) and `gradquiz ci`
(a GitHub Classroom workflow or a Gradescope autograder), thin layers over the batch wing."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from grader.cli.options import ForceOpt, ProblemsOpt, VersionOpt, typer_app, user_errors
from grader.errors import GradquizError

app = typer_app()


class LMS(str, Enum):
    canvas = "canvas"
    moodle = "moodle"


class Executor(str, Enum):
    local = "local"
    dask = "dask"


@app.command()
@user_errors
def grade(
    submissions: list[Path] = typer.Argument(..., help="Folders (a folder or a file per student) or zips of them."),
    output: Path = typer.Option(..., "--output", help="Folder for the gradebook, reports and journal."),
    problems: list[Path] | None = ProblemsOpt,
    exercise: list[str] | None = typer.Option(
        None, "--exercise", metavar="ID",
        help="A problem to grade (repeatable; default: every problem given with --problems, GRADQUIZ_PATH or "
             "./exercises and ./quizzes).",
    ),
    jobs: int | None = typer.Option(None, "--jobs", min=1, help="Parallel workers (default: the cores)."),
    roster: Path | None = typer.Option(
        None, "--roster", help="The class: a CSV, Canvas's gradebook export or Moodle's grading worksheet."
    ),
    regrade: list[str] | None = typer.Option(
        None, "--regrade", help="Grade these students again (repeatable, or a,b,c)."
    ),
    lms: LMS | None = typer.Option(
        None, "--lms",
        help="Also write an LMS import file (canvas.csv or moodle.csv: the roster's own export written back).",
    ),
    executor: Executor = typer.Option(Executor.local, "--executor", help="local processes, or a Dask cluster."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="The Dask scheduler's address (tcp://HOST:8786)."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar; one summary line."),
    show_version: bool = VersionOpt,
) -> None:
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
    github_result = "github-result"


@app.command()
@user_errors
def ci(
    target: CI = typer.Argument(..., help="github (a GitHub Classroom workflow), gradescope (an autograder zip), or "
                                          "github-result (the workflow's grading step: one --exercise, here)."),
    exercise: list[str] | None = typer.Option(
        None, "--exercise", help="A problem to grade (repeatable; default: all of --problems)."
    ),
    problems: list[Path] | None = ProblemsOpt,
    problems_repo: str | None = typer.Option(
        None, "--problems-repo", help="github: OWNER/REPO holding the problem files, checked out by the workflow."
    ),
    package: str | None = typer.Option(
        None, "--package", help="What `pip install` installs (default: a wheel of this gradquiz, written beside the "
                                "workflow or into the zip; e.g. git+https://github.com/ORG/gradquiz)."
    ),
    output: Path | None = typer.Option(
        None, "--output", help="Where to write (default: .github/workflows/classroom.yml, autograder.zip; "
                               "github-result: the result's JSON)."
    ),
    force: bool = ForceOpt,
    show_version: bool = VersionOpt,
) -> None:
    """Write CI for a course: a GitHub Classroom autograding workflow, or a Gradescope autograder bundle."""
    from grader.batch import gradescope_bundle, write_github

    if target is CI.github_result:
        from grader.batch import annotate, grade_step, publish

        if len(exercise or ()) != 1:
            raise GradquizError("ci github-result grades one problem: give --exercise ID once")
        report, result = grade_step((exercise or [""])[0], problems or ())
        annotate(report, result["max_score"])
        publish(result, output)
        return
    if target is CI.github:
        for written in write_github(exercise or (), problems or (), problems_repo, package, output, force):
            typer.echo(f"wrote {written}", err=True)
        return
    data = gradescope_bundle(exercise or (), problems or (), package)
    path = output or Path("autograder.zip")
    if path.exists() and not force:
        raise GradquizError("exists; pass --force to overwrite it", path)
    path.write_bytes(data)
    typer.echo(f"wrote {path}", err=True)
