"""Load an exercise file into ready-to-grade tasks (SymPy references, numeric callables).

This is the compiling path (SymPy); a compiled exercise (``grader.exercise.cache``) is graded
without it.

Schema errors come from ``grader.exercise.schema``; this module adds the checks a schema cannot
make (formulas parse, variables agree, shapes fit, domains are intervals) and names
the file, line and key path in each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import sympy

from grader.exercise import schema
from grader.exercise.kinds import KINDS, METHODS, Kind
from grader.maths import lambdify, symbol
from grader.maths import rows as _rows
from grader.problems import Where, describe, fill, formula, load_yaml, number, params_for, student_id, unique

PARTIAL_KINDS = ("gradient", "hessian", "jacobian")
METHOD_KEYS = ("functions", "h", "order", "uses", "start", "lr", "steps")


@dataclass(frozen=True)
class Task:
    spec: schema.Task
    kind: Kind
    variables: tuple[str, ...]
    f: sympy.Matrix  # m x 1
    reference: sympy.Matrix  # the expected answer; 1 x 1 for scalar kinds
    wrt: int
    bounds: np.ndarray  # n x 2
    at: np.ndarray  # k x n
    call: str
    line: int | None
    hint: str | None = None  # the spec's hint with {param} placeholders filled in
    arrays: tuple = ()  # array parameters: ((name, shape), ...); variables are then their entries
    data: tuple = ()  # ((name, array), ...): passed after the parameters

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def shape(self) -> tuple[int, ...]:
        return self.kind.shape(self.f.rows, len(self.variables))

    @property
    def outputs(self) -> int:
        """m, the number of expressions in f."""
        return self.f.rows

    @property
    def arguments(self) -> str:
        """The student's function's arguments over array parameters: the parameters, then the data."""
        return ", ".join([n for n, _ in self.arrays] + [n for n, _ in self.data])

    @cached_property
    def symbols(self):
        return [symbol(v) for v in self.variables]

    @cached_property
    def f_rows(self):
        """X (k, n), a point per row -> f at each point (k, m), float64, NaN where undefined."""
        lam = lambdify(self.symbols, list(self.f))
        return lambda x: _rows(lam(*x.T), len(x), (self.f.rows,))

    @cached_property
    def reference_rows(self):
        """X (k, n) -> the expected answer at each point, (k,) + the task's shape."""
        lam = lambdify(self.symbols, self.reference.tolist())
        return lambda x: _rows(lam(*x.T), len(x), self.shape)

    def f_numeric(self, x) -> np.ndarray:
        """x (n,) -> f(x) (m,)."""
        return self.f_rows(np.asarray(x, dtype=float).reshape(1, -1))[0]

    def reference_numeric(self, x) -> np.ndarray:
        """x (n,) -> the expected answer with the task's shape."""
        return self.reference_rows(np.asarray(x, dtype=float).reshape(1, -1))[0]


@dataclass(frozen=True)
class Exercise:
    spec: schema.Exercise
    path: Path
    tasks: tuple[Task, ...]
    params: dict = field(default_factory=dict)
    student: str = ""

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        """The title with {param} placeholders filled in (as quiz prompts are)."""
        return fill(self.spec.title, self.params)

    @property
    def intro(self) -> str:
        """The intro with {param} placeholders filled in (as quiz prompts are)."""
        return fill(self.spec.intro, self.params)

    @property
    def variant(self) -> str:
        """The variant's parameters for messages (``a=2, n=3``), '' without params."""
        return describe(self.params) if self.params else ""


def load_exercise(path: Path | str, student: str | None = None, data=None, positions=None, params=None) -> Exercise:
    """``params`` overrides the student's drawn variant (``validate`` checks each variant)."""
    path = Path(path)
    if data is None:
        data, positions = load_yaml(path)
    spec = schema.validate(schema.Exercise, data, positions, path)
    student = student_id(student)
    where = Where(path, positions)
    if params is None:
        params = params_for(spec, student, where.error)
    unique([t.id for t in spec.tasks], "tasks", "id", where)
    tasks = tuple(_task(t, i, params, where) for i, t in enumerate(spec.tasks))
    return Exercise(spec, path, tasks, params, student)


