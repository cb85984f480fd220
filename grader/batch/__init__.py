"""A whole class at once (``gradquiz grade``): find every student's submissions, grade them
in grading mode on warm workers (local processes or a Dask cluster), journal each result as it
finishes (crash-safe, resumable), and write the gradebook, LMS exports, per-student reports and
a self-contained class report (``report.html``). Also the CI helpers (``ci``): GitHub Classroom
workflow and Gradescope autograder bundle.

The batch wing sits between the faces: it may import ``grader.api`` and every wing below (a
submission is graded by ``grader.pipeline``'s ``grade_exercise`` or ``grade_answers``, exactly as
``check`` grades it), never ``grader.cli``; the CLI imports it.

Modules: ``layout`` (submissions, zips, the problems graded, matching files to students),
``roster`` (plain CSV, Canvas's gradebook export, Moodle's grading worksheet), ``worker``
(grading one submission on a warm process), ``journal`` (append-only JSON lines),
``executors`` (local pool, Dask), ``run`` (the command), ``gradebook`` (CSV, JSON, statuses),
``lms`` (canvas.csv, moodle.csv), ``html`` (report.html), ``ci`` (workflow, bundle),
``wheel`` (a wheel of the running gradquiz for CI), ``classroom`` (the workflow's grading step).
"""

# The names other wings may use ({name: the module that defines it}), each imported on first use
# (PEP 562): importing the wing, or one name of it, never imports the rest. Same-wing code imports
# module to module. A new name goes here, then `python tools/surfaces.py --sync .` writes the block.
# (No `from __future__ import annotations` in this file: it would bind the name `annotations`.)
_SURFACE = {
    "gradescope_bundle": "grader.batch.ci",
    "write_github": "grader.batch.ci",
    "annotate": "grader.batch.classroom",
    "grade_step": "grader.batch.classroom",
    "publish": "grader.batch.classroom",
    "GradeOptions": "grader.batch.run",
    "grade_class": "grader.batch.run",
}

TYPE_CHECKING = False
if TYPE_CHECKING:  # the surface's real edges, for mypy and import-linter (tools/surfaces.py --sync)
    from grader.batch.ci import gradescope_bundle as gradescope_bundle
    from grader.batch.ci import write_github as write_github
    from grader.batch.classroom import annotate as annotate
    from grader.batch.classroom import grade_step as grade_step
    from grader.batch.classroom import publish as publish
    from grader.batch.run import GradeOptions as GradeOptions
    from grader.batch.run import grade_class as grade_class

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
