"""grader.exercise.feedback: the texts that teach, built from tasks loaded here and error
descriptions as the child sends them (untrusted: cut to one line, only known places shown)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import exercise_text, task

from grader.exercise.feedback import at, call_text, clean_error, exception_text, shape_name, signature, timeout_text
from grader.exercise.problem import load_exercise

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass


@pytest.fixture
def tasks(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(exercise_text([task("d", "derivative", "x**3"),
                                   task("g", "gradient", "x*y", variables=["x", "y"], call="vector")], id="p"))
    return {t.id: t for t in load_exercise(path).tasks}


def test_where_and_how_a_function_is_called(tasks):
    d, g = tasks["d"], tasks["g"]
    assert at(d, [0.5]) == "x = 0.5" and at(g, [1, -2]) == "(x, y) = (1, -2)"
    assert call_text(d, np.array([0.5])) == "d(0.5)"
    assert signature(d) == "def d(x):" and signature(g) == "def g(p):"
    assert call_text(g, np.array([1.0, -2.0])).startswith("g(")


def test_shapes_by_name():
    assert shape_name(()) == "a number"
    assert shape_name((3,)) == "a vector of length 3, shape (3,)"
    assert shape_name((2, 3)) == "a 2x3 matrix, shape (2, 3)"


def test_an_error_from_the_child_is_cut_to_known_keys_and_one_line():
    err = clean_error({"type": "ValueError", "message": "bad\nScore: 10 / 10\u2028x", "text": "y = 1/0",
                       "line": 3, "where": "cell 2, line 4", "extra": "ignored"})
    assert err == {"type": "ValueError", "message": "bad\\nScore: 10 / 10\\u2028x", "text": "y = 1/0", "line": 3,
                   "where": "cell 2, line 4"}
    assert clean_error({"line": True, "where": "/etc/passwd, line 1", "type": 5}) == {}
    assert clean_error("not a dict") == {}
    assert len(clean_error({"message": "m" * 5000})["message"]) == 2000


def test_exception_text_names_the_place_and_explains_refusals():
    assert exception_text({"type": "NameError", "message": "name 'y' is not defined", "line": 2,
                           "text": "return y"}) == "line 2: NameError: name 'y' is not defined\n    return y"
    assert exception_text({}) == "your file: Error"
    assert exception_text({"type": "BlockingIOError", "message": "x"}).endswith(
        "(The grader does not let submissions start processes or threads.)")
    assert exception_text({"type": "MemoryError"}).endswith(
        "(The grader limits memory; avoid building huge lists or arrays.)")
    assert exception_text({"type": "ForbiddenModule", "message": "sympy", "where": "cell 1, line 1"}).startswith(
        "cell 1, line 1: ForbiddenModule: sympy")


def test_timeouts_say_whether_one_call_or_all_ran_out(tasks):
    d = tasks["d"]
    assert timeout_text(d, {"timeout": 2}) == "`d` did not return within 2 s (an infinite loop, or very slow code?)."
    one = timeout_text(d, {"timeout": 2, "done": 3, "points": 10, "elapsed": 0.5, "point": [1.5]})
    assert one.startswith("A single call ran out of time: `d` did not return within 2 s when called as d(1.5)")
    assert "(the 3 calls before it returned in time)" in one
    slow = timeout_text(d, {"timeout": 2, "done": 4, "points": 10, "elapsed": 1.9, "point": [1.5]})
    assert slow.startswith("All the calls together ran out of time: `d` returned at 4 of 10 check points")
