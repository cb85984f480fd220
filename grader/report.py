"""Results and reports: rich text, JSON (spec section 4), JUnit XML, Gradescope."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from xml.etree import ElementTree as ET


@dataclass
class Result:
    """One task or question."""

    id: str
    score: float
    max_score: float
    passed: bool
    feedback: str
    hidden: bool = False
    extra: dict = field(default_factory=dict)  # further JSON keys (checks, mistake, ...)

    def to_dict(self) -> dict:
        out = {
            "id": self.id,
            "score": self.score,
            "max_score": self.max_score,
            "passed": self.passed,
            "feedback": self.feedback,
        }
        if self.hidden:
            out["hidden"] = True
        out.update(self.extra)
        return out


@dataclass
class Report:
    id: str
    kind: str  # "exercise" | "quiz"
    title: str
    file: str
    results: list[Result]
    student: str = ""
    output: str = ""  # what the submission printed
    notes: list[str] = field(default_factory=list)  # run-level remarks (hidden checks, ...)

    @property
    def score(self) -> float:
        return round(sum(r.score for r in self.results), 6)

    @property
    def max_score(self) -> float:
        return round(sum(r.max_score for r in self.results), 6)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def to_dict(self) -> dict:
        out = {
            "id": self.id,
            "score": self.score,
            "max_score": self.max_score,
            "passed": self.passed,
            "results": [r.to_dict() for r in self.results],
            "kind": self.kind,
            "title": self.title,
            "file": self.file,
        }
        if self.student:
            out["student"] = self.student
        if self.notes:
            out["notes"] = list(self.notes)
        if self.output:
            out["output"] = self.output
        return out


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, allow_nan=False, default=str) + "\n"


def render_gradescope(report: Report) -> str:
    tests = [
        {
            "name": r.id,
            "score": r.score,
            "max_score": r.max_score,
            "status": "passed" if r.passed else "failed",
            "output": r.feedback,
            "visibility": "after_published" if r.hidden else "visible",
        }
        for r in report.results
    ]
    body = {
        "score": report.score,
        "max_score": report.max_score,
        "output": f"{report.title}: {_fmt(report.score)} / {_fmt(report.max_score)}",
        "tests": tests,
    }
    return json.dumps(body, indent=2) + "\n"


# Control characters (but newline and tab) and lone surrogates: a submission can put them in
# its output and error messages. Raw, they move the cursor of the terminal that shows the
# report, make the XML invalid, or stop the report from being written at all (UnicodeEncodeError).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """``text`` safe for a terminal and for XML: unprintable characters shown as \\xNN or \\uNNNN."""
    return _UNPRINTABLE.sub(_escaped, str(text))


def _escaped(match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def render_junit(report: Report) -> str:
    failures = sum(not r.passed for r in report.results)
    suite = ET.Element(
        "testsuite",
        name=printable(report.id),
        tests=str(len(report.results)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for r in report.results:
        case = ET.SubElement(suite, "testcase", classname=printable(report.id), name=printable(r.id))
        ET.SubElement(case, "properties").extend(
            [
                ET.Element("property", name="score", value=_fmt(r.score)),
                ET.Element("property", name="max_score", value=_fmt(r.max_score)),
            ]
        )
        feedback = printable(r.feedback)
        if not r.passed:
            failure = ET.SubElement(case, "failure", message=feedback.splitlines()[0] if feedback else "failed")
            failure.text = feedback
        else:
            ET.SubElement(case, "system-out").text = feedback
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render_text(report: Report, console=None) -> None:
    """Print the report for a person, with rich."""
    from rich.console import Console
    from rich.markup import escape as _markup

    def escape(text):
        return _markup(printable(text))

    console = console or Console()
    console.print(f"[bold]{escape(report.title)}[/bold] ({escape(report.id)})  {escape(report.file)}")
    recorded = sum(r.extra.get("status") == "recorded" for r in report.results)
    for r in report.results:
        mark = "[green]PASS[/green]" if r.passed else "[red]FAIL[/red]"
        if r.extra.get("status") == "recorded":  # a student edition's answer, graded later
            mark = "[cyan]RECORDED[/cyan]"
        tag = " [dim](hidden)[/dim]" if r.hidden else ""
        console.print(f"{mark} {escape(r.id)}{tag}  {_fmt(r.score)}/{_fmt(r.max_score)}")
        for line in printable(r.feedback).split("\n"):  # not splitlines(): a student's "\r" is no line break
            console.print(f"     {escape(line)}", highlight=False)
    for note in report.notes:
        console.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False)
    if report.output.strip():
        console.print("[dim]Your code printed:[/dim]")
        console.print(escape(report.output.rstrip()), highlight=False, style="dim")
    if recorded:
        colour = "cyan" if report.exit_code == 0 else "red"
        console.print(
            f"[bold {colour}]Recorded {len(report.results)} answers; the score comes when they are graded.[/bold {colour}]"
        )
        return
    colour = "green" if report.passed else "red"
    console.print(f"[bold {colour}]Score: {_fmt(report.score)} / {_fmt(report.max_score)}[/bold {colour}]")


RENDERERS = {"json": render_json, "junit": render_junit, "gradescope": render_gradescope}


def _fmt(value: float) -> str:
    return f"{value:g}"


def as_dict(result: Result) -> dict:
    return asdict(result)
