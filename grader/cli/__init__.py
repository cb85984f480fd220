"""The `gradquiz` command: a thin Typer layer over ``grader.api`` and the wings (the only place
Typer lives, an import contract checks it).

User mistakes (GradquizError) print one line on stderr and exit 2; bugs keep their traceback.
Every command takes ``-h``/``--help`` and ``--version``. Help is plain text (Typer's rich panels
print every flag as ``<bool>`` and the help option too), so flags read as flags.

Commands are loaded on use, as pip loads its own: ``COMMANDS`` maps each name to the module that
defines it (``check``, ``authoring``, ``quiz``, ``classes``), imported only when that command runs
or the help lists it. ``gradquiz --version`` is answered before Typer is imported, and no command
module imports NumPy, SymPy or the grading code before its command runs. A bare `gradquiz list`
is answered without Typer as well (``listing``), and so is a plain ``gradquiz check FILE [options]``
(``quickcheck``: anything unusual, ``-h`` included, goes to Typer).
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs `--version` a few ms

if TYPE_CHECKING:
    from typing import Any

__all__ = ["main"]  # the surface other wings use (grader.__main__); tests use ``app`` too

# name -> the module that defines the command, in the order `gradquiz -h` lists them
COMMANDS = {
    "check": "grader.cli.check",
    "validate": "grader.cli.authoring",
    "new": "grader.cli.authoring",
    "starter": "grader.cli.authoring",
    "show": "grader.cli.authoring",
    "export": "grader.cli.authoring",
    "list": "grader.cli.authoring",
    "grade": "grader.cli.classes",
    "ci": "grader.cli.classes",
    "quiz": "grader.cli.quiz",
}


def __getattr__(name: str) -> Any:
    """``app`` (the Typer app) on first use: importing this package costs no Typer."""
    if name == "app":
        value = _make_app()
        globals()["app"] = value
        return value
    raise AttributeError(f"module 'grader.cli' has no attribute {name!r}")


def _make_app() -> Any:
    import typer
    from typer.core import TyperGroup

    from grader.cli.options import HELP, VersionOpt, typer_app

    class LazyGroup(TyperGroup):
        """A group whose commands are built from their module on first use."""

        def list_commands(self, ctx: Any) -> list[str]:
            return list(COMMANDS)

        def get_command(self, ctx: Any, cmd_name: str) -> Any:
            if cmd_name not in self.commands and cmd_name in COMMANDS:
                module = import_module(COMMANDS[cmd_name])
                for name, command in typer.main.get_group(module.app).commands.items():
                    self.commands.setdefault(name, command)
            return self.commands.get(cmd_name)

        def resolve_command(self, ctx: Any, args: list[str]) -> Any:
            if args and args[0] not in COMMANDS:  # an unknown name: load all, for "did you mean"
                for name in COMMANDS:
                    self.get_command(ctx, name)
            return super().resolve_command(ctx, args)

    app = typer_app(cls=LazyGroup, no_args_is_help=True, help=HELP)

    @app.callback()
    def _main(show_version: bool = VersionOpt) -> None:
        """Auto-graded exercises and quizzes on derivatives and gradients."""

    return app


def _list() -> int:
    """`gradquiz list` without Typer: the same lines, and a GradquizError as `user_errors` gives it."""
    from grader.cli.listing import echo, print_catalogue
    from grader.errors import GradquizError

    try:
        print_catalogue()
    except GradquizError as err:
        echo(f"gradquiz: {err}", err=True)
        return err.exit_code
    return 0


def _quick_check(args: list[str]) -> int | None:
    """A plain `check FILE [options]` without Typer (None: Typer parses it)."""
    from grader.cli.quickcheck import main as quick

    return quick(args)


def main() -> None:
    """The console script: run the command, then leave without tearing down SymPy's many
    objects (a clean interpreter exit costs about 0.1 s, a fifth of a whole check)."""
    code: Any = 0
    if sys.argv[1:] == ["--version"]:  # answered before Typer is imported
        from grader.cli.version import version

        print(version())
    elif sys.argv[1:] == ["list"]:  # so is a bare `list`: Typer's option coercion imports pydantic
        code = _list()
    elif sys.argv[1:2] == ["check"] and (code := _quick_check(sys.argv[2:])) is not None:
        pass  # a plain check, answered without Typer
    else:
        try:
            __getattr__("app")()
            code = 0
        except SystemExit as exc:
            code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    util = sys.modules.get("multiprocessing.util")
    if util is not None:  # the clean-up atexit would run (`grade`'s workers: their pymp-* temp folder)
        try:
            util._exit_function()
        except Exception:  # noqa: BLE001, S110 - leaving must not fail
            pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 1
    os._exit(code)
