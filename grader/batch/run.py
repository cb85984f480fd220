"""``gradquiz grade``: plan, grade what the journal does not hold yet, write the outputs.

Restarted with the same command after a kill, it grades only what is missing (a job is done when
the journal holds a record for its student and problem with the same file hash); ``--regrade``
grades chosen students again. Check points come from ``GRADQUIZ_SECRET``, else from a secret
made on the first run and kept (0600) in ``DIR/.gradquiz/secret``, so a resumed or repeated run
grades at the same points.
"""

from __future__ import annotations

import os
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.batch import gradebook, journal, layout
from grader.errors import GradquizError

JOURNAL = "journal.jsonl"


@dataclass
class GradeOptions:
    submissions: list
    output: Path
    problems: list = field(default_factory=list)
    exercise: str | None = None  # one problem (kept for callers of the first release); see exercises
    exercises: list = field(default_factory=list)  # the problems to grade (default: every problem given)
    jobs: int | None = None
    roster: Path | None = None
    regrade: list = field(default_factory=list)
    lms: str | None = None
    executor: str = "local"
    scheduler: str | None = None
    quiet: bool = False
    html: bool = True


@dataclass
class Outcome:
    graded: int  # submissions graded by this run
    skipped: int  # already in the journal
    seconds: float
    rows: list
    infos: list
    output: Path

    @property
    def statuses(self) -> dict:
        return gradebook.summary(self.rows)["statuses"]


def state_dir(out: Path) -> Path:
    state = out / ".gradquiz"
    state.mkdir(mode=0o700, parents=True, exist_ok=True)
    return state


def class_secret(out: Path) -> str:
    env = os.environ.get("GRADQUIZ_SECRET")
    if env:
        return env
    path = state_dir(out) / "secret"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        value = secrets.token_hex(16)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(value + "\n")
        return value


def grade_class(opts: GradeOptions, console=None, say=None) -> Outcome:
    """Grade the class; ``say(line)`` (default: stderr) hears which problem files are used and
    which files match nobody on the roster. A class in which nothing could be graded raises
    GradquizError (exit 2) once the gradebook is written."""
    from grader.batch import executors

    say = say or (lambda line: print(line, file=sys.stderr, flush=True))

    if opts.executor not in ("local", "dask"):
        raise GradquizError(f"--executor must be local or dask, not '{opts.executor}'")
    if opts.executor == "dask":
        executors.dask_ready(opts.scheduler)
    else:
        executors.prestart()
    out = Path(opts.output)
    if out.exists() and not out.is_dir():
        raise GradquizError("--output must be a folder", out)
    if out.is_symlink():
        raise GradquizError("--output is a symbolic link (refused)", out)
    out.mkdir(parents=True, exist_ok=True)
    secret = class_secret(out)
    named = list(opts.exercises) + ([opts.exercise] if opts.exercise and opts.exercise not in opts.exercises else [])
    plan = layout.plan(opts.submissions, problems=opts.problems, exercises=named,
                       roster=opts.roster, unpack_dir=state_dir(out) / "unpacked", exclude=(out,))
    unknown = [s for s in opts.regrade if s not in plan.students]
    if unknown:
        raise GradquizError(f"--regrade: no student '{unknown[0]}' in this class")
    from grader.batch.lms import check

    check(plan, opts.lms, [gradebook.problem_info(p, f, k) for p, (f, k) in plan.problems.items()])
    for line in announce(plan):
        say(line)
    path = out / JOURNAL
    done = journal.read(path)
    again = set(opts.regrade)
    todo = [j for j in plan.jobs
            if j.student in again or (done.get(j.key) or {}).get("sha256") != j.sha256 or done[j.key].get("retry")]
    todo_dicts = [j.to_dict() for j in todo]
    started = time.perf_counter()
    if opts.executor == "dask":
        stream = executors.run_dask(todo_dicts, opts.scheduler, secret)
    else:
        stream = executors.run_local(todo_dicts, opts.jobs or executors.default_jobs(), secret)
    if opts.html:  # the class report's matplotlib, imported while the workers grade
        from grader.batch.html import warm

        threading.Thread(target=warm, daemon=True, name="gradquiz-html").start()
    with journal.Journal(path) as log:
        _drain(stream, log, len(todo), opts.quiet, console, out)
        # A task that timed out while the machine was busy is graded once more, alone on its
        # worker: a slow moment must not cost a student marks (a real loop costs its timeout twice).
        records = journal.read(path)
        again = [j.to_dict() for j in todo if _timed_out(records.get(j.key), j)]
        if again:
            if opts.executor == "dask":
                stream = executors.run_dask(again, opts.scheduler, secret)
            else:
                stream = executors.run_local(again, opts.jobs or executors.default_jobs(), secret, threads=1)
            _drain(({**r, "retried": True} for r in stream), log, len(again), True, console, out)
    seconds = time.perf_counter() - started
    records = journal.read(path)
    html = None
    if opts.html:
        from grader.batch.html import write_report

        def html(infos, rows):
            write_report(out / "report.html", plan, infos, rows, records)

    infos, rows = gradebook.write_all(out, plan, records, opts.lms, meanwhile=html)
    if not plan.jobs:
        raise GradquizError(nothing_graded(plan))
    return Outcome(len(todo), len(plan.jobs) - len(todo), seconds, rows, infos, out)


