"""Exercises from the cache of compiled problems (``grader.exercise.cache``, ``GRADQUIZ_CACHE``),
as ``ExerciseSource``s of the seam.

``exercise_source`` is what ``check``, a notebook and ``grade``'s workers ask for: a valid entry
(read and validated in pure Python, so the child starts before this process imports NumPy, and
never imports SymPy) as a ``CachedExercise``, else the file as a ``CachingFile``, compiled with
SymPy once the child has started, graded in its compiled form and stored (with what a wrong
answer compiles later). Without a cache (``GRADQUIZ_CACHE=off``; grading mode without
``GRADQUIZ_SECRET``) it is the plain ``ExerciseFile``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.exercise import Lookup, compiled_form, store
from grader.pipeline.exercise import CompiledExercise, ExerciseFile, read_exercise
from grader.problems import choose_student


def exercise_source(problem_path: Path | str, filename: str, student: str | None = None, grading: bool = False,
                    source: str = "") -> Any:
    """The exercise a submission is graded against: cached, to be cached, or the file alone.
    ``student`` and ``source`` pick the variant as ``grade_exercise`` will (``choose_student``)."""
    chosen, _ = choose_student(student, source, grading)
    lookup = Lookup(Path(problem_path), chosen, grading)
    body = lookup.read()
    if body is not None and grading and body["exercise"]["per_student"] and not (
            student or os.environ.get("GRADQUIZ_STUDENT")):
        body = None  # read_exercise refuses it, with its message
    if body is not None:
        return CachedExercise(lookup, body)
    problem = read_exercise(problem_path, filename, student, grading)
    return CachingFile(problem, lookup) if lookup.usable else problem


@dataclass(frozen=True, eq=False)
class CachedExercise:
    """A valid cache entry: forbid and allow known before the child starts, compiled by
    restoring the entry (no YAML, no SymPy)."""

    lookup: Lookup
    body: dict

    @property
    def forbid(self) -> tuple[str, ...]:
        return tuple(self.body["exercise"]["forbid"])

    @property
    def allow(self) -> tuple[str, ...]:
        return tuple(self.body["exercise"]["allow"])

    @property
    def per_student(self) -> bool:
        return bool(self.body["exercise"]["per_student"])

    def compile(self, student: str | None) -> CompiledExercise:
        student = student or ""
        if self.per_student and student != self.lookup.student:  # another variant: from the file
            return read_exercise(self.lookup.path, str(self.lookup.path), student).compile(student)
        return CompiledExercise(self.lookup.restore(self.body, student), self.forbid, self.allow)


@dataclass(frozen=True, eq=False)
class CachingFile:
    """An exercise file not in the cache yet: compiled with SymPy, graded in its compiled form,
    stored."""

    file: ExerciseFile
    lookup: Lookup

    @property
    def forbid(self) -> tuple[str, ...]:
        return self.file.forbid

    @property
    def allow(self) -> tuple[str, ...]:
        return self.file.allow

    @property
    def per_student(self) -> bool:
        return self.file.per_student

    def compile(self, student: str | None) -> CompiledExercise:
        loaded = self.file.compile(student)
        if (student or "") != self.lookup.student:  # not the variant the entry is keyed by
            return loaded
        exercise = compiled_form(self.lookup, loaded.exercise, list(self.forbid), list(self.allow))
        store(self.lookup, exercise)
        return CompiledExercise(exercise, self.forbid, self.allow)
