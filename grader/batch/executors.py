"""Where the grading runs: ``local`` (a pool of warm worker processes on this machine) or
``dask`` (the workers of a Dask distributed cluster). Both yield journal records as they finish,
in completion order, so a slow or looping submission never holds up the others' results.

Local workers are forked from a fork server that has already imported NumPy, SymPy and the
grading code, so each starts warm; each then keeps its compiled problems. Dask workers run the
same ``worker.grade_job`` (gradquiz must be installed on them, ``pip install gradquiz[dask]``);
the job carries the submission's and the problem's text, so workers need no shared file system.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from grader.errors import GradquizError

PRELOAD = ["numpy", "sympy", "grader.batch.worker", "grader.exercise.grading", "grader.exercise.problem", "grader.quiz"]


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


THREADS = 4  # submissions in flight per worker process: a worker mostly waits for its sandbox


def prestart() -> None:
    """Start the workers' fork server now: it imports NumPy, SymPy and the grading code (about
    half a second) while the grader plans the class; ``run_local`` then forks from it."""
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()


def run_local(jobs: list[dict], workers: int, secret: str, threads: int = THREADS) -> Iterator[dict]:
    """Grade ``jobs`` on ``workers`` warm processes, ``threads`` submissions in flight in each.

    Workers take jobs from a shared queue and send each record back as soon as it is done. A
    worker that dies (a crash of the grader itself, never of a submission: those are in their
    sandbox) costs only its in-flight jobs, which come back as errors to retry; a replacement
    takes its place. Workers die with this process (the fork server's and PR_SET_PDEATHSIG)."""
    if not jobs:
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    tasks, results = context.Queue(), context.Queue()
    for index, job in enumerate(jobs):
        tasks.put((index, job))
    workers = max(1, min(workers, len(jobs)))
    threads = max(1, min(threads, -(-len(jobs) // workers)))

    def start():
        proc = context.Process(target=serve, args=(tasks, results, secret, threads, os.getpid()), daemon=True)
        proc.start()
        for _ in range(threads):
            tasks.put(None)
        return proc

    procs = [start() for _ in range(workers)]
    inflight: dict[int, int] = {}  # job index -> worker pid
    done: set[int] = set()
    try:
        while len(done) < len(jobs):
            try:
                kind, index, payload = results.get(timeout=0.5)
            except queue.Empty:
                for i, proc in enumerate(procs):
                    if proc.is_alive() or proc.exitcode == 0:
                        continue
                    for lost in [j for j, pid in inflight.items() if pid == proc.pid]:
                        del inflight[lost]
                        done.add(lost)
                        yield lost_record(jobs[lost], proc.exitcode)
                    procs[i] = start() if len(done) < len(jobs) else proc
                continue
            if kind == "start":
                inflight[index] = payload
            elif index not in done:
                inflight.pop(index, None)
                done.add(index)
                yield payload
    finally:
        # Done: each worker has its None, closes its fork servers (their folders go with them)
        # and ends; a moment for that, then (and at once if the run stopped early) the kill.
        deadline = time.monotonic() + (2.0 if len(done) == len(jobs) else 0.0)
        for proc in procs:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
            proc.join()
        tasks.close()
        results.close()


def serve(tasks, results, secret: str, threads: int, grader: int) -> None:
    """A worker process: warm up, then grade jobs from ``tasks`` on ``threads`` threads."""
    from grader.batch.worker import grade_job, shutdown, warm

    _die_with_parent()
    threading.Thread(target=_watch, args=(grader, _started(grader)), daemon=True).start()
    warm()

    def loop():
        while True:
            item = tasks.get()
            if item is None:
                return
            index, job = item
            results.put(("start", index, os.getpid()))
            results.put(("done", index, grade_job(job, secret)))

    others = [threading.Thread(target=loop, daemon=True) for _ in range(threads - 1)]
    for thread in others:
        thread.start()
    loop()
    for thread in others:
        thread.join()
    shutdown()


def lost_record(job: dict, exitcode) -> dict:
    from grader.batch.worker import error_record

    how = f"signal {-exitcode}" if isinstance(exitcode, int) and exitcode < 0 else f"exit status {exitcode}"
    return error_record(job, f"the grading worker died ({how}); run the same command again to retry it", retry=True)


def _started(pid: int) -> str | None:
    """The start time of process ``pid`` (so a reused pid is not taken for it), or None if gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _watch(grader: int, started: str | None) -> None:
    """End this worker (and so its sandboxes, which die with it) once the grader is gone: the
    pool's fork server outlives a killed grader while any worker holds its pipe."""
    import time

    if started is None and not os.path.isdir("/proc"):
        return  # no /proc: rely on the fork server
    while True:
        time.sleep(0.5)
        if _started(grader) != started:
            os._exit(1)


def _die_with_parent() -> None:
    """SIGKILL this worker when its parent (the pool's fork server, which itself ends with the
    grader) dies, so a killed `gradquiz grade` leaves no worker behind."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:
        os._exit(1)


def with_payload(job: dict) -> dict:
    """The job with the submission's and problem's text inside, for a worker on another machine."""
    out = dict(job)
    out["payload"] = {
        "source": Path(job["file"]).read_bytes().decode("utf-8", "surrogateescape"),
        "problem": Path(job["problem_path"]).read_text(encoding="utf-8"),
    }
    return out


def dask_ready(scheduler: str | None) -> None:
    """Raise the one-line error now (before any grading) if the Dask executor cannot run."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise GradquizError("--executor dask needs the dask extra: pip install 'gradquiz[dask]'") from None
    if not scheduler:
        raise GradquizError("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")


def run_dask(jobs: list[dict], scheduler: str | None, secret: str) -> Iterator[dict]:
    """Connect now (a wrong address is one line on stderr before any grading), then stream."""
    dask_ready(scheduler)
    from distributed import Client

    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise GradquizError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
    return _stream_dask(client, jobs, secret)


def _stream_dask(client, jobs: list[dict], secret: str) -> Iterator[dict]:
    from distributed import as_completed

    from grader.batch.worker import grade_remote

    with client:
        if not jobs:
            return
        futures = client.map(grade_remote, [with_payload(j) for j in jobs], secret=secret, pure=False)
        for future in as_completed(futures):
            yield future.result()