def announce(plan) -> list[str]:
    """What the run uses: each problem's file, and the files that match nobody on the roster."""
    lines = [f"gradquiz: grading {pid} from {path}" for pid, (path, _) in plan.problems.items()]
    if plan.unmatched:
        lines.append(f"gradquiz: {len(plan.unmatched)} file{'s' if len(plan.unmatched) != 1 else ''} "
                     "match nobody on the roster (not graded, no row):")
        lines += [f"  {_printable(path)}: {_printable(why)}" for path, why in plan.unmatched]
    return lines


def _printable(text: str) -> str:
    """A student's file name as a terminal shows it safely (no escape sequences)."""
    return "".join(c if c.isprintable() else "?" for c in text)


def nothing_graded(plan) -> str:
    """Why a class had nothing to grade, and what was looked for."""
    wanted = ", ".join(f"{pid}{'.py or .ipynb' if kind == 'exercise' else '.answers.yaml'}"
                       for pid, (_, kind) in plan.problems.items())
    counts: dict[str, int] = {}
    for issue in plan.issues:
        counts[issue.status] = counts.get(issue.status, 0) + 1
    found = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no students"
    left = f"; {len(plan.unmatched)} files match nobody on the roster" if plan.unmatched else ""
    return (f"graded nothing: {len(plan.students)} students ({found}){left}; looked for {wanted} in each "
            "student's folder (name the problems with --exercise ID, give a roster with --roster)")


def _timed_out(record: dict | None, job) -> bool:
    return bool(record) and record.get("sha256") == job.sha256 and not record.get("retried") and any(
        t.get("error") == "timeout" for t in record.get("tasks", []))


def _write_reports(out: Path, record: dict) -> None:
    try:
        gradebook.write_reports(out, record)
    except GradquizError:
        pass  # written again at the end, which says why it cannot be


def _drain(stream, log, total: int, quiet: bool, console, out: Path) -> None:
    """Journal every record as it arrives, then write its reports into ``out`` (feedback can be
    read while the class is still being graded, and the end of the run has less to write); a
    progress bar unless quiet."""
    if quiet or total == 0:
        for record in stream:
            log.append(record)
            _write_reports(out, record)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task):
            return Text(f"{task.speed:.1f}/s" if task.speed else "-/s", style="progress.data.speed")

    if console is None:
        from rich.console import Console

        console = Console(stderr=True)  # stdout keeps the one summary line
    columns = [TextColumn("grading"), BarColumn(), MofNCompleteColumn(), Rate(), TextColumn("ETA"), TimeRemainingColumn()]
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("grading", total=total)
        for record in stream:
            log.append(record)
            _write_reports(out, record)
            progress.advance(task)
