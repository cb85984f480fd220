"""What problem files there are: expanding paths, telling exercises from quizzes, `gradquiz list`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.errors import GradquizError
from grader.problems.discovery import SUFFIXES, problem_files, search_path
from grader.problems.yamlio import load_yaml


@dataclass
class Entry:
    id: str
    kind: str
    title: str
    path: Path


def kind_of(data) -> str:
    if isinstance(data, dict) and "questions" in data:
        return "quiz"
    return "exercise"


def expand(paths) -> list[Path]:
    out = []
    for path in map(Path, paths):
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        elif path.exists():
            out.append(path)
        else:
            raise GradquizError("no such file or folder", path)
    return out


def catalogue(problems=(), warnings: list | None = None) -> list[Entry]:
    """The problems on the search path; a file that cannot be read or is no problem file is
    skipped, with a line saying why appended to ``warnings`` (when given)."""
    entries = []
    for path in problem_files(search_path(problems)):
        try:
            data, _ = load_yaml(path)
        except GradquizError as err:
            _warn(warnings, f"{err}; skipped")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("id"), (str, int)) or isinstance(data.get("id"), bool):
            what = "answers to a quiz" if isinstance(data, dict) and "answers" in data else "no `id:` at the top"
            _warn(warnings, f"{path}: not an exercise or quiz file ({what}); skipped")
            continue
        entries.append(Entry(str(data["id"]), kind_of(data), str(data.get("title", "")), path))
    return entries


def _warn(warnings, line: str) -> None:
    if warnings is not None:
        warnings.append(line)
