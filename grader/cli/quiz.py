"""`gradquiz quiz ID`: take a quiz in the terminal (``grader.quiz.interactive.Session``, which
asks, reads, confirms, gives feedback and saves the answers file)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from grader.cli.options import ProblemsOpt, StudentOpt, VersionOpt, typer_app, user_errors

app = typer_app()


class FeedbackWhen(str, Enum):
    now = "now"
    end = "end"


@app.command("quiz")
@user_errors
def quiz_command(
    quiz_id: str = typer.Argument(..., metavar="ID", help="The quiz to take (see `gradquiz list`)."),
    problems: list[Path] | None = ProblemsOpt,
    student: str | None = StudentOpt,
    feedback: FeedbackWhen = typer.Option(
        FeedbackWhen.now, "--feedback", help="Feedback after each question (now) or at the end."
    ),
    output: Path | None = typer.Option(
        None, "--output", metavar="FILE", help="Where to save the answers (default: ./ID.answers.yaml)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Start afresh, replacing the answers file (default: resume it, keeping its answers)."
    ),
    redo: list[str] | None = typer.Option(
        None, "--redo", metavar="Q", help="Ask this saved question again (repeatable, or q3,q5)."
    ),
    show_version: bool = VersionOpt,
) -> None:
    """Take a quiz in the terminal; saves an answers file that `gradquiz check` grades.

    An existing answers file is resumed: its answers are kept and only the unanswered
    questions are asked.
    """
    from rich.console import Console

    from grader.quiz import Session, open_session, redo_ids

    quiz, target, saved = open_session(quiz_id, problems or (), student, output, force)
    session = Session(quiz, Console(highlight=False), feedback is FeedbackWhen.now, saved, redo=redo_ids(quiz, redo or ()))
    raise typer.Exit(session.run(target))
