"""Grade one submission on a warm worker process: ``grade_job(job) -> record``.

A worker (a long-lived process of the local pool, or a Dask worker) imports NumPy, SymPy and the
grading code once (``warm``), compiles each problem once (per variant when it has ``params``)
and keeps it, so a submission costs its sandbox and its checks, not an interpreter start. The
submission itself runs in a sandbox child exactly as ``gradquiz check --grading`` runs it
(started from the sandbox's warm fork server when it has one); the score is computed here, in
the worker, from validated values.

The record is plain JSON: the journal line, the gradebook row's source and the student's report.
"""

from __future__ import annotations

import os
import queue
import socket
import threading
import time
from pathlib import Path

from grader.errors import GradquizError

_lock = threading.Lock()
_exercises: dict = {}  # (problem file, mtime, variant key) -> pipeline.CompiledExercise
_quizzes: dict = {}
_keeper = None  # the queue of the thread that starts fork servers and asks them to fork
_keeper_lock = threading.Lock()
_zygote_lock = threading.Lock()
_zygotes: dict = {}  # allow set -> the sandbox's fork server of this process, when the sandbox has one


def warm() -> None:
    """Import what grading needs, once per worker process (the pool's initializer)."""
    import numpy  # noqa: F401
    import sympy  # noqa: F401

    from grader.exercise import grade, load_exercise  # noqa: F401  (their modules, loaded on first use)
    from grader.quiz import load_quiz  # noqa: F401
    from grader.reports import plain_text, render_json  # noqa: F401


