"""The seam every submission goes through, whoever asks (``gradquiz check``, ``gradquiz grade``'s
workers, a notebook): ``grade_exercise`` for Python (run in a sandbox child, scored here) and
``grade_answers`` for a quiz's answers, both giving a Report.

Their injectables are typed: an exercise is an ``ExerciseSource``, such as an ``ExerciseFile``
(read, compiled once the child has started) or a ``CompiledExercise`` (a worker's, compiled once
and kept), and the sandbox comes from a ``SandboxFactory`` (``(source, filename, forbid, allow) ->
sandbox``).

May import ``grader.quiz``, ``grader.exercise``, ``grader.plots`` and the wings below them, and
``grader.errors``; nothing above (``grader.api``, ``grader.batch``, ``grader.cli`` import this).
"""

# The names other wings may use ({name: the module that defines it}), each imported on first use
# (PEP 562): importing the wing, or one name of it, never imports the rest. Same-wing code imports
# module to module. A new name goes here, then `python tools/surfaces.py --sync .` writes the block.
# (No `from __future__ import annotations` in this file: it would bind the name `annotations`.)
_SURFACE = {
    "grade_answers": "grader.pipeline.answers",
    "exercise_source": "grader.pipeline.cached",
    "CompiledExercise": "grader.pipeline.exercise",
    "ExerciseFile": "grader.pipeline.exercise",
    "ExerciseSource": "grader.pipeline.exercise",
    "SandboxFactory": "grader.pipeline.exercise",
    "grade_exercise": "grader.pipeline.exercise",
    "read_exercise": "grader.pipeline.exercise",
}

TYPE_CHECKING = False
if TYPE_CHECKING:  # the surface's real edges, for mypy and import-linter (tools/surfaces.py --sync)
    from grader.pipeline.answers import grade_answers as grade_answers
    from grader.pipeline.cached import exercise_source as exercise_source
    from grader.pipeline.exercise import CompiledExercise as CompiledExercise
    from grader.pipeline.exercise import ExerciseFile as ExerciseFile
    from grader.pipeline.exercise import ExerciseSource as ExerciseSource
    from grader.pipeline.exercise import SandboxFactory as SandboxFactory
    from grader.pipeline.exercise import grade_exercise as grade_exercise
    from grader.pipeline.exercise import read_exercise as read_exercise

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
