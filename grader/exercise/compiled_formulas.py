"""The compiled forms of the formula tasks: ``expressions`` and ``arrays`` (``compiled.FORMS``).

A form turns a loaded (SymPy) task into JSON data (``dump``), checks such data in pure Python
(``check``: run on every cache read, before NumPy is imported) and rebuilds from it a task that
grades like the original (``task``), with the same values bit for bit: ``f`` and the reference
are programs of ``grader.maths.program`` (data, never code), trusted only where they give
lambdify's values at the task's points. Here also what every form shares: the task's spec
(``TaskSpec``), ``EntryError`` and the field checks.

* ``expressions``: a task over scalar variables (function, derivative, ..., jacobian).
* ``arrays``: a ``gradient`` or ``function`` task over array parameters and data (spec section
  6): the same programs over the parameters' entries (``W[0, 1]``...), plus the parameters'
  shapes, the data arrays (numbers) and the formula's text; what a wrong softmax gradient is
  compared with (its gradient without the one-hot term) is compiled the first time a wrong
  answer needs it and stored with the rest, as the expressions' mistakes are.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from grader.exercise.kinds import KINDS
from grader.maths import ProgramError, compile_expression, compile_function, function, run_rows, values
from grader.maths import check as check_program

if TYPE_CHECKING:
    import numpy as np

CALLS = ("scalars", "vector")
ARRAY_KINDS = ("gradient", "function")  # as arraytasks.ARRAY_KINDS
MAX_ENTRIES, MAX_DATA = 64, 2000  # as grader.maths.arrays: parameter entries, data numbers
NAME = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"


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
class ArraySpec(TaskSpec):
    """An array task's spec: also its formula ``f`` (feedback and the slips read it)."""

    f: str = ""


class Form(NamedTuple):
    dump: Callable[..., Any]  # (loaded task, exercise) -> the form's own keys of the task's data
    check: Callable[..., Any]  # (task data) -> None, or EntryError (the keys every form has are checked already)
    task: Callable[..., Any]  # (validated task data, CompiledExercise) -> a task grading can use
    kinds: tuple[str, ...] = ()  # kinds it serves beside those whose ``Kind.compiled`` names it


class CompiledTask:
    """A task of a compiled exercise: the attributes of ``problem.Task`` that grading uses."""

    def __init__(self, data: dict[str, Any], owner: Any):
        import numpy as np

        self.entry, self.owner = data, owner  # the task's data in the entry (``data`` is problem.Task's)
        self.spec = TaskSpec(**data["spec"])
        self.kind = KINDS[self.spec.kind]
        self.variables = tuple(data["variables"])
        self.outputs, self.wrt, self.call = data["outputs"], data["wrt"], data["call"]
        self.line, self.hint = data["line"], data["hint"]
        self.arrays: tuple[Any, ...] = ()
        self.data: tuple[Any, ...] = ()  # array tasks: ((name, array), ...), passed after the parameters
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
        found: np.ndarray = run_rows(self._functions("f"), x, (self.outputs,))
        return found

    def reference_rows(self, x: np.ndarray) -> np.ndarray:
        found: np.ndarray = run_rows(self._functions("reference"), x, self.shape)
        return found

    def _functions(self, key: str) -> list[Any]:
        """The programs of ``f`` or the reference as ``program.function``s, made on first use."""
        made: dict[str, list[Any]] = self.__dict__.setdefault("_made", {})
        if key not in made:
            made[key] = [function(p) for p in self.entry[key]]
        return made[key]

    def f_numeric(self, x: Any) -> np.ndarray:
        found: np.ndarray = self.f_rows(_one_row(x))[0]
        return found

    def reference_numeric(self, x: Any) -> np.ndarray:
        found: np.ndarray = self.reference_rows(_one_row(x))[0]
        return found

    @property
    def full(self) -> Any:
        """The same task compiled with SymPy (for what needs the expressions themselves)."""
        return self.owner.full.tasks[self.owner.tasks.index(self)]

    @property
    def f(self) -> Any:
        return self.full.f

    @property
    def reference(self) -> Any:
        return self.full.reference

    @property
    def symbols(self) -> Any:
        return self.full.symbols

    def mistakes(self) -> dict[str, Any] | None:
        """{"alternatives": [[note, sentence, program]], "slips": [[note, sentence, up_to_constant,
        [program per entry]]]}, compiled (with SymPy) and stored the first time; None when one of
        them has no program (feedback then works them out with SymPy)."""
        if "mistakes" not in self.entry:
            self.entry["mistakes"] = compile_mistakes(self.full)
            self.owner.changed()
        found: dict[str, Any] | None = self.entry["mistakes"]
        return found


