"""A child started before its submission is known (``grader.sandbox.spare``): the next sandbox of the
same limits takes it and it is confined exactly as a child the sandbox started; one no sandbox
takes (other limits, another thread) is killed and its files removed."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from grader.sandbox import ForkServer, Limits, Sandbox, discard_spare, parent, prestart
from grader.sandbox.preload import PRELOAD
from grader.sandbox.spare import Spare

PROBE = """
import os, sys

def f(x):
    out = []
    try:
        os.fork()
        out.append("forked")
    except OSError:
        pass
    try:
        open(SECRET).read()
        out.append("read the secret")
    except OSError:
        pass
    try:
        import sympy
        if sympy.Symbol("x") is not None:
            out.append("sympy")
    except Exception:
        pass
    if out:
        raise RuntimeError(", ".join(out))
    return 2 * x
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


@pytest.fixture(autouse=True)
def no_spare_left():
    yield
    discard_spare()
    assert parent._SPARE == []


def the_spare() -> Spare:
    assert len(parent._SPARE) == 1, "prestart started no child"
    return parent._SPARE[0]


def test_the_next_sandbox_takes_the_spare_and_confines_it_like_its_own(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("42\n")
    source = f"SECRET = {str(secret)!r}\n" + PROBE
    with Sandbox(source, "alone.py", forbid=("sympy",)) as sb:
        alone = sb.run("f", "scalars", [[1.0]], 30)
        reference = sb.isolation
    prestart()
    spare = the_spare()
    pid, folder = spare.pid, spare._tmp
    assert pid and alive(pid) and folder.is_dir()
    with Sandbox(source, "taken.py", forbid=("sympy",)) as sb:
        assert parent._SPARE == [] and sb.pid == pid and sb._tmp == folder  # the spare's child, not a new one
        taken = sb.run("f", "scalars", [[1.0]], 30)
        isolation = sb.isolation
    assert alone.results == taken.results == [{"ok": True, "shape": [], "data": [2.0]}], (alone, taken)
    assert isolation == reference
    assert not alive(pid) and not folder.exists()


def test_a_taken_spare_reports_the_submissions_errors_and_output():
    prestart()
    with Sandbox("print('hello')\nx = 1 / 0\n", "broken.py") as sb:
        run = sb.run("f", "scalars", [[1.0]], 30)
        stdout, _ = sb.output()
    assert run.failure == "import" and run.detail["type"] == "ZeroDivisionError" and run.detail["line"] == 2
    assert stdout == "hello\n"


def test_a_spare_no_sandbox_takes_is_killed_and_its_files_removed():
    prestart()
    spare = the_spare()
    pid, folder = spare.pid, spare._tmp
    prestart()  # one at a time
    assert len(parent._SPARE) == 1 and parent._SPARE[0] is spare
    discard_spare()
    assert parent._SPARE == [] and not alive(pid) and not folder.exists()


def test_a_sandbox_of_other_limits_starts_its_own_child_and_the_spare_is_discarded():
    prestart()
    spare = the_spare()
    with Sandbox("def f(x):\n    return x\n", "other.py", limits=Limits(memory_mb=1024)) as sb:
        assert sb.pid != spare.pid and parent._SPARE == []
        assert sb.run("f", "scalars", [[3.0]], 30).results == [{"ok": True, "shape": [], "data": [3.0]}]
    assert not alive(spare.pid) and not Path(spare._tmp).exists()


def test_a_sandbox_of_another_thread_never_takes_the_spare():
    """The child dies with the thread that started it (PR_SET_PDEATHSIG): another thread's sandbox
    starts its own."""
    prestart()
    spare = the_spare()
    seen = {}

    def grade() -> None:
        with Sandbox("def f(x):\n    return x\n", "thread.py") as sb:
            seen["pid"] = sb.pid
            seen["results"] = sb.run("f", "scalars", [[5.0]], 30).results

    worker = threading.Thread(target=grade)
    worker.start()
    worker.join(60)
    assert seen["pid"] != spare.pid and seen["results"] == [{"ok": True, "shape": [], "data": [5.0]}]
    assert len(parent._SPARE) == 1 and parent._SPARE[0] is spare and alive(spare.pid)


def test_a_spare_whose_child_died_is_not_taken():
    prestart()
    spare = the_spare()
    os.kill(spare.pid, 9)
    spare.proc.wait()
    with Sandbox("def f(x):\n    return x\n", "after.py") as sb:
        assert sb.pid != spare.pid
        assert sb.run("f", "scalars", [[2.0]], 30).results == [{"ok": True, "shape": [], "data": [2.0]}]
    assert not Path(spare._tmp).exists()


LAZY = """
def f(x):
    import gc, statistics, numpy as np
    loaded = any(getattr(o, "__module__", 0) == "fractions" for o in gc.get_objects())
    rng = np.random.default_rng(0)
    return float(statistics.mean([x, 3 * x])) + np.fft.fft([1.0, 1.0])[0].real + rng.random() * 0 + 100 * loaded
"""


def test_a_child_alone_loads_numpy_only_and_the_rest_imports_once_confined():
    """A spare (or any child alone) has nothing of the fork server's preloads in memory, so an
    exercise that forbids one finds it nowhere; a submission that uses them imports them confined."""
    alone = LAZY.replace("import gc, statistics,", "import gc,").replace("statistics.mean([x, 3 * x])", "2 * x")
    with Sandbox(alone, "probe.py") as sb:  # fractions never loaded
        assert sb.run("f", "scalars", [[1.0]], 30).results == [{"ok": True, "shape": [], "data": [4.0]}]
    prestart()
    spare = the_spare()
    with Sandbox(LAZY, "lazy.py", forbid=("sympy",)) as sb:  # statistics imports fractions, confined
        assert sb.pid == spare.pid
        run = sb.run("f", "scalars", [[1.0]], 30)
    assert run.results == [{"ok": True, "shape": [], "data": [104.0]}], run


def test_the_fork_servers_zygote_still_preloads_what_preload_names():
    with ForkServer() as zygote:
        assert {name.split(".")[0] for name in PRELOAD} <= zygote.loaded
        with zygote.sandbox("import statistics\n\ndef f(x):\n    return statistics.mean([x, 3 * x])\n", "z.py") as sb:
            assert sb.run("f", "scalars", [[1.0]], 30).results == [{"ok": True, "shape": [], "data": [2.0]}]
