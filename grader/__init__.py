"""gradquiz: auto-graded exercises and quizzes on derivatives and gradients.

The small public facade, re-exported from ``grader.api`` (on first use: ``import grader`` costs
nothing); everything else is internal. ``check(path)`` grades a submission or answers file; in a
Jupyter notebook ``check("exercise1")`` grades the functions defined in the running kernel and
``check("signs", answers={...})`` a quiz.
"""

from __future__ import annotations

from grader.errors import GradquizError

__version__ = "0.1.0"

__all__ = ["GradquizError", "__version__", "check", "load_problem"]


def __getattr__(name: str) -> object:  # no typing import: `gradquiz --version` stays quick
    if name in ("check", "load_problem"):
        from grader import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
