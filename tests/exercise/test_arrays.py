"""Gradient and function tasks over array parameters and data: right answers pass by both
checks, the usual slips are named (a missing 1/n, a softmax gradient without its one-hot
term, a bias gradient not summed over the batch, a transposed product), partial credit goes
by entry, and the array formula is read by a whitelist (exit 2 with one line otherwise)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import exercise_text, run_cli

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("arrays")
    shutil.copy(DATA / "arrays_exercise.yaml", root / "ml.yaml")
    return root


def _check(folder, name):
    rc, out, err = run_cli("check", DATA / name, "--problems", folder, "--exercise", "ml", "--format", "json")
    return rc, {r["id"]: r for r in json.loads(out)["results"]}


@pytest.mark.e2e
def test_right_answers_pass_by_both_checks(folder):
    rc, results = _check(folder, "arrays_right.py")
    assert rc == 0, results
    for r in results.values():
        assert r["passed"], r["feedback"]
    assert results["softmax"]["checks"]["finite_differences"] and results["twolayer"]["checks"]["reference"]


@pytest.mark.e2e
def test_the_usual_slips_are_named(folder):
    rc, results = _check(folder, "arrays_wrong.py")
    assert rc == 1
    assert {k: r.get("mistake") for k, r in results.items()} == {
        "linreg": "missing_mean",
        "loss": "missing_mean",
        "softmax": "missing_onehot",
        "twolayer": "bias_not_summed",
    }
    assert (
        "n times the right ones (n = 4, the number of data rows): the 1/n of the mean is missing"
        in results["linreg"]["feedback"]
    )
    assert results["twolayer"]["feedback"] == (
        "`net_grad` returned the wrong shape: Your gradient by b1 has one row per data point, shape (8, 3): a bias "
        "gradient is summed (or averaged, as the loss is) over the batch, axis 0, to shape (3,)."
    )
    assert "softmax(Z) - onehot(y, k), not softmax(Z) alone" in results["softmax"]["feedback"]


@pytest.mark.e2e
def test_entries_named_partial_credit_and_a_transposed_product(tmp_path):
    (tmp_path / "ml.yaml").write_text((DATA / "arrays_exercise.yaml").read_text())
    sub = tmp_path / "sub.py"
    sub.write_text(
        "import numpy as np\n"
        "def softmax_grad(W, X, y):\n"
        "    Z = X @ W\n"
        "    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)\n"
        "    G = X.T @ (P - np.eye(2)[y.astype(int)]) / len(y)\n"
        "    G[2] = 0.0  # the bias row wrong\n"
        "    return G\n"
        "def mse_grad(w, X, y):\n"
        "    return 2 * X.T @ (X @ w - y) / len(y)\n"
        "def net_grad(W1, b1, W2, b2, X, y):\n"
        "    return W1.T, b1, W2, b2\n"
    )
    rc, out, err = run_cli("check", sub, "--problems", tmp_path, "--exercise", "ml", "--format", "json")
    results = {r["id"]: r for r in json.loads(out)["results"]}
    soft = results["softmax"]
    assert soft["partial"]["missed"] == ["∂f/∂W[2, 0]", "∂f/∂W[2, 1]"]
    assert soft["score"] == pytest.approx(4 / 6, abs=1e-6)
    assert results["twolayer"]["mistake"] == "transposed_product"


@pytest.mark.e2e
@pytest.mark.parametrize(
    "f, message",
    [
        ("mean((X @ w - y)**2", "cannot read array formula 'mean((X @ w - y)**2': not a formula"),
        ("__import__('os').system('x')", "unknown function '__import__('os').system'"),
        ("mean(X @ w)[0]", "is not allowed"),
        ("X @ w - y", "f must be one number, but it is an array of shape (4,): take its sum or mean"),
        ("mean((w @ X - y)**2)", "the shapes do not fit"),
        ("mean(onehot(y, 2))", "onehot(y, 2): every label must be one of 0 .. 1"),
    ],
)
def test_array_formula_mistakes_exit_2_with_one_line(tmp_path, f, message):
    task = {
        "id": "t",
        "kind": "gradient",
        "function": "g",
        "variables": {"w": [3]},
        "f": f,
        "domain": [-1, 1],
        "data": {"X": [[1, 2, 0.5], [0, -1, 1.5], [2, 0.5, -1], [1, 1, 1]], "y": [1, -0.5, 2, 0.3]},
    }
    (tmp_path / "ex.yaml").write_text(exercise_text([task], id="ex"))
    rc, out, err = run_cli("validate", tmp_path / "ex.yaml")
    text = (out + err).strip()
    assert rc == 2 and "Traceback" not in text, text
    assert len(text.splitlines()) == 1 and re.match(rf"{re.escape(str(tmp_path))}/ex\.yaml:\d+: tasks\[0\]\.f: ", text)
    assert message in text, text


def test_the_expansion_is_the_formula_in_numpy():
    """The SymPy expansion of a softmax loss equals NumPy's at random weights."""
    from grader.maths.arrays import expand
    from grader.maths.numerics import lambdify
    from grader.maths.parser import symbol

    rng = np.random.default_rng(3)
    X, y, W = rng.normal(size=(5, 3)), np.array([0, 2, 1, 1, 0.0]), rng.normal(size=(3, 3))
    e = expand("-mean(sum(onehot(y, 3) * log_softmax(X @ W), 1))", {"W": (3, 3)}, {"X": X, "y": y})
    names = [f"W[{i}, {j}]" for i in range(3) for j in range(3)]
    value = float(lambdify([symbol(n) for n in names], e)(*W.ravel()))
    Z = X @ W
    logp = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    assert value == pytest.approx(-np.mean(logp[np.arange(5), y.astype(int)]), rel=1e-12)


