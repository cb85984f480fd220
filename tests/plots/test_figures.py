"""grader.plots.figures: pictures as figures; one that cannot be drawn costs that picture only."""

from __future__ import annotations

from types import SimpleNamespace

from grader.plots.figures import drawable, inline_svg


def test_inline_svg_drops_the_prolog_and_doctype():
    svg = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN">\n<svg width="1"></svg>\n'
    assert inline_svg(svg) == '<svg width="1"></svg>\n'
    assert inline_svg("no picture") == "no picture"


def test_a_picture_that_cannot_be_drawn_is_a_note_not_an_error():
    broken = SimpleNamespace(id="d\nx")  # nothing to draw: matplotlib's code raises
    figures, good, notes = drawable([broken])
    assert (figures, good) == ([], [])
    assert len(notes) == 1
    assert notes[0].startswith("the picture of d\\nx could not be drawn (")
    assert notes[0].endswith("); the score stands")
