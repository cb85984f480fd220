"""grader.batch.roster: the class list as a plain CSV, Canvas's gradebook export or Moodle's
grading worksheet (files written here in each platform's format), and the one-line refusals."""

from __future__ import annotations

import pytest

from grader.batch.roster import display_name, participant_number, read_roster
from grader.errors import GradquizError

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

CANVAS = """\
Student,ID,SIS User ID,SIS Login ID,Section,Derivatives 1 (4411),Notes (custom),Current Score,Final Score
,,,,,Manual Posting,,,
    Points Possible,,,,,10.00,,(read only),(read only)
"Lovelace, Ada",101,S-1,ada,Sec A,,,0,0
"Noether, Emmy",102,,emmy,Sec A,7.5,,75,75
"Student, Test",999,,,Sec A,,,,
"""

MOODLE = """\
Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,Last modified (submission),\
Last modified (grade),Feedback comments
Participant 301,Ada Lovelace,ada@example.edu,Submitted for grading,,10.00,Yes,"Monday, 1 December 2026, 9:00 AM",-,
Participant 302,Emmy Noether,emmy@example.edu,No submission,,10.00,Yes,-,-,
"""


def write(tmp_path, text: str, name: str = "roster.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path) -> str:
    with pytest.raises(GradquizError) as info:
        read_roster(path)
    return str(info.value)


def test_a_plain_csv_names_ids_submission_names_and_lms_numbers(tmp_path):
    roster = read_roster(write(tmp_path, "name,Login,GitHub,Canvas_ID\nAda,ada,ada-l,101\nEmmy,emmy,,\n"))
    assert roster.kind == "plain" and roster.delimiter == ","
    assert roster.ids == ["ada", "emmy"]
    assert roster.names == {"ada-l": "ada", "emmy": "emmy"}  # the submission name, else the id
    assert roster.numbers == {"101": "ada"}
    assert display_name(roster, "ada") == "Ada" and display_name(roster, "nobody") == ""
    assert display_name(None, "ada") == ""


def test_a_plain_csv_without_an_id_column_uses_the_first(tmp_path):
    roster = read_roster(write(tmp_path, "\ufeffwho,section\nada,A\nbo,B\n"))  # a BOM, as Excel writes
    assert roster.ids == ["ada", "bo"]
    assert roster.rows["bo"] == {"who": "bo", "section": "B"}


def test_a_canvas_export_skips_its_special_rows_and_the_test_student(tmp_path):
    roster = read_roster(write(tmp_path, CANVAS))
    assert roster.kind == "canvas"
    assert roster.ids == ["101", "102"]
    assert roster.assignments == ["Derivatives 1 (4411)"]  # not the custom column, nor the totals
    assert roster.points == {"Derivatives 1 (4411)": "10.00"}
    assert roster.numbers == {"101": "101", "102": "102"}
    assert roster.names["S-1"] == "101" and roster.names["emmy"] == "102"
    assert roster.left_out == {"999": "Student, Test is Canvas's Test Student"}
    assert display_name(roster, "102") == "Noether, Emmy"
    assert roster.lines["102"][5] == "7.5"  # the row as the file has it, for writing back


def test_a_canvas_export_with_semicolons_is_read_and_remembers_them(tmp_path):
    text = CANVAS.replace(",", ";").replace('"Lovelace; Ada"', '"Lovelace, Ada"')
    text = text.replace('"Noether; Emmy"', '"Noether, Emmy"').replace('"Student; Test"', '"Student, Test"')
    roster = read_roster(write(tmp_path, text))
    assert roster.kind == "canvas" and roster.delimiter == ";"
    assert roster.ids == ["101", "102"]
    assert display_name(roster, "101") == "Lovelace, Ada"


def test_a_moodle_worksheet_is_keyed_by_identifier_and_its_participant_number(tmp_path):
    roster = read_roster(write(tmp_path, MOODLE))
    assert roster.kind == "moodle"
    assert roster.ids == ["Participant 301", "Participant 302"]
    assert roster.numbers == {"301": "Participant 301", "302": "Participant 302"}
    assert roster.names["emmy@example.edu"] == "Participant 302"
    assert display_name(roster, "Participant 301") == "Ada Lovelace"


def test_participant_numbers():
    assert participant_number("Participant 301") == "301"
    assert participant_number("1001") == "1001"
    assert participant_number("Participant") == ""
    assert participant_number("") == ""


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the roster is empty (a header row, then one row per student)"),
        ("\n\n", "the roster is empty (a header row, then one row per student)"),
        ("student,section\n", "the roster has no students (a header row, then one row per student)"),
    ],
)
def test_an_empty_roster_is_refused_naming_the_file(tmp_path, text, message):
    path = write(tmp_path, text)
    assert refusal(path) == f"{path}: {message}"


def test_bad_rows_are_refused_with_file_and_line(tmp_path):
    path = write(tmp_path, "student,section\nada,A\n\nada,B\n")
    assert refusal(path) == f"{path}:4: student 'ada' is listed twice"
    path = write(tmp_path, "student,section\nada,A,extra\n")
    assert refusal(path) == f"{path}:2: 3 cells, but the header names 2 columns"
    path = write(tmp_path, "student,section\n,A\n")
    assert refusal(path) == f"{path}:2: no student id in column 'student'"


def test_a_canvas_id_that_is_no_number_is_refused(tmp_path):
    path = write(tmp_path, CANVAS.replace("Emmy\",102", "Emmy\",x102"))
    assert refusal(path) == f"{path}:5: the ID column holds 'x102', not a Canvas user id"


def test_a_moodle_identifier_without_a_number_is_refused(tmp_path):
    path = write(tmp_path, MOODLE.replace("Participant 302", "Participant"))
    why = "the Identifier 'Participant' holds no participant number (as in 'Participant 301')"
    assert refusal(path) == f"{path}:3: {why}"


def test_an_unreadable_roster_is_one_line(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(b"student\n\xff\xfe ada\n")
    assert refusal(path).startswith(f"{path}: cannot read the roster (")
    missing = tmp_path / "missing.csv"
    assert refusal(missing) == f"{missing}: cannot read the roster (No such file or directory)"
