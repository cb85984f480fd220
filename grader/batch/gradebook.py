"""The gradebook of a class from the plan and the journal: ``gradebook.csv``, ``gradebook.json``,
an LMS import file (Canvas, Moodle) and one report per student.

``gradebook.csv`` (spec section 6): the first column is the student id, then one column per task
(``task`` for one problem, ``problem:task`` for several), ``total``, ``max_score``, ``percent``,
``status`` (ok, late, missing, misnamed, duplicate, unreadable, error, timeout) and ``reason``:
every status but ok says why. A file that loads with an error (an import error, a failing
notebook cell, a crash) is ``error``, one that runs out of time ``timeout``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from grader.batch.files import write_text
from grader.batch.lms import LMS
from grader.batch.lms import cell as _cell
from grader.batch.lms import num as _num
from grader.problems import load_yaml

# The worst status of a student's problems is the student's status.
SEVERITY = ["ok", "late", "duplicate", "missing", "misnamed", "unreadable", "timeout", "error"]
RUN_ERRORS = ("import", "crash", "garbled")  # a task's `error` that means the file did not run


@dataclass
class ProblemInfo:
    id: str
    kind: str
    title: str
    tasks: list[tuple[str, float]]  # (task id, points)

    @property
    def max_score(self) -> float:
        return round(sum(p for _, p in self.tasks), 6)


@dataclass
class Row:
    student: str
    problems: dict = field(default_factory=dict)  # pid -> {score, max_score, status, reason, tasks{}, file, seconds}
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return round(sum(p["score"] for p in self.problems.values()), 6)

    @property
    def max_score(self) -> float:
        return round(sum(p["max_score"] for p in self.problems.values()), 6)

    @property
    def percent(self) -> float:
        return round(100 * self.total / self.max_score, 2) if self.max_score else 0.0

    @property
    def status(self) -> str:
        return max((p["status"] for p in self.problems.values()), key=SEVERITY.index, default="missing")

    @property
    def reason(self) -> str:
        parts = [f"{pid}: {p['reason']}" if len(self.problems) > 1 else p["reason"]
                 for pid, p in self.problems.items() if p["reason"]]
        return "; ".join(parts + self.notes)


def problem_info(pid: str, path: Path, kind: str) -> ProblemInfo:
    data, _ = load_yaml(path)
    items = data.get("questions" if kind == "quiz" else "tasks") or []
    tasks = [(str(t.get("id")), float(t.get("points", 1))) for t in items if isinstance(t, dict)]
    return ProblemInfo(pid, kind, str(data.get("title") or pid), tasks)


def build(plan, records: dict) -> tuple[list[ProblemInfo], list[Row]]:
    """One Row per student of the plan; graded problems from the journal's records."""
    infos = [problem_info(pid, path, kind) for pid, (path, kind) in plan.problems.items()]
    by_id = {i.id: i for i in infos}
    rows = {s: Row(s, notes=list(plan.notes.get(s, []))) for s in plan.students}
    for job in plan.jobs:
        rec = records.get(job.key)
        info = by_id[job.problem]
        if rec is None or rec.get("sha256") != job.sha256:
            entry = _empty(info, "error", "not graded yet (run the same command again)")
        else:
            tasks = {t["id"]: t["score"] for t in rec.get("tasks", [])}
            status, reason = run_status(rec)
            if status == "ok":  # how the file was found is today's (the plan's); a failed run is the record's
                status, reason = job.status, job.reason
            elif job.status != "ok":
                reason = f"{reason}; {job.reason}"
            entry = {
                "score": float(rec.get("score") or 0.0),
                "max_score": float(rec["max_score"]) if rec.get("max_score") is not None else info.max_score,
                "status": status,
                "reason": reason,
                "tasks": {tid: tasks.get(tid, 0.0) for tid, _ in info.tasks} | tasks,
                "file": rec.get("file", job.file),
                "seconds": rec.get("seconds"),
            }
        rows[job.student].problems[job.problem] = entry
    for issue in plan.issues:
        rows[issue.student].problems[issue.problem] = _empty(by_id[issue.problem], issue.status, issue.reason)
    for row in rows.values():  # keep the problems in the plan's order
        row.problems = {pid: row.problems[pid] for pid in by_id if pid in row.problems}
    return infos, [rows[s] for s in plan.students]


def run_status(rec: dict) -> tuple[str, str]:
    """(status, reason) of a graded record: ``error`` when the grading failed or the file did not
    load or run (an import error, a failing notebook cell, a crash), ``timeout`` when it ran out of
    time (a loop at the top level or in a function), else ``ok``."""
    if rec.get("status") == "error":
        return "error", rec.get("reason") or "the grading failed"
    tasks = rec.get("tasks") or []
    for t in tasks:
        text = _first_line(t.get("feedback", ""))
        if t.get("error") == "timeout" or (t.get("error") == "import" and "did not finish loading" in text):
            return "timeout", f"{t.get('id')}: {text}" if t.get("error") == "timeout" else text
    for t in tasks:
        if t.get("error") in RUN_ERRORS:
            return "error", _first_line(t.get("feedback", ""))
    return "ok", ""


