"""GitHub Actions: ``::error`` workflow commands on the student's lines, and a Markdown summary.

An annotation per failing task or question, on the submission's file and the line of the
function's ``def`` (found by parsing the source with ``ast``, never running it; by a regular
expression when it does not parse) or of the question's key in the answers file. Messages and
properties are escaped as the workflow-command syntax requires (``%``, CR, LF; in properties
also ``:`` and ``,``), so nothing a submission prints can start a command of its own.
"""

import ast
import re
from html import escape as html_escape

from grader.reports.model import Report, Result
from grader.reports.safe import markdown, one_line, printable
from grader.reports.text import fmt


def escape_data(text: str) -> str:
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def def_lines(source: str) -> dict[str, int]:
    """Function name -> the line of its ``def`` (the first one), without running anything."""
    lines: dict[str, int] = {}
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # nested too deep to parse in memory
        for number, line in enumerate(source.splitlines(), start=1):
            match = re.match(r"\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(", line)
            if match:
                lines.setdefault(match.group(1), number)
        return lines
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name not in lines or node.lineno < lines[node.name]:
                lines[node.name] = node.lineno
    return lines


def _key_lines(source: str) -> dict[str, int]:
    """Question id -> the line of its answer in an answers file."""
    out: dict[str, int] = {}
    for number, line in enumerate(source.splitlines(), start=1):
        match = re.match(r"\s+['\"]?([A-Za-z0-9_.-]+)['\"]?\s*:", line)
        if match:
            out.setdefault(match.group(1), number)
    return out


def _line_of(result: Result, report: Report, source: str, defs: dict[str, int], keys: dict[str, int]) -> int:
    if report.kind == "quiz":
        return keys.get(result.id, 1)
    names: list[str] = [result.extra["function"]] if result.extra.get("function") else []
    names += re.findall(r"`([A-Za-z_]\w*)`", result.feedback) + [result.id]
    return next((defs[n] for n in names if n in defs), 1)


def annotations(report: Report, source: str = "") -> str:
    """The workflow commands: an ``::error`` per failing result and a ``::notice`` with the score.
    Never raises: where a line cannot be found, the annotation goes on line 1 and a notice says why."""
    out = []
    try:
        defs = def_lines(source) if report.kind != "quiz" else {}
        keys = _key_lines(source) if report.kind == "quiz" else {}
    except Exception as exc:  # noqa: BLE001 - an annotation's place must never cost the report
        defs, keys = {}, {}
        out.append(f"::notice file={escape_property(report.file)},title=gradquiz::"
                   f"{escape_data(one_line(f'annotations placed on line 1: {type(exc).__name__}'))}")
    error = getattr(report, "error", None)
    if error:  # the check could not happen: the reason, on the file
        out.append(f"::error file={escape_property(report.file)},line=1,title={escape_property('gradquiz: not graded')}::"
                   f"{escape_data(printable(error))}")
    for r in report.results:
        if r.passed or r.extra.get("status") == "recorded":
            continue
        line = _line_of(r, report, source, defs, keys)
        title = f"{report.id}: {r.id} ({fmt(r.score)}/{fmt(r.max_score)})"
        out.append(f"::error file={escape_property(report.file)},line={line},title={escape_property(title)}::"
                   f"{escape_data(printable(r.feedback))}")
    score = f"{report.title} ({report.id}): {fmt(report.score)} / {fmt(report.max_score)}"
    if not error:
        out.append(f"::notice file={escape_property(report.file)},title={escape_property('gradquiz')}::{escape_data(score)}")
    return "\n".join(out) + "\n"


def _own(text: str) -> str:
    """The instructor's text (a title, an id) in Markdown: one line, HTML and ``|`` escaped."""
    return html_escape(one_line(text), quote=False).replace("|", "\\|") or " "


def _cell(text: str) -> str:
    """Text in a Markdown table cell: each line escaped (``safe.markdown``), joined by <br>."""
    return "<br>".join(markdown(line) for line in printable(text).split("\n") if line.strip()) or " "


def summary(report: Report) -> str:
    """A Markdown table for ``$GITHUB_STEP_SUMMARY``: one row per task or question."""
    head = (f"### {_own(report.title)} ({_own(report.id)}): {fmt(report.score)} / {fmt(report.max_score)}\n\n"
            f"{_cell(report.file)}\n\n| task | result | points | feedback |\n| --- | --- | --- | --- |\n")
    rows = []
    if getattr(report, "error", None):
        rows.append(f"| (not graded) | ❌ error | 0 | {_cell(report.error)} |")
    for r in report.results:
        mark = "✅ pass" if r.passed else "❌ fail"
        first = printable(r.feedback).strip().split("\n")[0][:300] if r.feedback else ""
        rows.append(f"| {_own(r.id)}{' (hidden)' if r.hidden else ''} | {mark} | {fmt(r.score)}/{fmt(r.max_score)} | {_cell(first)} |")
    return head + "\n".join(rows) + "\n\n"
