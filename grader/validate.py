"""`gradquiz validate` and `gradquiz list`: lint problem files, list what is there."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.discovery import SUFFIXES, problem_files, search_path
from grader.errors import GradquizError
from grader.yamlio import load_yaml

@dataclass
class Checked:
    path: Path
    errors: list[str] = field(default_factory=list)
    summary: str = ""
    id: str | None = None
    line: int = 1  # of the `id:` key


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


def load_any(path, student=None):
    """An exercise or a quiz, by what the file holds."""
    path = Path(path)
    data, positions = load_yaml(path)
    if kind_of(data) == "quiz":
        from grader.quiz import load_quiz

        return load_quiz(path, student=student, data=data, positions=positions)
    from grader.problem import load_exercise

    return load_exercise(path, student, data=data, positions=positions)


def validate_paths(paths) -> list[Checked]:
    checked = [validate_file(p) for p in expand(paths)]
    _duplicate_ids(checked)
    return checked


def validate_file(path: Path) -> Checked:
    item = Checked(path)
    try:
        data, positions = load_yaml(path)
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            item.id, item.line = data["id"], positions.line_of(("id",)) or 1
        if kind_of(data) == "quiz":
            from grader.lint import lint_quiz

            errors, quiz = lint_quiz(path, data, positions)
            item.errors += errors
            item.summary = f"quiz, {len(quiz.questions) if quiz else '?'} questions"
        else:
            from grader.lint import lint_exercise

            errors, exercise = lint_exercise(path, data, positions)
            item.errors += errors
            item.summary = f"exercise, {len(exercise.tasks) if exercise else '?'} tasks"
    except GradquizError as err:
        item.errors.append(str(err))
    return item


def _duplicate_ids(checked) -> None:
    seen = {}
    for item in checked:
        ident = item.id
        if ident is None:
            continue
        if ident in seen:
            item.errors.append(
                f"{item.path}:{item.line}: id: '{ident}' is also the id of {seen[ident]}: give each problem its own id"
            )
        else:
            seen[ident] = item.path


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
