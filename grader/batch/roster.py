"""The class list of ``gradquiz grade --roster FILE``: a plain CSV, Canvas's gradebook export or
Moodle's grading worksheet, recognised by its header row.

- Canvas ("Grades > Export"; canvas-lms ``lib/gradebook_exporter.rb``): ``Student, ID, [SIS User
  ID,] SIS Login ID, [Integration ID, Root Account,] Section``, custom columns, one column per
  assignment titled ``Title (assignment id)``, then read-only totals (``Current Score``, ...). An
  optional ``Manual Posting`` row and the ``    Points Possible`` row come before the students;
  the Test Student (``Student, Test``) comes last and is left out. A student is Canvas's user
  ``ID``, the number in the submissions download's ``name_[LATE_]USERID_FILEID_file`` names.
- Moodle ("Download grading worksheet"; ``mod/assign/gradingtable.php``): ``Identifier, Full name,
  Email address, Status, Grade, Maximum Grade, Grade can be changed, Last modified (submission),
  Last modified (grade), Feedback comments``; ``Identifier`` is ``Participant 301``, the number in
  the "Download all submissions" folder ``Full Name_301_assignsubmission_file_``.
- A plain CSV: the id column is the first of student/id/student_id/login/username (else the first
  column); an optional submission/github/folder column gives the name used in SUBMISSIONS, and a
  canvas_id/user_id/participant column the LMS's number.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from grader.errors import GradquizError

ID_COLUMNS = ("student", "id", "student_id", "login", "username")
NAME_COLUMNS = ("submission", "github", "github_username", "folder")
NUMBER_COLUMNS = ("canvas_id", "canvas_user_id", "user_id", "participant", "participant_id", "identifier")
CANVAS_TOTALS = re.compile(r"(Current|Final|Unposted|Override) (Score|Points|Grade|Status)")
ASSIGNMENT = re.compile(r"^(?P<title>.*\S)\s+\((?P<id>\d+)\)\s*$")
TEST_STUDENT = {"student, test", "test student"}


RosterKind = Literal["plain", "canvas", "moodle"]


@dataclass
class Roster:
    """Who is in the class, how their submissions are recognised, and the file to write back."""

    path: Path
    kind: RosterKind
    ids: list[str] = field(default_factory=list)  # in the file's order
    rows: dict[str, dict] = field(default_factory=dict)  # id -> {column: value}
    names: dict[str, str] = field(default_factory=dict)  # a name used in SUBMISSIONS -> id
    numbers: dict[str, str] = field(default_factory=dict)  # the LMS's number (Canvas user, Moodle participant) -> id
    header: list[str] = field(default_factory=list)
    lines: dict[str, list[str]] = field(default_factory=dict)  # id -> the row as the file has it
    points: dict[str, str] = field(default_factory=dict)  # Canvas: assignment column -> points possible
    assignments: list[str] = field(default_factory=list)  # Canvas: the assignment columns
    left_out: dict[str, str] = field(default_factory=dict)  # id -> why it is no student of the class
    delimiter: str = ","  # the file's (Canvas writes ';' where the decimal mark is ',')


def read_roster(path: Path) -> Roster:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            text = handle.read()
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","  # Canvas exports ';' in some locales
        table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise GradquizError(f"cannot read the roster ({getattr(exc, 'strerror', None) or exc})", path) from None
    while table and not any(c.strip() for c in table[0]):
        table.pop(0)
    if not table:
        raise GradquizError("the roster is empty (a header row, then one row per student)", path)
    header = [c.strip() for c in table[0]]
    if header[:1] in (["Student"], ["LastName"]) and "ID" in header and "Section" in header:
        roster = _canvas(path, header, table)
    elif "Identifier" in header and "Grade" in header:
        roster = _moodle(path, header, table)
    else:
        roster = _plain(path, header, table)
    if not roster.ids:
        raise GradquizError("the roster has no students (a header row, then one row per student)", path)
    roster.delimiter = delimiter
    return roster


def _records(path: Path, header: list[str], table: list[list[str]], skip=lambda cells: False):
    """(line number, cells, {column: value}) of each non-empty row after the header."""
    for line, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells) or skip(cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            raise GradquizError(f"{len(cells)} cells, but the header names {len(header)} columns", path, line)
        yield line, cells, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header) if h}


def _add(roster: Roster, line: int, sid: str, cells: list[str], row: dict, column: str) -> None:
    if not sid:
        raise GradquizError(f"no student id in column '{column}'", roster.path, line)
    if sid in roster.rows or sid in roster.left_out:
        raise GradquizError(f"student '{sid}' is listed twice", roster.path, line)
    roster.rows[sid] = row
    roster.lines[sid] = list(cells) + [""] * (len(roster.header) - len(cells))


def _plain(path: Path, header: list[str], table) -> Roster:
    roster = Roster(path, "plain", header=header)
    columns = {c.lower(): c for c in header if c}
    id_col = next((columns[c] for c in ID_COLUMNS if c in columns), header[0])
    name_col = next((columns[c] for c in NAME_COLUMNS if c in columns), None)
    number_col = next((columns[c] for c in NUMBER_COLUMNS if c in columns), None)
    for line, cells, row in _records(path, header, table):
        sid = row.get(id_col, "")
        _add(roster, line, sid, cells, row, id_col)
        roster.ids.append(sid)
        roster.names[(row.get(name_col) if name_col else "") or sid] = sid
        number = participant_number(row.get(number_col, "")) if number_col else ""
        if number:
            roster.numbers[number] = sid
    return roster


def _canvas(path: Path, header: list[str], table) -> Roster:
    roster = Roster(path, "canvas", header=header)
    section = header.index("Section")
    roster.assignments = [h for h in header[section + 1:] if ASSIGNMENT.match(h) and not CANVAS_TOTALS.search(h)]

    def special(cells: list[str]) -> bool:
        first = cells[0].strip() if cells else ""
        if first.startswith("Points Possible"):
            roster.points = {h: cells[header.index(h)].strip() for h in roster.assignments if header.index(h) < len(cells)}
            return True
        # the row that marks assignments posted by hand (it has no student in it)
        return all(re.fullmatch(r"\s*(Muted|Manual Posting.*)?\s*", c or "", re.IGNORECASE) for c in cells)

    for line, cells, row in _records(path, header, table, special):
        sid = row.get("ID", "")
        name = row.get("Student") or f"{row.get('LastName', '')}, {row.get('FirstName', '')}"
        if name.strip().lower() in TEST_STUDENT:  # the Student View's user: never a student of the class
            roster.left_out[sid] = f"{name} is Canvas's Test Student"
            continue
        _add(roster, line, sid, cells, row, "ID")
        if not sid.isdigit():
            raise GradquizError(f"the ID column holds '{sid}', not a Canvas user id", path, line)
        roster.ids.append(sid)
        roster.numbers[sid] = sid
        for column in ("SIS User ID", "SIS Login ID"):
            if row.get(column):
                roster.names.setdefault(row[column], sid)
        roster.names.setdefault(sid, sid)
    return roster


def _moodle(path: Path, header: list[str], table) -> Roster:
    roster = Roster(path, "moodle", header=header)
    for line, cells, row in _records(path, header, table):
        sid = row.get("Identifier", "")
        _add(roster, line, sid, cells, row, "Identifier")
        number = participant_number(sid)
        if not number:
            raise GradquizError(f"the Identifier '{sid}' holds no participant number (as in 'Participant 301')",
                                path, line)
        roster.ids.append(sid)
        roster.numbers[number] = sid
        roster.names.setdefault(sid, sid)
        if row.get("Email address"):
            roster.names.setdefault(row["Email address"], sid)
    return roster


def participant_number(text: str) -> str:
    """``Participant 301`` -> ``301`` (Moodle's importer strips the word the same way), ``1001`` -> ``1001``."""
    match = re.search(r"(\d+)\s*$", text or "")
    return match.group(1) if match else ""


def display_name(roster: Roster | None, sid: str) -> str:
    """A student's name as the roster gives it (Canvas's sortable name, Moodle's full name), else ''."""
    if roster is None:
        return ""
    row = roster.rows.get(sid, {})
    return row.get("Student") or row.get("Full name") or row.get("name") or row.get("Name") or ""
