"""Exercises: the exercise schema, task kinds, compiled problems, grading and feedback.

May import the lower wings (``maths``, ``problems``, ``sandbox``, ``reports``); never ``quiz``,
``authoring`` or the faces.
"""

# The names other wings may use ({name: the module that defines it}), each imported on first use
# (PEP 562): importing the wing, or one name of it, never imports the rest. Same-wing code imports
# module to module. A new name goes here, then `python tools/surfaces.py --sync .` writes the block.
# (No `from __future__ import annotations` in this file: it would bind the name `annotations`.)
_SURFACE = {
    "array_starter_text": "grader.exercise.arraytasks",
    "reference_problem": "grader.exercise.arraytasks",
    "Lookup": "grader.exercise.cache",
    "compiled_form": "grader.exercise.cache",
    "store": "grader.exercise.cache",
    "at": "grader.exercise.feedback",
    "check_points": "grader.exercise.grading",
    "grade": "grader.exercise.grading",
    "METHODS": "grader.exercise.kinds",
    "descend": "grader.exercise.method_grading",
    "point_arg": "grader.exercise.method_grading",
    "stencil": "grader.exercise.method_grading",
    "stencil_formulas": "grader.exercise.method_grading",
    "method_starter_text": "grader.exercise.methods",
    "problems": "grader.exercise.methods",
    "Exercise": "grader.exercise.problem",
    "compiled_tasks": "grader.exercise.problem",
    "load_exercise": "grader.exercise.problem",
    "task_errors": "grader.exercise.problem",
    "ExerciseSpec": "grader.exercise.schema",
}

TYPE_CHECKING = False
if TYPE_CHECKING:  # the surface's real edges, for mypy and import-linter (tools/surfaces.py --sync)
    from grader.exercise.arraytasks import array_starter_text as array_starter_text
    from grader.exercise.arraytasks import reference_problem as reference_problem
    from grader.exercise.cache import Lookup as Lookup
    from grader.exercise.cache import compiled_form as compiled_form
    from grader.exercise.cache import store as store
    from grader.exercise.feedback import at as at
    from grader.exercise.grading import check_points as check_points
    from grader.exercise.grading import grade as grade
    from grader.exercise.kinds import METHODS as METHODS
    from grader.exercise.method_grading import descend as descend
    from grader.exercise.method_grading import point_arg as point_arg
    from grader.exercise.method_grading import stencil as stencil
    from grader.exercise.method_grading import stencil_formulas as stencil_formulas
    from grader.exercise.methods import method_starter_text as method_starter_text
    from grader.exercise.methods import problems as problems
    from grader.exercise.problem import Exercise as Exercise
    from grader.exercise.problem import compiled_tasks as compiled_tasks
    from grader.exercise.problem import load_exercise as load_exercise
    from grader.exercise.problem import task_errors as task_errors
    from grader.exercise.schema import ExerciseSpec as ExerciseSpec

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
