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
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Iterator

from grader.errors import GradquizError

PRELOAD = ["numpy", "sympy", "grader.batch.worker", "grader.exercise.grading", "grader.exercise.problem", "grader.quiz"]


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def run_local(jobs: list[dict], workers: int, secret: str) -> Iterator[dict]:
    from grader.batch.worker import grade_job, warm

    if not jobs:
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    workers = max(1, min(workers, len(jobs)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm) as pool:
        # Keep a bounded window in flight: results stream back while the rest waits its turn.
        pending = iter(jobs)
        running = set()
        for job in pending:
            running.add(pool.submit(grade_job, job, secret))
            if len(running) >= workers * 4:
                break
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                for job in pending:
                    running.add(pool.submit(grade_job, job, secret))
                    break
                yield future.result()


def with_payload(job: dict) -> dict:
    """The job with the submission's and problem's text inside, for a worker on another machine."""
    out = dict(job)
    out["payload"] = {
        "source": Path(job["file"]).read_bytes().decode("utf-8", "surrogateescape"),
        "problem": Path(job["problem_path"]).read_text(encoding="utf-8"),
    }
    return out


def run_dask(jobs: list[dict], scheduler: str | None, secret: str) -> Iterator[dict]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise GradquizError("--executor dask needs the dask extra: pip install 'gradquiz[dask]'") from None
    if not scheduler:
        raise GradquizError("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
    from grader.batch.worker import grade_remote

    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise GradquizError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
    with client:
        if not jobs:
            return
        futures = client.map(grade_remote, [with_payload(j) for j in jobs], secret=secret, pure=False)
        for future in as_completed(futures):
            yield future.result()
