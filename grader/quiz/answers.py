"""Answers files (spec section 2): ``quiz: ID``, optional ``student: ID``, ``answers: {id: answer}``.

``read_answers`` reads one for ``gradquiz check``; ``save_answers`` writes what
``gradquiz quiz`` collected (atomically, with ``grader.reports.files.write_file``, keeping answers to questions the quiz no longer
has), ``saved_answers`` reads back what an earlier session or ``gradquiz starter`` left
there (so ``gradquiz quiz`` resumes instead of overwriting), and ``answers_head`` is the
top both ``quiz`` and ``starter`` write.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from grader.errors import GradquizError
from grader.problems import load_yaml, validate
from grader.quiz.schema import AnswersSpec

MAX_BYTES = 1 << 20  # an answers file (1 MB); the longest bundled quiz's is under 2 KB


def read_answers(path: Path | str, text: str | None = None):
    """(AnswersSpec, positions) of an answers file, or a GradquizError naming file and line
    (``text``: its contents, read by ``grader.problems.intake.read_submission`` with the cap below)."""
    path = Path(path)
    if text is None:
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # load_yaml names the problem
        if size > MAX_BYTES:
            raise GradquizError(f"the answers file is too large ({size // 1024} KB; at most {MAX_BYTES // 1024} KB)", path)
    try:
        data, positions = load_yaml(path, text)
    except GradquizError as err:
        if "expected ',' or ']'" in err.message or "expected ',' or '}'" in err.message:
            err.message += " (quote answers that start with [ or {, e.g. '[0, oo)')"
        raise
    if not isinstance(data, dict):
        raise GradquizError("expected `quiz: ID` and `answers:` at the top of an answers file", path, 1)
    spec = validate(AnswersSpec, data, positions, path)
    if spec.answers is not None and not isinstance(data.get("answers"), dict):
        raise GradquizError("answers: expected a mapping of question id to answer", path, positions.line_of(("answers",)))
    return spec, positions


def answers_head(quiz) -> dict:
    """``quiz:`` and, for a student's variant, ``student:``: the top of an answers file."""
    head = {"quiz": quiz.id}
    if quiz.student:
        head["student"] = quiz.student
    return head


@dataclass
class Saved:
    """What an existing answers file holds: its student and its non-empty answers."""

    student: str
    answers: dict


FORCE = "choose another --output, or add --force to start afresh and replace it"


def saved_answers(path: Path, quiz_id: str) -> Saved | None:
    """The answers already in ``path`` for quiz ``quiz_id`` (None when there is no file).

    A file that is not an answers file for this quiz is refused (GradquizError): it may
    be someone's work, and only ``--force`` replaces it.
    """
    path = Path(path)
    if not path.exists():
        return None
    try:
        spec, _ = read_answers(path)
    except GradquizError as err:
        raise GradquizError(f"already exists and is not a readable answers file ({err.message}); {FORCE}", path) from None
    if spec.quiz and spec.quiz != quiz_id:
        raise GradquizError(f"already holds answers to quiz '{spec.quiz}', not '{quiz_id}'; {FORCE}", path)
    given = {str(k): v for k, v in (spec.answers or {}).items()}
    return Saved(spec.student or "", {k: v for k, v in given.items() if not _empty(v)})


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def save_answers(quiz, answers: dict, output: Path) -> None:
    """Write an answers file (spec section 2) that `gradquiz check` grades, atomically.

    Answers are in the quiz's order; answers to ids the quiz does not have (an older
    version of it) are kept at the end, never dropped.
    """
    ids = [q.id for q in quiz.questions]
    ordered = {i: answers[i] for i in ids if i in answers}
    ordered.update({k: v for k, v in answers.items() if k not in ordered})
    data = {**answers_head(quiz), "answers": ordered}
    header = (
        f"# Answers to quiz '{quiz.id}' ({quiz.title}), saved by `gradquiz quiz`.\n"
        f"# Grade them with: gradquiz check {output.name}\n"
    )
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    from grader.reports import write_file

    write_file(output, header + body, what="answers")