def grade_job(job: dict, secret: str | None = None) -> dict:
    """The journal record for one job (a ``layout.Job`` as a dict). Never raises for a submission:
    a grading that cannot happen is a record with status ``error`` and the one-line reason."""
    if secret and os.environ.get("GRADQUIZ_SECRET") != secret:
        os.environ["GRADQUIZ_SECRET"] = secret  # the same check points on every worker, every run
    os.environ["GRADQUIZ_GRADING"] = "1"
    start = time.perf_counter()
    record = {k: job[k] for k in ("student", "problem", "kind", "file", "sha256")}
    record.update(status=job.get("status", "ok"), reason=job.get("reason", ""))
    try:
        if job["kind"] == "quiz":
            report = _grade_quiz(job)
        else:
            report = _grade_exercise(job)
    except GradquizError as err:
        report = None
        record.update(status="error", reason=str(err))
    except Exception as exc:  # a bug must not stop the class: it is this student's error line
        report = None
        record.update(status="error", reason=f"internal error: {type(exc).__name__}: {exc}", retry=True)
    if report is not None:
        from grader.reports import render_json

        record.update(
            score=report.score,
            max_score=report.max_score,
            passed=report.passed,
            title=report.title,
            tasks=[_task_summary(r) for r in report.results],
            report=render_json(report),
            text=_text(report),
        )
    else:
        record.update(score=0.0, max_score=None, passed=False, tasks=[])
    record["seconds"] = round(time.perf_counter() - start, 4)
    record["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    record["time"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    record["finished"] = round(time.time(), 4)
    return record


def error_record(job: dict, reason: str, retry: bool = False) -> dict:
    """The record of a job that could not be graded (``retry``: the next run grades it again)."""
    record = {k: job[k] for k in ("student", "problem", "kind", "file", "sha256")}
    record.update(status="error", reason=reason, score=0.0, max_score=None, passed=False, tasks=[],
                  seconds=0.0, worker="", time=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  finished=round(time.time(), 4))
    if retry:
        record["retry"] = True
    return record


def _task_summary(r) -> dict:
    out = {"id": r.id, "score": r.score, "max_score": r.max_score, "passed": r.passed}
    if r.hidden:
        out["hidden"] = True
    for key in ("mistake", "error"):
        if r.extra.get(key):
            out[key] = str(r.extra[key])
    if not r.passed:
        out["feedback"] = r.feedback[:600]
    return out


def _text(report) -> str:
    from grader.reports import plain_text

    return plain_text(report)


# -- exercises ----------------------------------------------------------------------------------
def _exercise(problem_path: str, student: str):
    """The compiled exercise for this student: compiled once per worker (once per variant)."""
    from grader.pipeline import exercise_source

    path = Path(problem_path)
    stamp = path.stat().st_mtime_ns
    with _lock:
        entry = _exercises.get((problem_path, stamp, None)) or _exercises.get((problem_path, stamp, student))
        if entry is None:  # the compiled form, shared with check and notebooks (sealed by the secret)
            problem = exercise_source(path, str(path), student, grading=True)
            entry = problem.compile(student)
            _exercises[(problem_path, stamp, student if problem.per_student else None)] = entry
    return entry


def _grade_exercise(job: dict):
    """The same grading as `gradquiz check --grading --student S` (``pipeline.grade_exercise``), with
    the exercise compiled once per worker and the sandbox forked from the worker's warm server."""
    from grader.pipeline import grade_exercise
    from grader.problems import header_notes, id_from_name, read_submission

    path = Path(job["file"])
    source = read_submission(path, grading=True, folders=False)
    notebook = None
    if path.suffix == ".ipynb":  # its code cells, errors mapped back to "cell 3, line 2"
        from grader.notebook import notebook_source

        notebook = notebook_source(path, source)
        source = notebook.source
    compiled = _exercise(job["problem_path"], job["student"])
    report = grade_exercise(source, str(path), compiled, student=job["student"], grading=True, notebook=notebook,
                            sandbox=_sandbox)
    report.notes[:0] = header_notes(source, report.id, id_from_name(path), grading=True)
    return report


def _on_keeper(function):
    """Run ``function`` on this process's keeper thread, which lives as long as the process.

    A fork server dies with the thread that started it (PR_SET_PDEATHSIG follows the parent
    thread), and its children with it: started from a worker thread that then finishes its last
    job, it would take its neighbours' sandboxes down. So every fork server is started, and every
    fork requested (also a restart of a dead server), here: one at a time, on one thread."""
    global _keeper
    with _keeper_lock:
        if _keeper is None:
            _keeper = queue.Queue()
            threading.Thread(target=_keep, args=(_keeper,), daemon=True, name="gradquiz-forks").start()
    box: list = []
    done = threading.Event()
    _keeper.put((function, box, done))
    done.wait()
    ok, value = box[0]
    if ok:
        return value
    raise value


def _keep(requests) -> None:
    while True:
        function, box, done = requests.get()
        try:
            box.append((True, function()))
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            box.append((False, exc))
        done.set()


def shutdown() -> None:
    """Close this process's fork servers (and so remove their folders)."""
    with _zygote_lock:
        servers = list(_zygotes.values())
        _zygotes.clear()
    for zygote in servers:
        try:
            _on_keeper(zygote.close)
        except Exception:  # noqa: BLE001 - already gone
            pass


def _kept(zygote):
    """The fork server with its fork requests made on the keeper thread."""
    fork = zygote.fork
    zygote.fork = lambda fds: _on_keeper(lambda: fork(fds))
    return zygote


def _sandbox(source: str, path, forbid, allow):
    """A sandbox for one submission: forked from this worker's warm fork server (one per ``allow``
    set, started on first use) when the sandbox offers one; else a plain ``Sandbox``."""
    import grader.sandbox as sandbox

    server = getattr(sandbox, "ForkServer", None)
    if server is not None:
        key = tuple(sorted(allow))
        try:
            with _zygote_lock:
                zygote = _zygotes.get(key)
                if zygote is None:
                    zygote = _zygotes[key] = _kept(_on_keeper(lambda: server(allow=key).__enter__()))
            return zygote.sandbox(source, str(path), forbid=forbid, allow=key)
        except ValueError:
            pass  # the zygote preloaded a module this exercise forbids: a plain child
        except Exception:  # noqa: BLE001 - a dead or failed zygote: drop it, use a plain child now
            with _zygote_lock:
                dead = _zygotes.pop(key, None)
            if dead is not None:
                try:
                    _on_keeper(dead.close)
                except Exception:  # noqa: BLE001
                    pass
    return sandbox.Sandbox(source, str(path), forbid, allow=allow)


# -- quizzes ------------------------------------------------------------------------------------
def _grade_quiz(job: dict):
    """The same grading as `gradquiz check --grading --student S` (``pipeline.grade_answers``), with
    the quiz compiled once per worker, student and grading secret."""
    from grader.maths import grading_salt
    from grader.pipeline import grade_answers
    from grader.problems import read_submission
    from grader.quiz import MAX_BYTES, load_quiz, read_answers

    path = Path(job["file"])
    text = read_submission(path, grading=True, folders=False, what="answers file", max_bytes=MAX_BYTES)
    answers, positions = read_answers(path, text)
    student = job["student"]
    problem_path = Path(job["problem_path"])
    salt = tuple(grading_salt())
    key = (job["problem_path"], problem_path.stat().st_mtime_ns, student, salt)
    with _lock:
        quiz = _quizzes.get(key)
        if quiz is None:
            extra = {"salt": salt} if salt else {}
            quiz = _quizzes[key] = load_quiz(problem_path, student=student, grading=True, **extra)
    return grade_answers(quiz, answers, positions=positions, file=path, grading=True, student=student)


# -- remote workers (Dask) ----------------------------------------------------------------------
_remote_root: Path | None = None


def grade_remote(job: dict, secret: str | None = None) -> dict:
    """``grade_job`` on a machine that does not share the grader's files: the job carries the
    submission's and the problem's text (``payload``), written here to a private folder first."""
    import hashlib
    import shutil
    import tempfile

    global _remote_root
    payload = job.get("payload") or {}
    with _lock:
        if _remote_root is None:
            _remote_root = Path(tempfile.mkdtemp(prefix="gradquiz-worker-"))
    problem_text = payload["problem"]
    digest = hashlib.sha256(problem_text.encode()).hexdigest()[:16]
    problem = _remote_root / "problems" / digest / Path(job["problem_path"]).name
    if not problem.exists():
        from grader.reports import replace_file

        replace_file(problem, problem_text)
    folder = Path(tempfile.mkdtemp(dir=_remote_root))
    try:
        local = folder / Path(job["file"]).name
        local.write_bytes(payload["source"].encode("utf-8", "surrogateescape"))
        record = grade_job({**{k: v for k, v in job.items() if k != "payload"}, "file": str(local),
                            "problem_path": str(problem)}, secret)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for key in ("report", "text", "reason"):
        if isinstance(record.get(key), str):
            record[key] = record[key].replace(str(local), job["file"])
    record["file"] = job["file"]
    return record
