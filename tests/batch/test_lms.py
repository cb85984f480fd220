"""Canvas and Moodle round trips through `gradquiz grade`: the platform's own export as the
roster, its own submissions download, and the import file read back the way its importer reads it.

Where each detail of the fixtures comes from (the platforms' source, read for these tests):
- Canvas gradebook export, canvas-lms ``lib/gradebook_exporter.rb``: header ``Student, ID, SIS
  User ID, SIS Login ID, Section``, custom columns, ``Title (assignment id)`` per assignment, then
  the read-only totals (``Current Points, Final Points, Current Score, Unposted Current Score,
  Final Score, Unposted Final Score``); a row of ``Manual Posting`` for assignments posted by hand,
  then ``    Points Possible`` (four leading spaces) with ``(read only)`` under the totals; students
  by sortable name, the Test Student (``StudentViewEnrollment``, ``Student, Test``) last.
- Canvas import, ``lib/gradebook_importer.rb``: the student by the ``ID`` column, the assignment
  by the ``(id)`` at the end of its header (``Assignment.title_and_id``), the ``Points Possible``
  row setting the assignment's points possible.
- Canvas submissions download, ``lib/content_zipper.rb``: ``[sortable name lowercased, only word
  characters, LATE, user id].join("_") + "_" + attachment id + "_" + display name``.
- Moodle grading worksheet, ``mod/assign/gradingtable.php`` (downloading): ``Identifier`` holds
  ``Participant N``, then ``Full name``, the identity fields (``Email address``), ``Status``,
  ``Grade``, ``Maximum Grade``, ``Grade can be changed``, ``Last modified (submission)``,
  ``Last modified (grade)``, ``Feedback comments``.
- Moodle import, ``mod/assign/feedback/offline/importgradeslib.php`` and ``locallib.php``: columns
  by their exact names, the id after the ``Participant `` prefix, a grade above the maximum or
  empty skipped.
- Moodle "Download all submissions" (``mod/assign/locallib.php``): a folder per student,
  ``clean_filename(fullname (underscores to spaces) + "_" + participant id) + "_assignsubmission_file_"``
  (Moodle 4.x: without the last underscore), or flat ``..._assignsubmission_file_<file>``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from conftest import SOLUTIONS, clean_env, exercise_text, run_cli, task

from grader.batch.gradebook import Row, build
from grader.batch.layout import plan
from grader.batch.lms import canvas_column, cell, check, feedback, to_canvas, to_moodle
from grader.errors import GradquizError

SECRET = "lms-test-secret"
RIGHT = (SOLUTIONS / "exercise1.py").read_text()
WRONG = (SOLUTIONS / "exercise1_wrong.py").read_text()
TITLE = "The derivative of a parabola"  # exercise1's title: the Canvas assignment's

CANVAS_EXPORT = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Notes,"
    f"{TITLE} (4471),Week 2 quiz (4472),Current Points,Final Points,Current Score,Unposted Current Score,"
    "Final Score,Unposted Final Score\n"
    ",,,,,,Manual Posting,,,,,,,\n"
    "    Points Possible,,,,,,10.00,5.00,(read only),(read only),(read only),(read only),(read only),(read only)\n"
    '"Doe, Jane",1001,S1001,jdoe1,Section A,,,4.00,4.00,4.00,80.00,80.00,26.67,26.67\n'
    '"Doe, Jane",1002,S1002,jdoe2,Section B,,,,0.00,0.00,0.00,0.00,0.00,0.00\n'
    '"Roe, Rich",1003,S1003,rroe,Section A,,,5.00,5.00,5.00,100.00,100.00,33.33,33.33\n'
    '"Smith, Bob",1004,S1004,bsmith,Section A,,,,,,,,,\n'
    '"Vance, Val",1005,S1005,vvance,Section B,,,,,,,,,\n'
    '"Student, Test",1099,,c1b2a3test,Section A,,,,,,,,,\n'
)


def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, (text, stamp) in members.items():
            archive.writestr(zipfile.ZipInfo(name, stamp), text)
    return path


@pytest.fixture(scope="module")
def canvas(tmp_path_factory):
    root = tmp_path_factory.mktemp("canvas")
    export = root / "2026-12-04T1200_Grades-ML101.csv"
    export.write_text(CANVAS_EXPORT, encoding="utf-8")
    day = lambda d: (2026, 12, d, 10, 0, 0)
    subs = _zip(root / "submissions.zip", {
        "doejane_1001_70001_exercise1.py": (RIGHT, day(1)),  # two students with the same sortable name
        "doejane_1002_70002_exercise1.py": (WRONG, day(1)),
        "roerich_LATE_1003_70003_exercise1.py": (RIGHT, day(2)),
        "smithbob_1004_70004_exercise1.py": (WRONG, day(1)),  # then a resubmission, renamed -1 by Canvas
        "smithbob_1004_70005_exercise1-1.py": (RIGHT, day(3)),
        "ghostgus_9999_70009_exercise1.py": (RIGHT, day(1)),  # not on the roster: listed, no row
        "studenttest_1099_70010_exercise1.py": (WRONG, day(1)),  # the Test Student
    })
    out = root / "out"
    rc, stdout, stderr = run_cli("grade", subs, "--exercise", "exercise1", "--roster", export, "--lms", "canvas",
                                 "--output", out, "--quiet", env=clean_env(GRADQUIZ_SECRET=SECRET), timeout=240)
    assert rc == 0, stderr
    return out, stdout, stderr


def _book(out: Path) -> dict[str, dict]:
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


@pytest.mark.e2e
def test_canvas_files_are_matched_by_user_id(canvas):
    out, _, stderr = canvas
    book = _book(out)
    assert list(book) == ["1001", "1002", "1003", "1004", "1005"]  # the export's order, no Test Student
    assert (book["1001"]["total"], book["1002"]["total"]) == ("3", "0")  # same name, two students
    assert (book["1003"]["status"], book["1003"]["total"]) == ("late", "3")
    assert book["1004"]["status"] == "duplicate" and book["1004"]["total"] == "3"  # the resubmission is newer
    assert (book["1005"]["status"], book["1005"]["reason"]) == ("missing", "no submission for exercise1")
    assert (out / "reports" / "1001" / "exercise1.txt").read_text() != (out / "reports" / "1002" / "exercise1.txt").read_text()
    assert "gradquiz: grading exercise1 from " in stderr
    assert "2 files match nobody on the roster (not graded, no row):" in stderr
    assert "ghostgus_9999_70009_exercise1.py: Canvas user id 9999 (ghostgus) is not on the roster" in stderr
    assert "studenttest_1099_70010_exercise1.py: Student, Test is Canvas's Test Student" in stderr
    html = (out / "report.html").read_text()
    assert "Files that match nobody on the roster" in html and "ghostgus_9999_70009_exercise1.py" in html
    assert "mean, all 5 students" in html


def canvas_import(text: str) -> tuple[str, str, dict[str, str]]:
    """What Canvas's gradebook importer takes from a CSV: (assignment id, points possible,
    user id -> grade), following lib/gradebook_importer.rb."""
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert "Student" in header[0] and "ID" in header[1]  # row_has_student_headers?
    student_columns = 3
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        student_columns += 1
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        student_columns += 2
    assert "Section" in header[student_columns - 1]  # last_student_info_column
    assignments = header[student_columns:]
    assert len(assignments) == 1
    match = re.match(r"\A(.*)\s+\((\d+)\)\z".replace(r"\z", r"\Z"), assignments[0])
    assert match, assignments[0]
    points, grades = "", {}
    for row in rows[1:]:
        if "Points Possible" in row[0]:
            points = row[student_columns]
            continue
        grades[row[1]] = row[student_columns]
    return match.group(2), points, grades


@pytest.mark.e2e
def test_canvas_csv_updates_the_exported_assignment(canvas):
    out, _, _ = canvas
    assignment, points, grades = canvas_import((out / "canvas.csv").read_text(encoding="utf-8"))
    assert assignment == "4471" and points == "10.00"  # the assignment and its points, unchanged
    assert grades == {"1001": "10", "1002": "0", "1003": "10", "1004": "10", "1005": "0"}  # 3/3 -> 10/10
    rows = list(csv.reader(io.StringIO((out / "canvas.csv").read_text(encoding="utf-8"))))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{TITLE} (4471)"]
    assert rows[2][:5] == ["Doe, Jane", "1001", "S1001", "jdoe1", "Section A"]


@pytest.mark.e2e
def test_a_canvas_export_with_many_assignments_and_none_named_is_refused(tmp_path):
    export = tmp_path / "grades.csv"
    export.write_text(CANVAS_EXPORT.replace(f"{TITLE} (4471)", "Homework 1 (4471)"), encoding="utf-8")
    (tmp_path / "subs" / "x").mkdir(parents=True)
    rc, _, stderr = run_cli("grade", tmp_path / "subs", "--exercise", "exercise1", "--roster", export,
                            "--lms", "canvas", "--output", tmp_path / "out", "--quiet")
    assert rc == 2
    assert stderr.strip().startswith(f"gradquiz: {export}: the Canvas export has 2 assignment columns "
                                     "(Homework 1 (4471), Week 2 quiz (4472)) and none is titled")


WORKSHEET_HEADER = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                    "Grade can be changed", "Last modified (submission)", "Last modified (grade)", "Feedback comments"]
WORKSHEET_ROWS = [
    ["Participant 301", "Jane Doe", "jane.doe1@example.edu", "Submitted for grading", "", "100.00", "Yes",
     "Tuesday, 1 December 2026, 10:00 AM", "-", ""],
    ["Participant 302", "Jane Doe", "jane.doe2@example.edu", "Submitted for grading", "", "100.00", "Yes",
     "Tuesday, 1 December 2026, 11:00 AM", "-", ""],
    ["Participant 303", "Bob Roe", "bob.roe@example.edu", "Submitted for grading", "", "100.00", "Yes",
     "Wednesday, 2 December 2026, 9:00 AM", "-", ""],
    ["Participant 304", "No Show", "no.show@example.edu", "No submission", "", "100.00", "Yes", "-", "-", ""],
]


@pytest.fixture(scope="module")
def moodle(tmp_path_factory):
    root = tmp_path_factory.mktemp("moodle")
    sheet = root / "Grades-ML101-Derivatives-123.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)  # PHP's fputcsv quotes only what needs it, as csv does
        writer.writerow(WORKSHEET_HEADER)
        writer.writerows(WORKSHEET_ROWS)
    day = (2026, 12, 1, 10, 0, 0)
    subs = _zip(root / "ML101-Derivatives-123.zip", {
        "Jane Doe_301_assignsubmission_file_/exercise1.py": (RIGHT, day),
        "Jane Doe_302_assignsubmission_file_/exercise1.py": (WRONG, day),
        "Bob Roe_303_assignsubmission_file/exercise1.py": (RIGHT, day),  # Moodle 4.x: no last underscore
        "Bob Roe_303_assignsubmission_onlinetext_/onlinetext.html": ("<p>see file</p>", day),
        "Zed Stray_399_assignsubmission_file_exercise1.py": (RIGHT, day),  # flat, and on no worksheet
    })
    out = root / "out"
    rc, _, stderr = run_cli("grade", subs, "--exercise", "exercise1", "--roster", sheet, "--lms", "moodle",
                                 "--output", out, "--quiet", env=clean_env(GRADQUIZ_SECRET=SECRET), timeout=240)
    assert rc == 0, stderr
    return out, stderr


def moodle_import(text: str) -> dict[str, tuple[float, str]]:
    """What Moodle's offline grading worksheet importer takes: participant id -> (grade, feedback),
    rows with no grade, a negative one or one above the maximum skipped (importgradeslib.php,
    locallib.php process_import_grades)."""
    rows = list(csv.reader(io.StringIO(text)))
    columns = rows[0]
    idx = {name: columns.index(name) for name in ("Identifier", "Grade", "Last modified (grade)", "Feedback comments")}
    top = columns.index("Maximum Grade")
    out = {}
    for row in rows[1:]:
        pid = row[idx["Identifier"]][len("Participant "):]
        grade = row[idx["Grade"]].replace(",", ".")
        if grade == "" or float(grade) < 0 or float(grade) > float(row[top]):
            continue
        out[pid] = (float(grade), row[idx["Feedback comments"]])
    return out


@pytest.mark.e2e
def test_moodle_folders_are_matched_by_participant_id(moodle):
    out, stderr = moodle
    book = _book(out)
    assert list(book) == ["Participant 301", "Participant 302", "Participant 303", "Participant 304"]
    assert [book[s]["total"] for s in book] == ["3", "0", "3", "0"]
    assert book["Participant 304"]["status"] == "missing"
    assert (out / "reports" / "Participant_301").is_dir() and (out / "reports" / "Participant_302").is_dir()
    assert "Zed Stray_399_assignsubmission_file_exercise1.py: participant id 399 (Zed Stray) is not on the roster" in stderr


@pytest.mark.e2e
def test_moodle_csv_is_the_worksheet_filled_in(moodle):
    out, _ = moodle
    text = (out / "moodle.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == WORKSHEET_HEADER
    for written, original in zip(rows[1:], WORKSHEET_ROWS):
        changed = [WORKSHEET_HEADER[i] for i, (a, b) in enumerate(zip(written, original)) if a != b]
        assert set(changed) <= {"Grade", "Feedback comments"}
    imported = moodle_import(text)
    assert {pid: grade for pid, (grade, _) in imported.items()} == {"301": 100.0, "302": 0.0, "303": 100.0, "304": 0.0}
    assert imported["301"][1].startswith("gradquiz: 3 / 3 points (derivative 3)")
    assert imported["304"][1].endswith("missing: no submission for exercise1")


@pytest.mark.e2e
def test_without_a_roster_two_students_of_the_same_name_stay_two(tmp_path):
    subs = _zip(tmp_path / "moodle.zip", {
        "Jane Doe_301_assignsubmission_file_/exercise1.py": (RIGHT, (2026, 12, 1, 10, 0, 0)),
        "Jane Doe_302_assignsubmission_file_/exercise1.py": (WRONG, (2026, 12, 1, 10, 0, 0)),
        "Bob Roe_303_assignsubmission_file_/exercise1.py": (RIGHT, (2026, 12, 1, 10, 0, 0)),
    })
    rc, _, stderr = run_cli("grade", subs, "--exercise", "exercise1", "--output", tmp_path / "out", "--quiet",
                            env=clean_env(GRADQUIZ_SECRET=SECRET), timeout=240)
    assert rc == 0, stderr
    book = _book(tmp_path / "out")
    assert {s: row["total"] for s, row in book.items()} == {"Bob Roe": "3", "Jane Doe_301": "3", "Jane Doe_302": "0"}
    summary = json.loads((tmp_path / "out" / "gradebook.json").read_text())["summary"]
    assert summary["mean_percent"] == pytest.approx(200 / 3, abs=0.01)


def test_a_semicolon_canvas_export_is_read(tmp_path):
    """Canvas writes ';' with a decimal comma in some locales (its importer reads both)."""
    from grader.batch.roster import read_roster

    export = tmp_path / "grades.csv"
    rows = list(csv.reader(io.StringIO(CANVAS_EXPORT)))
    with open(export, "w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle, delimiter=";").writerows(
            [[c.replace("10.00", "10,00") for c in row] for row in rows])
    roster = read_roster(export)
    assert (roster.kind, roster.ids, roster.delimiter) == ("canvas", ["1001", "1002", "1003", "1004", "1005"], ";")
    assert roster.points[f"{TITLE} (4471)"] == "10,00" and roster.left_out == {"1099": "Student, Test is Canvas's Test Student"}


@pytest.mark.e2e
@pytest.mark.parametrize("text, line, message", [
    (CANVAS_EXPORT.replace('"Roe, Rich",1003', '"Roe, Rich",rroe'), 6,
     "the ID column holds 'rroe', not a Canvas user id"),
    (CANVAS_EXPORT.replace('"Roe, Rich",1003', '"Roe, Rich",1001'), 6, "student '1001' is listed twice"),
    (",".join(WORKSHEET_HEADER) + "\nParticipant 301,A,a@x,,,100.00,Yes,-,-,\nParticipant 301,B,b@x,,,100.00,Yes,-,-,\n",
     3, "student 'Participant 301' is listed twice"),
    (",".join(WORKSHEET_HEADER) + "\nJane,A,a@x,,,100.00,Yes,-,-,\n", 2,
     "the Identifier 'Jane' holds no participant number (as in 'Participant 301')"),
    (",".join(WORKSHEET_HEADER) + "\n,A,a@x,,,100.00,Yes,-,-,\n", 2, "no student id in column 'Identifier'"),
])
def test_a_bad_roster_is_one_line_naming_file_and_line(tmp_path, text, line, message):
    roster = tmp_path / "roster.csv"
    roster.write_text(text, encoding="utf-8")
    (tmp_path / "subs" / "x").mkdir(parents=True)
    rc, stdout, stderr = run_cli("grade", tmp_path / "subs", "--exercise", "exercise1", "--roster", roster,
                                 "--output", tmp_path / "out", "--quiet")
    assert (rc, stdout, stderr) == (2, "", f"gradquiz: {roster}:{line}: {message}\n")


@pytest.mark.e2e
def test_a_worksheet_without_moodles_required_columns_gets_them(tmp_path):
    """Moodle's importer needs Identifier, Grade and Last modified (grade); the comments column is optional."""
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Identifier,Full name,Grade,Maximum Grade\nParticipant 7,Ann A,,10.00\n", encoding="utf-8")
    subs = _zip(tmp_path / "subs.zip", {"Ann A_7_assignsubmission_file_/exercise1.py": (RIGHT, (2026, 12, 1, 0, 0, 0))})
    rc, _, stderr = run_cli("grade", subs, "--exercise", "exercise1", "--roster", sheet, "--lms", "moodle",
                            "--output", tmp_path / "out", "--quiet", env=clean_env(GRADQUIZ_SECRET=SECRET), timeout=120)
    assert rc == 0, stderr
    text = (tmp_path / "out" / "moodle.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Identifier", "Full name", "Grade", "Maximum Grade", "Last modified (grade)", "Feedback comments"]
    assert rows[1][:5] == ["Participant 7", "Ann A", "10.00", "10.00", "-"]
    assert moodle_import(text)["7"][0] == 10.0


