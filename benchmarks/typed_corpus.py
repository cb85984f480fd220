"""How many typed answers of the held-out corpus (tests/data/typed_pairs.yaml) get the
verdict a teacher expects, through the quiz grader (one small quiz per pair).

    python benchmarks/typed_corpus.py [--show]            # this checkout
    PYTHONPATH=/path/to/other/checkout python benchmarks/typed_corpus.py   # another version

Prints "agree N of M" and, with --show, each disagreement.  A quiz that does not load
(a key refused) counts as a disagreement, and so does feedback without the pair's `says`
phrase (the reading, hint or mistake a teacher expects to see named).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "typed_pairs.yaml"
FIELDS = ("prompt", "variables", "domain", "f", "at", "tolerance", "choices", "partial", "points", "where")


def question(pair: dict) -> dict:
    kind = pair.get("kind", "expression")
    q = {"id": "q", "kind": kind}
    if "key" in pair:
        q["answer"] = pair["key"]
    for name in FIELDS:
        if name in pair:
            q[name] = pair[name]
    if "prompt" not in q and "f" not in q:
        q["prompt"] = "Type the answer."
    return q


def agrees(pair: dict, passed, feedback: str) -> bool:
    """The verdict a teacher expects, and the phrase the feedback must hold (``says``), if any."""
    return passed is pair["right"] and pair.get("says", "") in (feedback or "")


def verdicts(pairs, folder: Path):
    from grader.quiz import load_quiz
    from grader.quiz.grade import grade_question

    for i, pair in enumerate(pairs):
        path = folder / f"p{i}.yaml"
        quiz = {"id": f"p{i}", "title": "pair", "questions": [question(pair)]}
        if "define" in pair:  # helper functions of the quiz (s for the sigmoid)
            quiz["define"] = pair["define"]
        path.write_text(yaml.safe_dump(quiz))
        try:
            quiz = load_quiz(path)
        except Exception as exc:  # the old grader refused the key
            yield pair, None, f"quiz did not load: {exc}"
            continue
        result = grade_question(quiz.questions[0], pair["answer"])
        yield pair, result.passed, result.feedback


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show", action="store_true", help="print each disagreement")
    args = parser.parse_args()
    pairs = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["pairs"]
    agree = 0
    with tempfile.TemporaryDirectory() as tmp:
        for pair, passed, feedback in verdicts(pairs, Path(tmp)):
            if agrees(pair, passed, feedback):
                agree += 1
            elif args.show:
                print(f"DISAGREE {pair['answer']!r} for {pair.get('key', pair.get('f'))!r} "
                      f"(expected {'right' if pair['right'] else 'wrong'}): {feedback.splitlines()[0] if feedback else ''}")
    import grader

    print(f"agree {agree} of {len(pairs)}  (grader from {Path(grader.__file__).parent})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
