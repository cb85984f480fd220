"""Notebooks: a Jupyter notebook as a submission, and ``check`` from inside a running kernel.

* ``source``: a notebook (or a kernel's input history) as one Python source, IPython magics
  and shell lines left out, with a line map back to "cell 3, line 2".
* ``kernel``: the in-kernel ``check("exercise1")``: the kernel's code cells go to the sandbox
  like a ``.py``; the student's functions are never called in the kernel's process.
* ``starter``: the starter notebook (intro as Markdown, a code cell per function, a check cell).

May import grader.maths, grader.problems, grader.reports, grader.sandbox, grader.errors, and
(lazily, for the starter and the in-kernel check) grader.exercise, grader.authoring and grader.api.
"""

from grader.notebook.source import NotebookSource, cells_source, notebook_source, read_notebook

__all__ = ["NotebookSource", "cells_source", "notebook_source", "read_notebook"]
