"""Quizzes: every question kind, answers files, hostile answers, bundled quizzes.

Most checks grade through the installed ``gradquiz`` command (exit codes, ``--format
json``); the finer points of reading typed answers run in process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
import sympy
import yaml
from conftest import GRADQUIZ

from grader.errors import GradquizError
from grader.quiz import load_quiz, validate_quiz
from grader.quiz.grade import check_answers, grade_question
from grader.quiz.kinds import QUESTION_KINDS
from grader.quiz.kinds.stationary_points import read_points
from grader.quiz.model import Unreadable
from grader.quiz.sets import read_interval

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

ROOT = Path(__file__).resolve().parents[2]
QUIZZES = ROOT / "quizzes"
SOLUTIONS = ROOT / "solutions"


def environment(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADQUIZ_")}
    env.update(extra)
    return env


def gradquiz(*args, cwd, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*GRADQUIZ, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=environment(**env), timeout=60
    )


def graded(answers: Path, *extra, cwd, **env) -> tuple[int, dict]:
    proc = gradquiz("check", answers, "--format", "json", *extra, cwd=cwd, **env)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def answers_file(folder: Path, quiz: str, answers: dict, name="answers.yaml", **top) -> Path:
    data = {"quiz": quiz, **top, "answers": answers}
    return write(folder, name, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def by_id(report: dict) -> dict:
    return {r["id"]: r for r in report["results"]}


KINDS_QUIZ = """
id: kinds
title: Every kind of question
params:
  a: {choice: [2, 3, 5]}
questions:
  - {id: sign_down, kind: sign, f: x**2, at: -0.5}
  - {id: sign_up, kind: sign, f: x**2, at: 0.5}
  - {id: sign_flat, kind: sign, f: x**2, at: 0.0}
  - {id: sign_sine, kind: sign, f: sin(x), at: 1.5707963}
  - {id: step, kind: descent, f: x**2, at: -0.5}
  - id: pick
    kind: choice
    prompt: What does a derivative of 0.0 indicate?
    choices: [The function is increasing, A stationary point, The function is undefined]
    answer: 1
  - {id: exact_value, kind: number, prompt: "What is sin(pi/4)?", answer: sqrt(2)/2, tolerance: 1.0e-9}
  - {id: slope, kind: number, f: x**2, at: 0.5}
  - {id: formula, kind: expression, f: x**3, points: 2, hint: Power rule.}
  - {id: rises, kind: interval, f: x**3 - 3*x}
  - {id: flat_points, kind: stationary_points, f: x**3 - 3*x}
  - {id: scaled, kind: number, prompt: "f(x) = {a}x^2. What is f'(1)?", answer: 2*a}