def _one_row(x: Any) -> np.ndarray:
    import numpy as np

    return np.asarray(x, dtype=float).reshape(1, -1)


# ---------------------------------------------------------------------------- expressions
def dump_expressions(task: Any, exercise: Any) -> dict[str, Any]:
    """f and the reference as programs, trusted only where they give lambdify's values, bit for
    bit, at the task's points (ProgramError otherwise: the exercise keeps SymPy)."""
    f = [compile_expression(task.variables, e) for e in task.f]
    reference = [compile_expression(task.variables, e) for row in task.reference.tolist() for e in row]
    return _formula_keys(task, exercise, f, reference)


def _formula_keys(task: Any, exercise: Any, f: list[Any], reference: list[Any]) -> dict[str, Any]:
    import numpy as np

    from grader.maths import sample_points

    x = np.vstack([task.at, sample_points(task.bounds, task.spec.samples, exercise.id, task.id, exercise.student)])
    with np.errstate(all="ignore"):
        try:
            same = all(np.array_equal(a, b, equal_nan=True) for a, b in (
                (task.f_rows(x), run_rows(f, x, (task.f.rows,))),
                (task.reference_rows(x), run_rows(reference, x, task.shape))))
        except (ArithmeticError, ValueError, TypeError):
            same = False
    if not same:
        raise ProgramError("the programs' values differ from lambdify's")
    return {"outputs": int(task.f.rows), "wrt": int(task.wrt), "bounds": task.bounds.tolist(), "at": task.at.tolist(),
            "call": task.call, "f": f, "reference": reference}


def compile_mistakes(task: Any) -> dict[str, Any] | None:
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


def _entries(variables: Any, expr: Any) -> list[Any]:
    rows = expr.tolist() if hasattr(expr, "tolist") else [[expr]]
    return [compile_expression(variables, e) for row in rows for e in row]


def check_expressions(task: dict[str, Any], calls: tuple[str, ...] = CALLS, most: int = 50) -> None:
    """The keys of a formula task over n variables with m outputs."""
    _fields(task, {"outputs": int, "wrt": int, "bounds": list, "at": list, "call": str})
    n, m = len(task["variables"]), task["outputs"]
    if not 1 <= n <= most or not 1 <= m <= 50 or task["call"] not in calls:
        raise EntryError("variables")
    if not 0 <= task["wrt"] < n or not 0 <= task["spec"]["samples"] <= 100_000 or len(task["at"]) > 10_000:
        raise EntryError("sizes")
    for rows, width in ((task["bounds"], 2), (task["at"], n)):
        for row in rows:
            if not isinstance(row, list) or len(row) != width or not all(finite(v) for v in row):
                raise EntryError("numbers")
    if len(task["bounds"]) != n or not all(lo < hi for lo, hi in task["bounds"]):
        raise EntryError("bounds")
    size = math.prod(KINDS[task["spec"]["kind"]].shape(m, n))
    if not isinstance(task.get("f"), list) or len(task["f"]) != m:
        raise EntryError("f")
    if not isinstance(task.get("reference"), list) or len(task["reference"]) != size:
        raise EntryError("reference")
    programs(task["f"] + task["reference"], n)
    if "mistakes" in task and task["mistakes"] is not None and calls == CALLS:
        found = _fields(task["mistakes"], {"alternatives": list, "slips": list})
        for item in found["alternatives"]:
            if not (isinstance(item, list) and len(item) == 3 and all(isinstance(t, str) for t in item[:2])):
                raise EntryError("alternatives")
            programs([item[2]], n)
        for item in found["slips"]:
            if not (isinstance(item, list) and len(item) == 4 and isinstance(item[0], str) and isinstance(item[1], str)
                    and isinstance(item[2], bool) and isinstance(item[3], list)):
                raise EntryError("slips")
            programs(item[3], n)


