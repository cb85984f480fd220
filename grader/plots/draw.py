"""Matplotlib drawings of Pictures, and the lesson's picture of a problem (``show_problem``).

Uses ``matplotlib.figure.Figure`` directly (no pyplot, no backend to select), so drawing
works the same in a terminal, a CI job and a Jupyter kernel. Failing check points and
wrong arrows are drawn in ``RED``; tests count its pixels.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from grader.errors import GradquizError

RED = "#d62728"
GREEN = "#2ca02c"
BLUE = "#1f77b4"
GREY = "#555555"
WIDTH, HEIGHT = 6.4, 3.6  # inches per picture
DPI = 100
FORMATS = ("png", "svg")


def _figure(count: int):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH, HEIGHT * count), dpi=DPI, layout="constrained")
    return fig, [fig.add_subplot(count, 1, i + 1) for i in range(count)]


def render(pictures, fmt: str = "svg"):
    """SVG text or PNG bytes of the pictures, stacked."""
    fig, axes = _figure(max(1, len(pictures)))
    for ax, picture in zip(axes, pictures):
        DRAW[picture.kind](ax, picture)
    return _bytes(fig, fmt, "gradquiz-" + "-".join(p.id for p in pictures))


def save(pictures, path) -> None:
    path = Path(path)
    fmt = _format(path)
    if not pictures:
        raise GradquizError("nothing to draw: no task of this exercise was graded", path)
    write(path, render(pictures, fmt))


def write(path: Path, body) -> None:
    try:
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
    except OSError as exc:
        raise GradquizError(f"cannot write the picture ({exc.strerror})", path) from None


def _format(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise GradquizError(f"a picture is a .png or .svg file, not {path.suffix or 'a file without a suffix'}", path)
    return fmt


def _bytes(fig, fmt: str, salt: str = "gradquiz"):
    """The figure as SVG text or PNG bytes. The SVG's ids come from ``salt``: the same SVG
    for the same picture, and pictures of different tasks inline in one HTML page do not
    share ids; the user's own matplotlib settings (in a notebook) are left as they were."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": salt}):
        fig.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    data = buffer.getvalue()
    return data.decode("utf-8") if fmt == "svg" else data


def _curve(ax, picture) -> None:
    d = picture.data
    ax.plot(d["grid"], d["reference"], color=GREY, linestyle="--", linewidth=2, label="right answer")
    if d["student"] is not None:
        ax.plot(d["grid"], d["student"], color=BLUE, linewidth=1.5, label="your function")
    got = d["check_got"] if d["check_got"] is not None else d["check_expected"]
    ok = np.asarray(d["check_ok"], bool)
    if len(d["check_x"]):
        ax.scatter(d["check_x"][ok], got[ok], color=GREEN, zorder=3, s=22, label="check point: right")
        if (~ok).any():
            ax.scatter(d["check_x"][~ok], got[~ok], color=RED, zorder=4, s=30, label="check point: wrong")
    ax.set_xlabel(d["axis"])
    _finish(ax, picture)


def _field(ax, picture) -> None:
    d = picture.data
    x, y, ref = d["x"], d["y"], d["reference"]
    scale = _arrow_scale(ref, (x.max() - x.min()) / max(len(np.unique(x)) - 1, 1))
    ax.quiver(x, y, ref[:, 0], ref[:, 1], color=GREY, alpha=0.45, angles="xy", scale_units="xy", scale=scale, width=0.004, label="right gradient")
    if d["student"] is not None:
        s, wrong = d["student"], np.asarray(d["wrong"], bool)
        if (~wrong).any():
            ax.quiver(x[~wrong], y[~wrong], s[~wrong, 0], s[~wrong, 1], color=BLUE, angles="xy", scale_units="xy", scale=scale, width=0.004, label="yours: right")
        if wrong.any():
            ax.quiver(x[wrong], y[wrong], s[wrong, 0], s[wrong, 1], color=RED, angles="xy", scale_units="xy", scale=scale, width=0.005, label="yours: wrong")
    ok = np.asarray(d["check_ok"], bool)
    if len(d["check_x"]):
        pts = d["check_x"]
        ax.scatter(pts[ok, 0], pts[ok, 1], facecolors="none", edgecolors=GREEN, s=30, label="check point: right")
        if (~ok).any():
            ax.scatter(pts[~ok, 0], pts[~ok, 1], facecolors="none", edgecolors=RED, s=30, label="check point: wrong")
    ax.set_xlabel(picture.variables[0])
    ax.set_ylabel(picture.variables[1])
    ax.set_aspect("equal", adjustable="box")
    _finish(ax, picture)


def _arrow_scale(ref, step: float) -> float:
    """Arrows of the longest right gradient about a grid step long (quiver's data units per arrow unit)."""
    lengths = np.hypot(ref[:, 0], ref[:, 1])
    longest = float(np.nanmax(lengths)) if np.isfinite(lengths).any() else 1.0
    return max(longest, 1e-12) / (0.9 * step)


