"""The source of ``check("exercise1")`` run inside a Jupyter kernel.

The kernel's raw input history (every code cell run, in order, as typed) is replayed
first, each cell on its own and forgiving: a cell that failed in the kernel (an old typo,
a cell that uses the report of an earlier check) fails quietly in the replay too, as it
did for the student. Magics and shell lines are left out, cells that use the grader (the
one calling ``check``) are not run, a cell run twice is replayed once. Then comes the
current definition of each function the exercise asks for (``inspect.getsource``, read
from the kernel's cell cache, never by calling anything), run as a ``.py`` would be: its
errors are reported with "the current definition of derivative, line 2". The functions
are never called in the kernel's process: the source goes to the sandbox like a ``.py``.
"""

from __future__ import annotations

import inspect
import re
import sys
import types

from grader.errors import GradquizError
from grader.notebook.source import NotebookSource, cells_source, without_plots

_CHECK_CALL = re.compile(r"(?<![\w.])check\s*\(")

OUTSIDE = (
    "check('{id}') grades the functions of a running Jupyter notebook; "
    "outside one, pass the file: check('{id}.py') or check('{id}.ipynb')"
)


def _ipython():
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    return get_ipython()


def in_kernel() -> bool:
    return _ipython() is not None


def kernel_source(functions, problem_id: str = "exercise1") -> NotebookSource:
    """The running kernel's code as one source (with its map to "In [5], line 2" and notes)."""
    shell = _ipython()
    if shell is None:
        raise GradquizError(OUTSIDE.format(id=problem_id))
    # the cells as typed (``In`` holds them transformed: `%matplotlib` became get_ipython() calls)
    history = list(getattr(shell.history_manager, "input_hist_raw", None) or shell.user_ns.get("In") or [])
    replay, seen, skipped, ipython = [], set(), [], 0
    for number, code in enumerate(history):
        if not isinstance(code, str) or not code.strip() or code in seen:
            continue
        seen.add(code)
        label = f"In [{number}]"
        if _CHECK_CALL.search(code):
            skipped.append(label)
            continue
        alone = cells_source([(label, code)])
        ipython += len(alone.notes)
        if alone.source.strip():
            replay.append((label, alone.source))
    notes = []
    if replay:
        notes.append(
            f"Graded your notebook's {len(replay)} code cell{'s' if len(replay) > 1 else ''} as run so far"
            + (f" ({ipython} IPython line{'s' if ipython > 1 else ''} such as %magics left out)" if ipython else "")
            + (f"; not {', '.join(skipped)}: {'they call' if len(skipped) > 1 else 'it calls'} check()" if skipped else "")
            + "."
        )
    definitions = []
    for name in functions:
        text = _definition(shell.user_ns.get(name))
        if text:
            definitions.append((f"the current definition of {name}", text))
    return without_plots(_joined(replay, cells_source(definitions), notes))


REPLAY = (
    "def _gradquiz_replay(code, name):\n"
    "    try:\n"
    "        exec(compile(code, name, 'exec'), globals())\n"
    "    except Exception:\n"
    "        pass\n"
)


def _joined(replay, definitions: NotebookSource, notes) -> NotebookSource:
    """The replay of the history (one line per cell) followed by the current definitions."""
    lines = REPLAY.splitlines() + [f"_gradquiz_replay({code!r}, {label!r})" for label, code in replay]
    where = [("the grader's replay of your cells", i + 1) for i in range(len(REPLAY.splitlines()))]
    where += [(label, 1) for label, _ in replay]
    lines.append("del _gradquiz_replay")
    where.append(("the grader's replay of your cells", len(where) + 1))
    source = "\n".join(lines) + "\n" + definitions.source
    return NotebookSource(source, where + definitions.lines, notes + definitions.notes)


def _definition(obj) -> str | None:
    """The source of a function defined in the kernel (read from its cell), or None."""
    if not isinstance(obj, types.FunctionType):
        return None
    try:
        text = inspect.getsource(obj)
    except (OSError, TypeError):
        return None
    if text[:1].isspace():  # defined inside something else: not a top-level definition
        return None
    return text
