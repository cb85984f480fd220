"""The plain text report (files, per-student reports of a class) is made without a rich console,
and must be exactly what a colourless rich console 100 wide without wrapping prints."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from grader.reports import Report, Result
from grader.reports.text import plain_text, render_text

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

TRICKY = [
    "", "plain", "[bold]not markup[/bold]", "\\[escaped]", "a\tb\t\tc", ":smile: :thumbs_up: :not_an_emoji:",
    "x" * 250, "wide 漢字 and é and ü", "trailing spaces   ", "[", "]", "[/]", "\\", "a\\\\[b]", "tab\tat\tend\t",
    "line one\nline two\n\nline four", "ctrl \x07 \x1b[31m red \r back", "surrogate \ud800 here", "[link=https://x]y[/link]",
]


def rich_text(report) -> str:
    buffer = io.StringIO()
    render_text(report, Console(file=buffer, no_color=True, soft_wrap=True, width=100))
    return buffer.getvalue()


def report_of(text: str, passed: bool = False, hidden: bool = False, **extra) -> Report:
    results = [
        Result(f"t{text[:8]}", 1.0 if passed else 0.0, 1.0, passed, f"feedback: {text}\n  indented {text}", hidden, extra),
        Result("second", 2.0, 2.0, True, "Correct at all 23 check points."),
    ]
    return Report(id=f"ex{text[:5]}", kind="exercise", title=f"Title {text}", file=f"sub {text}.py", results=results,
                  student="s", output=f"{text}\nprinted {text}", notes=[f"note {text}"])


@pytest.mark.parametrize("text", TRICKY)
@pytest.mark.parametrize("passed", [True, False])
def test_plain_text_is_what_rich_prints(text, passed):
    report = report_of(text, passed, hidden=not passed)
    assert plain_text(report) == rich_text(report)


@pytest.mark.parametrize("text", TRICKY[:6])
def test_plain_text_of_a_failed_check_and_of_recorded_answers(text):
    failed = Report.failed(f"could not {text}", file=f"f{text}.py", id="x")
    assert plain_text(failed) == rich_text(failed)
    recorded = report_of(text, status="recorded")
    assert plain_text(recorded) == rich_text(recorded)


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_plain_text_is_what_rich_prints_for_any_text(text):
    report = report_of(text)
    assert plain_text(report) == rich_text(report)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("ab [/]\\:#@=x\t\r\x07 é漢") | st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_escape_is_riches_and_plain_lines_are_what_rich_renders(text):
    """The report's own escape and its line renderer (which leaves rich unloaded for ordinary text)
    against rich's markup, on text made of what markup treats specially."""
    from rich.markup import escape as rich_escape
    from rich.markup import render

    from grader.reports.text import _PlainConsole, escape

    assert escape(text) == rich_escape(text)
    markup = f"[bold]{escape(text)}[/bold] and [dim]{escape(text[::-1])}[/dim]"
    console = _PlainConsole()
    console.print(markup)
    rendered = render(markup, emoji=True)
    rendered.expand_tabs(8)
    assert console.lines == [rendered.plain + "\n"]


def test_an_ordinary_report_is_made_without_loading_rich():
    import subprocess
    import sys

    code = ("import sys; from grader.reports import Report, Result; from grader.reports.text import plain_text; "
            "r = Report(id='e', kind='exercise', title='T: x', file='f.py', results=[Result('t', 1.0, 1.0, True, "
            "'Right: 1 (within 0.001 of 1).')], notes=['a note']); text = plain_text(r); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich')); print(text)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "[]"
    assert "PASS t  1/1" in proc.stdout and "note: a note" in proc.stdout
