"""The LMS import files of ``gradquiz grade --lms canvas|moodle``: ``canvas.csv`` and ``moodle.csv``.

With the platform's own file as the roster they are that file written back, read the way the
platform's importer reads it:

- Canvas (canvas-lms ``lib/gradebook_importer.rb``): students by the ``ID`` column (then SIS
  ids), the assignment by the ``(id)`` at the end of its column header, so the existing
  assignment is updated (a header without it makes a new assignment); the ``Points Possible`` row
  sets the assignment's points, so it is copied from the export and scores are scaled to it.
- Moodle (``mod/assign/feedback/offline/importgradeslib.php``): columns found by their exact
  names ``Identifier`` (``Participant N``), ``Grade``, ``Last modified (grade)`` and the feedback
  plugins' ``Feedback comments``; a grade above the ``Maximum Grade`` is skipped, so scores are
  scaled to it, and every other cell is kept as downloaded.

Without such a roster: Canvas's import columns with the assignment's title, and Moodle's "Import
grades from CSV" (``ID number``/``Email address``, a grade and a feedback column).
"""

from __future__ import annotations

import csv
import io

from grader.batch.roster import ASSIGNMENT, Roster
from grader.errors import GradquizError


def num(value: float) -> str:
    return f"{value:g}"


def cell(text: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (a student's id or file name)."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _pick(row: dict, *names: str) -> str:
    lowered = {k.strip().lower().replace(" ", "_"): v for k, v in row.items()}
    return next((lowered[n] for n in names if lowered.get(n)), "")


def _number(text: str) -> float | None:
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        return None
    return value if value > 0 else None


def assignment_name(infos) -> str:
    return infos[0].title if len(infos) == 1 else " + ".join(i.id for i in infos)


def canvas_column(roster: Roster, infos) -> str:
    """The export's column of the assignment being graded: its only assignment, else the one whose
    title is a problem's title or id (or the class's assignment name)."""
    if len(roster.assignments) == 1:
        return roster.assignments[0]
    names = {assignment_name(infos).strip().lower()} | {i.title.strip().lower() for i in infos} | {
        i.id.lower() for i in infos}
    found = [h for h in roster.assignments if _title(h) in names]
    if len(found) == 1:
        return found[0]
    shown = ", ".join(roster.assignments[:6]) + (", ..." if len(roster.assignments) > 6 else "")
    what = f"{len(roster.assignments)} assignment columns ({shown})" if roster.assignments else "no assignment column"
    raise GradquizError(f"the Canvas export has {what} and none is titled '{assignment_name(infos)}': export the "
                        "gradebook with only this assignment's column shown (Export > Export Current Gradebook View)",
                        roster.path)


def _title(header: str) -> str:
    match = ASSIGNMENT.match(header)
    return match.group("title").strip().lower() if match else header.strip().lower()


def check(plan, lms: str | None, infos) -> None:
    """Refuse, before grading, an LMS file that could not be written (raises GradquizError)."""
    if lms == "canvas" and plan.class_list is not None and plan.class_list.kind == "canvas":
        canvas_column(plan.class_list, infos)


def _scaled(row, out_of: float | None) -> float:
    if out_of is None or not row.max_score:
        return row.total
    return round(row.total / row.max_score * out_of, 2)


def feedback(row) -> str:
    """One line for the student: points, per task when there are few, and why not ok."""
    tasks = [f"{tid} {num(score)}" for p in row.problems.values() for tid, score in p.get("tasks", {}).items()]
    text = f"gradquiz: {num(row.total)} / {num(row.max_score)} points"
    if 0 < len(tasks) <= 12:
        text += f" ({', '.join(tasks)})"
    if row.status != "ok":
        text += f". {row.status}: {row.reason}"
    return text


def to_canvas(infos, rows, plan) -> str:
    roster = plan.class_list
    if roster is not None and roster.kind == "canvas":
        return _canvas_export(infos, rows, roster)
    name = assignment_name(infos)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", name])
    writer.writerow(["Points Possible", "", "", "", "", num(sum(i.max_score for i in infos))])
    for row in rows:
        info = plan.roster.get(row.student, {})
        writer.writerow([
            cell(_pick(info, "name", "student_name", "full_name", "sortable_name") or row.student),
            cell(_pick(info, "canvas_id", "canvas_user_id")),
            cell(_pick(info, "sis_user_id", "sis_id") or row.student),
            cell(_pick(info, "sis_login_id", "login", "email")),
            cell(_pick(info, "section")),
            num(row.total),
        ])
    return out.getvalue()


def _canvas_export(infos, rows, roster: Roster) -> str:
    """The export's student columns and the graded assignment's column, scores scaled to its points."""
    column = canvas_column(roster, infos)
    keep = roster.header.index("Section") + 1
    out_of = _number(roster.points.get(column, ""))
    by_id = {r.student: r for r in rows}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", delimiter=roster.delimiter)
    writer.writerow(roster.header[:keep] + [column])
    writer.writerow(["    Points Possible"] + [""] * (keep - 1) + [
        roster.points.get(column) if out_of is not None else num(sum(i.max_score for i in infos))])
    for sid in roster.ids:
        writer.writerow(roster.lines[sid][:keep] + [num(_scaled(by_id[sid], out_of))])
    return out.getvalue()


def to_moodle(infos, rows, plan) -> str:
    roster = plan.class_list
    if roster is not None and roster.kind == "moodle":
        return _worksheet(rows, roster)
    name = assignment_name(infos)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["First name", "Last name", "ID number", "Email address", name, f"{name} (feedback)"])
    for row in rows:
        info = plan.roster.get(row.student, {})
        first = _pick(info, "first_name", "firstname", "given_name")
        last = _pick(info, "last_name", "lastname", "surname", "family_name")
        writer.writerow([cell(first), cell(last), cell(_pick(info, "id_number", "idnumber") or row.student),
                         cell(_pick(info, "email", "email_address")), num(row.total), cell(feedback(row))])
    return out.getvalue()


def _worksheet(rows, roster: Roster) -> str:
    """Moodle's grading worksheet as downloaded, with ``Grade`` (scaled to ``Maximum Grade``) and
    ``Feedback comments`` filled in: ready for "Upload grading worksheet"."""
    header = list(roster.header)
    for needed in ("Last modified (grade)", "Feedback comments"):  # Moodle's importer refuses a file without the first
        if needed not in header:
            header.append(needed)
    grade, comments = header.index("Grade"), header.index("Feedback comments")
    top = header.index("Maximum Grade") if "Maximum Grade" in header else None
    by_id = {r.student: r for r in rows}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for sid in roster.ids:
        line = roster.lines[sid] + ["-" if name == "Last modified (grade)" else "" for name in header[len(roster.lines[sid]):]]
        row = by_id[sid]
        out_of = _number(line[top]) if top is not None else None
        line[grade] = f"{_scaled(row, out_of if out_of is not None else row.max_score):.2f}"
        line[comments] = feedback(row)
        writer.writerow(line)
    return out.getvalue()


LMS = {"canvas": ("canvas.csv", to_canvas), "moodle": ("moodle.csv", to_moodle)}
