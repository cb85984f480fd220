"""The compiled form of an exercise: everything grading needs, as JSON data, graded without SymPy.

``dump(exercise)`` turns a loaded exercise (``problem.load_exercise``, SymPy) into plain data;
``validate(data)`` checks such data field by field and program by program (pure Python, before
NumPy is imported), and ``restore(data, path, student)`` rebuilds an exercise that grades like
the original: each task's ``f`` and reference are programs of
``grader.maths.program`` (data run by a small interpreter, never code), beside its check-point
plan (bounds, sample count; the points are drawn per run, grading mode's secret ones too),
fixed points, shape, tolerances and feedback texts. What only a wrong answer needs (the other
quantities a student may have returned, the buggy differentiator's slips) is compiled the first
time a wrong answer needs it (``mistakes``) and stored with the rest. Anything asking for the
SymPy expressions themselves (``task.f``, a picture) compiles the problem with SymPy, once.

Each kind names its compiled form (``Kind.compiled``); ``FORMS`` maps a form to a ``Form``: how a
loaded task becomes data (``dump``), how that data is validated (``check``, pure Python) and the
class of the restored task (``task``, built from the validated data and its exercise, kept as its
``owner``). The forms are ``expressions`` and ``arrays`` (a gradient or function task over array
parameters and data; ``grader.exercise.compiled_formulas``) and ``methods`` (the methods' kinds;
``grader.exercise.compiled_methods``). A kind added later plugs in with
``FORMS["name"] = Form(...)`` and ``Kind(..., compiled="name")``; a kind without one is not
compiled: its exercises are loaded with SymPy every time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from grader.exercise.compiled_formulas import (  # noqa: F401  (compiled.EntryError & co. as before)
    ArrayTask,
    CompiledTask,
    EntryError,
    Form,
    TaskSpec,
    _fields,
    check_arrays,
    check_expressions,
    compile_mistakes,
    dump_arrays,
    dump_expressions,
)
from grader.exercise.compiled_methods import CompiledMethodTask, check_methods, dump_methods
from grader.exercise.kinds import KINDS
from grader.maths import ProgramError

MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")  # as api._names keeps them


@dataclass(frozen=True)
class ExerciseSpec:
    id: str
    title: str
    intro: str
    hidden_checks: int


@dataclass
class CompiledExercise:
    """An exercise restored from its compiled form: the attributes of ``problem.Exercise``
    that grading, reports and the notes use."""

    spec: ExerciseSpec
    path: Path
    data: dict
    student: str = ""
    params: dict = field(default_factory=dict)
    forbid: list = field(default_factory=list)
    allow: list = field(default_factory=list)
    on_change: Callable | None = None  # called when a task stores what it compiled later
    tasks: tuple = ()

    def __post_init__(self):
        if not self.tasks or self.tasks[0].owner is not self:  # made or copied (dataclasses.replace)
            self.tasks = tuple(FORMS[t["form"]].task(t, self) for t in self.data["tasks"])

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def intro(self) -> str:
        return self.spec.intro

    @property
    def variant(self) -> str:
        return self.data["exercise"]["variant"]

    @cached_property
    def full(self):
        from grader.exercise.problem import load_exercise

        return load_exercise(self.path, self.student or None)

    def changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self)


# ---------------------------------------------------------------------------------- dumping
def form_of(task: Any) -> str | None:
    """The compiled form of a loaded task: ``arrays`` over array parameters, else its kind's."""
    return "arrays" if getattr(task, "arrays", ()) else task.kind.compiled


def compilable(exercise: Any) -> bool:
    """Every task has a compiled form."""
    return all(form_of(task) in FORMS for task in exercise.tasks)