@pytest.mark.e2e
def test_variants_reach_the_data_and_f(tmp_path):
    """params in `data` and in `f`: each student's own values (alice: lam = 0.2, c = 3)."""
    shutil.copy(DATA / "arrays_ridge.yaml", tmp_path / "ridge.yaml")
    rc, out, err = run_cli("starter", "ridge", "--problems", tmp_path, "--student", "alice")
    assert "# Your variant (student alice): lam=0.2, c=3" in out
    assert "f = mean((X @ w - y)**2) + 0.2*sum(w**2)" in out
    sub = tmp_path / "sub.py"
    sub.write_text(
        "def ridge_gradient(w, X, y):\n"
        "    assert X[0, 1] == 3 and y[2] == 3\n"
        "    return 2 * X.T @ (X @ w - y) / len(y) + 2 * 0.2 * w\n"
    )
    for student, code in (("alice", 0), ("bob", 1)):
        rc, out, err = run_cli("check", sub, "--problems", tmp_path, "--exercise", "ridge", "--student", student)
        assert rc == code, out + err


@pytest.mark.e2e
def test_each_slip_on_a_second_function(tmp_path):
    """Softmax losses of two shapes (2 classes without a bias, 3 with one): each slip is named
    again, so that every array slip is named on at least two functions."""
    shutil.copy(DATA / "arrays_softmax.yaml", tmp_path / "soft.yaml")
    rc, out, err = run_cli("check", DATA / "arrays_softmax_wrong.py", "--problems", tmp_path, "--exercise", "soft",
                           "--format", "json")
    assert rc == 1, err
    mistakes = {r["id"]: r.get("mistake") for r in json.loads(out)["results"]}
    assert mistakes == {"noh_two": "missing_onehot", "noh_three": "missing_onehot", "tr_two": "transposed_product",
                        "tr_three": "transposed_product", "bias_three": "bias_not_summed", "mean_three": "missing_mean"}


@pytest.mark.e2e
def test_a_reference_in_the_array_vocabulary(tmp_path):
    """`reference`: one array formula per parameter; validate checks its shape and that it is
    f's derivative (so agrees with finite differences); grading uses it."""
    text = (DATA / "arrays_reference.yaml").read_text()
    (tmp_path / "ref.yaml").write_text(text)
    rc, out, err = run_cli("validate", tmp_path / "ref.yaml")
    assert rc == 0, out + err
    sub = tmp_path / "sub.py"
    sub.write_text("import numpy as np\ndef mse_grad(w, X, y):\n    return 2 * X.T @ (X @ w - y) / len(y)\n")
    rc, out, err = run_cli("check", sub, "--problems", tmp_path, "--exercise", "ref", "--format", "json")
    results = {r["id"]: r for r in json.loads(out)["results"]}
    assert results["linreg"]["passed"]
    assert results["soft"]["feedback"] == (
        "Your file does not define a function named `soft`. Add `def soft(W, b, X, y):` returning a tuple of the "
        "gradients by W (shape (2, 3)), b (shape (3,))."
    )
    for wrong, message in (
        ("2 * X.T @ (X @ w - y)", "tasks[0].reference: the reference disagrees with the derivative of f (and its "
                                  "finite differences) at 20 of 20 check points: ∂f/∂w[0] is "),
        ("X @ w", "tasks[0].reference: 'X @ w' has shape (4,); the gradient by w has w's shape (3,)"),
    ):
        (tmp_path / "ref.yaml").write_text(text.replace("reference: 2 * X.T @ (X @ w - y) / 4", f"reference: {wrong}"))
        rc, out, err = run_cli("validate", tmp_path / "ref.yaml")
        assert rc == 2 and message in out + err, out + err
