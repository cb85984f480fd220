"""Grading mode keeps a quiz's keys out of the feedback (spec section 6) unless the question, or
the quiz at its top level, says `reveal: true`; a student edition (no keys) is refused there,
since its answers could only be recorded."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import clean_env, run_cli

from grader.quiz.grade import check_answers

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

QUIZ = {
    "id": "keys",
    "title": "Keys",
    "questions": [
        {"id": "pick", "kind": "choice", "prompt": "Which is f' for x^2?", "choices": ["x", "2x", "x^2"], "answer": 1},
        {"id": "num", "kind": "number", "f": "x**3", "at": -2},  # f'(-2) = 12
        {"id": "sign", "kind": "sign", "f": "x**2", "at": 3},
        {"id": "step", "kind": "descent", "f": "x**2", "at": 3},
        {"id": "expr", "kind": "expression", "f": "x**3 - 7*x"},  # 3x^2 - 7
        {"id": "where", "kind": "interval", "f": "x**2 - 4*x"},  # (2, oo)
        {"id": "flat", "kind": "stationary_points", "f": "x**3 - 27*x"},  # -3, 3
    ],
}
WRONG = {"pick": 0, "num": "-12", "sign": "decreasing", "step": "increase", "expr": "-3x^2 + 7",
         "where": "(-oo, 5)", "flat": "3"}
# What each question's feedback says of its key when it is shown.
KEYS = {"pick": "The answer is 1", "num": "value 12", "sign": "f'(3) = 6", "step": "f'(3) = 6",
        "expr": "expected value", "where": "(2, oo)", "flat": "{-3, 3}"}


def _write(tmp_path, quiz: dict) -> tuple:
    problems = tmp_path / "problems"
    problems.mkdir(exist_ok=True)
    (problems / "keys.yaml").write_text(yaml.safe_dump(quiz, sort_keys=False))
    answers = tmp_path / "keys.answers.yaml"
    answers.write_text(yaml.safe_dump({"quiz": "keys", "answers": WRONG}, sort_keys=False))
    return answers, problems


def _feedback(answers, problems, grading: bool) -> dict[str, str]:
    report = check_answers(answers, problems=[problems], grading=grading)
    assert report.score == 0
    return {r.id: r.feedback for r in report.results}


def test_grading_mode_never_shows_a_key(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADQUIZ_SECRET", "s")
    answers, problems = _write(tmp_path, QUIZ)
    shown = _feedback(answers, problems, grading=False)
    hidden = _feedback(answers, problems, grading=True)
    for qid, key in KEYS.items():
        assert key in shown[qid], (qid, shown[qid])  # the student's own check teaches with the key
        assert key not in hidden[qid], (qid, hidden[qid])
    assert hidden["pick"] == 'Not "x".'
    assert hidden["num"].startswith("Your answer -12 is not within") and "sign is flipped" not in hidden["num"]
    assert hidden["sign"] == "Not decreasing." and hidden["step"] == "Not increase."
    assert hidden["expr"].startswith("Not equivalent to the expected answer: at x = ")
    assert "-6" not in hidden["flat"] and "You found 1 of the 2 stationary points." in hidden["flat"]


@pytest.mark.e2e
def test_reveal_on_the_quiz_or_a_question(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADQUIZ_SECRET", "s")
    answers, problems = _write(tmp_path, {**QUIZ, "reveal": True})
    shown = _feedback(answers, problems, grading=True)
    assert all(key in shown[qid] for qid, key in KEYS.items())
    questions = [dict(q, reveal=True) if q["id"] == "num" else dict(q) for q in QUIZ["questions"]]
    questions[0]["reveal"] = False  # a question may keep its key even when the quiz reveals the rest
    answers, problems = _write(tmp_path, {**QUIZ, "questions": questions})
    mixed = _feedback(answers, problems, grading=True)
    assert "12 (too low by 24)" in mixed["num"] and "The sign is flipped." in mixed["num"]
    assert "The answer is" not in mixed["pick"] and "(2, oo)" not in mixed["where"]
    rc, _, err = run_cli("validate", problems / "keys.yaml")
    assert rc == 0, err


@pytest.mark.e2e
def test_a_student_edition_cannot_be_graded(tmp_path):
    """Grading mode with the student edition as the quiz: exit 2 with the reason, never a score of
    recorded answers (which the command grader would have counted as a pass)."""
    answers, problems = _write(tmp_path, QUIZ)
    edition = tmp_path / "edition"
    rc, out, err = run_cli("export", problems, "--output", edition, cwd=tmp_path)
    assert rc == 0, err
    student = edition / "quizzes" / "keys.yaml"
    assert yaml.safe_load(student.read_text())["student_edition"] is True
    rc, out, err = run_cli("check", answers, "--problems", student, cwd=tmp_path)  # the student's mode: recorded
    assert rc == 0 and "Recorded" in out, err
    rc, out, err = run_cli("check", answers, "--grading", "--problems", student, "--format", "json", cwd=tmp_path,
                           env=clean_env(GRADQUIZ_SECRET="s"))
    assert rc == 2
    reason = ("quiz 'keys' is a student edition (no answer keys): grading mode cannot grade its answers; give the "
              "instructor's quiz file (--problems, GRADQUIZ_PATH)")
    assert err.strip() == f"gradquiz: {student}: {reason}"
    assert json.loads(out)["score"] == 0 and reason in json.loads(out)["error"]


@pytest.mark.e2e
@pytest.mark.parametrize("where", ["quiz", "question"])
def test_reveal_must_be_a_boolean(tmp_path, where):
    quiz = json.loads(json.dumps(QUIZ))
    (quiz if where == "quiz" else quiz["questions"][1])["reveal"] = "yes please"
    _, problems = _write(tmp_path, quiz)
    rc, _, err = run_cli("validate", problems / "keys.yaml")
    assert rc == 2 and "reveal" in err, err
