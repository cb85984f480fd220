"""Issue 16: long answer lists are graded right (and in near-linear time: see
benchmarks/hostile_bench.py), with ten wrong values named and the rest counted."""

from __future__ import annotations

import pytest
import sympy

from grader.quiz.kinds.stationary_points import read_points
from grader.quiz.sets import read_interval, show_set

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass


def test_ten_thousand_points_are_read_sorted_without_duplicates():
    points = read_points([str(i % 5000) for i in range(10_000)] + ["-1/2", "-0.5", "sqrt(2)/2", "1e3"])
    assert len(points) == 5001 + 1 and points[0] == sympy.Rational(-1, 2)
    assert sympy.sqrt(2) / 2 in points and list(points) == sorted(points, key=float)
    assert points.count(sympy.Integer(1000)) == 1  # 1e3 and 1000 are one point


def test_plain_numbers_read_as_the_parser_reads_them():
    from grader.quiz.typed import parse_typed

    for text in ("5", "-0.25", "1e3", "+.5", "2.", "1e-5", "007"):
        fast = read_points([text])[0]
        assert fast == parse_typed(text) and type(fast) is type(parse_typed(text)), text


def test_a_long_union_of_intervals_merges_like_sympy():
    pieces = [f"({2 * i}, {2 * i + 1})" for i in range(150)] + ["[1, 2]", "(299, 301)"]
    got = read_interval(" U ".join(pieces))
    assert got == sympy.Union(*(read_interval(p) for p in pieces))
    assert show_set(got).startswith("(0, 3) U (4, 5)")
    assert read_interval("(0, 1) U (1, 2)") == sympy.Union(sympy.Interval.open(0, 1), sympy.Interval.open(1, 2))
    assert read_interval("(0, 1] U (1, 2)") == sympy.Interval.open(0, 2)


def test_feedback_names_ten_wrong_points_and_counts_the_rest(tmp_path):
    from grader.api import check

    (tmp_path / "hq.yaml").write_text("id: hq\ntitle: t\nquestions:\n"
                                      "  - {id: stat, kind: stationary_points, prompt: where, answer: [-1, 1]}\n")
    answers = tmp_path / "hq.answers.yaml"
    answers.write_text("quiz: hq\nanswers:\n  stat: [" + ", ".join(str(i) for i in range(-1, 10_000)) + "]\n")
    result = check(answers, problems=[tmp_path / "hq.yaml"]).results[0]
    lines = result.feedback.splitlines()
    assert not result.passed and len(lines) == 11, lines[-3:]  # -1 and 1 are found: nothing is missing
    assert lines[0] == "x = 0 is not a stationary point." and lines[9] == "x = 10 is not a stationary point."
    assert lines[10] == "... and 9989 more values that are not stationary points."
