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


def catalogue(problems=()) -> list[Entry]:
    entries = []
    for path in problem_files(search_path(problems)):
        try:
            data, _ = load_yaml(path)
        except GradquizError:
            continue
        if not isinstance(data, dict) or "id" not in data:
            continue
        entries.append(Entry(str(data["id"]), kind_of(data), str(data.get("title", "")), path))
    return entries
