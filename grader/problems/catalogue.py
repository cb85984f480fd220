"""What problem files there are: expanding paths, telling exercises from quizzes, `gradquiz list`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import GradquizError
from grader.problems.discovery import SUFFIXES, bundled, problem_files, search_path
from grader.problems.yamlio import load_yaml


@dataclass
class Entry:
    id: str
    kind: str
    title: str
    path: Path
    shadows: list[Path] = field(default_factory=list)  # later files with the same id, never used

    @property
    def shadow_note(self) -> str:
        """'; shadows the bundled one' when a course file hides a bundled problem of the same id."""
        if not self.shadows:
            return ""
        shipped = {p.resolve() for p in bundled()}
        what = ["the bundled one" if p.parent.resolve() in shipped else str(p) for p in self.shadows]
        return "; shadows " + ", ".join(dict.fromkeys(what))


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


def catalogue_entries(problems=(), warnings: list | None = None) -> list[Entry]:
    """The problems on the search path; a file that cannot be read or is no problem file is
    skipped, with a line saying why appended to ``warnings`` (when given).  An id found again
    further down the search path is listed once, as the file that is used, with the files it
    shadows (a course's exercises/exercise1.yaml before the bundled one)."""
    entries: list[Entry] = []
    by_id: dict[str, Entry] = {}
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
        entry = Entry(str(data["id"]), kind_of(data), str(data.get("title", "")), path)
        first = by_id.get(entry.id) or by_id.get(path.stem)
        if first is not None:
            first.shadows.append(path)
            continue
        by_id.setdefault(entry.id, entry)
        by_id.setdefault(path.stem, entry)
        entries.append(entry)
    return entries


def _warn(warnings, line: str) -> None:
    if warnings is not None:
        warnings.append(line)
