"""Where problem files are found (spec section 3), in order:
each ``--problems PATH`` (a folder: its files, then its ``exercises/`` and ``quizzes/``),
the folders in ``GRADQUIZ_PATH``, ``./exercises`` and
``./quizzes`` of the current folder, then the set shipped with the package. Grading
mode (``here=False``) leaves out the current folder: it is the student's, and an
``exercises/`` planted there must not replace the instructor's exercise.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Union

from grader.errors import GradquizError

StrPath = Union[str, "os.PathLike[str]"]  # noqa: UP007 - a path as given: text or a Path
PACKAGE = Path(__file__).resolve().parent.parent  # the grader package
SUFFIXES = (".yaml", ".yml")
COURSE_FOLDERS = ("exercises", "quizzes")  # what `--problems DIR` also searches inside DIR
HEADER = re.compile(r"^\s*#\s*gradquiz:\s*([A-Za-z0-9_][A-Za-z0-9_.-]*)\b", re.IGNORECASE)
# The student a starter was made for: `# gradquiz: exercise1 student=s03` (student mode only).
STUDENT_HEADER = re.compile(r"^\s*#\s*gradquiz:\s*\S+\s+student\s*=\s*(\S(?:.*\S)?)\s*$", re.IGNORECASE)
# A copy's suffix that browsers and file managers add: "exercise1 (1)", "exercise1-2", "exercise1_copy".
COPY_SUFFIX = re.compile(r"(\s*\(\d+\)|[-_ ]\d+|[-_ ]?copy( ?\d+)?|[-_ ]?kopie)$", re.IGNORECASE)


def bundled() -> list[Path]:
    """The shipped problem folders (inside the wheel, or the source tree's when editable)."""
    inside = PACKAGE / "_bundled"
    base = inside if inside.is_dir() else PACKAGE.parent
    return [base / "exercises", base / "quizzes"]


def search_path(problems: Iterable[StrPath] = (), *, here: bool = True) -> list[Path]:
    paths = [Path(p) for p in problems]
    for p in paths:
        if not p.exists():
            raise GradquizError("no such file or folder (given with --problems)", p)
    env = os.environ.get("GRADQUIZ_PATH", "")
    paths += [Path(p) for p in env.split(":") if p]
    if here:
        cwd = Path.cwd()
        paths += [cwd / "exercises", cwd / "quizzes"]
    paths += bundled()
    return paths


def problem_files(paths: Iterable[Path]) -> list[Path]:
    """Every problem file under the search path, in order, each once."""
    seen: set[Path] = set()
    out: list[Path] = []
    for path in paths:
        if path.is_file():
            candidates = [path]
        elif path.is_dir():  # a course folder: its own files, then its exercises/ and quizzes/
            candidates = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file())
            for sub in COURSE_FOLDERS:
                if (path / sub).is_dir() and path.name != sub:
                    candidates += sorted(p for p in (path / sub).iterdir() if p.suffix in SUFFIXES and p.is_file())
        else:
            candidates = []
        for file in candidates:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                out.append(file)
    return out


def find_problem(problem_id: str, problems: Iterable[StrPath] = (), *, here: bool = True) -> Path:
    """The first problem file with this id: by file name, else by its `id:` line
    (``here=False``: not from the current folder, as in grading mode)."""
    files = problem_files(search_path(problems, here=here))
    for file in files:
        if file.stem == problem_id:
            return file
    for file in files:
        if _declared_id(file) == problem_id:
            return file
    raise GradquizError(f"no exercise or quiz with id '{problem_id}' (see `gradquiz list`)")


def header_student(source: str) -> str | None:
    """The student id of a ``# gradquiz: ID student=S`` line in the first lines, if any."""
    for line in source.splitlines()[:10]:
        match = STUDENT_HEADER.match(line)
        if match:
            return match.group(1)
    return None


def known_ids(problems: Iterable[StrPath] = ()) -> list[str]:
    """The ids of every problem on the search path (file stems and `id:` lines)."""
    ids: list[str] = []
    for file in problem_files(search_path(problems)):
        for name in (file.stem, _declared_id(file)):
            if name and name not in ids:
                ids.append(name)
    return ids


def suggest(name: str, ids: Iterable[str]) -> str | None:
    """The id a misnamed file most likely means: ``exercise1 (1)``, ``Exercise1``, ``exercise1-2`` -> ``exercise1``."""
    if name in ids:
        return None
    candidates = [name]
    while True:
        shorter = COPY_SUFFIX.sub("", candidates[-1]).strip()
        if shorter == candidates[-1] or not shorter:
            break
        candidates.append(shorter)
    folded = {i.casefold(): i for i in ids}
    for candidate in candidates:
        if candidate.casefold() in folded:
            return folded[candidate.casefold()]
    import difflib

    close = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.8)
    return folded[close[0]] if close else None


def _declared_id(file: Path) -> str | None:
    """The file's top-level ``id``: a fast look for an ``id:`` line, else the YAML loader
    (a file written in YAML's JSON syntax, ``{"id": "q", ...}``, has no such line)."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for line in text.splitlines():
        match = re.match(r"^id:\s*['\"]?([^'\"#\s]+)", line)
        if match:
            return match.group(1)
    try:
        import yaml

        data: object = yaml.safe_load(text)
    except Exception:  # an unreadable file declares nothing; `validate` reports it
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def header_id(source: str) -> str | None:
    """The id a ``# gradquiz: ID`` line in the first lines names, if any."""
    for line in source.splitlines()[:10]:
        match = HEADER.match(line)
        if match:
            return match.group(1)
    return None