# -- the module itself (grader.batch.lms), on a plan and records built here ----------------------

UNIT_CANVAS = """\
Student;ID;SIS User ID;SIS Login ID;Section;Ex (4411);Current Score
    Points Possible;;;;;10,00;(read only)
"Lovelace, Ada";101;S-1;ada;Sec A;;0
"Noether, Emmy";102;;emmy;Sec A;;0
"Student, Test";999;;;Sec A;;
"""

UNIT_MOODLE = """\
Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,Last modified (submission)
Participant 301,Ada Lovelace,ada@example.edu,Submitted for grading,,10.00,Yes,-
Participant 302,Emmy Noether,emmy@example.edu,No submission,,10.00,Yes,-
"""


def _unit_class(tmp_path: Path, roster_text: str, files: list[str]):
    problems = tmp_path / "problems"
    problems.mkdir()
    (problems / "ex.yaml").write_text(exercise_text([task("f", "function", "x"), task("g", "function", "x", points=2)],
                                                    id="ex", title="Ex"))
    subs = tmp_path / "subs"
    for name in files:
        (subs / name).parent.mkdir(parents=True, exist_ok=True)
        (subs / name).write_text("x = 1\n")
    roster = tmp_path / "roster.csv"
    roster.write_text(roster_text)
    the_plan = plan([subs], problems=[problems], exercises=["ex"], roster=roster, unpack_dir=tmp_path / "u",
                    here=False)
    scores = iter([(1.0, 2.0), (1.0, 0.0)])
    records = {}
    for job in the_plan.jobs:
        f, g = next(scores)
        records[job.key] = {"student": job.student, "problem": "ex", "sha256": job.sha256, "file": job.file,
                            "score": f + g, "max_score": 3.0,
                            "tasks": [{"id": "f", "score": f}, {"id": "g", "score": g}]}
    infos, rows = build(the_plan, records)
    return the_plan, infos, rows