# ---------------------------------------------------------------------------------- arrays
class ArrayTask(CompiledTask):
    """A compiled task over array parameters: the attributes ``problem.Task`` has for them too."""

    def __init__(self, data: dict[str, Any], owner: Any):
        import numpy as np

        super().__init__(data, owner)
        self.spec = ArraySpec(**data["spec"], f=data["formula"])
        self.arrays = tuple((name, tuple(shape)) for name, shape in data["arrays"])
        self.data = tuple((name, np.array(values, dtype=float).reshape(shape)) for name, shape, values in data["data"])

    @property
    def arguments(self) -> str:
        """The student's function's arguments: the parameters, then the data."""
        return ", ".join([n for n, _ in self.arrays] + [n for n, _ in self.data])

    def without_onehot_rows(self, x: np.ndarray) -> np.ndarray | None:
        """f's gradient without its one-hot term at the rows of x (``arraycalls.diagnose``),
        compiled (with SymPy) and stored the first time; None when it has no program."""
        if "mistakes" not in self.entry:
            from grader.exercise import arraytasks

            function = arraytasks.without_onehot_function(self.full)
            try:
                made = None if function is None else compile_function(function, len(self.variables))
            except ProgramError:
                made = None
            self.entry["mistakes"] = {"without_onehot": made}
            self.owner.changed()
        found = self.entry["mistakes"]["without_onehot"]
        rows: np.ndarray | None = None if found is None else values(found, x, len(found))
        return rows


def dump_arrays(task: Any, exercise: Any) -> dict[str, Any]:
    """The programs over the parameters' entries (from lambdify's own text: the entries' names
    are not Python names), the parameters' shapes, the data and the formula."""
    from grader.maths import lambdify as untyped

    lambdify: Callable[..., Any] = untyped
    n = len(task.variables)
    f = compile_function(lambdify(task.symbols, list(task.f)), n)
    reference = compile_function(lambdify(task.symbols, task.reference.tolist()), n)
    keys = _formula_keys(task, exercise, f, reference)
    keys.update(arrays=[[name, list(shape)] for name, shape in task.arrays], formula=str(task.spec.f),
                data=[[name, list(value.shape), [float(v) for v in value.ravel()]] for name, value in task.data])
    return keys


def check_arrays(task: dict[str, Any]) -> None:
    _fields(task, {"arrays": list, "data": list, "formula": str})
    if task["spec"]["kind"] not in ARRAY_KINDS or len(task["formula"]) > 10_000:
        raise EntryError("array task")
    check_expressions(task, ("args",), MAX_ENTRIES)
    entries, numbers = [], 0
    for item in task["arrays"]:
        name, shape = _named_shape(item, 2)
        entries += [f"{name}[{', '.join(map(str, i))}]" if i else name
                    for i in itertools.product(*(range(s) for s in shape))]
    if entries != task["variables"] or task["at"]:
        raise EntryError("parameters")
    for item in task["data"]:
        _, shape = _named_shape(item, 3)
        if not isinstance(item[2], list) or len(item[2]) != math.prod(shape) or not all(finite(v) for v in item[2]):
            raise EntryError("data")
        numbers += len(item[2])
    if numbers > MAX_DATA or len({item[0] for item in task["arrays"] + task["data"]}) != len(task["arrays"] +
                                                                                         task["data"]):
        raise EntryError("data")
    mistakes = task.get("mistakes")
    if mistakes is not None:
        found = _fields(mistakes, {"without_onehot": (list, type(None))})["without_onehot"]
        if found is not None:
            if len(found) != len(entries):
                raise EntryError("without_onehot")
            programs(found, len(entries))


def _named_shape(item: Any, size: int) -> tuple[str, list[int]]:
    """A parameter's [name, shape] (or a data array's [name, shape, values])."""
    if not isinstance(item, list) or len(item) != size or not isinstance(item[0], str) or not isinstance(item[1], list):
        raise EntryError("array")
    name, shape = item[0], item[1]
    if not name or not name.isidentifier() or len(shape) > 8 or not all(
            type(s) is int and 1 <= s <= MAX_DATA for s in shape):
        raise EntryError("array")
    return name, shape


# ---------------------------------------------------------------------------------- checks
def _fields(value: Any, types: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise EntryError("not an object")
    for key, kind in types.items():
        item = value.get(key)
        ok = isinstance(item, kind) and not (kind in (int, float) and isinstance(item, bool))
        if kind is float:
            ok = finite(item)
        if not ok:
            raise EntryError(f"field {key}")
    return value


def finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def programs(found: list[Any], n: int) -> None:
    for p in found:
        try:
            check_program(p, n)
        except ProgramError as exc:
            raise EntryError(f"program: {exc}") from None