"""

RIGHT = {
    "sign_down": "decreasing",
    "sign_up": "increasing",
    "sign_flat": "stationary",
    "sign_sine": "stationary",
    "step": "increase",
    "pick": 1,
    "exact_value": "sqrt(2)/2",
    "slope": "1",
    "formula": "3x^2",
    "rises": "(-oo, -1) U (1, oo)",
    "flat_points": "{-1, 1}",
    "scaled": None,  # 2a: filled in by the fixture for the default variant
}

WRONG = {
    "sign_down": ("increasing", "Not increasing: f'(-0.5) = -1 is negative, so f is decreasing at x = -0.5."),
    "sign_up": ("decreasing", "Not decreasing: f'(0.5) = 1 is positive, so f is increasing at x = 0.5."),
    "sign_flat": ("increasing", "Not increasing: f'(0) = 0, zero (within 1e-06): f is stationary at x = 0."),
    "sign_sine": (
        "increasing",
        "Not increasing: f'(1.5707963) = 2.67949e-08, zero (within 1e-06): f is stationary at x = 1.5707963.",
    ),
    "step": (
        "decrease",
        "Not decrease: f'(-0.5) = -1 is negative, and gradient descent steps against the derivative, so it increases x.",
    ),
    "pick": (0, 'Not "The function is increasing". The answer is 1: A stationary point.'),
    "exact_value": (
        0.7071,
        "Your answer 0.7071 is not within 1e-09 of the expected value sqrt(2)/2 (too low by 6.78119e-06). "
        "Close: give more digits, or an exact value such as 1/3 or sqrt(2)/2.",
    ),
    "slope": ("-1", "Your answer -1 is not within 0.005 (3 significant figures) of the expected value 1 (too low by 2). The sign is flipped."),
    "formula": ("x^4/4", None),
    "rises": (
        "x > 0",
        "Your answer leaves out x = -2, where f'(-2) = 9: f is increasing there. "
        "The expected answer is (-oo, -1) U (1, oo).",
    ),
    "flat_points": (
        "1, 2",
        "x = 2 is not a stationary point: f'(2) = 9.\n"
        "You found 1 of the 2 stationary points; the expected answer is {-1, 1}.",
    ),
    "scaled": (100, None),
}


@pytest.fixture(scope="module")
def kinds(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kinds")
    path = write(folder, "quizzes/kinds.yaml", KINDS_QUIZ)
    RIGHT["scaled"] = 2 * int(load_quiz(path, "").params["a"])
    return folder


@pytest.mark.e2e
def test_every_kind_right_through_the_command(kinds):
    rc, report = graded(answers_file(kinds, "kinds", RIGHT, "right.yaml"), cwd=kinds)
    assert rc == 0
    assert report["kind"] == "quiz" and report["id"] == "kinds" and report["passed"] is True
    assert [r["id"] for r in report["results"]] == list(RIGHT)  # one result per question, in file order
    assert report["score"] == report["max_score"] == 13.0
    for result in report["results"]:
        assert set(result) >= {"id", "score", "max_score", "passed", "feedback"}
        assert result["passed"], result


@pytest.mark.e2e
def test_every_kind_wrong_through_the_command(kinds):
    rc, report = graded(answers_file(kinds, "kinds", {k: v for k, (v, _) in WRONG.items()}, "wrong.yaml"), cwd=kinds)
    assert rc == 1
    assert report["score"] == 0.0 and report["passed"] is False
    results = by_id(report)
    for qid, (_, feedback) in WRONG.items():
        assert not results[qid]["passed"]
        if feedback is not None:
            assert results[qid]["feedback"] == feedback, qid
    formula = results["formula"]
    assert formula["max_score"] == 2.0
    assert formula["mistake"] == "integrated"
    assert re.fullmatch(
        r"At x = -?[\d.]+ your answer is -?[\d.e+-]+, the expected value is -?[\d.e+-]+\.\n"
        r"You integrated instead of differentiating: the derivative of your answer is f itself\.\n"
        r"Hint: Power rule\.",
        formula["feedback"],
    ), formula["feedback"]
    assert set(formula["counterexample"]) == {"at", "answer", "expected"}


@pytest.mark.e2e
def test_text_report_and_exit_code(kinds):
    proc = gradquiz("check", answers_file(kinds, "kinds", RIGHT, "text.yaml"), cwd=kinds)
    assert proc.returncode == 0, proc.stderr
    assert "PASS sign_down  1/1" in proc.stdout
    assert proc.stdout.rstrip().endswith("Score: 13 / 13")


# --------------------------------------------------------------------------- typing

TYPING_QUIZ = {
    "power": ("x**3", "3x^2"),
    "linear": ("x**2", "2x"),
    "chain": ("(x**2 + 1)**3", "6x(x^2+1)^2"),
    "exp": ("exp(2*x)", "2e^(2x)"),
    "ln_space": ("x*log(x) - x", "ln x"),
    "ln_paren": ("x*log(x) - x", "ln(x)"),
    "sqrt": ("sqrt(x)", "1/(2 sqrt(x))"),
    "sec": ("tan(x)", "sec(x)^2"),
    "csc": ("1/sin(x)", "-csc(x) cot(x)"),
    "cosec": ("1/sin(x)", "-cosec x cot x"),
    "cot": ("log(sin(x))", "cot(x)"),
    "sinh": ("cosh(x)", "sinh x"),
    "cosh": ("sinh(x)", "cosh(x)"),
    "tanh": ("log(cosh(x))", "tanh(x)"),
    "sech": ("tanh(x)", "sech(x)^2"),
    "pi": ("pi*x**2", "2 pi x"),
    "decimal": ("x**2/4", "0.5x"),
    "fraction": ("x**3/6", "x^2/2"),
    "product": ("x*exp(x)", "e^x + x e^x"),
    "quotient": ("x/(x + 1)", "1/(x+1)^2"),
}


@pytest.mark.e2e
def test_every_typing_convention_is_accepted_through_the_command(tmp_path):
    questions = [{"id": qid, "kind": "expression", "f": f} for qid, (f, _) in TYPING_QUIZ.items()]
    questions += [
        {"id": "half", "kind": "number", "prompt": "1/2?", "answer": 0.5},
        {"id": "root_half", "kind": "number", "prompt": "sqrt(2)/2?", "answer": "sqrt(2)/2", "tolerance": 1e-12},
        {"id": "pi_value", "kind": "number", "prompt": "pi/4?", "answer": "pi/4", "tolerance": 1e-12},
    ]
    write(tmp_path, "typing.yaml", yaml.safe_dump({"id": "typing", "title": "Typing", "questions": questions}))
    answers = {qid: typed for qid, (_, typed) in TYPING_QUIZ.items()}
    answers.update(half="1/2", root_half="sqrt(2)/2", pi_value="pi/4")
    rc, report = graded(answers_file(tmp_path, "typing", answers), "--problems", tmp_path / "typing.yaml", cwd=tmp_path)
    failed = {r["id"]: (r["answer"], r["feedback"]) for r in report["results"] if not r["passed"]}
    assert rc == 0 and not failed, failed
    assert by_id(report)["power"]["read_as"] == "3*x^2"


@pytest.mark.parametrize(
    "typed, canonical",
    [(w, "increasing") for w in ("increasing", "Increasing", "positive", "+", "up")]
    + [(w, "decreasing") for w in ("decreasing", "negative", "-", "down")]
    + [(w, "stationary") for w in ("stationary", "zero", "0", "flat", "stationary point")],
)
def test_sign_synonyms(typed, canonical):
    q = load_quiz(QUIZZES / "reading.yaml").questions[0]
    assert q.kind.read(q, typed) == canonical


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("(0, oo)", sympy.Interval.open(0, sympy.oo)),
        ("[0, oo)", sympy.Interval(0, sympy.oo, right_open=True)),
        ("(0, inf)", sympy.Interval.open(0, sympy.oo)),
        ("x > 0", sympy.Interval.open(0, sympy.oo)),
        ("0 < x", sympy.Interval.open(0, sympy.oo)),
        ("x >= 0", sympy.Interval(0, sympy.oo, right_open=True)),
        ("-1 < x < 1", sympy.Interval.open(-1, 1)),
        ("-1 <= x <= 1", sympy.Interval(-1, 1)),
        ("(-oo, -1) U (1, oo)", sympy.Interval.open(-sympy.oo, -1) | sympy.Interval.open(1, sympy.oo)),
        ("(-oo, -1) ∪ (1, oo)", sympy.Interval.open(-sympy.oo, -1) | sympy.Interval.open(1, sympy.oo)),
        ("x < -1 or x > 1", sympy.Interval.open(-sympy.oo, -1) | sympy.Interval.open(1, sympy.oo)),
        ("(-sqrt(3), pi/2]", sympy.Interval(-sympy.sqrt(3), sympy.pi / 2, left_open=True)),
        ("all", sympy.Reals),
        ("(-oo, oo)", sympy.Reals),
        ("none", sympy.EmptySet),
        ([0, 1], sympy.Interval(0, 1)),
    ],
)
def test_interval_formats(typed, expected):
    assert read_interval(typed) == expected


@pytest.mark.parametrize(
    "typed, message",
    [
        ("(1, 0)", "the interval from 1 to 0 is empty: write the smaller end first"),
        ("x = 0", "expected an interval such as (0, oo) or an inequality such as x > 0, got 'x = 0'"),
        ("y > 0", "an inequality needs the variable x, e.g. x > 0"),
        ("(0, x)", "unknown name 'x' (this formula cannot use any variables)"),
    ],
)
def test_unreadable_intervals(typed, message):
    with pytest.raises(Unreadable, match=re.escape(message)):
        read_interval(typed)


@pytest.mark.parametrize(
    "typed",
    ["-1, 1", "{-1, 1}", "1, -1", "x = -1, x = 1", "-1 and 1", "[-1, 1]", [-1, 1], {-1: None, 1: None}, "-1; 1, 1"],
)
def test_point_set_formats(typed):
    assert read_points(typed) == (-1, 1)


def test_point_sets_take_exact_values_and_none():
    assert read_points("sqrt(2)/2, -sqrt(2)/2") == (-sympy.sqrt(2) / 2, sympy.sqrt(2) / 2)
    assert read_points("none") == () and read_points("{}") == ()


def test_interval_answers_ignore_endpoints():
    q = load_quiz(QUIZZES / "reading.yaml").questions[10]  # where x^2 is increasing
    for typed in ("(0, oo)", "[0, oo)", "x > 0", "x >= 0"):
        assert grade_question(q, typed).passed, typed
    wrong = grade_question(q, "(-1, oo)")
    assert wrong.feedback == (
        "Your answer includes x = -0.5, where f'(-0.5) = -1: f is decreasing there. The expected answer is (0, oo)."
    )


def test_choice_accepts_the_index_as_text_or_the_choice_itself():
    q = load_quiz(QUIZZES / "signs.yaml").questions[1]
    for typed in (1, 1.0, "1", " 1 ", "A stationary point", "a stationary point"):
        assert grade_question(q, typed).passed, typed
    assert grade_question(q, 5).feedback == "could not read your answer: there is no choice 5: choose 0 to 2"
    assert grade_question(q, True).feedback == "could not read your answer: expected an answer, got true (quote it in YAML)"


# --------------------------------------------------------------------------- hostile answers

HOSTILE = [
    "__import__('os').system('touch {marker}')",
    '__import__("os").system("touch {marker}")',
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__.__mro__[-1].__subclasses__()",
    "(lambda: __import__('os').system('touch {marker}'))()",
    "[__import__('os').system('touch {marker}') for _ in (1,)]",
    "exec('open(\"{marker}\", \"w\")')",
    "eval('1')",
    "globals()",
    "9^9^9^9",
    "10**10**10**10",
    "2^2^2^2^2^2^2",
    "x" * 100_000,
    "(" * 5000 + "x" + ")" * 5000,
    "sin(" * 60 + "x" + ")" * 60,
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    marker = folder / "MARKER"
    questions, answers = [], {}
    for kind, extra in (
        ("expression", {"f": "x**2"}),
        ("number", {"prompt": "?", "answer": 1}),
        ("sign", {"f": "x**2", "at": 1}),
        ("choice", {"prompt": "?", "choices": ["a", "b"], "answer": 0}),
        ("interval", {"f": "x**2"}),
        ("stationary_points", {"f": "x**2"}),
    ):
        for i, text in enumerate(HOSTILE):
            qid = f"{kind}_{i}"
            questions.append({"id": qid, "kind": kind, **extra})
            answers[qid] = text.format(marker=marker)
    answers["interval_x"] = f"(__import__('os').system('touch {marker}'), oo)"
    answers["points_x"] = f"1, __import__('os').system('touch {marker}')"
    questions += [{"id": "interval_x", "kind": "interval", "f": "x**2"}, {"id": "points_x", "kind": "stationary_points", "f": "x**2"}]
    write(folder, "quizzes/hostile.yaml", yaml.safe_dump({"id": "hostile", "title": "H", "questions": questions}))
    return folder, answers_file(folder, "hostile", answers), marker, answers


@pytest.mark.e2e
def test_hostile_answers_score_zero_fast_and_run_nothing(hostile):
    folder, path, marker, answers = hostile
    start = time.perf_counter()
    rc, report = graded(path, cwd=folder)
    elapsed = time.perf_counter() - start
    assert rc == 1
    assert report["score"] == 0.0 and len(report["results"]) == len(answers)
    for result in report["results"]:
        assert result["score"] == 0.0 and not result["passed"]
        assert result["feedback"].startswith("could not read your answer: "), result
        assert "Traceback" not in result["feedback"]
    assert not marker.exists()
    assert elapsed < 20, f"{len(answers)} hostile answers took {elapsed:.1f} s"


@pytest.mark.parametrize("text", HOSTILE + ["x^x^x^x^x^x^x^x", "exp(exp(exp(exp(x))))", "(x+1)^999"])
def test_each_hostile_expression_is_fast_in_process(text, tmp_path):
    q = load_quiz(QUIZZES / "rules.yaml").questions[0]
    start = time.process_time()  # CPU time: a loaded machine must not fail this test
    result = grade_question(q, text.format(marker=tmp_path / "MARKER"))
    assert time.process_time() - start < 1.5
    assert result.score == 0.0 and not result.passed
    assert not (tmp_path / "MARKER").exists()


# --------------------------------------------------------------------------- answers files


def test_empty_answer_is_no_answer():
    q = load_quiz(QUIZZES / "signs.yaml").questions[0]
    assert grade_question(q, None).feedback == grade_question(q, "  ").feedback == "no answer"


@pytest.mark.e2e
def test_missing_answer_and_unknown_question_id(kinds):
    answers = {k: v for k, v in RIGHT.items() if k != "formula"}
    path = answers_file(kinds, "kinds", {**answers, "Formula": "3x^2"}, "unknown.yaml")
    rc, report = graded(path, cwd=kinds)
    assert rc == 1
    missing = by_id(report)["formula"]
    assert (missing["score"], missing["passed"], missing["feedback"]) == (0.0, False, "no answer")
    assert report["score"] == 11.0 and report["passed"] is False
    line = path.read_text().splitlines().index("  Formula: 3x^2") + 1
    assert report["notes"][0] == (
        f"{path}:{line}: answers.Formula: quiz 'kinds' has no question 'Formula' (did you mean 'formula'?); "
        "this answer was not graded"
    )
    assert report["notes"][1].startswith("no student id given: graded the default variant (")  # kinds has params


def test_an_unknown_id_alone_still_fails_the_run(kinds):
    report = check_answers(answers_file(kinds, "kinds", {**RIGHT, "extra": 1}, "extra.yaml"), problems=[kinds / "quizzes"])
    assert report.score == report.max_score and all(r.passed for r in report.results)
    assert not report.passed and report.exit_code == 1
    assert report.to_dict()["passed"] is False
    assert report.notes[0].endswith("answers.extra: quiz 'kinds' has no question 'extra'; this answer was not graded")


@pytest.mark.e2e
def test_invalid_answers_yaml_exits_2_with_one_line(kinds):
    path = write(kinds, "bad.answers.yaml", "quiz: kinds\nanswers:\n  rises: [0, oo)\n")
    proc = gradquiz("check", path, cwd=kinds)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        f"gradquiz: {path}:4: invalid YAML: expected ',' or ']', but got '<stream end>' "
        "(quote answers that start with [ or {, e.g. '[0, oo)')\n"
    )


@pytest.mark.parametrize(
    "text, message",
    [
        ("quiz: kinds\nanswers:\n  slope: 1\n   step: up\n", "{path}:4: invalid YAML: mapping values are not allowed here"),
        ("- 1\n- 2\n", "{path}:1: expected `quiz: ID` and `answers:` at the top of an answers file"),
        ("answers:\n  slope: 1\n", "{path}:1: missing required key 'quiz' (the id of the quiz these answers are for)"),
        ("quiz: nosuch\nanswers: {}\n", "{path}:1: quiz: no exercise or quiz with id 'nosuch' (see `gradquiz list`)"),
        ("quiz: kinds\nanswer:\n  slope: 1\n", "{path}:2: answer: unknown key 'answer' (did you mean 'answers'?)"),
        ("quiz: kinds\nanswers: [1, 2]\n", "{path}:2: answers: input should be a valid dictionary, got [1, 2]"),
        ("quiz: kinds\nanswers:\n  slope: 1\n  slope: 2\n", "{path}:4: duplicate key 'slope'"),
    ],
)
def test_bad_answers_files_name_file_and_line(kinds, text, message):
    path = write(kinds, "bad.answers.yaml", text)
    with pytest.raises(GradquizError) as err:
        check_answers(path, problems=[kinds / "quizzes"])
    assert err.value.exit_code == 2
    assert str(err.value) == message.format(path=path)


def test_unreadable_and_missing_answers_files(kinds):
    binary = kinds / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(GradquizError, match=re.escape(f"{binary}: not UTF-8 text (invalid start byte)")):
        check_answers(binary)
    with pytest.raises(GradquizError, match=re.escape(f"{kinds / 'nothere.yaml'}: no such file")):
        check_answers(kinds / "nothere.yaml")


def test_an_exercise_is_not_a_quiz(tmp_path):
    path = answers_file(tmp_path, "exercise1", {})
    with pytest.raises(GradquizError) as err:
        check_answers(path)
    assert str(err.value) == f"{path}:1: 'exercise1' is an exercise, not a quiz: submit a .py file for it"


def test_quiz_override_and_python_api(kinds):
    path = answers_file(kinds, "something-else", RIGHT, "override.yaml")
    report = check_answers(path, problems=[kinds / "quizzes"], quiz="kinds")
    assert report.passed and report.kind == "quiz" and report.exit_code == 0


# --------------------------------------------------------------------------- variants and visibility

VARIANT_QUIZ = """
id: variant
title: Variants
params:
  a: {choice: [2, 3, 5]}
  n: {integer: [2, 6]}
