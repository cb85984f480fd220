"""A quiz in the terminal, one question at a time (the `gradquiz quiz ID` command is in
``grader.cli.quiz``; this module is Typer-free).

Each question is shown with its choices and a line on how to type the answer. A
formula is echoed back as it was read ("read as: 3*x^2") and, when that differs from
what was typed, confirmed before it counts; an unreadable answer is asked again; an
empty one skips the question. Feedback comes after each question (``--feedback now``)
or all at the end (``--feedback end``); hidden questions are recorded but their
results are not shown. The answers are saved (``./<ID>.answers.yaml`` or
``--output``) in the format ``gradquiz check`` grades the same way.

A student's work is never lost. When the answers file already exists (written by
``gradquiz starter`` or an earlier session, finished or interrupted), the session
resumes: the saved answers are shown and kept, only the unanswered questions are
asked, and what is saved is the saved answers plus the new ones (the file's
``student:`` picks the variant when no ``--student`` is given). A file that is not an
answers file for this quiz, or holds another student's answers, is refused;
``--force`` starts afresh and replaces it. Every save is atomic (a temporary file
renamed over the old one).

``--redo q3`` (repeatable, or ``q3,q5``) asks those questions again although the file has
answers to them; Enter without an answer keeps the saved one.

Piped input (``gradquiz quiz ID < answers.txt``) is read as answers only, one a line: a
reading that differs from the text is shown, never confirmed, so no line is taken for a
"yes". End of input (Ctrl-D) leaves the remaining questions unanswered, then grades and
saves as usual. Ctrl-C stops at once: the answers given so far (with those saved
before) are saved, nothing is graded, and the exit status is 130.
"""

from __future__ import annotations

from pathlib import Path


def open_session(quiz_id: str, problems, student: str | None, output: Path | None, force: bool):
    """(quiz, answers file, saved answers to keep): resume the file, or refuse to touch it."""
    from grader.errors import GradquizError
    from grader.problems import student_id
    from grader.quiz.answers import FORCE, saved_answers
    from grader.quiz.load import find_quiz

    quiz = find_quiz(quiz_id, problems, student)
    target = output or Path.cwd() / f"{quiz.id}.answers.yaml"
    if target.is_symlink():  # refused now, not after all the questions (the save never writes through one)
        raise GradquizError("is a symbolic link; refusing to write the answers through it", target)
    if force:
        return quiz, target, {}
    saved = saved_answers(target, quiz.id)
    if saved is None:
        return quiz, target, {}
    chosen = student_id(student)
    if saved.student and chosen and saved.student != chosen:
        raise GradquizError(f"already holds the answers of student '{saved.student}', not '{chosen}'; {FORCE}", target)
    if saved.student and not chosen:
        quiz = find_quiz(quiz_id, problems, saved.student)
    return quiz, target, saved.answers


def redo_ids(quiz, redo) -> tuple[str, ...]:
    """The question ids of ``--redo`` (repeated, or q3,q5), each a question of the quiz."""
    from grader.errors import GradquizError

    ids = tuple(dict.fromkeys(part.strip() for item in redo for part in str(item).split(",") if part.strip()))
    known = [q.id for q in quiz.questions]
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise GradquizError(f"--redo: quiz '{quiz.id}' has no question {', '.join(map(repr, unknown))} (its questions: {', '.join(known)})")
    return ids