def task_errors(path: Path | str, spec: schema.Exercise, positions, params) -> list:
    """Every task's first compile error (GradquizError), task by task: ``validate`` goes on
    past a broken task to report the others."""
    from grader.errors import GradquizError

    where = Where(Path(path), positions)
    found = []
    try:
        unique([t.id for t in spec.tasks], "tasks", "id", where)
    except GradquizError as err:
        found.append(err)
    for i, t in enumerate(spec.tasks):
        try:
            _task(t, i, params, where)
        except GradquizError as err:
            found.append(err)
    return found


def compiled_tasks(path: Path | str, spec: schema.Exercise, positions, params) -> list[tuple[int, Task]]:
    """(index, Task) of each task that compiles: ``validate`` checks their maths while it reports
    the others' compile errors."""
    from grader.errors import GradquizError

    where = Where(Path(path), positions)
    out = []
    for i, t in enumerate(spec.tasks):
        try:
            out.append((i, _task(t, i, params, where)))
        except GradquizError:
            pass
    return out


def _task(spec: schema.Task, index: int, params, where) -> Task:
    loc = ("tasks", index)
    kind = KINDS[spec.kind]
    if kind.name in METHODS:
        from grader.exercise.methods import compile_task

        return compile_task(spec, index, kind, params, where)  # type: ignore[return-value]
    _classic_keys(spec, kind, loc, where)
    texts = spec.f if isinstance(spec.f, list) else [spec.f]
    if kind.vector_f and not isinstance(spec.f, list):
        where.error(loc + ("f",), "a jacobian needs f as a list of expressions, one per output")
    if not kind.vector_f and isinstance(spec.f, list):
        where.error(loc + ("f",), f"a {spec.kind} task needs one expression for f, not a list")
    if not texts:
        where.error(loc + ("f",), "f is empty")
    arrays = data = ()
    array_reference = None
    if isinstance(spec.variables, dict):  # array parameters over data: f expanded in their entries
        from grader.exercise.arraytasks import compile_arrays

        expanded, allowed, arrays, data, array_reference = compile_arrays(spec, kind, loc, params, where)
        exprs = [expanded]
    else:
        allowed = tuple(spec.variables) if spec.variables is not None else None
        exprs = [
            formula(t, loc + ("f",) + ((i,) if kind.vector_f else ()), where, symbols=allowed, constants=params)
            for i, t in enumerate(texts)
        ]
    variables = allowed or tuple(sorted({s.name for e in exprs for s in e.free_symbols}))
    if not variables:
        where.error(loc + ("f",), "f has no variables; add `variables: [x]`")
    if len(set(variables)) != len(variables):
        where.error(loc + ("variables",), "a variable is listed twice")
    if kind.one_variable and len(variables) != 1:
        where.error(loc + ("f",), f"a {spec.kind} task needs one variable, f has {', '.join(variables)}")
    if spec.partial and spec.kind not in PARTIAL_KINDS:
        where.error(
            loc + ("partial",),
            f"partial credit is for {', '.join(PARTIAL_KINDS)} tasks (points shared by component or entry), "
            f"not {spec.kind}: remove `partial`",
        )
    wrt = _wrt(spec, kind, variables, loc, where)
    f = sympy.Matrix(exprs)
    symbols = [symbol(v) for v in variables]
    if array_reference is not None:  # the author's gradient in the array vocabulary, entry by entry
        reference = sympy.Matrix(array_reference).reshape(len(array_reference), 1)
    else:
        reference = _reference(spec, kind, f, symbols, variables, wrt, params, loc, where)
    domain = spec.domain
    if arrays and isinstance(domain, dict):  # an interval per parameter bounds each of its entries
        from grader.exercise.arraytasks import entry_domains

        domain = entry_domains(domain, arrays, loc, where)
    bounds = _bounds(domain, variables, params, loc, where)
    at = _points(spec.at, len(variables), params, loc, where)
    call = "args" if arrays else spec.call or kind.default_call
    return Task(spec, kind, variables, f, reference, wrt, bounds, at, call, where.positions.line_of(loc),
                fill(spec.hint, params), arrays, data)


def _classic_keys(spec: schema.Task, kind: Kind, loc, where) -> None:
    """``f`` and ``domain`` are required (the methods' kinds do without them); the methods' keys are not for these."""
    for key in ("f", "domain"):
        if getattr(spec, key) is None:
            where.error(loc + (key,), f"missing required key '{key}'")
    for key in METHOD_KEYS:
        if key in spec.model_fields_set:
            where.error(loc + (key,), f"`{key}` is for the tasks of kind {', '.join(METHODS)}, not {kind.name}")