questions:
  - id: slope
    kind: number
    prompt: "f(x) = {a}x^{n}. What is f'(1)?"
    answer: a*n
  - id: formula
    kind: expression
    prompt: "f(x) = {a}x^{n}. Type f'(x)."
    answer: a*n*x**(n - 1)
  - id: sign
    kind: sign
    f: a*(x - n)**2
    at: 0
  - id: secret
    kind: number
    visibility: hidden
    prompt: "What is {a} + {n}?"
    answer: a + n
"""


def test_params_are_drawn_per_student_and_used_by_name(tmp_path):
    path = write(tmp_path, "variant.yaml", VARIANT_QUIZ)
    seen = set()
    for student in ("alice", "bob", "carol", "dave", "erin"):
        quiz = load_quiz(path, student)
        a, n = int(quiz.params["a"]), int(quiz.params["n"])
        seen.add((a, n))
        slope, formula, sign, secret = quiz.questions
        assert slope.prompt == f"f(x) = {a}x^{n}. What is f'(1)?"
        assert grade_question(slope, str(a * n)).passed
        assert grade_question(formula, f"{a * n}x^{n - 1}").passed
        assert sign.prompt == f"Is f(x) = {a}(x - {n})^2 increasing, decreasing or stationary at x = 0?"  # as written by hand
        assert grade_question(sign, "decreasing").passed
        assert load_quiz(path, student).params == quiz.params  # the same student, the same variant
    assert len(seen) > 1


@pytest.mark.e2e
def test_student_variant_through_the_command_and_the_answers_file(tmp_path):
    path = write(tmp_path, "quizzes/variant.yaml", VARIANT_QUIZ)
    quiz = load_quiz(path, "alice")
    a, n = int(quiz.params["a"]), int(quiz.params["n"])
    answers = {"slope": a * n, "formula": f"{a * n} x^{n - 1}", "sign": "decreasing", "secret": a + n}
    flagged = answers_file(tmp_path, "variant", answers, "flag.yaml")
    rc, report = graded(flagged, "--student", "alice", cwd=tmp_path)
    assert rc == 0 and report["student"] == "alice"
    # the hidden question is not graded in the student's mode, and the report says so
    assert [r["id"] for r in report["results"]] == ["slope", "formula", "sign"]
    assert report["notes"] == ["1 hidden question will be graded when your work is graded."]
    # a file saved by `gradquiz quiz --student alice` carries the student id
    recorded = answers_file(tmp_path, "variant", answers, "recorded.yaml", student="alice")
    report = check_answers(recorded, problems=[tmp_path / "quizzes"], grading=False)
    assert report.exit_code == 0 and report.student == "alice"
    # grading mode trusts neither the file's `quiz:` nor its `student:`: the instructor names both
    report = check_answers(recorded, problems=[tmp_path / "quizzes"], grading=True, quiz="variant", student="alice")
    assert report.exit_code == 0 and report.student == "alice"
    secret = by_id(report.to_dict())["secret"]
    assert secret["hidden"] is True and secret["passed"]


def test_answers_of_one_student_graded_as_another_say_so(tmp_path, monkeypatch):
    write(tmp_path, "quizzes/variant.yaml", VARIANT_QUIZ)
    recorded = answers_file(tmp_path, "variant", {"sign": "decreasing"}, "recorded.yaml", student="alice")
    monkeypatch.setenv("GRADQUIZ_STUDENT", "bob")
    report = check_answers(recorded, problems=[tmp_path / "quizzes"])
    assert report.student == "bob"
    assert "these answers were given as student 'alice' but were graded as 'bob'" in report.notes


# --------------------------------------------------------------------------- authoring errors


@pytest.mark.parametrize(
    "question, line, message",
    [
        ({"kind": "sgn", "f": "x**2", "at": 1}, 5, "questions[0].kind: expected one of " + ", ".join(QUESTION_KINDS) + " but got 'sgn'"),
        ({"kind": "sign", "f": "x**2", "at": 1, "choices": ["a", "b"]}, 8, "questions[0].choices: a sign question has no `choices` (it uses at, f, tolerance, variables)"),
        ({"kind": "choice", "prompt": "P", "choices": ["a", "b"], "answer": 2}, 10, "questions[0].answer: expected the 0-based index of the right choice (0 to 1), got 2"),
        ({"kind": "sign", "f": "x**2 + y", "at": 1}, 6, "questions[0].f: a sign question needs f of one variable (f has: x, y)"),
        ({"kind": "sign", "f": "1/x", "at": 0}, 7, "questions[0].at: f'(x) is not defined at x = 0: choose another `at`"),
        ({"kind": "sign", "at": 1}, 4, "questions[0]: missing required key 'f' (a sign question reads f'(at))"),
        ({"kind": "expression", "prompt": "P", "answer": "2*x +"}, 7, "questions[0].answer: cannot read formula '2*x +': '+' needs something on its right"),
        ({"kind": "stationary_points", "f": "sin(x)"}, 6, "questions[0].f: cannot list the stationary points of f (none found, or infinitely many): give `answer:`"),
        ({"kind": "choice", "prompt": "P", "choices": ["a", "b"], "answer": 1, "prompts": "x"}, 11, "questions[0].prompts: unknown key 'prompts' (did you mean 'prompt'?)"),
    ],
)
def test_quiz_file_errors_name_file_line_and_key(tmp_path, question, line, message):
    path = write(tmp_path, "q.yaml", yaml.safe_dump({"id": "q", "title": "T", "questions": [{"id": "a", **question}]}, sort_keys=False))
    with pytest.raises(GradquizError) as err:
        load_quiz(path)
    assert str(err.value) == f"{path}:{line}: {message}"


@pytest.mark.e2e
def test_validate_command_reports_quiz_errors(tmp_path):
    good = write(tmp_path, "good.yaml", yaml.safe_dump({"id": "good", "title": "T", "questions": [{"id": "a", "kind": "sign", "f": "x", "at": 0}]}))
    lint = {"id": "lint", "title": "T", "questions": [{"id": "a", "kind": "interval", "f": "x**2", "answer": "(-oo, 0)"}]}
    linted = write(tmp_path, "lint.yaml", yaml.safe_dump(lint, sort_keys=False))
    broken = write(tmp_path, "broken.yaml", "id: broken\ntitle: T\nquestions:\n  - id: a\n    kind: sgn\n")
    proc = gradquiz("validate", good, linted, broken, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == f"{good}: ok (quiz, 1 questions)\n"
    assert proc.stderr.splitlines() == [
        f"{linted}:4: questions.a: `answer` (-oo, 0) is not where f is increasing ((0, oo)): fix `answer` or `f`",
        f"{broken}:5: questions[0].kind: expected one of " + ", ".join(QUESTION_KINDS) + " but got 'sgn'",
    ]


@pytest.mark.parametrize(
    "question, message",
    [
        ({"kind": "interval", "f": "x**2", "answer": "(-oo, 0)"}, "questions.a: `answer` (-oo, 0) is not where f is increasing ((0, oo)): fix `answer` or `f`"),
        ({"kind": "stationary_points", "f": "x**3 - 3*x", "answer": [1]}, "questions.a: `answer` disagrees with f' = 0 ({-1, 1}): fix `answer` or `f`"),
        ({"kind": "expression", "prompt": "P", "answer": "sqrt(-x^2 - 1)"}, "questions.a: the answer is a finite real number at only 0 of 160 sample points: give a `domain:` where it is defined"),
        ({"kind": "number", "prompt": "P", "answer": 0.001, "tolerance": 0.01}, "questions.a: the tolerance 0.01 is as large as the answer 0.001: 0 would pass; lower `tolerance`"),
        ({"kind": "sign", "f": "sin(x)", "at": 1.5707}, "questions.a: |f'(at)| = 9.63268e-05 is barely above the stationary tolerance 1e-06: move `at` or set `tolerance`"),
        ({"kind": "choice", "prompt": "P", "choices": ["a", "A"], "answer": 0}, "questions.a: choices 0 and 1 are the same text"),
    ],
)
def test_validate_quiz_lints(tmp_path, question, message):
    path = write(tmp_path, "q.yaml", yaml.safe_dump({"id": "q", "title": "T", "questions": [{"id": "a", **question}]}, sort_keys=False))
    assert validate_quiz(load_quiz(path)) == [f"{path}:4: {message}"]


def test_duplicate_question_ids(tmp_path):
    questions = [{"id": "a", "kind": "sign", "f": "x", "at": 0} for _ in range(2)]
    path = write(tmp_path, "q.yaml", yaml.safe_dump({"id": "q", "title": "T", "questions": questions}, sort_keys=False))
    with pytest.raises(GradquizError) as err:
        load_quiz(path)
    assert str(err.value) == f"{path}:8: questions[1].id: duplicate id 'a' (also question 0)"


def test_expression_domain_and_placeholders(tmp_path):
    quiz = {
        "id": "q",
        "title": "T",
        "params": {"k": {"choice": [4]}},
        "questions": [
            {"id": "a", "kind": "expression", "prompt": "Simplify atan(x) + atan(1/x) for x > 0.", "answer": "pi/2", "variables": ["x"], "domain": [0, 10]},
            {"id": "b", "kind": "choice", "prompt": "Is {k} > 3? ({not a param})", "choices": ["{k} yes", "no"], "answer": 0, "hint": "k is {k}"},
        ],
    }
    path = write(tmp_path, "q.yaml", yaml.safe_dump(quiz, sort_keys=False))
    a, b = load_quiz(path).questions
    assert grade_question(a, "atan(x) + atan(1/x)").passed
    assert b.prompt == "Is 4 > 3? ({not a param})" and b.choices == ("4 yes", "no") and b.hint == "k is 4"
    assert grade_question(b, 1).feedback.endswith("\nHint: k is 4")


# --------------------------------------------------------------------------- bundled quizzes

BUNDLED = sorted(p.stem for p in QUIZZES.glob("*.yaml"))


@pytest.mark.e2e
def test_bundled_quizzes_validate():
    proc = gradquiz("validate", QUIZZES, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(": ok (quiz,") == len(BUNDLED) >= 6


@pytest.mark.parametrize("quiz_id", BUNDLED)
def test_bundled_full_marks_answers_score_full_marks(quiz_id, monkeypatch):
    from grader.api import check

    monkeypatch.delenv("GRADQUIZ_STUDENT", raising=False)
    path = SOLUTIONS / f"{quiz_id}.answers.yaml"
    answered = yaml.safe_load(path.read_text())["answers"]
    assert set(answered) == {q.id for q in load_quiz(QUIZZES / f"{quiz_id}.yaml", "").questions}
    # grading mode names the quiz (the file name is not its id) and the student (tangent has
    # variants: its solution is for the default one, so it is graded as a student would see it)
    variant = "params" in yaml.safe_load((QUIZZES / f"{quiz_id}.yaml").read_text())
    report = check(path, grading=not variant, exercise=quiz_id)
    if variant:  # the hidden questions too, through the library
        from grader.quiz.grade import grade_questions

        report.results = grade_questions(load_quiz(QUIZZES / f"{quiz_id}.yaml", ""), answered, include_hidden=True)
    failed = {r.id: r.feedback for r in report.results if not r.passed}
    assert report.exit_code == 0 and not failed, failed
    assert report.score == report.max_score > 0 and len(report.results) == len(answered)


@pytest.mark.parametrize("quiz_id", BUNDLED)
def test_bundled_wrong_answers_fail(quiz_id, monkeypatch):
    from grader.api import check

    monkeypatch.delenv("GRADQUIZ_STUDENT", raising=False)
    variant = "params" in yaml.safe_load((QUIZZES / f"{quiz_id}.yaml").read_text())
    report = check(SOLUTIONS / f"{quiz_id}_wrong.answers.yaml", grading=not variant, exercise=quiz_id)
    assert report.exit_code == 1
    assert report.score < report.max_score
    assert all(r.feedback for r in report.results)


@pytest.mark.e2e
def test_bundled_answers_through_the_command(tmp_path):
    rc, report = graded(SOLUTIONS / "signs.answers.yaml", cwd=tmp_path)
    assert rc == 0 and report["score"] == report["max_score"] == 4.0
    rc, report = graded(SOLUTIONS / "signs_wrong.answers.yaml", cwd=tmp_path)
    assert rc == 1 and report["score"] == 0.0


def test_signs_matches_the_spec_example():
    quiz = load_quiz(QUIZZES / "signs.yaml")
    assert [q.id for q in quiz.questions] == ["q1", "q2", "q3", "q4"]
    spec_answers = {"q1": "decreasing", "q2": 1, "q3": "3*x^2", "q4": 1}
    assert all(grade_question(q, spec_answers[q.id]).passed for q in quiz.questions)
