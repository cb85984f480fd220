"""Check points (issue 10): no stretch of the domain goes unchecked.

Twenty uniform random points miss the last 2.5% of a domain more often than not
(0.975**20 = 60% for each end); the points now include seeded edge points at and near
each end of each variable and fill the rest with a shifted Halton sequence.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import by_id, task

from grader.maths.numerics import sample_points

BOXES = [[[-1, 1]], [[-3, 3]], [[0.5, 2.5]], [[0, 1]], [[-math.pi / 2, math.pi / 2]], [[-1, 1], [0, 2]], [[-2, 2], [-2, 2], [1, 5]]]


@pytest.mark.parametrize("box", BOXES)
def test_every_end_of_every_variable_is_checked_and_points_stay_clear_of_special_values(box):
    bounds = np.array(box, dtype=float)
    lo, hi = bounds[:, 0], bounds[:, 1]
    width = hi - lo
    clear = np.minimum(0.02 * width, 0.05)
    for student in range(200):
        points = sample_points(bounds, 20, "ex", "task", f"s{student}")
        assert points.shape == (20, len(box))
        assert np.all((points > lo) & (points < hi))
        for d in range(len(box)):
            assert np.any(points[:, d] < lo[d] + 0.025 * width[d]), (student, d)
            assert np.any(points[:, d] > hi[d] - 0.025 * width[d]), (student, d)
        assert np.all(np.abs(points - np.round(points)) >= clear)
        assert np.all(np.abs(points / np.pi - np.round(points / np.pi)) * np.pi >= clear)


def test_the_points_spread_evenly_where_uniform_draws_leave_gaps():
    bounds = np.array([[-1.0, 1.0]])
    widest = []
    for student in range(300):
        x = np.sort(sample_points(bounds, 20, "ex", "task", f"s{student}")[:, 0])
        widest.append(np.max(np.diff(np.concatenate([[-1.0], x, [1.0]]))) / 2)
    assert max(widest) < 0.15  # no gap wider than about an eighth of the domain, for any student
    uniform = np.random.default_rng(0)
    gaps = [np.max(np.diff(np.concatenate([[0], np.sort(uniform.random(20)), [1]]))) for _ in range(300)]
    assert max(gaps) > 0.3  # what 20 uniform points leave, for comparison


def test_the_same_seed_gives_the_same_points_and_another_seed_other_points():
    bounds = np.array([[-2.0, 2.0], [0.0, 3.0]])
    a = sample_points(bounds, 20, "ex", "task", "alice")
    assert np.array_equal(a, sample_points(bounds, 20, "ex", "task", "alice"))
    b = sample_points(bounds, 20, "ex", "task", "bob")
    assert not set(map(tuple, a)) & set(map(tuple, b))
    assert sample_points(bounds, 0, "ex", "task", "alice").shape == (0, 2)
    assert sample_points(bounds, 1, "ex", "task", "alice").shape == (1, 2)


WRONG_NEAR_THE_TOP = """
def derivative(x):
    return 2 * x if x < 0.95 else 2 * x + 0.5   # wrong only in the last 2.5% of [-1, 1]
"""
WRONG_NEAR_THE_BOTTOM = """
def derivative(x):
    return 2 * x if x > -0.95 else 0.0
"""
WRONG_NEAR_ONE_FACE = """
import numpy as np
def gradient(p):
    x, y = p
    return np.array([2 * x * y, x**2 if y < 1.95 else x**2 + 1])   # wrong for y in the last 2.5% of [0, 2]
"""


@pytest.mark.parametrize("code", [WRONG_NEAR_THE_TOP, WRONG_NEAR_THE_BOTTOM])
def test_a_submission_wrong_only_near_one_end_fails_for_every_student(ws, code):
    ws.exercise([task("derivative", "derivative", "x**2", (-1, 1), samples=20)])
    sub = ws.submission(code)
    for student in ("s01", "s02", "s03", "s04", "s05", "s06"):
        result = by_id(ws.check(sub, student=student))["derivative"]
        assert not result["passed"], student


def test_a_gradient_wrong_only_near_one_face_fails(ws):
    spec = {**task("gradient", "gradient", "x**2*y"), "domain": {"x": [-1, 1], "y": [0, 2]}}
    ws.exercise([spec])
    sub = ws.submission(WRONG_NEAR_ONE_FACE)
    for student in ("s01", "s02", "s03"):
        result = by_id(ws.check(sub, student=student))["gradient"]
        assert not result["passed"], student


def test_no_two_students_share_a_point():
    bounds = np.array([[-1.0, 1.0]])  # ends at integers: edge points and moved points must stay seed-dependent
    seen: set = set()
    for student in range(150):
        points = set(sample_points(bounds, 20, "ex", "task", f"s{student}")[:, 0])
        assert not points & seen, student
        seen |= points
