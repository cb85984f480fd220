"""grader.authoring.templates, quiz_files and notebook: the templates of ``gradquiz new`` validate;
a quiz's starter lists every question and its edition drops the keys; an exercise's starter
notebook has its header, a cell per function and the check cell."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import EXERCISES, ROOT

from grader.authoring.notebook import starter_notebook
from grader.authoring.quiz_files import quiz_edition, quiz_starter
from grader.authoring.templates import TEMPLATES
from grader.authoring.validate import validate_paths
from grader.errors import GradquizError
from grader.problems.yamlio import load_yaml

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

QUIZZES = ROOT / "quizzes"


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_each_template_validates(tmp_path, kind):
    path = tmp_path / f"mine_{kind}.yaml"
    assert "__ID__" in TEMPLATES[kind]
    path.write_text(TEMPLATES[kind].replace("__ID__", f"mine_{kind}"))
    (item,) = validate_paths([path])
    assert item.errors == [], item.errors
    broken = tmp_path / "broken.yaml"
    broken.write_text(TEMPLATES[kind].replace("__ID__", "broken").replace("id: ", "idd: ", 1))
    (item,) = validate_paths([broken])
    assert item.errors  # the check can fail


def test_a_quiz_starter_lists_every_question_with_an_empty_answer():
    path = QUIZZES / "signs.yaml"
    data, positions = load_yaml(path)
    text = quiz_starter(path, data, positions, None)
    assert text.startswith("# Answers to quiz 'signs' (")
    parsed = yaml.safe_load(text)
    ids = [q["id"] for q in data["questions"]]
    assert parsed["quiz"] == "signs" and list(parsed["answers"]) == ids
    assert all(value is None for value in parsed["answers"].values())


def test_a_quiz_edition_keeps_the_questions_and_drops_keys_and_hints():
    path = QUIZZES / "derivatives.yaml"
    data, positions = load_yaml(path)
    edition = quiz_edition(path, data, positions)
    assert edition["student_edition"] is True and list(edition)[-2:] == ["student_edition", "questions"]
    assert [q["id"] for q in edition["questions"]] == [q["id"] for q in data["questions"]]
    assert not any("answer" in q or "hint" in q for q in edition["questions"])
    assert "hidden_checks" not in edition


def test_a_starter_notebook_for_an_exercise_and_none_for_a_quiz():
    notebook = json.loads(starter_notebook("exercise1", [EXERCISES]))
    cells = notebook["cells"]
    assert notebook["nbformat"] == 4 and cells[0]["cell_type"] == "markdown"
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert code[0].startswith("# gradquiz: exercise1")
    assert any("def derivative(" in c for c in code)
    assert "check('exercise1')" in code[-1] or 'check("exercise1")' in code[-1]
    with pytest.raises(GradquizError, match="'signs' is a quiz: its starter is an answers file"):
        starter_notebook("signs", [QUIZZES])