def test_canvas_csv_is_the_export_written_back_scaled_to_its_points(tmp_path):
    the_plan, infos, rows = _unit_class(tmp_path, UNIT_CANVAS, ["lovelaceada_101_1_ex.py", "noetheremmy_102_2_ex.py"])
    check(the_plan, "canvas", infos)  # the column is found before grading
    assert to_canvas(infos, rows, the_plan).splitlines() == [
        "Student;ID;SIS User ID;SIS Login ID;Section;Ex (4411)",
        "    Points Possible;;;;;10,00",
        "Lovelace, Ada;101;S-1;ada;Sec A;10",
        "Noether, Emmy;102;;emmy;Sec A;3.33",
    ]


def test_canvas_refuses_an_export_whose_assignment_cannot_be_told(tmp_path):
    text = UNIT_CANVAS.replace("Ex (4411);", "Quiz A (1);Quiz B (2);").replace(";;0\n", ";;;0\n")
    text = text.replace("10,00;", "10,00;5;")
    the_plan, infos, _ = _unit_class(tmp_path, text, ["lovelaceada_101_1_ex.py"])
    with pytest.raises(GradquizError) as info:
        check(the_plan, "canvas", infos)
    assert str(info.value) == (
        f"{tmp_path / 'roster.csv'}: the Canvas export has 2 assignment columns (Quiz A (1), Quiz B (2)) and none is "
        "titled 'Ex': export the gradebook with only this assignment's column shown "
        "(Export > Export Current Gradebook View)")
    assert canvas_column(the_plan.class_list, [type(infos[0])("ex", "exercise", "Quiz B", [])]) == "Quiz B (2)"


