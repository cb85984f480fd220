"""Notebooks: a Jupyter notebook as a submission, and ``check`` from inside a running kernel.

* ``source``: a notebook (or a kernel's input history) as one Python source, IPython magics
  and shell lines left out, with a line map back to "cell 3, line 2".
* ``kernel``: the in-kernel ``check("exercise1")``: the kernel's code cells go to the sandbox
  like a ``.py``; the student's functions are never called in the kernel's process.

The starter notebook is ``grader.authoring.notebook``; ``grader.api`` runs the in-kernel check.
Imports nothing of grader but ``grader.errors`` (IPython and nbformat lazily).
"""

# The names other wings may use ({name: the module that defines it}), each imported on first use
# (PEP 562): importing the wing, or one name of it, never imports the rest. Same-wing code imports
# module to module. A new name goes here, then `python tools/surfaces.py --sync .` writes the block.
# (No `from __future__ import annotations` in this file: it would bind the name `annotations`.)
_SURFACE = {
    "kernel_source": "grader.notebook.kernel",
    "MappedSandbox": "grader.notebook.source",
    "NotebookSource": "grader.notebook.source",
    "notebook_source": "grader.notebook.source",
}

TYPE_CHECKING = False
if TYPE_CHECKING:  # the surface's real edges, for mypy and import-linter (tools/surfaces.py --sync)
    from grader.notebook.kernel import kernel_source as kernel_source
    from grader.notebook.source import MappedSandbox as MappedSandbox
    from grader.notebook.source import NotebookSource as NotebookSource
    from grader.notebook.source import notebook_source as notebook_source

__all__ = sorted(_SURFACE)


def __getattr__(name: str) -> object:
    """A name of the surface, imported from its module on first use (by ``__import__``, which
    ``python -X importtime`` reports, where ``importlib.import_module`` would hide the import)."""
    module = _SURFACE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(__import__(module, fromlist=[name]), name)
    globals()[name] = value
    return value
