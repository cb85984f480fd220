"""Vectors and matrices (issue 10): which component or entry is wrong, the calling
convention named, and partial credit where the author sets `partial: true`."""

from __future__ import annotations

import pytest

from conftest import by_id, task

GRADIENT = task("gradient", "gradient", "x**2*y + z", points=3)
X_WRONG = """
import numpy as np
def gradient(p):
    x, y, z = p
    return np.array([2 * x, x**2, 1.0])   # d/dx forgot the y
"""


def test_a_gradient_says_which_components_are_right_and_which_wrong(ws):
    ws.exercise([GRADIENT])
    result = by_id(ws.check(ws.submission(X_WRONG)))["gradient"]
    assert not result["passed"] and result["score"] == 0  # all or nothing by default
    assert "By components: ∂f/∂y and ∂f/∂z are right (at every check point); ∂f/∂x is wrong." in result["feedback"]
    assert "partial" not in result and "Partial credit" not in result["feedback"]


def test_partial_credit_shares_the_points_by_component(ws):
    ws.exercise([{**GRADIENT, "partial": True}])
    report = ws.check(ws.submission(X_WRONG))
    result = by_id(report)["gradient"]
    assert result["score"] == 2.0 and result["max_score"] == 3.0 and not result["passed"]
    assert result["partial"] == {"earned": ["∂f/∂y", "∂f/∂z"], "missed": ["∂f/∂x"], "each": 1.0, "score": 2.0}
    assert result["feedback"].splitlines()[-1] == "Partial credit: 2 of 3 components right, 2 of 3 points."
    assert report["score"] == 2.0 and report["passed"] is False
    right = ws.submission("import numpy as np\ndef gradient(p):\n    x, y, z = p\n    return np.array([2*x*y, x**2, 1.0])\n",
                          name="right.py")
    result = by_id(ws.check(right))["gradient"]
    assert result["passed"] and result["score"] == 3.0 and "partial" not in result


def test_a_component_wrong_at_one_point_earns_nothing(ws):
    ws.exercise([{**GRADIENT, "partial": True, "at": [[0.5, 0.5, 0.5]]}])
    code = """
    import numpy as np
    def gradient(p):
        x, y, z = p
        dz = 1.0 if x != 0.5 else 2.0   # wrong at the shown point only
        return np.array([2 * x * y, x**2, dz])
    """
    result = by_id(ws.check(ws.submission(code)))["gradient"]
    assert result["score"] == 2.0 and result["partial"]["missed"] == ["∂f/∂z"]


def test_hessian_and_jacobian_entries_are_named(ws):
    ws.exercise([
        task("hessian", "hessian", "x**2*y", points=4, partial=True),
        task("jacobian", "jacobian", ["x*y", "x + y**2"], points=2),
    ])
    code = """
    import numpy as np
    def hessian(p):
        x, y = p
        return np.array([[2 * y, 2 * x], [2 * x, 1.0]])
    def jacobian(p):
        x, y = p
        return np.array([[y, x], [1.0, y]])
    """
    report = by_id(ws.check(ws.submission(code)))
    hessian, jacobian = report["hessian"], report["jacobian"]
    assert hessian["score"] == 3.0
    assert ("By entries: H[0][0] = ∂²f/∂x², H[0][1] = ∂²f/∂x∂y and H[1][0] = ∂²f/∂y∂x are right (at every check point); "
            "H[1][1] = ∂²f/∂y² is wrong.") in hessian["feedback"]
    assert "Partial credit: 3 of 4 entries right, 3 of 4 points." in hessian["feedback"]
    assert jacobian["score"] == 0
    assert ("By entries: J[0][0] = ∂f0/∂x, J[0][1] = ∂f0/∂y and J[1][0] = ∂f1/∂x are right (at every check point); "
            "J[1][1] = ∂f1/∂y is wrong.") in jacobian["feedback"]


@pytest.mark.e2e
def test_partial_is_refused_on_a_scalar_task(ws):
    path = ws.exercise([task("d", "derivative", "x**3", partial=True)])
    rc, out, err = ws.cli("validate", path)
    assert rc == 2
    assert err.strip() == (
        f"{path}:11: tasks[0].partial: partial credit is for gradient, hessian, jacobian tasks (points shared by "
        "component or entry), not derivative: remove `partial`"
    )


def test_a_gradient_written_with_one_argument_per_variable_is_told_how_to_write_it(ws):
    ws.exercise([GRADIENT])
    code = "import numpy as np\ndef gradient(x, y, z):\n    return np.array([2*x*y, x**2, 1.0])\n"
    result = by_id(ws.check(ws.submission(code)))["gradient"]
    assert result["feedback"] == (
        "`gradient` is called with one array p holding (x, y, z), not with one number per variable: write "
        "`def gradient(p):` and start it with `x, y, z = p`. (Python said: TypeError: gradient() missing 2 required positional "
        "arguments: 'y' and 'z'.)"
    )
    assert result["mistake"] == "calling_convention" and result["error"] == "call"


def test_a_scalar_task_written_with_one_array_is_told_how_to_write_it(ws):
    ws.exercise([task("dfdy", "partial", "x**2*y", wrt="y")])
    code = "def dfdy(p):\n    x, y = p\n    return x**2\n"
    result = by_id(ws.check(ws.submission(code)))["dfdy"]
    assert result["feedback"] == (
        "`dfdy` is called with one number per variable, dfdy(x, y), not with one array: write `def dfdy(x, y):`. "
        "(Python said: TypeError: dfdy() takes 1 positional argument but 2 were given.)"
    )
    assert result["mistake"] == "calling_convention"


def test_a_type_error_inside_the_function_is_not_taken_for_the_calling_convention(ws):
    ws.exercise([GRADIENT])
    code = """
    def helper(a, b):
        return [a, b]
    def gradient(p):
        return helper(p)
    """
    result = by_id(ws.check(ws.submission(code)))["gradient"]
    assert "called with one array" not in result["feedback"]
    assert "helper() missing 1 required positional argument: 'b'" in result["feedback"]
    assert "mistake" not in result


def test_a_function_with_too_many_parameters_is_told_its_first_line(ws):
    ws.exercise([task("d", "derivative", "x**2")])
    result = by_id(ws.check(ws.submission("def d(x, y):\n    return 2 * x\n")))["d"]
    assert result["feedback"] == (
        "`d` is called with one number, d(x): write `def d(x):`. (Python said: TypeError: d() missing 1 required "
        "positional argument: 'y'.)"
    )
