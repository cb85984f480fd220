"""The text report for a person (rich), and ``printable``: text safe for a terminal and XML."""

from __future__ import annotations

import re

from grader.reports.safe import one_line, printable, shown_notes

__all__ = ["escape", "fmt", "one_line", "plain_text", "printable", "render_text"]

OUTPUT_HEAD = "Your code printed (shown as printed; not part of the grade):"
OUTPUT_BAR = "  | "  # before every line of the submission's output
OUTPUT_END = "  '-- end of what your code printed"


def render_text(report, console=None) -> None:  # report: a model.Report (not imported: model imports this module)
    """Print the report for a person, with rich.

    What the submission printed comes first, set apart: after a header, every line behind
    ``OUTPUT_BAR``, control characters escaped. The grader's own lines (results, notes, the
    score) come after it and start at the margin, so printed text can never pass for them.
    """
    if console is None:
        from rich.console import Console

        console = Console()
    _markup = escape
    if report.error:
        console.print(f"[bold red]Could not grade:[/bold red] {_markup(one_line(report.error))}", highlight=False)
        console.print("[bold red]Score: 0[/bold red]")
        return
    console.print(f"[bold]{_markup(one_line(report.title))}[/bold] ({_markup(one_line(report.id))})  "
                  f"{_markup(one_line(report.file))}", highlight=False)
    if report.output.strip():
        console.print(f"[dim]{OUTPUT_HEAD}[/dim]", highlight=False)
        _indented(console, OUTPUT_BAR, report.output.rstrip(), style="dim")
        console.print(f"[dim]{OUTPUT_END}[/dim]", highlight=False)
    recorded = sum(r.extra.get("status") == "recorded" for r in report.results)
    repeats = load_error_repeats(report.results)
    for r in report.results:
        mark = "[green]PASS[/green]" if r.passed else "[red]FAIL[/red]"
        if r.extra.get("status") == "recorded":  # a student edition's answer, graded later
            mark = "[cyan]RECORDED[/cyan]"
        tag = " [dim](hidden)[/dim]" if r.hidden else ""
        console.print(f"{mark} {_markup(one_line(r.id))}{tag}  {fmt(r.score)}/{fmt(r.max_score)}", highlight=False)
        _indented(console, "     ", repeats.get(r.id, r.feedback))
    for note in shown_notes(report.notes):
        console.print(f"[yellow]note:[/yellow] {_markup(one_line(note))}", highlight=False)
    if recorded:
        colour = "cyan" if report.exit_code == 0 else "red"
        console.print(
            f"[bold {colour}]Recorded {len(report.results)} answers; the score comes when they are graded.[/bold {colour}]"
        )
        return
    colour = "green" if report.passed else "red"
    console.print(f"[bold {colour}]Score: {fmt(report.score)} / {fmt(report.max_score)}[/bold {colour}]")


def load_error_repeats(results) -> dict:
    """{task id: a short line} for each task after the first that says the file could not be
    loaded in the same words: the reason is given once (text and HTML reports alike)."""
    out, first = {}, None
    for r in results:
        if r.extra.get("error") != "import":
            continue
        said = r.feedback.split("\nHint:")[0]  # without the task's own hint
        if first is None:
            first = (r.id, said)
        elif said == first[1]:
            out[r.id] = f"Not graded: your file could not be loaded (see {first[0]} above)."
    return out


def _indented(console, prefix: str, text: str, style=None) -> None:
    """Every line of ``text`` behind ``prefix``, long lines cut to the console's width so that
    no part of them wraps to the margin (where only the grader's own lines start)."""
    width = max(20, console.width - len(prefix) - 1)
    for line in printable(text).split("\n"):  # not splitlines(): a student's "\r" is no line break
        if console.soft_wrap:  # a file or pipe: nothing wraps
            chunks = [line]
        else:
            chunks = [line[i : i + width] for i in range(0, len(line), width)] or [""]
        for chunk in chunks:
            console.print(escape(prefix + chunk), highlight=False, style=style, soft_wrap=True)


_ESCAPE = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")  # rich.markup's: a tag, after any backslashes
_TAG = re.compile(r"\[[a-z#/@][^[]*?]")
_EMOJI = re.compile(r":\S*?:")  # what could be an emoji code (rich replaces the known ones)
_STRIPPED = re.compile(r"[\\\t\x07\x08\x0b\x0c\r]")  # escapes, tabs and what rich's Text removes


def escape(text: str) -> str:
    """``text`` as rich markup that prints it as it is: what ``rich.markup.escape`` gives (its
    brackets that would open a tag and the backslashes before them escaped), without importing rich."""
    text = _ESCAPE.sub(lambda match: f"{match.group(1)}{match.group(1)}\\{match.group(2)}", text)
    if text.endswith("\\") and not text.endswith("\\\\"):
        return text + "\\"
    return text


def fmt(value: float) -> str:
    return f"{value:g}"


def plain_text(report) -> str:
    """The text report without colours, as a file gets it (``--output report.txt``, what
    ``print(report)`` shows outside Jupyter, a class's per-student reports): the same text as
    ``render_text`` on a colourless rich console 100 wide that does not wrap, made without one."""
    console = _PlainConsole()
    render_text(report, console)
    return "".join(console.lines)


class _PlainConsole:
    """What ``render_text`` needs of a console, for plain text: each line's markup (and emoji
    codes) rendered and its tabs expanded exactly as rich prints it, at a fraction of the cost
    of a real console's ``print`` (0.1 ms a line: the reports of a class of 1,000 cost seconds)."""

    width, soft_wrap = 100, True

    def __init__(self):
        self.lines: list[str] = []

    def print(self, markup: str, *, style=None, highlight=None, soft_wrap=None) -> None:
        if not _STRIPPED.search(markup) and not _EMOJI.search(markup):  # no escape, tab, control or emoji code:
            self.lines.append(_TAG.sub("", markup) + "\n")  # every tag-like bracket is a tag, and the rest is text
            return
        from rich.markup import render

        text = render(markup, emoji=True)
        text.expand_tabs(8)
        self.lines.append(text.plain + "\n")
