"""Captured output that is cut says how much was dropped and starts at a line boundary (issue 10)."""

from __future__ import annotations

import io

from conftest import task

from grader.sandbox.output import tail


def test_a_cut_output_starts_at_a_line_and_counts_what_was_dropped():
    text = "".join(f"línea {i:05d} é\n" for i in range(2000))  # 15 characters, 17 bytes a line
    kept = tail(io.BytesIO(text.encode()), 4000)
    note, _, rest = kept.partition("\n")
    assert rest.startswith("línea ") and text.endswith(rest)
    assert note == f"... {len(text) - len(rest):,} characters before this were dropped"
    assert len(rest.encode()) <= 4000


def test_a_short_output_is_kept_whole_and_one_long_line_is_cut_at_a_character():
    assert tail(io.BytesIO("héllo\n".encode()), 4000) == "héllo\n"
    line = "é" * 5000  # no newline at all: cut inside the line, but never inside a character
    kept = tail(io.BytesIO(line.encode()), 4001)
    note, _, rest = kept.partition("\n")
    assert set(rest) == {"é"} and note == f"... {5000 - len(rest):,} characters before this were dropped"


def test_the_report_of_a_chatty_submission(ws):
    ws.exercise([task("d", "derivative", "x**2", (-1, 1))])
    sub = ws.submission("""
    for i in range(3000):
        print(f"row {i:04d}")
    def d(x):
        return 2 * x
    """)
    report = ws.check(sub)
    note, _, rest = report["output"].partition("\n")
    assert rest.startswith("row ") and rest.endswith("row 2999")
    first = int(rest.split("\n")[0].split()[1])
    assert note == f"... {first * 9:,} characters before this were dropped"  # "row 0000\n" is 9 characters
