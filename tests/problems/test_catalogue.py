"""grader.problems.catalogue: what problem files there are (``gradquiz list``), exercises told
from quizzes, and files that are no problem skipped with a line saying why."""

from __future__ import annotations

import pytest

from grader.errors import GradquizError
from grader.problems.catalogue import catalogue_entries, expand, kind_of

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass


def test_kind_of():
    assert kind_of({"questions": []}) == "quiz"
    assert kind_of({"tasks": []}) == "exercise"
    assert kind_of(None) == "exercise"


def test_the_catalogue_lists_problems_and_says_why_it_skips_the_rest(tmp_path):
    (tmp_path / "ex.yaml").write_text("id: ex\ntitle: Ex\ntasks: []\n")
    (tmp_path / "q.yml").write_text("id: 7\ntitle: Quiz\nquestions: []\n")
    (tmp_path / "mine.answers.yaml").write_text("quiz: q\nanswers: {a: 1}\n")
    (tmp_path / "notes.yaml").write_text("- a list\n")
    (tmp_path / "broken.yaml").write_text("id: [\n")
    warnings: list[str] = []
    entries = catalogue_entries([tmp_path], warnings)
    assert {(e.id, e.kind, e.title, e.path.name) for e in entries} >= {("ex", "exercise", "Ex", "ex.yaml"),
                                                                       ("7", "quiz", "Quiz", "q.yml")}
    assert f"{tmp_path / 'mine.answers.yaml'}: not an exercise or quiz file (answers to a quiz); skipped" in warnings
    assert f"{tmp_path / 'notes.yaml'}: not an exercise or quiz file (no `id:` at the top); skipped" in warnings
    broken = f"{tmp_path / 'broken.yaml'}:2: invalid YAML"
    assert any(w.startswith(broken) and w.endswith("; skipped") for w in warnings)
    assert "exercise1" in {e.id for e in catalogue_entries([tmp_path])}  # the bundled set is on the search path too


def test_expand_lists_folders_and_refuses_what_does_not_exist(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yaml").write_text("id: b\n")
    (tmp_path / "a.yml").write_text("id: a\n")
    (tmp_path / "c.txt").write_text("no\n")
    assert expand([tmp_path]) == [tmp_path / "a.yml", tmp_path / "sub" / "b.yaml"]
    assert expand([tmp_path / "c.txt"]) == [tmp_path / "c.txt"]  # a file named is taken as given
    with pytest.raises(GradquizError) as info:
        expand([tmp_path / "nope"])
    assert str(info.value) == f"{tmp_path / 'nope'}: no such file or folder"
