"""`validate` reports every mistake in a file, a folder without problem files is an error,
`list` warns about files it skips, and `{param}` fills exercise hints and intros (issue 10)."""

from __future__ import annotations

import json
import textwrap

import pytest
from conftest import by_id, run_cli
from test_validate import errors

MANY_SCHEMA_MISTAKES = """
id: bad
title: Many mistakes
tasks:
  - id: a
    kind: derivitive
    function: a
    f: x**2
    domain: [-1, 1]
  - id: b
    kind: derivative
    function: 3b
    f: x**2
    domian: [-1, 1]
  - id: c
    kind: gradient
    function: c
    f: x**2
    domain: [-1, 1]
    samples: -1
"""

MANY_TASK_MISTAKES = """
id: bad
title: Compile mistakes
tasks:
  - id: a
    kind: derivative
    function: a
    f: x**2 +
    domain: [-1, 1]
  - id: b
    kind: derivative
    function: b
    f: x**2
    domain: [1, -1]
  - id: c
    kind: derivative
    function: c
    f: x*y
    domain: [-1, 1]
  - id: fine
    kind: derivative
    function: fine
    f: x**3
    domain: [-1, 1]
"""

QUIZ_MISTAKES = """
id: q
title: Two broken questions
questions:
  - id: one
    kind: expression
    prompt: Type f'.
    answer: 2*x +
  - id: two
    kind: choice
    prompt: Which?
    choices: [a, b]
    answer: 5
  - id: three
    kind: bogus
"""


def test_every_schema_mistake_in_a_file_is_reported(tmp_path):
    assert errors(tmp_path, ("bad.yaml", MANY_SCHEMA_MISTAKES)) == [
        "bad.yaml:5: tasks[0].kind: expected one of function, derivative, second_derivative, partial, gradient, "
        "hessian, jacobian, numerical_derivative, numerical_gradient, autodiff, gradient_descent but got 'derivitive'",
        "bad.yaml:11: tasks[1].function: expected a Python name (letters, digits and _, not starting with a digit), got '3b'",
        "bad.yaml:13: tasks[1].domian: unknown key 'domian' (did you mean 'domain'?)",
        "bad.yaml:19: tasks[2].samples: input should be greater than or equal to 0, got -1",
    ]


def test_every_broken_task_is_reported_not_only_the_first(tmp_path):
    assert errors(tmp_path, ("bad.yaml", MANY_TASK_MISTAKES)) == [
        "bad.yaml:7: tasks[0].f: cannot read formula 'x**2 +': '+' needs something on its right",
        "bad.yaml:13: tasks[1].domain: expected an interval [low, high] with low < high, got [1, -1]",
        "bad.yaml:17: tasks[2].f: a derivative task needs one variable, f has x, y",
    ]


def test_every_broken_question_is_reported(tmp_path):
    lines = errors(tmp_path, ("q.yaml", QUIZ_MISTAKES))  # a schema mistake and two compile mistakes, in one run
    assert [line.split(": ")[0:2] for line in lines] == [
        ["q.yaml:7", "questions[0].answer"], ["q.yaml:12", "questions[1].answer"], ["q.yaml:14", "questions[2].kind"]]
    assert lines[2].startswith("q.yaml:14: questions[2].kind: expected one of ")
    fixed = QUIZ_MISTAKES.replace("kind: bogus", "kind: sign\n    f: x**2\n    at: 1")
    lines = errors(tmp_path, ("q.yaml", fixed))
    assert [line.split(": ")[0:2] for line in lines] == [["q.yaml:7", "questions[0].answer"], ["q.yaml:12", "questions[1].answer"]]


EVERY_ROUND = """
id: rounds
title: A mistake of each kind
tasks:
  - id: a
    kind: derivative
    function: a
    f: x**2
    domian: [-1, 1]
  - id: b
    kind: derivative
    function: b
    f: x**2
    reference: 3*x
    domain: [-1, 1]
  - id: c
    kind: derivative
    function: c
    f: x**2 +
    domain: [-1, 1]
  - id: d
    kind: derivative
    function: d
    f: x**3
    domain: [-1, 1]
    at: [5]
"""

QUIZ_EVERY_ROUND = """
id: qrounds
title: A mistake of each kind
questions:
  - id: typo
    kind: sign
    f: x**2
    att: 1
  - id: kink
    kind: sign
    f: abs(x)
    at: 0
  - id: broken
    kind: expression
    prompt: Type f'.
    answer: 2*x +
"""


