"""Where ``check --output`` sends each report: ``-`` (stdout), ``FORMAT:PATH``, or a path whose
extension names the format (``.json`` JSON, ``.xml`` JUnit, ``.txt`` text). ``--format`` names
the format of stdout and of a path whose extension says nothing else (so ``--format gradescope
--output results.json`` keeps writing Gradescope's results.json)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal, get_args

from grader.errors import GradquizError

ReportFormat = Literal["text", "json", "junit", "gradescope", "classroom"]
FORMATS: tuple[ReportFormat, ...] = get_args(ReportFormat)
EXTENSIONS: dict[str, ReportFormat] = {".json": "json", ".xml": "junit", ".txt": "text"}


def targets(outputs: Iterable[object] | None, default: str = "text") -> list[tuple[ReportFormat, Path | None]]:
    """(format, path or None for stdout) for each ``--output``; none given: stdout in ``default``."""
    fallback = report_format(default)
    if fallback is None:
        raise GradquizError(f"unknown report format '{default}' (one of {', '.join(FORMATS)})")
    if not outputs:
        return [(fallback, None)]
    out: list[tuple[ReportFormat, Path | None]] = []
    for raw in outputs:
        raw = str(raw)
        name, sep, rest = raw.partition(":")
        fmt: ReportFormat | None = report_format(name) if sep and rest else None
        if fmt is not None:
            where = rest
        elif sep and name.isalpha() and len(name) > 1 and rest and not Path(raw).exists():
            raise GradquizError(f"unknown report format '{name}' (one of {', '.join(FORMATS)})", raw)
        else:
            where = raw
        if where == "-":
            out.append((fmt or fallback, None))
            continue
        path = Path(where)
        if fmt is None:
            by_ext = EXTENSIONS.get(path.suffix.lower())
            if fallback != "text" and (by_ext is None or by_ext == "json"):
                fmt = fallback  # --format json|junit|gradescope --output FILE, as before
            else:
                fmt = by_ext or fallback
        out.append((fmt, path))
    if sum(path is None for _, path in out) > 1:
        raise GradquizError("--output - is given more than once")
    return out


def report_format(name: str) -> ReportFormat | None:
    """``name`` as a report format, or None when it names none."""
    return next((known for known in FORMATS if known == name), None)
