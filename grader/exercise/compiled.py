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
``owner``). A kind added later plugs in with ``FORMS["name"] = Form(...)`` and
``Kind(..., compiled="name")``; a kind without one is not compiled: its exercises are loaded with
SymPy every time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from grader.exercise.kinds import KINDS
from grader.maths import ProgramError, compile_expression, run_rows
from grader.maths import check as check_program

if TYPE_CHECKING:
    import numpy as np

CALLS = ("scalars", "vector")
MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")  # as api._names keeps them


class EntryError(ValueError):
    """Compiled data that is not what ``dump`` writes: the entry is ignored and rebuilt."""


@dataclass(frozen=True)
class TaskSpec:
    """The keys of a task's spec grading reads (``schema.Task`` has them all)."""

    id: str
    kind: str
    function: str
    visibility: str
    points: float
    samples: int
    timeout: float
    rtol: float
    atol: float
    partial: bool


@dataclass(frozen=True)
class ExerciseSpec:
    id: str
    title: str
    intro: str
    hidden_checks: int


class CompiledTask:
    """A task of a compiled exercise: the attributes of ``problem.Task`` that grading uses."""

    def __init__(self, data: dict, owner: CompiledExercise):
        import numpy as np

        self.data, self.owner = data, owner
        self.spec = TaskSpec(**data["spec"])
        self.kind = KINDS[self.spec.kind]
        self.variables = tuple(data["variables"])
        self.outputs, self.wrt, self.call = data["outputs"], data["wrt"], data["call"]
        self.line, self.hint = data["line"], data["hint"]
        self.arrays = ()  # array parameters (and their data) keep SymPy: never in a compiled task
        self.bounds = np.array(data["bounds"], dtype=float).reshape(len(self.variables), 2)
        self.at = np.array(data["at"], dtype=float).reshape(len(data["at"]), len(self.variables))

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def shape(self) -> tuple[int, ...]:
        return self.kind.shape(self.outputs, len(self.variables))

    def f_rows(self, x: np.ndarray) -> np.ndarray:
        """X (k, n), a point per row -> f at each point (k, m), as ``problem.Task.f_rows``."""
        return _rows(self.data["f"], x, (self.outputs,))

    def reference_rows(self, x: np.ndarray) -> np.ndarray:
        return _rows(self.data["reference"], x, self.shape)

    def f_numeric(self, x) -> np.ndarray:
        return self.f_rows(_one_row(x))[0]

    def reference_numeric(self, x) -> np.ndarray:
        return self.reference_rows(_one_row(x))[0]

    @property
    def full(self):
        """The same task compiled with SymPy (for what needs the expressions themselves)."""
        return self.owner.full.tasks[self.owner.tasks.index(self)]

    @property
    def f(self):
        return self.full.f

    @property
    def reference(self):
        return self.full.reference

    @property
    def symbols(self):
        return self.full.symbols

    def mistakes(self) -> dict | None:
        """{"alternatives": [[note, sentence, program]], "slips": [[note, sentence, up_to_constant,
        [program per entry]]]}, compiled (with SymPy) and stored the first time; None when one of
        them has no program (feedback then works them out with SymPy)."""
        if "mistakes" not in self.data:
            self.data["mistakes"] = compile_mistakes(self.full)
            self.owner.changed()
        return self.data["mistakes"]


def _one_row(x) -> np.ndarray:
    import numpy as np

    return np.asarray(x, dtype=float).reshape(1, -1)


def _rows(programs: list, x: np.ndarray, shape: tuple) -> np.ndarray:
    return run_rows(programs, x, shape)


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
def compilable(exercise) -> bool:
    """Every task's kind has a compiled form (and no task has array parameters or data: those
    keep SymPy for now)."""
    return all(task.kind.compiled in FORMS and not getattr(task, "arrays", ()) and not getattr(task, "data", ())
               for task in exercise.tasks)


def dump(exercise, forbid: list, allow: list) -> dict | None:
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


def _dump_task(task, exercise) -> dict:
    s = task.spec
    data = {
        "spec": {"id": s.id, "kind": s.kind, "function": s.function, "visibility": s.visibility,
                 "points": float(s.points), "samples": int(s.samples), "timeout": float(s.timeout),
                 "rtol": float(s.rtol), "atol": float(s.atol), "partial": bool(s.partial)},
        "variables": list(task.variables), "outputs": int(task.f.rows), "wrt": int(task.wrt),
        "bounds": task.bounds.tolist(), "at": task.at.tolist(), "call": task.call, "line": task.line,
        "hint": task.hint, "form": task.kind.compiled,
    }
    data.update(FORMS[task.kind.compiled].dump(task, exercise))
    return data


