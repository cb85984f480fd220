"""The bundled exercises: each has a full-marks solution and a wrong one that fails
exactly the tasks its header comment lists; they validate and `gradquiz list` shows them."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from conftest import EXERCISES, SOLUTIONS, run_cli_many

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

IDS = sorted(yaml.safe_load(path.read_text())["id"] for path in EXERCISES.glob("*.yaml"))


def test_there_are_bundled_exercises():
    assert len(IDS) >= 8
    assert sorted(path.stem for path in EXERCISES.glob("*.yaml")) == IDS  # `check ID.py` finds them by stem


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every solution checked, plus validate and list, all at once, from an unrelated folder."""
    cwd = tmp_path_factory.mktemp("content")
    jobs = {}
    for ident in IDS:
        for name in (ident, f"{ident}_wrong"):
            jobs[name] = (("check", SOLUTIONS / f"{name}.py", "--grading", "--exercise", ident, "--format", "json"), cwd, None)
    jobs["validate"] = (("validate", EXERCISES), cwd, None)
    jobs["list"] = (("list",), cwd, None)
    return dict(zip(jobs, run_cli_many(list(jobs.values())), strict=False))


@pytest.mark.e2e
@pytest.mark.parametrize("ident", IDS)
def test_reference_solution_scores_full_marks(runs, ident):
    rc, out, err = runs[ident]
    assert rc == 0, err or out
    report = json.loads(out)
    assert report["id"] == ident
    assert report["score"] == report["max_score"] > 0
    failed = [r["id"] for r in report["results"] if not r["passed"]]
    assert not failed
    assert "hidden" not in json.dumps(report.get("notes", []))  # --grading ran every task


def listed_failures(path) -> set[str]:
    """Task ids that the wrong solution's header comment says fail ('#   task_id: why')."""
    return {m.group(1) for m in re.finditer(r"^#   (\w+): ", path.read_text(), re.MULTILINE)}


@pytest.mark.e2e
@pytest.mark.parametrize("ident", IDS)
def test_wrong_solution_fails_the_tasks_it_documents(runs, ident):
    rc, out, err = runs[f"{ident}_wrong"]
    assert rc == 1, err or out
    report = json.loads(out)
    assert report["id"] == ident
    assert report["score"] < report["max_score"]
    failed = {r["id"] for r in report["results"] if not r["passed"]}
    assert failed == listed_failures(SOLUTIONS / f"{ident}_wrong.py")
    for result in report["results"]:
        if not result["passed"]:
            assert result["feedback"] and result["score"] < result["max_score"]
            if "partial" in result:  # `partial: true`: the entries right everywhere earn their share
                earned = len(result["partial"]["earned"])  # (each share is rounded to 6 places)
                assert earned > 0 and result["score"] == pytest.approx(result["partial"]["each"] * earned, abs=1e-6 * earned)
            else:
                assert result["score"] == 0.0


@pytest.mark.e2e
def test_bundled_exercises_validate(runs):
    rc, out, err = runs["validate"]
    assert (rc, err) == (0, "")
    for ident in IDS:
        assert re.search(rf"{ident}\.yaml: ok \(exercise, \d+ tasks?\)", out), ident


@pytest.mark.e2e
def test_list_shows_every_bundled_exercise(runs):
    rc, out, err = runs["list"]
    assert (rc, err) == (0, "")
    lines = out.splitlines()
    for ident in IDS:
        title = yaml.safe_load((EXERCISES / f"{ident}.yaml").read_text())["title"]
        assert any(line.split()[:1] == [ident] and title in line for line in lines), ident
