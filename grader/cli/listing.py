"""`gradquiz list`'s output, without Typer: ``main`` runs a bare `gradquiz list` through it before
Typer is imported (Typer's option coercion alone imports pydantic), and the Typer command calls it
too, so both print the same lines.

``echo`` writes a line as ``typer.echo`` does: flushed, with ANSI escape codes removed when the
stream is not a terminal.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")  # what click strips from output that is not a terminal


def echo(line: str, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    text = line + "\n"
    try:
        terminal = stream.isatty()
    except (OSError, ValueError):
        terminal = False
    stream.write(text if terminal else ANSI.sub("", text))
    stream.flush()


def print_catalogue(problems: Sequence[Any] = ()) -> None:
    """List the available exercises and quizzes (files that cannot be read: a warning each on stderr)."""
    from grader.problems import catalogue_entries

    warnings: list[str] = []
    entries = catalogue_entries(problems or (), warnings)
    for line in warnings:
        echo(f"gradquiz: warning: {line}", err=True)
    if not entries:
        echo("No exercises or quizzes found.")
        return
    width = max(len(e.id) for e in entries)
    for e in entries:
        echo(f"{e.id:<{width}}  {e.kind:<8}  {e.title}  ({_shorten(e.path)}{e.shadow_note})")


def _shorten(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
