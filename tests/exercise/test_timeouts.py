"""The timeout message says whether a single call or all the calls together ran out of
time (issue 10). The margins are wide: a call that never returns, or 20 calls of 0.5 s
each against a 1 s limit for them all."""

from __future__ import annotations

from conftest import by_id, task


def test_a_single_call_that_never_returns(ws):
    ws.exercise([task("d", "derivative", "x**2", (-1, 1), timeout=1, at=[0.5, -0.5])])
    sub = ws.submission("""
    def d(x):
        while x < 0:   # never ends for negative x
            pass
        return 2 * x
    """)
    result = by_id(ws.check(sub))["d"]
    assert result["feedback"] == (
        "A single call ran out of time: `d` did not return within 1 s when called as d(-0.5) (the 1 call before "
        "it returned in time). An infinite loop, or a loop that never ends for this input?"
    )
    assert result["error"] == "timeout" and result["score"] == 0


def test_the_first_call_that_never_returns(ws):
    ws.exercise([task("d", "derivative", "x**2", (-1, 1), timeout=1, at=[0.5])])
    sub = ws.submission("def d(x):\n    while True:\n        pass\n")
    feedback = by_id(ws.check(sub))["d"]["feedback"]
    assert feedback.startswith("A single call ran out of time: `d` did not return within 1 s when called as d(0.5). ")


def test_calls_each_too_slow_for_the_limit_of_them_all(ws):
    ws.exercise([task("d", "derivative", "x**2", (-1, 1), timeout=1, samples=20)])
    sub = ws.submission("import time\ndef d(x):\n    time.sleep(0.5)\n    return 2 * x\n")
    feedback = by_id(ws.check(sub))["d"]["feedback"]
    assert feedback.startswith("All the calls together ran out of time: `d` returned at ")
    assert "of 20 check points in " in feedback
    assert feedback.endswith("and all 20 calls must finish within 1 s. Make `d` faster (no sleeping, no large loops).")


def test_loading_the_file_does_not_count_against_the_calls(ws):
    ws.exercise([task("d", "derivative", "x**2", (-1, 1), timeout=1)])
    sub = ws.submission("import time\ntime.sleep(1.5)   # slow to load: its own limit is 10 s\ndef d(x):\n    return 2 * x\n")
    assert by_id(ws.check(sub))["d"]["passed"]
