"""Redraw the pictures of docs/feedback.md: python docs/img/make_pictures.py (from anywhere).

Each is what a student sees: the picture of `gradquiz check ... --plot` for one task of a
wrong submission, and `gradquiz show exercise1`.
"""

from pathlib import Path

from grader.api import check, show
from grader.plots.draw import render, write

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WRONG = {  # picture: (submission, task)
    "plot-derivative.png": ("docs/img/exercise1_power_slip.py", "derivative"),
    "plot-gradient.png": ("solutions/exercise4_wrong.py", "gradient2"),
    "plot-jacobian.png": ("solutions/exercise6_wrong.py", "jacobian_polar"),
}


def main() -> None:
    for name, (submission, task_id) in WRONG.items():
        report = check(ROOT / submission, plot=True)
        (picture,) = [p for p in report.pictures if p.id == task_id]
        write(HERE / name, render([picture], "png"))
        print(f"wrote {HERE / name}")
    show("exercise1", HERE / "show-exercise1.png")
    print(f"wrote {HERE / 'show-exercise1.png'}")


if __name__ == "__main__":
    main()
