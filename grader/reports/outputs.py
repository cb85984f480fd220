"""Where ``check --output`` sends each report: ``-`` (stdout), ``FORMAT:PATH``, or a path whose
extension names the format (``.json`` JSON, ``.xml`` JUnit, ``.txt`` text). ``--format`` names
the format of stdout and of a path whose extension says nothing else (so ``--format gradescope
--output results.json`` keeps writing Gradescope's results.json)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from grader.errors import GradquizError

FORMATS = ("text", "json", "junit", "gradescope", "classroom")
EXTENSIONS = {".json": "json", ".xml": "junit", ".txt": "text"}


def targets(outputs: Iterable[object] | None, default: str = "text") -> list[tuple[str, Path | None]]:
    """(format, path or None for stdout) for each ``--output``; none given: stdout in ``default``."""
    if not outputs:
        return [(default, None)]
    out: list[tuple[str, Path | None]] = []
    for raw in outputs:
        raw = str(raw)
        name, sep, rest = raw.partition(":")
        if sep and name in FORMATS and rest:
            fmt, where = name, rest
        elif sep and name.isalpha() and len(name) > 1 and rest and not Path(raw).exists():
            raise GradquizError(f"unknown report format '{name}' (one of {', '.join(FORMATS)})", raw)
        else:
            fmt, where = None, raw
        if where == "-":
            out.append((fmt or default, None))
            continue
        path = Path(where)
        if fmt is None:
            by_ext = EXTENSIONS.get(path.suffix.lower())
            if default != "text" and (by_ext is None or by_ext == "json"):
                fmt = default  # --format json|junit|gradescope --output FILE, as before
            else:
                fmt = by_ext or default
        out.append((fmt, path))
    if sum(path is None for _, path in out) > 1:
        raise GradquizError("--output - is given more than once")
    return out
