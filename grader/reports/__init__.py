"""Reports: one result model (``model``) and one module per output format over it
(``text``, ``json``, ``junit``, ``gradescope``, ``classroom``: GitHub Classroom's result).

Imports nothing of grader but ``grader.errors``.
"""

from grader.reports.classroom import render_classroom
from grader.reports.gradescope import render_gradescope
from grader.reports.json import render_json
from grader.reports.junit import render_junit
from grader.reports.model import Report, Result
from grader.reports.text import printable, render_text

RENDERERS = {"json": render_json, "junit": render_junit, "gradescope": render_gradescope, "classroom": render_classroom}

__all__ = ["RENDERERS", "Report", "Result", "printable", "render_classroom", "render_gradescope", "render_json", "render_junit", "render_text"]
