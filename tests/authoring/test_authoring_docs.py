"""docs/authoring.md is true: its files validate, its solutions and answers get full
marks, its broken example gives the message it shows, and it explains every field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_cli

from grader import api

DOC = ROOT / "docs" / "authoring.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def blocks() -> list[tuple[str, str]]:
    return BLOCK.findall(DOC.read_text(encoding="utf-8"))


def files() -> dict[str, str]:
    """Blocks whose first line is `# file: PATH`: PATH -> text."""
    out = {}
    for _, body in blocks():
        first = body.splitlines()[0]
        if first.startswith("# file: "):
            out[first[len("# file: "):].strip()] = body
    return out


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course")
    for name, body in files().items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(body, encoding="utf-8")
    return root


def test_every_yaml_block_is_yaml():
    found = [body for lang, body in blocks() if lang == "yaml"]
    assert len(found) >= 6
    for body in found:
        yaml.safe_load(body)


@pytest.mark.e2e
def test_the_example_files_validate(course):
    rc, out, err = run_cli("validate", "exercises", "quizzes", cwd=course)
    assert (rc, err) == (0, ""), err
    names = [n for n in files() if n.startswith(("exercises/", "quizzes/"))]
    assert len(names) == 6
    for name in names:
        assert f"{name}: ok" in out


@pytest.mark.e2e
def test_the_broken_example_gives_the_message_shown(course):
    found = blocks()
    index = next(i for i, (_, body) in enumerate(found) if body.startswith("# file: broken/"))
    lang, shown = found[index + 1]
    assert lang == "text"
    rc, out, err = run_cli("validate", "broken", cwd=course)
    assert rc == 2
    assert err == shown


@pytest.mark.parametrize("name", [n for n in files() if n.startswith("solutions/")])
def test_the_example_solutions_get_full_marks(course, name):
    student = re.search(r"^# gradquiz: \S+ student=(\S+)$", files()[name], re.M)  # grading mode takes --student only
    report = api.check(course / name, problems=[course / "exercises"], grading=True,
                       student=student.group(1) if student else None)
    assert report.exit_code == 0, [r.feedback for r in report.results]
    assert report.score == report.max_score


def test_the_variant_solution_is_wrong_for_another_student(course):
    report = api.check(course / "solutions" / "powers.py", problems=[course / "exercises"], student="bob")
    assert report.exit_code == 1


def test_the_example_answers_get_full_marks(course):
    report = api.check(course / "answers" / "warmup.answers.yaml", problems=[course / "quizzes"], grading=True)
    assert (report.exit_code, report.score) == (0, report.max_score)


def test_the_starter_shown_is_the_real_one(course):
    from grader.authoring.starters import starter

    text = DOC.read_text(encoding="utf-8")
    shown = text.split("$ gradquiz starter powers --student alice\n", 1)[1].split("```", 1)[0]
    real = starter("powers", [course / "exercises"], "alice").splitlines()
    for line in shown.splitlines():
        if line != "...":
            assert line in real


@pytest.mark.e2e
def test_the_recorded_report_shown_is_the_real_one(course, tmp_path):
    from grader.authoring.edition import export

    export([course / "quizzes"], tmp_path / "handout")
    rc, out, err = run_cli("check", course / "answers" / "warmup.answers.yaml", "--problems",
                           tmp_path / "handout" / "quizzes", cwd=tmp_path)
    assert rc == 0, err
    text = DOC.read_text(encoding="utf-8")
    shown = text.split("```text\nRECORDED", 1)[1].split("```", 1)[0]
    for line in ("RECORDED" + shown).splitlines():
        assert line in out.splitlines()


def test_every_field_of_the_formats_is_explained():
    from grader.exercise import schema
    from grader.exercise.kinds import KINDS
    from grader.quiz import QuizSpec
    from grader.quiz.kinds import QUESTION_KINDS
    from grader.quiz.schema import QuestionSpec

    text = DOC.read_text(encoding="utf-8")
    names = set()
    for model in (schema.Exercise, schema.Task, schema.Param, QuizSpec, QuestionSpec):
        names |= set(model.model_fields)
    names |= set(KINDS) | set(QUESTION_KINDS)
    missing = sorted(n for n in names if f"`{n}`" not in text and f"{n}:" not in text)
    assert missing == []


def test_every_command_is_shown():
    text = DOC.read_text(encoding="utf-8")
    for command in ("gradquiz new exercise", "gradquiz new quiz", "gradquiz validate", "gradquiz starter",
                    "gradquiz check", "gradquiz export", "gradquiz quiz", "--grading", "GRADQUIZ_GRADING=1",
                    "GRADQUIZ_STUDENT", "--student"):
        assert command in text, command
