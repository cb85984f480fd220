"""A submission's pictures as figures: SVG or PNG per task, inline SVG for an HTML report, a file of
them all; a picture that cannot be drawn costs that picture only (``drawable``), never the score.
"""

from __future__ import annotations


def figure_for(picture, fmt: str = "svg"):
    """One task's picture: SVG text (``fmt="svg"``) or PNG bytes (``fmt="png"``)."""
    from grader.plots.draw import render

    return render([picture], fmt)


def drawable(pictures) -> tuple[list[tuple[str, str]], list, list[str]]:
    """(``figures`` of the pictures that could be drawn, those pictures, a note per picture that
    could not): an error drawing one picture (a derivative of 1e308 overflows matplotlib's
    limits) costs that picture only, never the report or its score."""
    import warnings

    import numpy as np

    from grader.reports import one_line

    out, good, notes = [], [], []
    for picture in pictures:
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                out.append((picture.id, inline_svg(figure_for(picture, "svg"))))
            good.append(picture)
        except Exception as exc:  # noqa: BLE001 - a picture must never cost the grade
            notes.append(f"the picture of {one_line(picture.id)} could not be drawn "
                         f"({type(exc).__name__}: {one_line(exc)[:200]}); the score stands")
    return out, good, notes


def inline_svg(svg: str) -> str:
    """An SVG document without its XML prolog and DOCTYPE: an element for inline HTML."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def save(pictures, path) -> None:
    """All pictures in one file, stacked; the format from the suffix (.png or .svg)."""
    from grader.plots.draw import save as _save

    _save(pictures, path)
