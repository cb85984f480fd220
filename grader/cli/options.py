"""What every command of the `gradquiz` command shares, defined once: the Typer app factory
(plain-text help, ``-h``), the shared options (``--problems``, ``--student``, ``--version``,
``--force``, ``--output``), and ``user_errors`` (a GradquizError is one line on stderr, exit 2).

Imports typer and ``grader.errors`` only: loading a command's module costs no grading code.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from grader.cli.version import version
from grader.errors import GradquizError

F = TypeVar("F", bound=Callable[..., Any])

HELP = "Auto-graded exercises and quizzes on derivatives and gradients."


def typer_app(**settings: Any) -> typer.Typer:
    """A Typer app with the command's settings: plain-text help (Typer's rich panels print every
    flag as ``<bool>``), ``-h`` as ``--help``, no completion, no pretty tracebacks."""
    return typer.Typer(
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
        **settings,
    )


def _print_version(value: bool) -> None:
    if value:
        typer.echo(version())
        raise typer.Exit(0)


VersionOpt = typer.Option(
    False, "--version", callback=_print_version, is_eager=True, expose_value=False, help="Print the version and exit."
)
ProblemsOpt = typer.Option(
    None, "--problems", metavar="PATH", help="A problem file or folder to search first (repeatable)."
)
StudentOpt = typer.Option(
    None, "--student", metavar="ID", help="Student id: picks the variant (default: $GRADQUIZ_STUDENT)."
)
ForceOpt = typer.Option(False, "--force", help="Overwrite FILE if it exists.")
OutputFileOpt = typer.Option(None, "--output", metavar="FILE", help="Write to this file (default: print).")


def user_errors(command: F) -> F:
    """Turn a GradquizError into one line on stderr and exit 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except GradquizError as err:
            typer.echo(f"gradquiz: {err}", err=True)
            raise typer.Exit(err.exit_code) from None

    return wrapper  # type: ignore[return-value]


def emit(text: str, output: Any, force: bool) -> None:
    """Print ``text``, or write it to a new file (never over existing work without --force)."""
    if output is None:
        sys.stdout.write(text)
        return
    from grader.authoring import write_new

    write_new(output, text, force)
    typer.echo(f"wrote {output}", err=True)
