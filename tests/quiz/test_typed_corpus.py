"""The corpus of typed answers (tests/data/typed_pairs.yaml, every example of issues 10 and 17
and typical typed derivative answers): each gets the verdict a teacher expects, and the
feedback names what a teacher expects named (a pair's `says`).
`python benchmarks/typed_corpus.py --show` prints the same count for any checkout."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.exercise_free  # never compiles an exercise: not in the second pass

ROOT = Path(__file__).resolve().parents[2]


def load_runner():
    spec = importlib.util.spec_from_file_location("typed_corpus", ROOT / "benchmarks" / "typed_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_pair_gets_the_expected_verdict(tmp_path):
    runner = load_runner()
    pairs = yaml.safe_load(runner.CORPUS.read_text(encoding="utf-8"))["pairs"]
    assert len(pairs) >= 100 and {p["right"] for p in pairs} == {True, False}
    wrong = [
        (p["answer"], p.get("key", p.get("f")), p["right"], feedback)
        for p, passed, feedback in runner.verdicts(pairs, tmp_path)
        if not runner.agrees(p, passed, feedback)
    ]
    assert wrong == []
