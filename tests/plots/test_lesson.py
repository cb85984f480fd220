"""grader.plots.lesson (the numbers of ``gradquiz show``'s picture) and draw.show_problem (the
picture itself, read back as an image), from problem files written here."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import exercise_text, png_size, red_pixels, task

from grader.errors import GradquizError
from grader.plots.draw import show_problem
from grader.plots.lesson import lesson_for

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass


def write(tmp_path, tasks, name="p.yaml"):
    path = tmp_path / name
    path.write_text(exercise_text(tasks, id="p", title="Squares"))
    return path


def test_one_variable_gives_f_f_prime_and_a_tangent_at_each_shown_point(tmp_path):
    path = write(tmp_path, [task("d", "derivative", "x**3 - x", (-2, 2), at=[-1, 0.5])])
    lesson = lesson_for(path)
    assert (lesson["kind"], lesson["title"], lesson["variable"]) == ("curve", "Squares", "x")
    x = lesson["x"]
    assert (x[0], x[-1], len(x)) == (-2, 2, 241)
    assert np.allclose(lesson["f"], x**3 - x) and np.allclose(lesson["fp"], 3 * x**2 - 1)
    assert (lesson["f_text"], lesson["fp_text"]) == ("x^3 - x", "3x^2 - 1")
    assert lesson["tangents"] == [(-1.0, 0.0, 2.0), (0.5, -0.375, -0.25)]


def test_two_variables_give_contours_and_gradients(tmp_path):
    gradient = task("g", "gradient", "x**2*y", variables=["x", "y"], at=[[1, 2]])
    gradient["domain"] = {"x": [-1, 1], "y": [0, 2]}
    path = write(tmp_path, [gradient])
    lesson = lesson_for(path)
    assert lesson["kind"] == "contour" and lesson["variables"] == ["x", "y"]
    assert lesson["gx"].shape == (81, 81) and np.allclose(lesson["f"], lesson["gx"] ** 2 * lesson["gy"])
    assert lesson["points"] == [(1.0, 2.0)] and lesson["gradients"] == [(4.0, 1.0)]


def test_a_quiz_draws_its_first_function_and_the_points_asked_about(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text("id: q\ntitle: Signs\nquestions:\n"
                    "  - {id: a, kind: sign, f: 'x**2', at: 1}\n"
                    "  - {id: b, kind: sign, f: 'x**2', at: -3}\n"
                    "  - {id: c, kind: sign, f: 'x**3', at: 2}\n")
    lesson = lesson_for(path)
    assert lesson["kind"] == "curve" and lesson["title"] == "Signs"
    assert lesson["tangents"] == [(1.0, 1.0, 2.0), (-3.0, 9.0, -6.0)]  # not x**3's point
    assert (lesson["x"][0], lesson["x"][-1]) == (-4.0, 2.0)  # one past the points asked about


def test_nothing_to_draw_is_one_line(tmp_path):
    path = write(tmp_path, [task("j", "jacobian", ["x*y", "x + y"], variables=["x", "y"])])
    with pytest.raises(GradquizError) as info:
        lesson_for(path)
    assert str(info.value) == f"{path}: this exercise has no task with one function f to draw"
    quiz = tmp_path / "q.yaml"
    quiz.write_text("id: q\ntitle: Q\nquestions:\n  - {id: a, kind: number, prompt: 'How many?', answer: 2}\n")
    with pytest.raises(GradquizError, match="this quiz has no question with a function f of one variable to draw"):
        lesson_for(quiz)


def test_the_picture_is_written_as_png_or_svg_with_red_tangents(tmp_path):
    lesson = lesson_for(write(tmp_path, [task("d", "derivative", "x**2", (-2, 2), at=[1])]))
    show_problem(lesson, tmp_path / "show.png")
    png = (tmp_path / "show.png").read_bytes()
    assert png_size(png) == (640, 360) and red_pixels(png) > 50
    show_problem(lesson, tmp_path / "show.svg")
    svg = (tmp_path / "show.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "#d62728" in svg and "tangent lines" in svg
    with pytest.raises(GradquizError):
        show_problem(lesson, tmp_path / "show.gif")