def test_a_schema_mistake_does_not_hide_the_maths_of_the_other_tasks(tmp_path):
    """Schema, compile and maths mistakes of one file, all in one run, in line order (issue 15)."""
    lines = errors(tmp_path, ("rounds.yaml", EVERY_ROUND))
    assert [line.split(": ")[0:2] for line in lines] == [
        ["rounds.yaml:8", "tasks[0].domian"], ["rounds.yaml:13", "tasks[1].reference"],
        ["rounds.yaml:18", "tasks[2].f"], ["rounds.yaml:25", "tasks[3].at[0]"]]
    assert "the reference 3x is not the derivative of f = x^2 (that is 2x)" in lines[1]
    assert "x = 5 is outside the domain" in lines[3]
    (tmp_path / "quiz").mkdir()
    lines = errors(tmp_path / "quiz", ("qrounds.yaml", QUIZ_EVERY_ROUND))
    assert [line.split(": ")[0:2] for line in lines] == [
        ["qrounds.yaml:7", "questions[0].att"], ["qrounds.yaml:11", "questions[1].at"],
        ["qrounds.yaml:15", "questions[2].answer"]]
    assert "f has a kink at x = 0" in lines[1]


@pytest.mark.e2e
def test_the_command_prints_them_all_and_exits_2(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(MANY_TASK_MISTAKES)
    rc, out, err = run_cli("validate", path)
    assert rc == 2 and out == ""
    assert len(err.strip().splitlines()) == 3


@pytest.mark.e2e
def test_a_folder_without_problem_files_is_an_error(tmp_path):
    empty = tmp_path / "exercsies"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a problem")
    rc, out, err = run_cli("validate", empty)
    assert (rc, out, err) == (2, "", f"{empty}: no problem files (.yaml or .yml) in this folder\n")


@pytest.mark.e2e
def test_list_warns_about_files_it_cannot_read(tmp_path):
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    (quizzes / "broken.yaml").write_text("id: [oops\n")
    (quizzes / "mine.yaml").write_text("quiz: signs\nanswers: {}\n")
    (quizzes / "latin1.yaml").write_bytes(b"id: caf\xe9\n")
    rc, out, err = run_cli("list", cwd=tmp_path)
    assert rc == 0
    assert "exercise1" in out and "signs" in out  # the others are still listed
    assert err.splitlines() == [
        f"gradquiz: warning: {quizzes}/broken.yaml:2: invalid YAML: expected ',' or ']', but got '<stream end>'; skipped",
        f"gradquiz: warning: {quizzes}/latin1.yaml: not UTF-8 text (invalid continuation byte); skipped",
        f"gradquiz: warning: {quizzes}/mine.yaml: not an exercise or quiz file (answers to a quiz); skipped",
    ]


NEGATIVE = """
id: neg
title: "The slope of {a}x^2"
intro: "Here f(x) = {a}x^2 + x^{a}; {b} stays as it is."
params:
  a: {choice: [-2]}
tasks:
  - id: d
    kind: derivative
    function: d
    f: a*x**2
    domain: [-1, 1]
    hint: "The derivative of {a}x^2 is 2*{a}x; not {b}."
"""


@pytest.mark.e2e
def test_params_fill_exercise_hints_intros_and_titles_negative_values_in_parentheses(ws):
    ws.write("neg.yaml", NEGATIVE)
    sub = ws.submission("def d(x):\n    return 4 * x\n", exercise="neg")
    report = ws.check(sub, problems=ws.root)
    assert report["title"] == "The slope of (-2)x^2"
    assert by_id(report)["d"]["feedback"].splitlines()[-1] == "Hint: The derivative of (-2)x^2 is 2*(-2)x; not {b}."
    rc, out, _ = run_cli("starter", "neg", "--problems", ws.root / "neg.yaml")
    assert rc == 0
    assert "The slope of (-2)x^2" in out and "Here f(x) = (-2)x^2 + x^(-2); {b} stays as it is." in out


@pytest.mark.e2e
def test_quiz_prompts_put_negative_values_in_parentheses(tmp_path):
    quiz = tmp_path / "negq.yaml"
    quiz.write_text(textwrap.dedent("""
        id: negq
        title: T
        params:
          a: {choice: [-3]}
        questions:
          - id: q
            kind: number
            prompt: "f(x) = {a}x^2. What is f'(1)?"
            answer: 2*a
        """))
    rc, out, _ = run_cli("starter", "negq", "--problems", quiz)
    assert rc == 0 and "f(x) = (-3)x^2. What is f'(1)?" in out
    answers = tmp_path / "a.yaml"
    answers.write_text("quiz: negq\nanswers:\n  q: -6\n")
    rc, out, _ = run_cli("check", answers, "--problems", quiz, "--format", "json")
    assert rc == 0 and json.loads(out)["score"] == 1
