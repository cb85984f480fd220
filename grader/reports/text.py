"""The text report for a person (rich), and ``printable``: text safe for a terminal and XML."""

from __future__ import annotations

import re




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


def render_text(report, console=None) -> None:  # report: a model.Report (not imported: model imports this module)
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
        console.print(f"{mark} {escape(r.id)}{tag}  {fmt(r.score)}/{fmt(r.max_score)}")
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
    console.print(f"[bold {colour}]Score: {fmt(report.score)} / {fmt(report.max_score)}[/bold {colour}]")


def fmt(value: float) -> str:
    return f"{value:g}"


def plain_text(report) -> str:
    """The text report without colours (what ``print(report)`` shows outside Jupyter)."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    render_text(report, Console(file=buffer, no_color=True, soft_wrap=True, width=100, highlight=False, force_jupyter=False))
    return buffer.getvalue()
