"""Reports: one result model (``model``) and one module per output format over it
(``text``, ``json``, ``junit``, ``gradescope``, ``classroom``: GitHub Classroom's result).

Imports nothing of grader but ``grader.errors``.
"""

# The names other wings may use ({name: the module that defines it}), each imported on first use
# (PEP 562): importing the wing, or one name of it, never imports the rest. Same-wing code imports
# module to module. A new name goes here, then `python tools/surfaces.py --sync .` writes the block.
# (No `from __future__ import annotations` in this file: it would bind the name `annotations`.)
_SURFACE = {
    "classroom_result": "grader.reports.classroom",
    "cannot_grade": "grader.reports.delivery",
    "deliver_all": "grader.reports.delivery",
    "github_wanted": "grader.reports.delivery",
    "internal_error": "grader.reports.delivery",
    "render_all": "grader.reports.delivery",
    "replace_file": "grader.reports.files",
    "write_file": "grader.reports.files",
    "annotations": "grader.reports.github",
    "summary": "grader.reports.github",
    "json_safe": "grader.reports.json",
    "render_json": "grader.reports.json",
    "Report": "grader.reports.model",
    "Result": "grader.reports.model",
    "targets": "grader.reports.outputs",
    "capped": "grader.reports.safe",
    "one_line": "grader.reports.safe",
    "shown_name": "grader.reports.safe",
    "fmt": "grader.reports.text",
    "plain_text": "grader.reports.text",
}

TYPE_CHECKING = False
if TYPE_CHECKING:  # the surface's real edges, for mypy and import-linter (tools/surfaces.py --sync)
    from grader.reports.classroom import classroom_result as classroom_result
    from grader.reports.delivery import cannot_grade as cannot_grade
    from grader.reports.delivery import deliver_all as deliver_all
    from grader.reports.delivery import github_wanted as github_wanted
    from grader.reports.delivery import internal_error as internal_error
    from grader.reports.delivery import render_all as render_all
    from grader.reports.files import replace_file as replace_file
    from grader.reports.files import write_file as write_file
    from grader.reports.github import annotations as annotations
    from grader.reports.github import summary as summary
    from grader.reports.json import json_safe as json_safe
    from grader.reports.json import render_json as render_json
    from grader.reports.model import Report as Report
    from grader.reports.model import Result as Result
    from grader.reports.outputs import targets as targets
    from grader.reports.safe import capped as capped
    from grader.reports.safe import one_line as one_line
    from grader.reports.safe import shown_name as shown_name
    from grader.reports.text import fmt as fmt
    from grader.reports.text import plain_text as plain_text

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
