"""``gradquiz --version``'s text, without Typer (``main`` answers it before Typer is imported)."""

from __future__ import annotations


def version() -> str:
    """``gradquiz 0.x.y``: the installed distribution's version."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return f"gradquiz {installed('gradquiz')}"
    except PackageNotFoundError:  # run from a source tree that is not installed
        from grader import __version__

        return f"gradquiz {__version__}"