class Session:
    """One sitting of one quiz: ask, read, confirm, give feedback, save.

    ``redo``: ids of saved answers to ask again; ``confirm``: ask "Is that what you meant?"
    (default: only when the input is a terminal, so piped answers are never taken for a yes)."""

    def __init__(self, quiz, console, feedback_now: bool = True, saved: dict | None = None, *,
                 redo: tuple[str, ...] = (), confirm: bool | None = None):
        import sys

        self.quiz, self.console, self.feedback_now = quiz, console, feedback_now
        self.saved = dict(saved or {})  # answers from an earlier session: kept as they are
        self.redo = {i: self.saved.pop(i) for i in redo if i in self.saved}  # asked again; Enter keeps them
        self.answers: dict = {**self.saved, **self.redo}
        self.confirm = sys.stdin.isatty() if confirm is None else confirm

    def run(self, output: Path) -> int:
        self._intro(output)
        try:
            for number, question in enumerate(self.quiz.questions, 1):
                self._ask(number, question)
        except EOFError:
            self.console.print("\n(end of input: the remaining questions are left unanswered)")
        except KeyboardInterrupt:
            self.console.print("\nStopped.")
            if self.answers != self.saved:
                from grader.quiz.answers import save_answers

                save_answers(self.quiz, self.answers, output)
            if self.answers:
                self.console.print(f"Your {len(self.answers)} answer(s) so far are saved in {output}.", highlight=False, soft_wrap=True)
            return 130
        return self._finish(output)

    # ----------------------------------------------------------------- steps

    def _intro(self, output: Path) -> None:
        from rich.markdown import Markdown
        from rich.markup import escape

        quiz = self.quiz
        self.console.print(f"[bold]{escape(quiz.title)}[/bold] ({escape(quiz.id)}), {len(quiz.questions)} questions")
        if quiz.spec.intro.strip():
            from grader.problems import fill

            self.console.print(Markdown(fill(quiz.spec.intro, quiz.params)))
        kept = sum(q.id in self.saved for q in quiz.questions)
        if self.redo:
            asked = ", ".join(self.redo)
            self.console.print(f"Asking {escape(asked)} again; Enter without an answer keeps the saved one.", highlight=False)
        if kept:
            left = len(quiz.questions) - kept
            self.console.print(
                f"Resuming {escape(str(output))}: {kept} saved answer{'s are' if kept != 1 else ' is'} kept; "
                f"{left} question{'s' if left != 1 else ''} to answer. (To start afresh, add --force.)",
                highlight=False,
                soft_wrap=True,
            )
        self.console.print("Press Enter without an answer to skip a question; Ctrl-C to stop.\n")

    def _ask(self, number: int, q) -> None:
        from rich.markup import escape

        from grader.quiz.model import help_text

        self.console.print(f"[bold]Question {number}/{len(self.quiz.questions)}[/bold] ({q.points_label})")
        self.console.print(escape(q.prompt), highlight=False)
        if q.id in self.saved:
            self.console.print(f"Saved answer: {escape(str(self.saved[q.id]))} (kept)\n", highlight=False)
            return
        for i, choice in enumerate(q.choices):
            self.console.print(f"  {i}) {escape(choice)}", highlight=False)
        self.console.print(f"[dim]{escape(help_text(q))}[/dim]")
        if q.id in self.redo:
            self.console.print(f"Your saved answer: {escape(str(self.redo[q.id]))}", highlight=False)
        saved = self._read(q)
        if saved is None and q.id in self.redo:
            self.console.print("Kept your saved answer.\n")
            return
        if saved is None:
            self.console.print("Skipped.\n")
            return
        self.answers[q.id] = saved
        if q.hidden:
            self.console.print("Answer recorded; this question is graded later.\n")
        elif self.feedback_now:
            self._show(self._grade(q))
        else:
            self.console.print()

    def _read(self, q):
        """The answer to save, or None to skip; asks again until it is readable and confirmed."""
        from rich.markup import escape
        from rich.prompt import Confirm, Prompt

        from grader.quiz.model import Unreadable

        while True:
            raw = Prompt.ask("Your answer", console=self.console, default="", show_default=False).strip()
            if not raw:
                return None
            try:
                with q.reading():
                    value = q.kind.read(q, raw)
                    shown = q.kind.show(q, value)
            except Unreadable as exc:
                self.console.print(f"[red]Could not read your answer:[/red] {escape(str(exc))}. Try again.", highlight=False)
                continue
            if _same_text(shown, raw):
                return q.kind.save(q, raw, value)
            self.console.print(f"read as: {escape(shown)}", highlight=False)
            if not q.kind.preview or not self.confirm:  # piped input: the next line is the next answer
                return q.kind.save(q, raw, value)
            if Confirm.ask("Is that what you meant?", console=self.console, default=True):
                return q.kind.save(q, raw, value)

    def _grade(self, q):
        from grader.quiz.grade import grade_question

        return grade_question(q, self.answers.get(q.id))

    def _show(self, result) -> None:
        from rich.markup import escape

        if result.extra.get("status") == "recorded":  # a student edition: no answer key here
            self.console.print("[cyan]Recorded[/cyan]")
        else:
            mark = "[green]Right[/green]" if result.passed else "[red]Not right[/red]"
            self.console.print(f"{mark} ({result.score:g}/{result.max_score:g})")
        for line in result.feedback.splitlines():
            self.console.print(f"  {escape(line)}", highlight=False)
        self.console.print()

    def _finish(self, output: Path) -> int:
        from rich.markup import escape

        from grader.quiz.answers import save_answers
        from grader.quiz.grade import QuizReport, grade_questions

        results = grade_questions(self.quiz, self.answers, include_hidden=False)
        if not self.feedback_now:
            for q, result in zip([q for q in self.quiz.questions if not q.hidden], results, strict=False):
                self.console.print(f"[bold]{escape(q.id)}[/bold]: {escape(q.prompt)}", highlight=False)
                self._show(result)
        report = QuizReport(self.quiz.id, "quiz", self.quiz.title, str(output), results, self.quiz.student)
        recorded = sum(r.extra.get("status") == "recorded" for r in results)
        if recorded:
            self.console.print(f"Recorded {recorded} answer{'s' if recorded != 1 else ''}; the score comes when they are graded.")
        else:
            colour = "green" if report.passed else "red"
            self.console.print(f"[bold {colour}]Score: {report.score:g} / {report.max_score:g}[/bold {colour}]")
        hidden = sum(q.hidden for q in self.quiz.questions)
        if hidden:
            self.console.print(f"{hidden} hidden question{'s' if hidden > 1 else ''} will be graded later.")
        save_answers(self.quiz, self.answers, output)
        self.console.print(
            f"Saved your answers to {output}; grade them again with: gradquiz check {output}", highlight=False, soft_wrap=True
        )
        return report.exit_code


def _same_text(shown: str, typed: str) -> bool:
    return "".join(shown.split()).lower() == "".join(typed.split()).lower()
