"""Pictures, checked as images: sizes, and that failing points and wrong arrows or
entries are drawn in red (counted in the PNG, found in the SVG); none for a right answer."""

from __future__ import annotations

import pytest

from conftest import SOLUTIONS, exercise_text, png_size, red_pixels, task


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Right and wrong submissions of one scalar, one gradient and one Jacobian task, with pictures."""
    from grader.api import check

    root = tmp_path_factory.mktemp("plots")
    tasks = [
        task("d", "derivative", "sin(3*x)", (-2, 2)),
        task("g", "gradient", "x**2*y + sin(y)", variables=["x", "y"]),
        task("j", "jacobian", ["x*y", "x + y**2"], variables=["x", "y"]),
    ]
    (root / "pl.yaml").write_text(exercise_text(tasks, id="pl"), encoding="utf-8")
    right = (
        "import numpy as np\n"
        "def d(x):\n    return 3 * np.cos(3 * x)\n"
        "def g(p):\n    x, y = p\n    return [2 * x * y, x**2 + np.cos(y)]\n"
        "def j(p):\n    x, y = p\n    return [[y, x], [1, 2 * y]]\n"
    )
    wrong = (
        "import numpy as np\n"
        "def d(x):\n    return np.cos(3 * x)\n"
        "def g(p):\n    x, y = p\n    return [2 * x * y, x**2 + np.cos(y) if x > 0 else 0.0]\n"
        "def j(p):\n    x, y = p\n    return [[y, x], [1, y]]\n"
    )
    (root / "right.py").write_text("# gradquiz: pl\n" + right, encoding="utf-8")
    (root / "wrong.py").write_text("# gradquiz: pl\n" + wrong, encoding="utf-8")
    out = {}
    for name in ("right", "wrong"):
        out[name] = check(root / f"{name}.py", problems=[root], plot=root / f"{name}.png")
        out[name + ".png"] = (root / f"{name}.png").read_bytes()
    return out


def test_a_right_submission_draws_nothing_red(reports):
    report = reports["right"]
    assert report.passed
    assert [t for t, _ in report.figures] == ["d", "g", "j"]
    assert png_size(reports["right.png"]) == (640, 3 * 360)
    assert red_pixels(reports["right.png"]) == 0
    assert all("#d62728" not in svg for _, svg in report.figures)


def test_a_scalar_tasks_failing_points_are_red(reports):
    svgs = dict(reports["wrong"].figures)
    assert svgs["d"].count("#d62728") >= 1  # the wrong check points' markers
    assert "your function" in svgs["d"] and "right answer" in svgs["d"]


def test_wrong_arrows_of_a_gradient_field_are_red(reports):
    svgs = dict(reports["wrong"].figures)
    assert "yours: wrong" in svgs["g"] and "yours: right" in svgs["g"]  # wrong for x <= 0 only
    assert "#d62728" in svgs["g"]


def test_a_jacobians_heat_map_outlines_the_wrong_entry(reports):
    import grader.plots.draw as draw

    svgs = dict(reports["wrong"].figures)
    assert "largest error at the check points" in svgs["j"]
    assert svgs["j"].count(draw.RED) == 1 and svgs["j"].count(draw.GREEN) == 3  # one wrong entry of four


def test_the_wrong_png_has_red_and_the_stacked_size(reports):
    assert png_size(reports["wrong.png"]) == (640, 3 * 360)
    assert red_pixels(reports["wrong.png"]) > 300


@pytest.mark.e2e
def test_plot_needs_a_png_or_svg(tmp_path):
    from conftest import run_cli

    rc, out, err = run_cli("check", SOLUTIONS / "exercise1.py", "--plot", tmp_path / "p.jpg")
    assert rc == 2 and out == ""
    assert err.strip().endswith("p.jpg: --plot: a picture is a .png or .svg file, not .jpg")


def test_the_docs_show_one_picture_of_each_kind():
    """docs/feedback.md shows what students see: a curve, a field, a heat map and `show`."""
    import re

    from conftest import ROOT

    page = (ROOT / "docs" / "feedback.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\((img/[^)]+\.png)\)", page)
    assert images == ["img/plot-derivative.png", "img/plot-gradient.png", "img/plot-jacobian.png", "img/show-exercise1.png"]
    for name in images:
        png = (ROOT / "docs" / name).read_bytes()
        assert png_size(png) == (640, 360) and len(png) < 80_000
        assert red_pixels(png) > 50, name  # each shows its failing points, arrows, entry or tangents in red


def test_the_methods_draw_error_against_h_and_the_descent_path(tmp_path):
    """exercise9: the numerical tasks' error against h (log-log), the descents' paths on f;
    red only where the task failed (the forward difference for `central`, the off-by-one path)."""
    from grader.api import check

    pictures = {}
    for name in ("exercise9", "exercise9_wrong"):
        out = tmp_path / f"{name}.png"
        report = check(SOLUTIONS / f"{name}.py", exercise="exercise9", grading=True, plot=out)
        assert len(report.results) == 6
        pictures[name] = out.read_bytes()
    assert png_size(pictures["exercise9"]) == (640, 5 * 360)  # autodiff has no picture
    assert red_pixels(pictures["exercise9"]) == 0
    assert red_pixels(pictures["exercise9_wrong"]) > 300


def test_gradients_over_data_draw_their_errors_by_entry(tmp_path):
    """exercise10: a heat map per gradient task (of the parameter with the most wrong entries),
    wrong entries outlined in red; the `function` task draws nothing."""
    from grader.api import check

    pictures = {}
    for name in ("exercise10", "exercise10_wrong"):
        out = tmp_path / f"{name}.png"
        check(SOLUTIONS / f"{name}.py", exercise="exercise10", grading=True, plot=out)
        pictures[name] = out.read_bytes()
    assert png_size(pictures["exercise10"]) == (640, 4 * 360)
    assert red_pixels(pictures["exercise10"]) == 0
    assert red_pixels(pictures["exercise10_wrong"]) > 300