def _dump_expressions(task, exercise) -> dict:
    """f and the reference as programs, trusted only where they give lambdify's values, bit for
    bit, at the task's points (ProgramError otherwise: the exercise keeps SymPy)."""
    import numpy as np

    from grader.maths import sample_points

    f = [compile_expression(task.variables, e) for e in task.f]
    reference = [compile_expression(task.variables, e) for row in task.reference.tolist() for e in row]
    x = np.vstack([task.at, sample_points(task.bounds, task.spec.samples, exercise.id, task.id, exercise.student)])
    with np.errstate(all="ignore"):
        try:
            same = all(np.array_equal(a, b, equal_nan=True) for a, b in (
                (task.f_rows(x), _rows(f, x, (task.f.rows,))), (task.reference_rows(x), _rows(reference, x, task.shape))))
        except (ArithmeticError, ValueError, TypeError):
            same = False
    if not same:
        raise ProgramError("the programs' values differ from lambdify's")
    return {"f": f, "reference": reference}


def compile_mistakes(task) -> dict | None:
    """The programs of what ``feedback.diagnose`` compares a wrong answer with (SymPy task)."""
    from grader.exercise import feedback

    try:
        alternatives = [[note, sentence, compile_expression(task.variables, expr)]
                        for note, sentence, expr in feedback.alternative_expressions(task)]
        slips = [[slip.note, slip.sentence, bool(slip.up_to_constant), _entries(task.variables, slip.expr)]
                 for slip in feedback.slips_of(task)]
    except ProgramError:
        return None
    return {"alternatives": alternatives, "slips": slips}


def _entries(variables, expr) -> list:
    rows = expr.tolist() if hasattr(expr, "tolist") else [[expr]]
    return [compile_expression(variables, e) for row in rows for e in row]


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


def _fields(value, types: dict) -> dict:
    if not isinstance(value, dict):
        raise EntryError("not an object")
    for key, kind in types.items():
        item = value.get(key)
        ok = isinstance(item, kind) and not (kind in (int, float) and isinstance(item, bool))
        if kind is float:
            ok = _finite(item)
        if not ok:
            raise EntryError(f"field {key}")
    return value


NUMBER = float
OPTIONAL_INT = (int, type(None))
OPTIONAL_STR = (str, type(None))


def _check_task(task) -> None:
    _fields(task, {"spec": dict, "variables": list, "outputs": int, "wrt": int, "bounds": list, "at": list,
                   "call": str, "line": OPTIONAL_INT, "hint": OPTIONAL_STR})
    spec = _fields(task["spec"], {"id": str, "kind": str, "function": str, "visibility": str, "points": NUMBER,
                                  "samples": int, "timeout": NUMBER, "rtol": NUMBER, "atol": NUMBER, "partial": bool})
    if set(spec) != set(TaskSpec.__dataclass_fields__) or spec["kind"] not in KINDS or task["call"] not in CALLS:
        raise EntryError("task spec")
    kind = KINDS[spec["kind"]]
    n, m = len(task["variables"]), task["outputs"]
    if not 1 <= n <= 50 or not 1 <= m <= 50 or not all(isinstance(v, str) for v in task["variables"]):
        raise EntryError("variables")
    if not 0 <= task["wrt"] < n or not 0 <= spec["samples"] <= 100_000 or len(task["at"]) > 10_000:
        raise EntryError("sizes")
    for rows, width in ((task["bounds"], 2), (task["at"], n)):
        for row in rows:
            if not isinstance(row, list) or len(row) != width or not all(_finite(v) for v in row):
                raise EntryError("numbers")
    if len(task["bounds"]) != n or not all(lo < hi for lo, hi in task["bounds"]):
        raise EntryError("bounds")
    if task.get("form") != kind.compiled or kind.compiled not in FORMS:
        raise EntryError("form")
    FORMS[kind.compiled].check(task, n, m, kind.shape(m, n))


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_expressions(task: dict, n: int, m: int, shape: tuple) -> None:
    size = math.prod(shape)
    if not isinstance(task.get("f"), list) or len(task["f"]) != m:
        raise EntryError("f")
    if not isinstance(task.get("reference"), list) or len(task["reference"]) != size:
        raise EntryError("reference")
    _programs(task["f"] + task["reference"], n)
    if "mistakes" in task and task["mistakes"] is not None:
        found = _fields(task["mistakes"], {"alternatives": list, "slips": list})
        for item in found["alternatives"]:
            if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str) and isinstance(item[1], str)):
                raise EntryError("alternatives")
            _programs([item[2]], n)
        for item in found["slips"]:
            if not (isinstance(item, list) and len(item) == 4 and isinstance(item[0], str) and isinstance(item[1], str)
                    and isinstance(item[2], bool) and isinstance(item[3], list)):
                raise EntryError("slips")
            _programs(item[3], n)


def _programs(programs: list, n: int) -> None:
    for p in programs:
        try:
            check_program(p, n)
        except ProgramError as exc:
            raise EntryError(f"program: {exc}") from None


class Form(NamedTuple):
    dump: Callable  # (loaded task, exercise) -> the form's own keys of the task's data
    check: Callable  # (task data, n variables, m outputs, answer shape) -> None, or EntryError
    task: Callable  # (validated task data, CompiledExercise) -> a task grading can use


FORMS: dict[str, Form] = {"expressions": Form(_dump_expressions, _check_expressions, CompiledTask)}

