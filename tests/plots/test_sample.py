"""grader.plots.sample: the numbers of a picture from a task and its graded result's trace (the
check points, the expected and returned values). Without a sandbox there is no student curve,
and the picture says so; the student's grid values themselves are tests/plots/test_plots.py's."""

from __future__ import annotations

import numpy as np
from conftest import exercise_text, task

from grader.exercise.problem import load_exercise
from grader.plots.sample import CURVE_POINTS, FIELD_POINTS, collect, picture_for
from grader.reports.model import Result


def exercise(tmp_path, *tasks):
    path = tmp_path / "p.yaml"
    path.write_text(exercise_text(list(tasks), id="p"))
    return load_exercise(path)


def test_a_scalar_task_is_a_curve_of_the_reference_with_its_check_points(tmp_path):
    (d,) = exercise(tmp_path, task("d", "derivative", "x**3", (-2, 2))).tasks
    trace = {"x": np.array([[-1.0], [0.5]]), "expected": np.array([3.0, 0.75]), "values": [3.0, 0.0],
             "ok": np.array([True, False])}
    picture = picture_for(d, Result("d", 0.5, 1, False, "", trace=trace), None)
    assert (picture.id, picture.kind, picture.title, picture.variables) == ("d", "curve", "d: f' for f = x^3", ("x",))
    data = picture.data
    assert len(data["grid"]) == CURVE_POINTS and np.allclose(data["reference"], 3 * data["grid"] ** 2)
    assert data["student"] is None and picture.note == "your function gave no values on the grid"
    assert data["check_x"].tolist() == [-1.0, 0.5] and data["check_ok"].tolist() == [True, False]
    assert data["check_got"].tolist() == [3.0, 0.0]


def test_a_gradient_is_a_field_over_the_domain(tmp_path):
    (g,) = exercise(tmp_path, task("g", "gradient", "x**2 + 3*y", variables=["x", "y"])).tasks
    picture = picture_for(g, Result("g", 1, 1, True, ""), None)
    assert picture.kind == "field" and picture.title == "g: gradient of f = x^2 + 3y"
    data = picture.data
    assert len(data["x"]) == FIELD_POINTS**2
    assert np.allclose(data["reference"][:, 0], 2 * data["x"]) and np.allclose(data["reference"][:, 1], 3)
    assert data["wrong"] is None


def test_a_jacobian_is_a_heat_map_of_the_largest_error_per_entry(tmp_path):
    (j,) = exercise(tmp_path, task("j", "jacobian", ["x*y", "x + y"], variables=["x", "y"])).tasks
    x = np.array([[1.0, 2.0], [2.0, -1.0]])
    expected = np.array([[[2, 1], [1, 1]], [[-1, 2], [1, 1]]], dtype=float)
    got = expected.copy()
    got[:, 1, 1] = [1.5, 3.0]  # the entry d(x + y)/dy, off by 0.5 and 2
    picture = picture_for(j, Result("j", 0, 1, False, "", trace={"x": x, "expected": expected, "values": got}), None)
    assert picture.kind == "heatmap"
    assert picture.data["error"].tolist() == [[0, 0], [0, 2.0]]
    assert picture.data["wrong"].tolist() == [[False, False], [False, True]]
    assert (picture.data["rows"], picture.data["cols"]) == (["f0", "f1"], ["d/dx", "d/dy"])
    empty = picture_for(j, Result("j", 0, 1, False, "", trace={}), None)
    assert empty.note.startswith("no picture: your function gave no values of the right shape")


def test_collect_keeps_the_tasks_order_and_skips_ungraded_ones(tmp_path):
    ex = exercise(tmp_path, task("a", "derivative", "x"), task("b", "derivative", "x**2"), task("c", "function", "x"))
    results = [Result("c", 1, 1, True, ""), Result("a", 1, 1, True, "")]
    assert [p.id for p in collect(ex, results, None)] == ["a", "c"]