def dump(exercise: Any, forbid: list, allow: list) -> dict | None:
    """The compiled form of a loaded exercise, as JSON-ready data; None when a task's kind has no
    compiled form or an expression has no program (the exercise then keeps SymPy)."""
    from grader.problems import describe, show_value

    if not compilable(exercise):
        return None
    spec = exercise.spec
    try:
        tasks = [_dump_task(task, exercise) for task in exercise.tasks]
    except ProgramError:
        return None
    return {
        "exercise": {
            "id": spec.id, "title": exercise.title, "intro": exercise.intro, "hidden_checks": spec.hidden_checks,
            "forbid": list(forbid), "allow": list(allow), "per_student": bool(spec.params),
            "params": {str(k): show_value(v) for k, v in exercise.params.items()},
            "variant": describe(exercise.params) if exercise.params else "",
        },
        "tasks": tasks,
    }


def _dump_task(task: Any, exercise: Any) -> dict:
    s, form = task.spec, form_of(task)
    data = {
        "spec": {"id": s.id, "kind": s.kind, "function": s.function, "visibility": s.visibility,
                 "points": float(s.points), "samples": int(s.samples), "timeout": float(s.timeout),
                 "rtol": float(s.rtol), "atol": float(s.atol), "partial": bool(s.partial)},
        "variables": list(task.variables), "line": task.line, "hint": task.hint, "form": form,
    }
    data.update(FORMS[str(form)].dump(task, exercise))
    return data


# ---------------------------------------------------------------------------------- restoring
def validate(data) -> None:
    """Raise EntryError unless ``data`` is what ``dump`` writes: every field of its type and
    size, every program well formed. Pure Python: run before NumPy is imported."""
    try:
        top = _fields(data, {"exercise": dict, "tasks": list})
        ex = _fields(top["exercise"], {"id": str, "title": str, "intro": str, "hidden_checks": int, "forbid": list,
                                       "allow": list, "per_student": bool, "params": dict, "variant": str})
        if not all(isinstance(m, str) and MODULE.fullmatch(m) for m in ex["forbid"] + ex["allow"]):
            raise EntryError("forbid/allow")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in ex["params"].items()):
            raise EntryError("params")
        if not top["tasks"] or len(top["tasks"]) > 200:
            raise EntryError("tasks")
        for task in top["tasks"]:
            _check_task(task)
    except EntryError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, RecursionError) as exc:
        raise EntryError(f"malformed: {type(exc).__name__}") from None


def restore(data: dict, path: Path, student: str) -> CompiledExercise:
    """The exercise of compiled ``data`` (validated by ``validate``)."""
    ex = data["exercise"]
    spec = ExerciseSpec(ex["id"], ex["title"], ex["intro"], ex["hidden_checks"])
    return CompiledExercise(spec, Path(path), data, student, dict(ex["params"]), list(ex["forbid"]), list(ex["allow"]))


OPTIONAL_INT = (int, type(None))
OPTIONAL_STR = (str, type(None))
NUMBER = float


def _check_task(task: Any) -> None:
    """The keys every form has, then the form's own (``Form.check``)."""
    _fields(task, {"spec": dict, "variables": list, "line": OPTIONAL_INT, "hint": OPTIONAL_STR, "form": str})
    spec = _fields(task["spec"], {"id": str, "kind": str, "function": str, "visibility": str, "points": NUMBER,
                                  "samples": int, "timeout": NUMBER, "rtol": NUMBER, "atol": NUMBER, "partial": bool})
    if set(spec) != set(TaskSpec.__dataclass_fields__) or spec["kind"] not in KINDS:
        raise EntryError("task spec")
    if not all(isinstance(v, str) for v in task["variables"]):
        raise EntryError("variables")
    form, kind = FORMS.get(task["form"]), KINDS[spec["kind"]]
    if form is None or (task["form"] != kind.compiled and kind.name not in form.kinds):
        raise EntryError("form")
    form.check(task)


FORMS: dict[str, Form] = {
    "expressions": Form(dump_expressions, check_expressions, CompiledTask),
    "arrays": Form(dump_arrays, check_arrays, ArrayTask, kinds=("gradient", "function")),
    "methods": Form(dump_methods, check_methods, CompiledMethodTask),
}
