"""`gradquiz validate` and `gradquiz list`: lint problem files, list what is there."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.discovery import SUFFIXES, problem_files, search_path
from grader.errors import GradquizError
from grader.yamlio import load_yaml

MIN_POINTS = 5


@dataclass
class Checked:
    path: Path
    errors: list[str] = field(default_factory=list)
    summary: str = ""


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


def validate_paths(paths) -> list[Checked]:
    checked = [validate_file(p) for p in expand(paths)]
    _duplicate_ids(checked)
    return checked


def validate_file(path: Path) -> Checked:
    item = Checked(path)
    try:
        data, positions = load_yaml(path)
        if kind_of(data) == "quiz":
            from grader.quiz import load_quiz, validate_quiz

            quiz = load_quiz(path, data=data, positions=positions)
            item.errors += validate_quiz(quiz)
            item.summary = f"quiz, {len(quiz.questions)} questions"
            item.id = quiz.id
        else:
            from grader.problem import load_exercise

            exercise = load_exercise(path, data=data, positions=positions)
            item.errors += validate_exercise(exercise)
            item.summary = f"exercise, {len(exercise.tasks)} tasks"
            item.id = exercise.id
    except GradquizError as err:
        item.errors.append(str(err))
    return item


def _duplicate_ids(checked) -> None:
    seen = {}
    for item in checked:
        ident = getattr(item, "id", None)
        if ident is None:
            continue
        if ident in seen:
            item.errors.append(f"{item.path}:1: id '{ident}' is also used by {seen[ident]}")
        else:
            seen[ident] = item.path


def validate_exercise(exercise) -> list[str]:
    from grader.grading import check_points
    from grader.numerics import fmt

    errors = []
    for task in exercise.tasks:
        where = f"{exercise.path}:{task.line or 1}: tasks.{task.id}"
        points = check_points(task, exercise)
        wanted = min(MIN_POINTS, task.spec.samples + len(task.at))
        if len(points.x) < wanted:
            errors.append(
                f"{where}: only {len(points.x)} points in the domain where f and the reference are finite; "
                f"need {wanted}: change `domain`"
            )
        if points.disagree:
            errors.append(
                f"{where}: the reference disagrees with finite differences of f at {points.disagree} points: "
                "check `reference` (or leave it out to derive it from f)"
            )
        for i, x in enumerate(task.at):
            if ((x < task.bounds[:, 0]) | (x > task.bounds[:, 1])).any():
                errors.append(f"{where}: at[{i}] = {fmt(x)} is outside the domain: change `at` or `domain`")
    return errors


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
