"""Issue 17, consistency: one message for a file that cannot be loaded, no library warning on
stderr, `starter --notebook` writes a file, `list` says when a course file shadows a bundled
one, one indexing (from 0, as Python's) in feedback; each through the installed command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli_many

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.e2e
def test_the_installed_command(tmp_path):
    broken = tmp_path / "exercise4.py"
    broken.write_text((ROOT / "solutions" / "exercise4.py").read_text(encoding="utf-8") + "\nx = 1/0\n", encoding="utf-8")
    notebook = {  # nbformat 4.5 without cell ids: nbformat warns about each
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                   "source": "def derivative(x):\n    return 2*x\n"}],
    }
    (tmp_path / "exercise1.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    course = tmp_path / "course"
    (course / "exercises").mkdir(parents=True)
    shutil.copy(ROOT / "exercises" / "exercise1.yaml", course / "exercises" / "exercise1.yaml")
    (tmp_path / "starter").mkdir()
    jobs = [
        (("check", broken), tmp_path, None),
        (("check", "exercise1.ipynb"), tmp_path, None),
        (("starter", "exercise2", "--notebook"), tmp_path / "starter", None),
        (("list",), course, None),
        (("check", ROOT / "solutions" / "exercise6_wrong.py", "--format", "json"), tmp_path, None),
    ]
    (rc_b, out_b, _), (rc_n, out_n, err_n), (rc_s, out_s, err_s), (rc_l, out_l, _), (_, out_j, _) = run_cli_many(jobs)

    # an import error said once, then named for the other tasks
    assert rc_b == 1
    assert out_b.count("Your file could not be loaded, so nothing could be graded:") == 1
    assert "FAIL gradient3  0/3\n     Not graded: your file could not be loaded (see gradient2 above).\n" in out_b

    # a notebook without cell ids: graded, and nothing from nbformat on stderr
    assert (rc_n, err_n) == (0, ""), err_n
    assert "Score: 3 / 3" in out_n

    # starter --notebook without --output writes ID.ipynb and prints no JSON
    assert rc_s == 0 and out_s == "" and "wrote exercise2.ipynb" in err_s
    written = json.loads((tmp_path / "starter" / "exercise2.ipynb").read_text(encoding="utf-8"))
    assert "".join(written["cells"][-1]["source"]).startswith("from grader import check")

    # list: the course's exercise1 once, shadowing the bundled one
    lines = [line for line in out_l.splitlines() if line.startswith("exercise1 ")]
    assert rc_l == 0 and len(lines) == 1, out_l
    assert lines[0].endswith("(exercises/exercise1.yaml; shadows the bundled one)")

    # feedback counts places from 0, the named slip as the list of entries below it
    feedback = {r["id"]: r["feedback"] for r in json.loads(out_j)["results"]}["jacobian_polar"]
    assert "In J[0][1], the derivative of f0 = r*cos(t) by t: a sign slip" in feedback
    assert "J[0][1] = ∂f0/∂t is wrong" in feedback


def test_the_html_report_says_it_once_too(tmp_path):
    from grader.api import check

    broken = tmp_path / "exercise4.py"
    broken.write_text((ROOT / "solutions" / "exercise4.py").read_text(encoding="utf-8") + "\nx = 1/0\n", encoding="utf-8")
    page = check(broken)._repr_html_()
    assert page.count("Your file could not be loaded, so nothing could be graded:") == 1
    assert "Not graded: your file could not be loaded (see gradient2 above)." in page
