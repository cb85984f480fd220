"""Which report goes where after ``gradquiz check``: the delivery policy, callable without Typer.

- ``render``: a report as the text of one target (None: the terminal's coloured text);
- ``deliver``: one body to its file (``files.write_file``), to stdout, or the coloured text;
- ``deliver_all``: every requested target, the terminal's text as well when every report went to a
  file (on a terminal or in GitHub Actions), then the GitHub annotations and step summary;
- ``cannot_grade``: the reason on stderr, and a failed report of score 0 to every requested target
  (exit 2);
- ``isolation_warning``: grading mode's one line when the sandbox enforced less than it should.

Imports nothing of grader but this wing and ``grader.errors``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from grader.reports.model import Report

Target = tuple[str, "Path | None"]  # (format, file or None for stdout), as outputs.targets gives them


def say(line: str) -> None:
    """One line on stderr, as the command prints its notes and warnings."""
    print(line, file=sys.stderr, flush=True)


def github_wanted(asked: bool) -> bool:
    """``--format github``, or a run inside GitHub Actions."""
    return asked or os.environ.get("GITHUB_ACTIONS", "").strip().lower() == "true"


def render(report: Report, fmt: str, path: Path | None) -> str | None:
    """The report as text for a file or stdout; None: print it to the terminal with colour."""
    if fmt == "text":
        if path is None:
            return None
        from grader.reports.text import plain_text

        return plain_text(report)
    from grader.reports.classroom import render_classroom
    from grader.reports.gradescope import render_gradescope
    from grader.reports.json import render_json
    from grader.reports.junit import render_junit

    renderers = {"json": render_json, "junit": render_junit, "gradescope": render_gradescope,
                 "classroom": render_classroom}
    return renderers[fmt](report)


def render_all(report: Report, targets: Iterable[Target]) -> list[tuple[str | None, Path | None]]:
    """(body, path) for each target, in order."""
    return [(render(report, fmt, path), path) for fmt, path in targets]


def deliver(body: str | None, path: Path | None, report: Report | None = None) -> None:
    """Write ``body`` to ``path``; without a path, to stdout; without a body, the report's coloured text."""
    if path is not None:
        from grader.reports.files import write_file

        write_file(path, body or "")
    elif body is not None:
        sys.stdout.write(body)
    elif not _coloured_stdout():  # what a colourless rich console prints (tests/reports/test_plain_text.py)
        from grader.reports.text import plain_text

        sys.stdout.write(plain_text(report))
    else:
        from rich.console import Console

        from grader.reports.text import render_text

        render_text(report, Console(highlight=False, soft_wrap=not sys.stdout.isatty()))


def _coloured_stdout() -> bool:
    """Whether rich would colour (and wrap) the text on stdout: a terminal, or ``TTY_COMPATIBLE=1``
    or ``FORCE_COLOR`` set (rich's own rules); elsewhere the plain text is the same, without loading
    rich's console."""
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1" or _isatty()
    return bool(os.environ.get("FORCE_COLOR")) or _isatty()


def _isatty() -> bool:
    try:
        return sys.stdout.isatty()
    except (OSError, ValueError):
        return False


def deliver_all(report: Report, bodies: Sequence[tuple[str | None, Path | None]], *, file: object,
                github: bool, grading: bool) -> int:
    """Deliver every rendered report, then the GitHub outputs; the exit status of the check."""
    isolation_warning(report, grading)
    for body, path in bodies:
        deliver(body, path, report)
    if all(path is not None for _, path in bodies) and (github or sys.stdout.isatty()):
        deliver(None, None, report)  # reports to files: the text still goes to the terminal (and the CI log)
    if github:
        github_outputs(report, file, to_stderr=any(path is None and body is not None for body, path in bodies))
    return report.exit_code


def github_outputs(report: Report, file: object, to_stderr: bool = False) -> None:
    """GitHub Actions: annotations on the student's lines (stdout, or stderr when stdout carries a
    machine-readable report), and the summary table appended to $GITHUB_STEP_SUMMARY."""
    from grader.reports import github

    path = Path(str(file))
    try:
        source = path.read_text(encoding="utf-8", errors="replace") if not path.is_symlink() else ""
    except OSError:
        source = ""
    sys.stdout.flush()
    lines = github.annotations(report, source)  # type: ignore[attr-defined,operator]  # shadows __future__'s name
    (sys.stderr if to_stderr else sys.stdout).write(lines)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(github.summary(report))
        except OSError as exc:
            say(f"gradquiz: {summary}: cannot append the step summary ({exc.strerror})")


def cannot_grade(reason: str, file: object, exercise: str | None, targets: Sequence[Target],
                 github: bool = False) -> int:
    """The reason on stderr, then each requested report of score 0 that carries it; returns 2."""
    say(f"gradquiz: {reason}")
    failed = Report.failed(reason, file=file, id=exercise or "")
    for fmt, path in targets:
        if path is not None or fmt != "text":
            deliver(render(failed, fmt, path), path)
    if github:
        github_outputs(failed, file, to_stderr=any(path is None and fmt != "text" for fmt, path in targets))
    return 2


def internal_error(exc: BaseException) -> str:
    """The reason a bug gives in the failed report: its type and the first line of its message."""
    from grader.reports.text import printable

    lines = printable(str(exc)).strip().splitlines()
    first = lines[0][:300] if lines else "(no message)"
    return f"internal error, please report it: {type(exc).__name__}: {first}"


def isolation_warning(report: Report, grading: bool) -> None:
    """In grading mode, one line on stderr when the sandbox could not enforce everything here."""
    missing = (report.isolation or {}).get("missing") if isinstance(report.isolation, dict) else None
    if grading and missing:
        what = "; ".join(map(str, missing)) if isinstance(missing, (list, tuple)) else str(missing)
        say(f"gradquiz: warning: the sandbox could not enforce everything on this machine: {what} "
            "(see docs/security.md)")
