"""The cost of issue 16's checks, per submission (goal: under 1 ms together), and the time to
grade long answer lists (goal: 10,000 stationary points under 1 s).

Per submission: reading the file as hostile (``files.read_limited``: lstat, open O_NOFOLLOW |
O_NONBLOCK, fstat, bounded read) and its digest, against the old ``read_bytes`` and digest; the
text rule on a typical report (``safe.printable`` of its text and ``one_line`` of a reply's
strings); removing a child's scratch folder without recursion (``cleanup.remove_tree``), against
``shutil.rmtree``; the child's check that no forbidden module is in memory.

    python benchmarks/hostile_bench.py [--repeat 2000]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def per_call(function, repeat: int) -> float:
    """Median of five runs of ``repeat`` calls, in microseconds per call."""
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeat):
            function()
        runs.append((time.perf_counter() - start) / repeat * 1e6)
    return statistics.median(runs)


def scratch_tree(root: Path) -> Path:
    """A child's folder as a submission leaves it: stdout, stderr, a scratch folder with a file."""
    folder = Path(tempfile.mkdtemp(prefix="child-", dir=root))
    (folder / "stdout").write_text("printed\n" * 10)
    (folder / "stderr").write_text("")
    (folder / "scratch").mkdir()
    (folder / "scratch" / "notes.txt").write_text("x" * 1000)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    repeat = args.repeat

    from grader.batch.files import read_limited
    from grader.reports.safe import one_line, printable
    from grader.sandbox.cleanup import remove_tree

    where = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    work = Path(tempfile.mkdtemp(prefix="gradquiz-hostile-bench-", dir=where))  # where children's folders go as root
    try:
        submission = work / "exercise1.py"
        submission.write_text((ROOT / "solutions" / "exercise1.py").read_text() * 4)
        old_read = per_call(lambda: hashlib.sha256(submission.read_bytes()).hexdigest(), repeat)
        new_read = per_call(lambda: hashlib.sha256(read_limited(submission, 2 << 20)[0]).hexdigest(), repeat)

        report = ("FAIL derivative  0/3\n     At x = 0.5 your `derivative` returned 1.25; expected 1 (off by 0.25).\n"
                  "     Wrong at 20 of 20 check points; the largest error is 0.75 at x = 1.5.\n") * 5
        reply = "ValueError: math domain error in a line the student wrote, with some detail"
        text_rule = per_call(lambda: (printable(report), one_line(reply), one_line("numpy.ndarray")), repeat)

        def fresh_trees(count):
            return [scratch_tree(work) for _ in range(count)]

        old_times, new_times = [], []
        for i, tree in enumerate(fresh_trees(repeat // 4)):  # alternated: the same load on both
            remove = shutil.rmtree if i % 2 else remove_tree
            start = time.perf_counter()
            remove(tree)
            (old_times if i % 2 else new_times).append((time.perf_counter() - start) * 1e6)
        old_remove, new_remove = statistics.median(old_times), statistics.median(new_times)

        import numpy  # noqa: F401 - the child has it loaded: its sys.modules is this size

        forbid = {"sympy", "jax", "torch", "autograd", "tensorflow", "scipy"}

        def loaded():  # as child._serve does it
            return sorted(n for n in forbid if n in sys.modules
                          and not getattr(sys.modules[n], "__dict__", {}).get("__forbidden__"))

        memory_check = per_call(loaded, repeat // 10)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("Per submission (microseconds; goal: the new checks together under 1,000)")
    print(f"  read and digest a {submission_size(ROOT)} B file: old {old_read:7.1f}   new (read_limited) {new_read:7.1f}")
    print(f"  text rule on a report of 15 lines and a reply:     {text_rule:7.1f}")
    print(f"  remove the child's folder ({where or tempfile.gettempdir()}), median: old (shutil.rmtree) "
          f"{old_remove:7.1f}   new (remove_tree) {new_remove:7.1f}")
    print(f"  the child's forbidden-modules-in-memory check:   {memory_check:7.1f}  ({len(sys.modules)} modules)")
    extra = (new_read - old_read) + text_rule + max(0.0, new_remove - old_remove) + memory_check
    print(f"  added per submission: {extra:7.1f} us")

    answer_lists()


def submission_size(root: Path) -> int:
    return len((root / "solutions" / "exercise1.py").read_bytes()) * 4


def answer_lists() -> None:
    from grader.api import check
    from grader.quiz.kinds.stationary_points import read_points
    from grader.quiz.sets import read_interval

    print("\nAnswer lists (seconds; goal: 10,000 stationary points under 1)")
    for n in (1_000, 5_000, 10_000):
        items = [str(i) for i in range(n)]
        start = time.perf_counter()
        read_points(items)
        print(f"  read {n:6d} points: {time.perf_counter() - start:6.3f}")
    items = [f"{i}/7" for i in range(10_000)]
    start = time.perf_counter()
    read_points(items)
    print(f"  read  10000 fractions (the parser for each): {time.perf_counter() - start:6.3f}")
    text = " U ".join(f"({2 * i}, {2 * i + 1})" for i in range(150))
    start = time.perf_counter()
    read_interval(text)
    print(f"  read a union of 150 intervals: {time.perf_counter() - start:6.3f}")
    work = Path(tempfile.mkdtemp(prefix="gradquiz-lists-bench-"))
    try:
        (work / "hq.yaml").write_text("id: hq\ntitle: t\nquestions:\n"
                                      "  - {id: stat, kind: stationary_points, prompt: where, answer: [-1, 1]}\n")
        answers = work / "hq.answers.yaml"
        answers.write_text("quiz: hq\nanswers:\n  stat: [" + ", ".join(str(i) for i in range(10_000)) + "]\n")
        check(answers, problems=[work / "hq.yaml"])  # warm: SymPy's caches, the quiz compiled
        start = time.perf_counter()
        check(answers, problems=[work / "hq.yaml"])
        print(f"  check an answers file of 10,000 points (in process, warm): {time.perf_counter() - start:6.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
