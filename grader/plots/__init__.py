"""Pictures of a submission against the truth, and of a problem before any code is written.

* ``sample``: what a picture shows, as numbers: the reference over a grid, the student's
  values on the same grid (from an extra sandbox run: student code is never called here),
  the check points and which failed. No matplotlib.
* ``draw``: matplotlib figures from those numbers (imported only when a picture is asked
  for): a curve for a scalar task, two vector fields for a gradient, a heat map of the error
  per entry for a Hessian or Jacobian; ``show_problem`` draws f, f' and tangent lines.
* ``figures``: those pictures as SVG or PNG (``figure_for``), inline SVG for an HTML report
  (``drawable``, with a note per picture that could not be drawn), one file of them all (``save``).
* ``lesson`` and ``methods``: ``gradquiz show``'s picture, and the methods' kinds' pictures.

May import grader.maths, grader.problems, grader.exercise, grader.quiz, grader.sandbox, grader.reports.
"""

# The names other wings may use ({name: the module that defines it}), each imported on first use
# (PEP 562): importing the wing, or one name of it, never imports the rest. Same-wing code imports
# module to module. A new name goes here, then `python tools/surfaces.py --sync .` writes the block.
# (No `from __future__ import annotations` in this file: it would bind the name `annotations`.)
_SURFACE = {
    "show_problem": "grader.plots.draw",
    "drawable": "grader.plots.figures",
    "save": "grader.plots.figures",
    "lesson_for": "grader.plots.lesson",
    "collect": "grader.plots.sample",
}

TYPE_CHECKING = False
if TYPE_CHECKING:  # the surface's real edges, for mypy and import-linter (tools/surfaces.py --sync)
    from grader.plots.draw import show_problem as show_problem
    from grader.plots.figures import drawable as drawable
    from grader.plots.figures import save as save
    from grader.plots.lesson import lesson_for as lesson_for
    from grader.plots.sample import collect as collect

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
