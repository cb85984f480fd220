"""`gradquiz validate`: lint every problem file under the given paths, and ids across them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import GradquizError
from grader.problems import expand, kind_of, load_yaml


@dataclass
class Checked:
    path: Path
    errors: list[str] = field(default_factory=list)
    summary: str = ""
    id: str | None = None
    line: int = 1  # of the `id:` key


def validate_paths(paths) -> list[Checked]:
    """Every problem file under ``paths``, checked; a folder without any is an error too
    (a typo in a CI path must not pass as green)."""
    checked = []
    for path in map(Path, paths):
        files = expand([path])
        if not files and path.is_dir():
            checked.append(Checked(path, [f"{path}: no problem files (.yaml or .yml) in this folder"]))
        checked += [validate_file(p) for p in files]
    _duplicate_ids(checked)
    return checked


def validate_file(path: Path) -> Checked:
    item = Checked(path)
    try:
        data, positions = load_yaml(path)
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            item.id, item.line = data["id"], positions.line_of(("id",)) or 1
        if kind_of(data) == "quiz":
            from grader.authoring.lint import lint_quiz

            errors, quiz = lint_quiz(path, data, positions)
            item.errors += errors
            item.summary = f"quiz, {len(quiz.questions) if quiz else '?'} questions"
        else:
            from grader.authoring.lint import lint_exercise

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
