"""grader.batch.gradebook: the gradebook of a class from a real plan (folders in tmp_path) and
journal records as the workers write them: columns, statuses and reasons, the files written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import exercise_text, task

from grader.batch.gradebook import build, run_status, safe_name, to_csv, to_json, write_all
from grader.batch.layout import plan

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

NOT_LOADED = "Your file did not load:\nline 1: NameError: y"


@pytest.fixture
def class_plan(tmp_path):
    problems = tmp_path / "problems"
    problems.mkdir()
    tasks = [task("f", "function", "x**2"), task("g", "function", "x**3", points=2)]
    (problems / "ex.yaml").write_text(exercise_text(tasks, id="ex", title="Ex"))
    subs = tmp_path / "subs"
    for student, name in [("ada", "ex.py"), ("bo", "answer.py"), ("dee", "ex.py"), ("eve", "ex.py"),
                          ("fay", "ex.py"), ("=cmd", "ex.py")]:
        (subs / student).mkdir(parents=True)
        (subs / student / name).write_text(f"# {student}\n")
    (subs / "cy").mkdir()
    return plan([subs], problems=[problems], exercises=["ex"], unpack_dir=tmp_path / "unpack", here=False)


def graded(job, f: float, g: float, **task_extra) -> dict:
    tasks = [{"id": "f", "score": f, "max_score": 1.0, "passed": f == 1}, {"id": "g", "score": g, "max_score": 2.0,
                                                                           "passed": g == 2, **task_extra}]
    return {"student": job.student, "problem": job.problem, "kind": "exercise", "file": job.file, "sha256": job.sha256,
            "status": job.status, "reason": job.reason, "score": f + g, "max_score": 3.0, "tasks": tasks,
            "report": json.dumps({"id": "ex", "student": job.student, "score": f + g}) + "\n",
            "text": f"Score: {f + g:g} / 3\n", "seconds": 0.5}


@pytest.fixture
def records(class_plan) -> dict:
    jobs = {j.student: j for j in class_plan.jobs}
    out = {
        ("ada", "ex"): graded(jobs["ada"], 1, 2),
        ("bo", "ex"): graded(jobs["bo"], 1, 0),
        ("dee", "ex"): {**graded(jobs["dee"], 1, 2), "sha256": "0" * 64},  # the file changed since
        ("eve", "ex"): graded(jobs["eve"], 1, 0, error="timeout", feedback="Timed out after 2 s."),
        ("fay", "ex"): graded(jobs["fay"], 0, 0, error="import", feedback=NOT_LOADED),
        ("=cmd", "ex"): graded(jobs["=cmd"], 0, 1),
    }
    out[("fay", "ex")]["tasks"][0]["error"] = "import"
    out[("fay", "ex")]["tasks"][0]["feedback"] = NOT_LOADED
    return out


def test_rows_statuses_and_reasons(class_plan, records):
    infos, rows = build(class_plan, records)
    assert [(i.id, i.title, i.tasks, i.max_score) for i in infos] == [("ex", "Ex", [("f", 1.0), ("g", 2.0)], 3.0)]
    by = {r.student: r for r in rows}
    assert [r.student for r in rows] == class_plan.students
    assert (by["ada"].total, by["ada"].percent, by["ada"].status, by["ada"].reason) == (3.0, 100.0, "ok", "")
    assert (by["bo"].status, by["bo"].reason) == ("misnamed", "graded answer.py as ex (expected ex.py)")
    assert (by["cy"].total, by["cy"].status, by["cy"].reason) == (0.0, "missing", "no submission for ex")
    assert (by["dee"].status, by["dee"].reason) == ("error", "not graded yet (run the same command again)")
    assert (by["eve"].status, by["eve"].reason) == ("timeout", "g: Timed out after 2 s.")
    assert (by["fay"].status, by["fay"].reason) == ("error", "Your file did not load: line 1: NameError: y")


def test_the_csv_has_a_column_per_task_and_no_formula_cells(class_plan, records):
    infos, rows = build(class_plan, records)
    table = list(csv.reader(io.StringIO(to_csv(infos, rows))))
    assert table[0] == ["student", "f", "g", "total", "max_score", "percent", "status", "reason"]
    lines = {line[0]: line for line in table[1:]}
    assert lines["ada"] == ["ada", "1", "2", "3", "3", "100", "ok", ""]
    assert lines["bo"][1:7] == ["1", "0", "1", "3", "33.33", "misnamed"]
    assert lines["cy"] == ["cy", "0", "0", "0", "3", "0", "missing", "no submission for ex"]
    assert "'=cmd" in lines and "=cmd" not in lines  # a spreadsheet would run it as a formula


def test_the_json_has_problems_students_and_a_summary(class_plan, records):
    infos, rows = build(class_plan, records)
    body = json.loads(to_json(infos, rows))
    assert body["problems"] == [{"id": "ex", "kind": "exercise", "title": "Ex", "max_score": 3.0,
                                 "tasks": [{"id": "f", "max_score": 1.0}, {"id": "g", "max_score": 2.0}]}]
    assert body["summary"]["students"] == 7
    assert body["summary"]["statuses"] == {"ok": 2, "misnamed": 1, "missing": 1, "error": 2, "timeout": 1}
    assert body["summary"]["mean_percent"] == round((100 + 33.33 + 0 + 0 + 33.33 + 0 + 33.33) / 7, 2)
    ada = next(s for s in body["students"] if s["student"] == "ada")
    assert ada["problems"]["ex"]["tasks"] == {"f": 1.0, "g": 2.0}


def test_run_status():
    assert run_status({"status": "error", "reason": "internal error: X"}) == ("error", "internal error: X")
    assert run_status({"tasks": [{"id": "f", "error": "crash", "feedback": "Killed by signal 9\nmore"}]}) == (
        "error", "Killed by signal 9")
    assert run_status({"tasks": [{"id": "f", "error": "import", "feedback": "It did not finish loading in 5 s"}]}) == (
        "timeout", "It did not finish loading in 5 s")
    assert run_status({"tasks": [{"id": "f", "error": "wrong"}]}) == ("ok", "")


def test_safe_names_stay_inside_the_reports_folder():
    assert safe_name("ada") == "ada"
    assert safe_name("../../etc") == ".._.._etc"
    assert safe_name("..") == "_.."
    assert safe_name("Ada Lovelace/x") == "Ada_Lovelace_x"


def test_write_all_writes_the_gradebook_lms_file_and_every_report(tmp_path, class_plan, records):
    out = tmp_path / "out"
    seen = []
    write_all(out, class_plan, records, lms="canvas", meanwhile=lambda infos, rows: seen.append(len(rows)))
    assert seen == [7]
    assert (out / "gradebook.csv").read_text().startswith("student,f,g,total,")
    assert json.loads((out / "gradebook.json").read_text())["summary"]["students"] == 7
    assert (out / "canvas.csv").read_text().splitlines()[0] == "Student,ID,SIS User ID,SIS Login ID,Section,Ex"
    assert json.loads((out / "reports" / "ada" / "ex.json").read_text()) == {"id": "ex", "student": "ada", "score": 3}
    assert (out / "reports" / "ada" / "ex.txt").read_text() == "Score: 3 / 3\n"
    assert (out / "reports" / "cy" / "ex.txt").read_text() == "ex: missing: no submission for ex\nScore: 0 / 3\n"
    missing = json.loads((out / "reports" / "cy" / "ex.json").read_text())
    assert (missing["status"], missing["error"], missing["max_score"]) == ("missing", "no submission for ex", 3.0)
    assert (out / "reports" / "dee" / "ex.txt").read_text().startswith("ex: error: not graded yet")


def test_a_second_write_leaves_unchanged_reports_alone(tmp_path, class_plan, records):
    out = tmp_path / "out"
    write_all(out, class_plan, records)
    before = {p: p.stat().st_ino for p in (out / "reports").rglob("*.txt")}
    records[("ada", "ex")]["text"] = "Score: 3 / 3 (again)\n"
    write_all(out, class_plan, records)
    after = {p: p.stat().st_ino for p in (out / "reports").rglob("*.txt")}
    changed = {p.relative_to(out).as_posix() for p in before if before[p] != after[p]}
    assert changed == {"reports/ada/ex.txt"}
    assert Path(out / "reports" / "ada" / "ex.txt").read_text() == "Score: 3 / 3 (again)\n"
