"""The source of ``check("exercise1")`` run inside a Jupyter kernel.

The kernel's raw input history (every code cell run, in order, as typed) becomes the
submission, as a notebook's cells would: magics and shell lines left out, cells that use
the grader (the one calling ``check``) not run, cells that are not valid Python (an old
typo) left out with a note, a cell run twice kept once. The current definition of each
function the exercise asks for (``inspect.getsource``, read from the kernel's cell
cache, never by calling anything) comes last, so the version the student sees is the
one graded. The functions themselves are never called in the kernel's process: the
source goes to the sandbox like a ``.py``.
"""

from __future__ import annotations

import inspect
import re
import sys
import types

from grader.errors import GradquizError
from grader.notebook.source import NotebookSource, cells_source

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
    cells, notes, seen = [], [], set()
    for number, code in enumerate(history):
        if not isinstance(code, str) or not code.strip() or code in seen:
            continue
        seen.add(code)
        label = f"In [{number}]"
        if _CHECK_CALL.search(code):
            notes.append(f"{label} was not run: it calls check().")
            continue
        alone = cells_source([(label, code)])
        try:
            compile(alone.source, label, "exec")
        except (SyntaxError, ValueError):
            notes.append(f"{label} was left out: it is not valid Python (run it again once fixed).")
            continue
        cells.append((label, code))
    for name in functions:
        text = _definition(shell.user_ns.get(name))
        if text:
            cells.append((f"the current definition of {name}", text))
    notebook = cells_source(cells)
    notebook.notes[:0] = notes
    return notebook


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