def _first_line(text: str) -> str:
    """The feedback's first line, with the error it introduces (``...: line 1: NameError: ...``)."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    if not lines:
        return ""
    first = lines[0]
    if first.endswith(":") and len(lines) > 1 and not lines[1].startswith("Hint:"):
        first = f"{first} {lines[1]}"
    return first if len(first) <= 400 else first[:399] + "…"


def _empty(info: ProblemInfo, status: str, reason: str) -> dict:
    return {"score": 0.0, "max_score": info.max_score, "status": status, "reason": reason,
            "tasks": {tid: 0.0 for tid, _ in info.tasks}, "file": None, "seconds": None}


def columns(infos: list[ProblemInfo]) -> list[tuple[str, str, str]]:
    """(column name, problem id, task id) for every task."""
    many = len(infos) > 1
    return [(f"{i.id}:{tid}" if many else tid, i.id, tid) for i in infos for tid, _ in i.tasks]


def to_csv(infos, rows) -> str:
    cols = columns(infos)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", *[c for c, _, _ in cols], "total", "max_score", "percent", "status", "reason"])
    for row in rows:
        cells = [_num(row.problems.get(pid, {}).get("tasks", {}).get(tid, 0.0)) for _, pid, tid in cols]
        writer.writerow([_cell(row.student), *cells, _num(row.total), _num(row.max_score), _num(row.percent),
                         row.status, _cell(row.reason)])
    return out.getvalue()


def to_json(infos, rows) -> str:
    body = {
        "problems": [
            {"id": i.id, "kind": i.kind, "title": i.title, "max_score": i.max_score,
             "tasks": [{"id": t, "max_score": p} for t, p in i.tasks]}
            for i in infos
        ],
        "students": [
            {"student": r.student, "total": r.total, "max_score": r.max_score, "percent": r.percent,
             "status": r.status, "reason": r.reason, "problems": r.problems}
            for r in rows
        ],
        "summary": summary(rows),
    }
    return json.dumps(body, indent=2, allow_nan=False) + "\n"


def summary(rows) -> dict:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    every = [r.percent for r in rows]  # every student on the roster: one who handed in nothing has 0
    return {"students": len(rows), "statuses": counts,
            "mean_percent": round(sum(every) / len(every), 2) if every else None}


# -- writing ------------------------------------------------------------------------------------
def safe_name(text: str) -> str:
    name = "".join(c if c.isalnum() or c in "._@-" else "_" for c in text)
    return name if name.strip(".") else "_" + name


def write_all(out: Path, plan, records: dict, lms: str | None = None, meanwhile=None) -> tuple[list[ProblemInfo], list[Row]]:
    """The gradebook, its LMS variant and every student's reports (two files per problem).

    Reports already written as their record came in (``write_reports``) are left as they are
    when nothing changed; the rest (thousands of small files on a resumed run, mostly time in
    the kernel) are written by a few threads while this one runs ``meanwhile(infos, rows)``
    (the class report)."""
    from concurrent.futures import ThreadPoolExecutor

    infos, rows = build(plan, records)
    write_text(out / "gradebook.csv", to_csv(infos, rows))
    write_text(out / "gradebook.json", to_json(infos, rows))
    if lms:
        filename, render = LMS[lms]
        write_text(out / filename, render(infos, rows, plan))
    files = _report_files(out, rows, records)
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="gradquiz-reports") as pool:
        written = [pool.submit(_write_changed, items) for items in files]
        if meanwhile is not None:
            meanwhile(infos, rows)
        for future in written:
            future.result()  # the first error (a GradquizError naming the file) is raised here
    return infos, rows


def report_files(out: Path, record: dict) -> list[tuple[Path, str]]:
    """The files of one graded record in ``out/reports/STUDENT/``: PROBLEM.json and .txt."""
    folder = out / "reports" / safe_name(record["student"])
    name = safe_name(record["problem"])
    return [(folder / f"{name}.json", record["report"]), (folder / f"{name}.txt", record.get("text", ""))]


def write_reports(out: Path, record: dict) -> None:
    """A graded record's reports, written as soon as it is journaled (feedback can be read
    while the class is still being graded, and the end of the run has less to write)."""
    if record.get("report"):
        for path, text in report_files(out, record):
            write_text(path, text)


def _report_files(out: Path, rows, records: dict) -> list[list[tuple[Path, str]]]:
    """Per student, [(file, text)]: each graded report, or why there is none."""
    files = []
    for row in rows:
        items = []
        for pid, entry in row.problems.items():
            rec = records.get((row.student, pid))
            if rec is not None and entry.get("file") is not None and rec.get("report"):
                items += report_files(out, rec)
                continue
            folder, name = out / "reports" / safe_name(row.student), safe_name(pid)
            body = {"id": pid, "score": 0.0, "max_score": entry["max_score"], "passed": False, "results": [],
                    "student": row.student, "status": entry["status"], "error": entry["reason"] or entry["status"]}
            items.append((folder / f"{name}.json", json.dumps(body, indent=2) + "\n"))
            items.append((folder / f"{name}.txt",
                          f"{pid}: {entry['status']}: {entry['reason']}\nScore: 0 / {_num(entry['max_score'])}\n"))
        files.append(items)
    return files


def _write_changed(items: list) -> None:
    """Write each (path, text) unless the file holds exactly that text already (never read
    through a symbolic link: one planted in DIR is replaced)."""
    for path, text in items:
        data = text.encode("utf-8", "surrogateescape")
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            fd = -1
        if fd >= 0:
            try:
                info = os.fstat(fd)
                same = stat.S_ISREG(info.st_mode) and info.st_size == len(data) and _read_all(fd) == data
            except OSError:
                same = False
            finally:
                os.close(fd)
            if same:
                continue
        write_text(path, text)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)
