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

from grader.batch.run import GradeOptions, grade_class

__all__ = ["GradeOptions", "grade_class"]
