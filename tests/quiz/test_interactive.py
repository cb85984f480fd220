"""`gradquiz quiz ID`: driven with typer's CliRunner and through a real terminal (pexpect)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pexpect
import pytest
import yaml
from conftest import GRADQUIZ
from typer.testing import CliRunner

from grader.cli import app
from grader.quiz.grade import check_answers

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

ROOT = Path(__file__).resolve().parents[2]
ENV = {"COLUMNS": "200", "GRADQUIZ_STUDENT": "", "GRADQUIZ_GRADING": "", "GRADQUIZ_PATH": ""}

SIGNS_RIGHT = "decreasing\n1\n3x^2\n1\n"  # q3 is shown as read (3*x^2); piped input is never asked to confirm

VARIANT = """
id: variant
title: A quiz with a parameter and a hidden question
params:
  a: {choice: [2, 3, 5]}
questions:
  - id: slope
    kind: number
    prompt: "f(x) = {a}x^2. What is f'(1)?"
    answer: 2*a
  - id: secret
    kind: sign
    visibility: hidden
    f: x**3
    at: 1
"""


def run(args, answers: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(app, ["quiz", *map(str, args)], input=answers, env=ENV)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(app, ["quiz", *map(str, args)], input=answers, env=ENV)
    finally:
        os.chdir(old)


def saved(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def test_full_marks_from_piped_answers(tmp_path):
    out = tmp_path / "mine.yaml"
    result = run(["signs", "--output", out], SIGNS_RIGHT)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Reading the sign of a derivative (signs), 4 questions" in text
    assert "Question 2/4 (1 point)" in text and "  1) A stationary point" in text
    assert "read as: 3*x^2" in text and "Is that what you meant?" not in text  # the next line is the next answer
    assert "read as: 1 (A stationary point)" in text
    assert "Right: f'(-0.5) = -1 is negative, so f is decreasing at x = -0.5." in text
    assert "Score: 4 / 4" in text
    assert f"Saved your answers to {out}; grade them again with: gradquiz check {out}" in text
    assert saved(out) == {"quiz": "signs", "answers": {"q1": "decreasing", "q2": 1, "q3": "3x^2", "q4": "1"}}
    assert out.read_text().startswith("# Answers to quiz 'signs' (Reading the sign of a derivative), saved by `gradquiz quiz`.\n")
    report = check_answers(out)  # `gradquiz check` grades the saved file the same way
    assert report.passed and report.score == 4


def test_default_output_is_the_quiz_id_in_the_current_folder(tmp_path):
    result = run(["signs"], SIGNS_RIGHT, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert saved(tmp_path / "signs.answers.yaml")["answers"]["q1"] == "decreasing"


def test_unreadable_answers_are_asked_again(tmp_path):
    out = tmp_path / "a.yaml"
    typed = "\n".join(
        [
            "sideways",  # not a sign word
            "down",  # a synonym, echoed as its canonical word
            "7",  # no such choice
            "1",
            "__import__('os').system('touch MARKER')",  # hostile: read as nothing, asked again
            "3x^2",  # shown as read, 3*x^2, and kept: piped input is answers only
            "",  # skip q4
        ]
    )
    result = run(["signs", "--output", out], typed + "\n", cwd=tmp_path)
    text = result.output
    assert "Could not read your answer: expected increasing, decreasing or stationary, got 'sideways'. Try again." in text
    assert "read as: decreasing" in text
    assert "Could not read your answer: there is no choice 7: choose 0 to 2. Try again." in text
    assert "Could not read your answer: text in quotes is not allowed in a formula. Try again." in text
    assert "read as: 3*x^2" in text and "Skipped." in text and "Is that what you meant?" not in text
    assert result.exit_code == 1  # q4 was skipped
    assert saved(out)["answers"] == {"q1": "decreasing", "q2": 1, "q3": "3x^2"}
    assert not (tmp_path / "MARKER").exists()
    assert "Score: 3 / 4" in text


def test_feedback_at_the_end(tmp_path):
    result = run(["signs", "--output", tmp_path / "a.yaml", "--feedback", "end"], "increasing\n1\n3*x^2\n1\n")
    text = result.output
    answers_part, _, end_part = text.partition("Question 4/4")[2].partition("q1: ")
    assert "Right" not in answers_part  # nothing judged while answering
    assert "Not right (0/1)\n  Not increasing: f'(-0.5) = -1 is negative" in end_part
    assert "Score: 3 / 4" in end_part and result.exit_code == 1


def test_end_of_input_leaves_the_rest_unanswered(tmp_path):
    out = tmp_path / "a.yaml"
    result = run(["signs", "--output", out], "decreasing\n")
    assert result.exit_code == 1
    assert "(end of input: the remaining questions are left unanswered)" in result.output
    assert "Score: 1 / 4" in result.output and "Traceback" not in result.output
    assert saved(out)["answers"] == {"q1": "decreasing"}
    report = check_answers(out)
    assert [r.feedback for r in report.results[1:]] == ["no answer"] * 3


def test_student_variant_and_hidden_question(tmp_path):
    quiz = tmp_path / "variant.yaml"
    quiz.write_text(textwrap.dedent(VARIANT))
    from grader.quiz import load_quiz

    a = int(load_quiz(quiz, "alice").params["a"])
    out = tmp_path / "v.yaml"
    result = run(["variant", "--problems", quiz, "--student", "alice", "--output", out], f"{2 * a}\nincreasing\n")
    text = result.output
    assert result.exit_code == 0, text
    assert f"f(x) = {a}x^2. What is f'(1)?" in text
    assert "Answer recorded; this question is graded later." in text
    assert "Score: 1 / 1" in text and "1 hidden question will be graded later." in text
    assert saved(out) == {"quiz": "variant", "student": "alice", "answers": {"slope": str(2 * a), "secret": "increasing"}}
    report = check_answers(out, problems=[quiz], grading=True, quiz="variant", student="alice")
    assert report.student == "alice" and report.passed and report.score == 2


def test_unknown_quiz_and_unwritable_output(tmp_path):
    result = run(["nope"], "")
    assert result.exit_code == 2
    assert result.output == "gradquiz: no exercise or quiz with id 'nope' (see `gradquiz list`)\n"
    target = tmp_path / "missing-folder" / "a.yaml"
    result = run(["signs", "--output", target], SIGNS_RIGHT)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"gradquiz: {target.parent}: cannot write the answers: no such folder"


def test_a_student_edition_records_answers(tmp_path):
    handout = tmp_path / "handout"
    exported = CliRunner().invoke(app, ["export", str(ROOT / "quizzes" / "signs.yaml"), "--output", str(handout)], env=ENV)
    assert exported.exit_code == 0, exported.output
    out = tmp_path / "a.yaml"
    result = run(["signs", "--problems", handout / "quizzes", "--output", out], SIGNS_RIGHT)
    assert result.exit_code == 0, result.output
    assert "Recorded\n  Recorded: decreasing. It is graded later with the instructor's answer key." in result.output
    assert "Recorded 4 answers; the score comes when they are graded." in result.output
    assert check_answers(out).score == 4  # the instructor's file grades the same answers


# --------------------------------------------------------------------------- a real terminal


def spawn(*args, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADQUIZ_")}
    return pexpect.spawn(
        GRADQUIZ[0], [*GRADQUIZ[1:], "quiz", *map(str, args)], cwd=str(cwd), env=env, encoding="utf-8", timeout=30,
        dimensions=(50, 200),
    )


@pytest.mark.e2e
def test_quiz_in_a_real_terminal(tmp_path):
    child = spawn("signs", cwd=tmp_path)
    child.expect("Question 1/4")
    child.expect("Your answer")
    child.sendline("negative")
    child.expect("read as: decreasing")
    child.expect("Right: f'")
    child.expect("Your answer")
    child.sendline("1")
    child.expect("Your answer")
    child.sendline("3x^2")
    child.expect(r"read as: 3\*x\^2")
    child.expect(r"\[y/n\]")
    child.sendline("y")
    child.expect("Equivalent to the expected answer")
    child.expect("Your answer")
    child.sendline("1/2")
    child.expect("read as: 0.5")
    child.expect(r"\[y/n\]")
    child.sendline("y")
    child.expect("too low by 0.5")
    child.expect("Score: 3 / 4")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    path = tmp_path / "signs.answers.yaml"
    assert saved(path)["answers"] == {"q1": "decreasing", "q2": 1, "q3": "3x^2", "q4": "1/2"}
    proc = subprocess.run([*GRADQUIZ, "check", str(path)], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 1 and "Score: 3 / 4" in proc.stdout


@pytest.mark.e2e
def test_ctrl_c_saves_what_was_answered_and_exits_130(tmp_path):
    child = spawn("signs", "--output", "partial.yaml", cwd=tmp_path)
    child.expect("Your answer")
    child.sendline("decreasing")
    child.expect("Your answer")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Stopped." in child.before and "Traceback" not in child.before
    assert "Your 1 answer(s) so far are saved in partial.yaml." in child.before.replace("\r\n", "\n")
    assert saved(tmp_path / "partial.yaml")["answers"] == {"q1": "decreasing"}


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminal")
def test_ctrl_d_in_a_real_terminal(tmp_path):
    child = spawn("signs", cwd=tmp_path)
    child.expect("Your answer")
    child.sendeof()
    child.expect("end of input")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert saved(tmp_path / "signs.answers.yaml")["answers"] == {}


# --------------------------------------------------------------------------- never lose answers


def test_a_second_session_resumes_instead_of_overwriting(tmp_path):
    out = tmp_path / "a.yaml"
    first = run(["signs", "--output", out], "decreasing\n")  # then end of input
    assert saved(out)["answers"] == {"q1": "decreasing"}
    second = run(["signs", "--output", out], "1\n3x^2\n1\n")
    text = second.output
    assert f"Resuming {out}: 1 saved answer is kept; 3 questions to answer. (To start afresh, add --force.)" in text
    assert "Saved answer: decreasing (kept)" in text
    assert text.count("Your answer") == 3  # q1 is not asked again
    assert "Score: 4 / 4" in text and second.exit_code == 0, text
    assert saved(out)["answers"] == {"q1": "decreasing", "q2": 1, "q3": "3x^2", "q4": "1"}
    assert first.exit_code == 1


def test_a_finished_file_is_graded_again_without_questions(tmp_path):
    out = tmp_path / "a.yaml"
    run(["signs", "--output", out], SIGNS_RIGHT)
    before = out.read_text()
    again = run(["signs", "--output", out], "")
    assert "Resuming" in again.output and "4 saved answers are kept; 0 questions to answer" in again.output
    assert "Your answer" not in again.output and "Score: 4 / 4" in again.output
    assert saved(out) == yaml.safe_load(before)


def test_the_starter_file_is_resumed_with_what_the_student_filled_in(tmp_path):
    out = tmp_path / "signs.answers.yaml"
    made = CliRunner().invoke(app, ["starter", "signs", "--output", str(out)], env=ENV)
    assert made.exit_code == 0, made.output
    out.write_text(out.read_text().replace("\n  q3:\n", "\n  q3: 3*x^2\n"))  # the student typed one answer
    result = run(["signs"], "decreasing\n1\n1\n", cwd=tmp_path)  # the default file is the starter's name
    assert "Resuming" in result.output and "Saved answer: 3*x^2 (kept)" in result.output
    assert result.output.count("Your answer") == 3
    assert saved(out)["answers"] == {"q1": "decreasing", "q2": 1, "q3": "3*x^2", "q4": "1"}
    assert "Score: 4 / 4" in result.output


def test_a_file_that_is_not_these_answers_is_refused_unless_forced(tmp_path):
    notes = tmp_path / "notes.yaml"
    notes.write_text("my notes: [derivatives\n")
    result = run(["signs", "--output", notes], SIGNS_RIGHT)
    assert result.exit_code == 2
    assert result.output.startswith(f"gradquiz: {notes}: already exists and is not a readable answers file (")
    assert result.output.rstrip().endswith("choose another --output, or add --force to start afresh and replace it")
    assert notes.read_text() == "my notes: [derivatives\n"
    other = tmp_path / "other.yaml"
    other.write_text("quiz: rules\nanswers:\n  q1: 2x\n")
    result = run(["signs", "--output", other], SIGNS_RIGHT)
    assert result.exit_code == 2 and "already holds answers to quiz 'rules', not 'signs'" in result.output
    assert saved(other)["answers"] == {"q1": "2x"}
    forced = run(["signs", "--output", other, "--force"], SIGNS_RIGHT)
    assert forced.exit_code == 0 and "Resuming" not in forced.output
    assert saved(other)["quiz"] == "signs"


def test_another_students_answers_are_refused_and_the_files_student_picks_the_variant(tmp_path):
    quiz = tmp_path / "variant.yaml"
    quiz.write_text(textwrap.dedent(VARIANT))
    out = tmp_path / "v.yaml"
    run(["variant", "--problems", quiz, "--student", "alice", "--output", out], "\n")  # skip, then end of input
    refused = run(["variant", "--problems", quiz, "--student", "bob", "--output", out], "1\n")
    assert refused.exit_code == 2 and "already holds the answers of student 'alice', not 'bob'" in refused.output
    from grader.quiz import load_quiz

    a = int(load_quiz(quiz, "alice").params["a"])
    resumed = run(["variant", "--problems", quiz, "--output", out], f"{2 * a}\nincreasing\n")  # no --student
    assert f"f(x) = {a}x^2. What is f'(1)?" in resumed.output and resumed.exit_code == 0, resumed.output
    assert saved(out)["student"] == "alice"


def test_answers_to_unknown_questions_are_kept(tmp_path):
    out = tmp_path / "a.yaml"
    out.write_text("quiz: signs\nanswers:\n  q1: decreasing\n  old_q9: 42\n")
    run(["signs", "--output", out], "1\n3x^2\n1\n")
    assert saved(out)["answers"] == {"q1": "decreasing", "q2": 1, "q3": "3x^2", "q4": "1", "old_q9": 42}


def test_saving_replaces_the_file_in_one_step(tmp_path):
    out = tmp_path / "a.yaml"
    out.write_text("quiz: signs\nanswers:\n  q1: decreasing\n")
    before = os.stat(out).st_ino
    run(["signs", "--output", out], "1\n3x^2\n1\n")
    assert saved(out)["answers"] == {"q1": "decreasing", "q2": 1, "q3": "3x^2", "q4": "1"}
    assert os.stat(out).st_ino != before  # a new file renamed over the old one, never rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]  # no temporary file left behind


@pytest.mark.e2e
def test_ctrl_c_merges_with_the_saved_answers(tmp_path):
    (tmp_path / "signs.answers.yaml").write_text("quiz: signs\nanswers:\n  q1: decreasing\n")
    child = spawn("signs", cwd=tmp_path)
    child.expect("Saved answer: decreasing")
    child.expect("Your answer")
    child.sendline("1")
    child.expect("Your answer")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Your 2 answer(s) so far are saved in" in child.before.replace("\r\n", "\n")
    assert saved(tmp_path / "signs.answers.yaml")["answers"] == {"q1": "decreasing", "q2": 1}


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminal")
def test_ctrl_d_keeps_the_saved_answers(tmp_path):
    (tmp_path / "signs.answers.yaml").write_text("quiz: signs\nanswers:\n  q2: 1\n")
    child = spawn("signs", cwd=tmp_path)
    child.expect("Your answer")
    child.sendeof()
    child.expect("end of input")
    child.expect(pexpect.EOF)
    child.close()
    assert saved(tmp_path / "signs.answers.yaml")["answers"] == {"q2": 1}


# -- issue 17: piped answers are answers only; --redo ---------------------------------------


@pytest.mark.e2e
def test_a_preview_can_be_declined_in_a_real_terminal(tmp_path):
    child = spawn("signs", "--output", "a.yaml", cwd=tmp_path)
    for answer in ("decreasing", "1"):
        child.expect("Your answer")
        child.sendline(answer)
    child.expect("Your answer")
    child.sendline("3x^3")
    child.expect(r"read as: 3\*x\^3")
    child.expect(r"\[y/n\]")
    child.sendline("n")  # not what I meant: asked again
    child.expect("Your answer")
    child.sendline("3x^2")
    child.expect(r"\[y/n\]")
    child.sendline("y")
    child.expect("Your answer")
    child.sendline("1")
    child.expect("Score: 4 / 4")
    child.expect(pexpect.EOF)
    child.close()
    assert saved(tmp_path / "a.yaml")["answers"]["q3"] == "3x^2"


@pytest.mark.e2e
def test_piped_answers_through_the_installed_command_lose_none(tmp_path):
    """`gradquiz quiz signs <<EOF`: the line after a previewed formula is the next answer."""
    proc = subprocess.run([*GRADQUIZ, "quiz", "signs"], input="decreasing\n1\n3x^2\n1\n", capture_output=True, text=True, check=False,
                          cwd=tmp_path, timeout=60, env={k: v for k, v in os.environ.items() if not k.startswith("GRADQUIZ_")})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Score: 4 / 4" in proc.stdout and "Is that what you meant?" not in proc.stdout
    assert saved(tmp_path / "signs.answers.yaml")["answers"] == {"q1": "decreasing", "q2": 1, "q3": "3x^2", "q4": "1"}


def test_redo_asks_one_saved_question_again(tmp_path):
    out = tmp_path / "a.yaml"
    run(["signs", "--output", out], "increasing\n1\n3x^2\n1\n")
    assert saved(out)["answers"]["q1"] == "increasing"
    result = run(["signs", "--output", out, "--redo", "q1"], "decreasing\n")
    assert result.exit_code == 0, result.output
    assert "Asking q1 again; Enter without an answer keeps the saved one." in result.output
    assert "Your saved answer: increasing" in result.output
    assert "Saved answer: 1 (kept)" in result.output  # q2 is not asked
    assert saved(out)["answers"] == {"q1": "decreasing", "q2": 1, "q3": "3x^2", "q4": "1"}
    assert "Score: 4 / 4" in result.output


def test_redo_keeps_the_saved_answer_on_enter_and_takes_several(tmp_path):
    out = tmp_path / "a.yaml"
    run(["signs", "--output", out], "increasing\n0\n3x^2\n1\n")
    result = run(["signs", "--output", out, "--redo", "q1,q2"], "\n1\n")
    assert "Kept your saved answer." in result.output
    assert saved(out)["answers"] == {"q1": "increasing", "q2": 1, "q3": "3x^2", "q4": "1"}


def test_redo_of_an_unknown_question_is_refused(tmp_path):
    result = run(["signs", "--output", tmp_path / "a.yaml", "--redo", "q9"], "")
    assert result.exit_code == 2
    assert "--redo: quiz 'signs' has no question 'q9' (its questions: q1, q2, q3, q4)" in result.output
