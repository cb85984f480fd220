"""grader.batch.executors: the local pool grades real jobs (a plan of two students) on warm
workers and yields their records; a dead worker's jobs come back as errors to retry; Dask's
refusals are one line before any grading."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import SOLUTIONS
from grader.batch.executors import dask_ready, default_jobs, lost_record, run_local, with_payload
from grader.batch.layout import plan
from grader.errors import GradquizError


@pytest.fixture
def jobs(tmp_path) -> list[dict]:
    subs = tmp_path / "subs"
    for student, solution in (("ada", "exercise1.py"), ("bo", "exercise1_wrong.py")):
        (subs / student).mkdir(parents=True)
        (subs / student / "exercise1.py").write_text((SOLUTIONS / solution).read_text())
    the_plan = plan([subs], exercises=["exercise1"], unpack_dir=tmp_path / "u", here=False)
    return [job.to_dict() for job in the_plan.jobs]


def test_the_pool_grades_every_job_once(jobs):
    records = list(run_local(jobs, workers=1, secret="s3cret", threads=2))
    by_student = {r["student"]: r for r in records}
    assert sorted(by_student) == ["ada", "bo"] and len(records) == 2
    ada, bo = by_student["ada"], by_student["bo"]
    assert ada["score"] == ada["max_score"] > 0 and ada["passed"] is True
    assert bo["score"] < bo["max_score"] and bo["passed"] is False
    assert ada["sha256"] == jobs[0]["sha256"] and ada["problem"] == "exercise1"
    assert int(ada["worker"].rsplit(":", 1)[1]) != os.getpid()  # graded in a worker process


def test_no_jobs_start_no_workers():
    assert list(run_local([], workers=4, secret="s")) == []


def test_a_dead_workers_job_is_an_error_to_retry(jobs):
    killed = lost_record(jobs[0], -9)
    assert (killed["status"], killed["retry"], killed["score"]) == ("error", True, 0.0)
    assert killed["reason"] == "the grading worker died (signal 9); run the same command again to retry it"
    assert lost_record(jobs[0], 3)["reason"].startswith("the grading worker died (exit status 3)")
    keys = ("student", "problem", "sha256")
    assert {k: killed[k] for k in keys} == {k: jobs[0][k] for k in keys}


def test_a_remote_job_carries_its_texts(jobs):
    job = with_payload(jobs[0])
    assert job["payload"]["source"] == (SOLUTIONS / "exercise1.py").read_text()
    assert job["payload"]["problem"] == Path(jobs[0]["problem_path"]).read_text()
    assert "payload" not in jobs[0]


def test_dask_needs_a_scheduler():
    with pytest.raises(GradquizError) as info:
        dask_ready(None)
    assert str(info.value) == "--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)"
    dask_ready("tcp://127.0.0.1:8786")  # checked, not contacted


def test_default_jobs_is_the_cpus_this_process_may_use():
    assert default_jobs() == len(os.sched_getaffinity(0))