def _heatmap(ax, picture) -> None:
    d = picture.data
    if d.get("error") is None:
        ax.text(0.5, 0.5, picture.note or "no values", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        ax.set_title(picture.title, fontsize=10)
        return
    error, wrong = np.asarray(d["error"], float), np.asarray(d["wrong"], bool)
    image = ax.imshow(np.nan_to_num(error, nan=0.0), cmap="Oranges", vmin=0, vmax=max(float(np.nanmax(error)), 1e-12) if np.isfinite(error).any() else 1)
    for (i, j), value in np.ndenumerate(error):
        colour = RED if wrong[i, j] else GREEN
        ax.add_patch(_rectangle(j, i, colour))
        dark = np.isfinite(value) and value > 0.6 * float(np.nanmax(error))
        ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize=9, color="white" if dark else "black")
    ax.set_xticks(range(error.shape[1]), d["cols"])
    ax.set_yticks(range(error.shape[0]), d["rows"])
    ax.figure.colorbar(image, ax=ax, label="largest error at the check points")
    ax.set_title(picture.title, fontsize=10)


def _rectangle(j, i, colour):
    from matplotlib.patches import Rectangle

    return Rectangle((j - 0.45, i - 0.45), 0.9, 0.9, fill=False, edgecolor=colour, linewidth=3, zorder=3 if colour == RED else 2)


def _finish(ax, picture) -> None:
    title = picture.title + (f"  ({picture.note})" if picture.note else "")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")


def _loglog(ax, picture) -> None:
    """A numerical task: the student's error and the asked method's against h, both axes logarithmic."""
    d = picture.data
    h = d["h"]
    for values, style in ((d["method"], {"color": GREY, "linestyle": "--", "linewidth": 2, "label": d["method_name"]}),
                          (d["yours"], {"color": BLUE if d["passed"] else RED, "marker": "o", "markersize": 3,
                                        "label": "yours"})):
        keep = np.isfinite(values) & (values > 0)
        if keep.any():
            ax.loglog(h[keep], values[keep], **style)
    ax.set_xlabel("h")
    ax.set_ylabel("error against the exact derivative")
    ax.invert_xaxis()
    _finish(ax, picture)


def _path(ax, picture) -> None:
    """A descent: the reference path and the student's, on the contours of f (or on f's curve)."""
    d = picture.data
    right, yours = d["right"], d["yours"]
    colour = BLUE if d["passed"] else RED
    if "gx" in d:
        contour = ax.contour(d["gx"], d["gy"], d["f"], levels=14, cmap="viridis", linewidths=0.8)
        ax.clabel(contour, fontsize=7)
        ax.plot(right[:, 0], right[:, 1], color=GREY, linestyle="--", marker="o", markersize=3, label="x <- x - lr * grad(x)")
        ax.plot(yours[:, 0], yours[:, 1], color=colour, marker=".", markersize=4, label="yours, after k steps")
        ax.set_xlabel(picture.variables[0])
        ax.set_ylabel(picture.variables[1])
    else:
        ax.plot(d["grid"], d["f"], color=GREY, linewidth=1.5, label="f")
        ax.plot(right[:, 0], d["f_right"], color=GREY, linestyle="--", marker="o", markersize=3, label="x <- x - lr * grad(x)")
        ax.plot(yours[:, 0], d["f_yours"], color=colour, marker=".", markersize=4, label="yours, after k steps")
        ax.set_xlabel(picture.variables[0])
    _finish(ax, picture)


DRAW = {"curve": _curve, "field": _field, "heatmap": _heatmap, "loglog": _loglog, "path": _path}


# --------------------------------------------------------------------------- the lesson's picture


def show_problem(lesson, path) -> None:
    """f, f' and the tangent lines at the shown points (one variable); for several
    variables, f's contours with the gradient at the shown points."""
    path = Path(path)
    fmt = _format(path)
    fig, (ax,) = _figure(1)
    if lesson["kind"] == "curve":
        _lesson_curve(ax, lesson)
    else:
        _lesson_contour(ax, lesson)
    write(path, _bytes(fig, fmt))


def _lesson_curve(ax, d) -> None:
    x, f, fp = d["x"], d["f"], d["fp"]
    ax.plot(x, f, color=BLUE, linewidth=2, label=f"f(x) = {d['f_text']}")
    ax.plot(x, fp, color=GREY, linestyle="--", label=f"f'(x) = {d['fp_text']}")
    width = (x[-1] - x[0]) / 5
    for a, fa, slope in d["tangents"]:
        t = np.linspace(a - width, a + width, 20)
        ax.plot(t, fa + slope * (t - a), color=RED, linewidth=1.2)
        ax.scatter([a], [fa], color=RED, zorder=3, s=20)
        ax.annotate(f"f'({a:g}) = {slope:.3f}", (a, fa), textcoords="offset points", xytext=(4, 8), fontsize=8)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlabel(d["variable"])
    ax.set_title(d["title"] + (": f, f' and tangent lines" if d["tangents"] else ": f and f'"), fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")


def _lesson_contour(ax, d) -> None:
    contour = ax.contour(d["gx"], d["gy"], d["f"], levels=14, cmap="viridis")
    ax.clabel(contour, fontsize=7)
    for (px, py), (u, v) in zip(d["points"], d["gradients"]):
        ax.annotate("", (px + u * d["arrow"], py + v * d["arrow"]), (px, py), arrowprops={"color": RED, "width": 1.5, "headwidth": 6})
        ax.scatter([px], [py], color=RED, s=20, zorder=3)
    ax.set_xlabel(d["variables"][0])
    ax.set_ylabel(d["variables"][1])
    ax.set_title(d["title"] + ": contours of f and the gradient at the shown points", fontsize=10)
    ax.set_aspect("equal", adjustable="datalim")
