"""The quiz side of ``starter`` and ``export``, and the student edition of a quiz.

A quiz's student edition (``student_edition: true``, written by ``gradquiz export``)
keeps every question and prompt but no answer key or hint. It loads with stand-in keys
and each question's kind wrapped in ``Recorded``: a typed answer is still read (so a
typo is caught at once) but never judged. ``check`` reports it as "recorded, graded
later": score 0 of the question's points, ``"status": "recorded"``, and exit 0 when
nothing else is wrong. The instructor's full file grades the same answers file.
"""

from __future__ import annotations

from dataclasses import replace

import yaml

# What an answer key is replaced by while a student edition loads: it is never judged.
STAND_INS = {"choice": 0, "number": 0, "expression": "0", "interval": "all", "stationary_points": "none"}
RECORDED = "Recorded: {answer}. It is graded later with the instructor's answer key."


def is_edition(data) -> bool:
    return isinstance(data, dict) and data.get("student_edition") is True


def with_stand_ins(data: dict) -> dict:
    """A student edition's data with stand-in keys, so that its questions compile."""
    questions = []
    for q in data.get("questions") or []:
        if isinstance(q, dict) and "answer" not in q and q.get("kind") in STAND_INS:
            if q.get("kind") == "choice" or "f" not in q:
                q = {**q, "answer": STAND_INS[q["kind"]]}
        questions.append(q)
    return {**data, "questions": questions}


class Recorded:
    """A question kind that reads and records an answer, and never judges it."""

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def judge(self, q, value):
        from grader.quiz import Outcome

        return Outcome(False, RECORDED.format(answer=self.inner.show(q, value)), {"status": "recorded"})

    def lint(self, q) -> list[str]:
        return []


def recorded(questions) -> tuple:
    return tuple(replace(q, kind=Recorded(q.kind)) for q in questions)


def only_recorded(report) -> bool:
    """Nothing failed: every result passed or is an answer recorded for later grading."""
    return not getattr(report, "unknown", None) and all(
        r.passed or r.extra.get("status") == "recorded" for r in report.results
    )


def render_text(report, console=None) -> None:
    """The text report of a student edition: RECORDED rather than FAIL for recorded answers."""
    from rich.console import Console
    from rich.markup import escape

    from grader.report import render_text as plain

    console = console or Console()
    if not any(r.extra.get("status") == "recorded" for r in report.results):
        return plain(report, console)
    console.print(f"[bold]{escape(report.title)}[/bold] ({escape(report.id)})  {escape(report.file)}")
    for r in report.results:
        status = r.extra.get("status")
        mark = "[cyan]RECORDED[/cyan]" if status == "recorded" else "[green]PASS[/green]" if r.passed else "[red]FAIL[/red]"
        tag = " [dim](hidden)[/dim]" if r.hidden else ""
        console.print(f"{mark} {escape(r.id)}{tag}  {r.score:g}/{r.max_score:g}")
        for line in r.feedback.splitlines():
            console.print(f"     {escape(line)}", highlight=False)
    for note in report.notes:
        console.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False)
    colour = "cyan" if only_recorded(report) else "red"
    console.print(f"[bold {colour}]Recorded {len(report.results)} answers; the score comes when they are graded.[/bold {colour}]")


# -- starter -----------------------------------------------------------------------------------


def quiz_starter(path, data, positions, student) -> str:
    """An answers file with every question id, its prompt (and choices) as comments."""
    from grader.quiz import help_text, load_quiz

    quiz = load_quiz(path, student, data, positions)
    out = [f"# Answers to quiz '{quiz.id}' ({quiz.title}). Fill in each answer, then run:", f"#   gradquiz check {quiz.id}.answers.yaml"]
    if quiz.params:
        from grader.constraints import describe

        out.append(f"# Your variant{f' (student {quiz.student})' if quiz.student else ''}: {describe(quiz.params)}")
    body = {"quiz": quiz.id}
    if quiz.student:
        body["student"] = quiz.student
    out.append(yaml.safe_dump(body, sort_keys=False, allow_unicode=True).rstrip())
    out.append("answers:")
    for q in quiz.questions:
        out.append("")
        points = f"{q.spec.points:g} point{'s' if q.spec.points != 1 else ''}"
        lines = q.prompt.strip().splitlines() + [f"  {i}: {c}" for i, c in enumerate(q.choices)]
        lines.append(help_text(q) + (" (Hidden: graded later, no feedback now.)" if q.hidden else ""))
        out.append(f"  # {q.id} ({points})")
        out += [f"  # {line}".rstrip() for line in lines]
        out.append(f"  {q.id}:")
    return "\n".join(out) + "\n"


# -- export ------------------------------------------------------------------------------------


def quiz_edition(path, data, positions) -> dict:
    """The quiz without answer keys and hints (every question stays: hidden ones are still answered)."""
    from grader.quiz import load_quiz

    quiz = load_quiz(path, data=data, positions=positions)  # refuse to export a broken file
    questions = []
    for raw, q in zip(data["questions"], quiz.questions):
        kept = {k: v for k, v in raw.items() if k not in ("answer", "hint")}
        if q.kind.name == "expression" and "variables" not in kept and q.variables:
            kept["variables"] = list(q.variables)  # the key named them; the student's answer needs them
        questions.append(kept)
    out = {k: v for k, v in data.items() if k not in ("student_edition", "hidden_checks")}
    out["student_edition"] = True
    out["questions"] = questions
    order = [k for k in data if k != "questions" and k in out] + ["student_edition", "questions"]
    return {k: out[k] for k in dict.fromkeys(order)}