def test_moodle_csv_is_the_worksheet_with_grade_and_feedback_filled_in(tmp_path):
    the_plan, infos, rows = _unit_class(tmp_path, UNIT_MOODLE, ["Ada Lovelace_301_assignsubmission_file_/ex.py"])
    table = list(csv.reader(io.StringIO(to_moodle(infos, rows, the_plan))))
    assert table[0][-2:] == ["Last modified (grade)", "Feedback comments"]  # added: Moodle's importer needs them
    grade = table[0].index("Grade")
    assert [line[grade] for line in table[1:]] == ["10.00", "0.00"]
    assert table[1][-2:] == ["-", "gradquiz: 3 / 3 points (f 1, g 2)"]
    assert table[2][-1] == "gradquiz: 0 / 3 points (f 0, g 0). missing: no submission for ex"
    assert table[2][:4] == ["Participant 302", "Emmy Noether", "emmy@example.edu", "No submission"]


def test_without_an_lms_roster_the_import_columns_are_written(tmp_path):
    the_plan, infos, rows = _unit_class(tmp_path, "student,name,email\nada,Ada L,ada@x.edu\n-bo,Bo,\n",
                                        ["ada/ex.py"])
    canvas = list(csv.reader(io.StringIO(to_canvas(infos, rows, the_plan))))
    assert canvas[:2] == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Ex"],
                          ["Points Possible", "", "", "", "", "3"]]
    assert canvas[2] == ["Ada L", "", "ada", "ada@x.edu", "", "3"]
    assert canvas[3][2] == "'-bo"  # never a formula in a spreadsheet
    moodle = list(csv.reader(io.StringIO(to_moodle(infos, rows, the_plan))))
    assert moodle[0] == ["First name", "Last name", "ID number", "Email address", "Ex", "Ex (feedback)"]
    assert moodle[1][2:5] == ["ada", "ada@x.edu", "3"]


def test_cells_and_feedback():
    assert [cell(t) for t in ("=1+1", "+x", "-x", "@x", "\tx", "ada")] == ["'=1+1", "'+x", "'-x", "'@x", "'\tx", "ada"]
    row = Row("ada", {"ex": {"score": 1.5, "max_score": 3.0, "status": "late", "tasks": {"f": 1.5, "g": 0.0},
                             "reason": "the LMS marked the submission late"}})
    assert feedback(row) == "gradquiz: 1.5 / 3 points (f 1.5, g 0). late: the LMS marked the submission late"