def _wrt(spec, kind, variables, loc, where) -> int:
    if not kind.needs_wrt:
        if spec.wrt is not None:
            where.error(loc + ("wrt",), f"wrt is only for partial tasks, not {spec.kind}")
        return 0
    if spec.wrt is None:
        where.error(loc, "missing required key 'wrt' (the variable to differentiate by)")
    if spec.wrt not in variables:
        where.error(loc + ("wrt",), f"wrt '{spec.wrt}' is not one of the variables {', '.join(variables)}")
    return variables.index(spec.wrt)


def _reference(spec, kind, f, symbols, variables, wrt, params, loc, where) -> sympy.Matrix:
    shape = kind.shape(f.rows, len(variables))
    if spec.reference is None:
        expected = kind.reference(f, symbols, wrt)
        # d/dx sign(x) is DiracDelta(x): 0 wherever the derivative exists (and NumPy cannot evaluate it)
        expected = expected.replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)
        return expected.reshape(*_matrix_shape(shape))
    rows = _nest(spec.reference, shape, loc + ("reference",), where)
    parsed = [
        [formula(t, loc + ("reference",), where, symbols=variables, constants=params) for t in row]
        for row in rows
    ]
    return sympy.Matrix(parsed).reshape(*_matrix_shape(shape))


def _matrix_shape(shape):
    return {0: (1, 1), 1: (shape[0], 1) if shape else (1, 1), 2: shape}[len(shape)]


def _nest(value, shape, loc, where):
    """The reference as rows of formulas, checked against the task's shape."""
    want = "x".join(map(str, shape)) or "one formula"
    if not shape:
        if isinstance(value, list):
            where.error(loc, f"expected one formula, got a list of {len(value)}")
        return [[value]]
    if len(shape) == 1:
        if not isinstance(value, list) or len(value) != shape[0] or any(isinstance(v, list) for v in value):
            where.error(loc, f"expected a list of {shape[0]} formulas (one per variable), got {_got(value)}")
        return [[v] for v in value]
    ok = isinstance(value, list) and len(value) == shape[0] and all(
        isinstance(r, list) and len(r) == shape[1] and not any(isinstance(v, list) for v in r) for r in value
    )
    if not ok:
        where.error(loc, f"expected a {want} list of lists of formulas ({shape[0]} rows of {shape[1]}), got {_got(value)}")
    return value


def _got(value) -> str:
    """What a reference is, for an error: 'a list of 3', '2 rows of 3, 2', or its text."""
    if not isinstance(value, list):
        return repr(value)
    if value and all(isinstance(v, list) for v in value):
        return f"{len(value)} row{'s' if len(value) != 1 else ''} of {', '.join(str(len(v)) for v in value)}"
    return f"a list of {len(value)}"


def _bounds(domain, variables, params, loc, where) -> np.ndarray:
    loc = loc + ("domain",)
    if isinstance(domain, dict):
        missing = [v for v in variables if v not in domain]
        extra = [k for k in domain if k not in variables]
        if missing:
            where.error(loc, f"no interval for {', '.join(missing)}")
        if extra:
            where.error(loc + (extra[0],), f"'{extra[0]}' is not a variable of f")
        pairs = [(domain[v], loc + (v,)) for v in variables]
    else:
        pairs = [(domain, loc)] * len(variables)
    out = []
    for (lo, hi), here in pairs:
        a, b = number(lo, here, where, params), number(hi, here, where, params)
        if not a < b:
            where.error(here, f"expected an interval [low, high] with low < high, got [{lo}, {hi}]")
        out.append((a, b))
    return np.array(out, dtype=float)


def _points(at, n, params, loc, where) -> np.ndarray:
    rows = []
    for i, item in enumerate(at):
        here = loc + ("at", i)
        values = item if isinstance(item, list) else [item]
        if len(values) != n:
            what = "a number" if n == 1 else f"a list of {n} numbers"
            where.error(here, f"expected {what} (one per variable), got {item!r}")
        rows.append([number(v, here, where, params) for v in values])
    return np.array(rows, dtype=float).reshape(len(rows), n)
