"""``report.html``: the class at a glance, one self-contained page (no network, no script).

The score distribution and the pass rate per task are inline SVG drawn with matplotlib's SVG
backend (the optional extra ``gradquiz[plots]``; without it the page says so and keeps its
tables); then the most common named mistakes per task (the JSON ``mistake`` key) with an
example, the students whose work could not be graded in full, the slowest and the failing
submissions. Everything a student wrote is escaped.
"""

from __future__ import annotations

import io
import time
from collections import Counter
from html import escape

from grader.batch.files import write_text

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.meta{color:#666}.cards{display:flex;gap:1em;flex-wrap:wrap;margin:1em 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:8em}.card b{display:block;font-size:1.5em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #eee;vertical-align:top}
th{background:#f6f6f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{white-space:pre-wrap;margin:0;font-size:.85em;color:#444;max-height:9em;overflow:auto}
.plots{display:flex;flex-wrap:wrap;gap:1em}.plots figure{margin:0;flex:1 1 400px;max-width:540px}.plots svg{width:100%;height:auto}
.status-ok{color:#1a7f37}.status-error,.status-unreadable,.status-timeout{color:#cf222e}.status-missing,.status-misnamed,.status-duplicate{color:#9a6700}
"""


def write_report(path, plan, infos, rows, records: dict) -> None:
    write_text(path, render(plan, infos, rows, records))


def render(plan, infos, rows, records: dict) -> str:
    current = {j.key: j.sha256 for j in plan.jobs}
    graded = [(key, rec) for key, rec in records.items() if current.get(key) == rec.get("sha256")]
    percents = [r.percent for r in rows]  # every student on the roster: work that could not be graded counts 0
    tasks = _task_stats(infos, graded)
    statuses = Counter(r.status for r in rows)
    title = ", ".join(i.title for i in infos) or "gradquiz"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Class report: {escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>Class report: {escape(title)}</h1>",
        f'<p class="meta">{len(rows)} students, {len(graded)} submissions graded; written '
        f"{escape(time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()))} by gradquiz grade.</p>",
        '<div class="cards">',
        _card("students", len(rows)),
        _card(f"mean, all {len(rows)} students", f"{sum(percents) / len(percents):.1f}%" if percents else "-"),
        _card(f"median, all {len(rows)} students", f"{_median(percents):.1f}%" if percents else "-"),
        _card("full marks", sum(p >= 100 for p in percents)),
        *[_card(status, n) for status, n in sorted(statuses.items())],
        *([_card("files left out (matching nobody on the roster)", len(plan.unmatched))] if plan.unmatched else []),
        "</div>",
        f'<p class="meta">The mean and median count every student of the class, {_not_ok(statuses)}.</p>',
        "<h2>Scores</h2>",
        _plots(percents, tasks),
        "<h2>Pass rate per task</h2>",
        _task_table(tasks),
        "<h2>Most common mistakes</h2>",
        _mistakes(tasks),
        "<h2>Not graded in full</h2>",
        _issues(rows),
        *(["<h2>Files that match nobody on the roster (not graded)</h2>", _unmatched(plan.unmatched)]
          if plan.unmatched else []),
        "<h2>Failing submissions</h2>",
        _failing(graded),
        "<h2>Slowest submissions</h2>",
        _slowest(graded),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _card(label, value) -> str:
    return f'<div class="card"><b>{escape(str(value))}</b>{escape(label)}</div>'


def _median(values) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _task_stats(infos, graded) -> list[dict]:
    stats = []
    for info in infos:
        for tid, points in info.tasks:
            entry = {"problem": info.id, "task": tid, "points": points, "passed": 0, "tried": 0,
                     "mistakes": Counter(), "examples": {}}
            for (student, pid), rec in graded:
                if pid != info.id or rec.get("status") == "error":
                    continue
                for t in rec.get("tasks", []):
                    if t.get("id") != tid:
                        continue
                    entry["tried"] += 1
                    entry["passed"] += bool(t.get("passed"))
                    name = t.get("mistake") or (f"error: {t['error']}" if t.get("error") else None)
                    if name and not t.get("passed"):
                        entry["mistakes"][name] += 1
                        entry["examples"].setdefault(name, (student, t.get("feedback", "")))
            stats.append(entry)
    return stats


def warm() -> None:
    """Import matplotlib with its SVG backend ahead of ``render`` (it takes about half a
    second); a missing matplotlib is ``render``'s to report."""
    try:
        import matplotlib

        matplotlib.use("svg", force=True)
        import matplotlib.pyplot  # noqa: F401
    except ImportError:
        pass


def _plots(percents, tasks) -> str:
    try:
        import matplotlib
    except ImportError:
        return "<p>(Plots need matplotlib: <code>pip install 'gradquiz[plots]'</code>.)</p>"
    matplotlib.use("svg", force=True)
    import matplotlib.pyplot as plt

    figures = []
    with matplotlib.rc_context({"svg.fonttype": "none", "font.size": 10, "svg.hashsalt": "scores"}):
        fig, ax = plt.subplots(figsize=(5.2, 3.2))
        ax.hist(percents or [0], bins=[i * 10 for i in range(11)], color="#4c72b0", edgecolor="white")
        ax.set_xlabel("score (%)")
        ax.set_ylabel("students")
        ax.set_title("Score distribution")
        ax.set_xlim(0, 100)
        ax.yaxis.get_major_locator().set_params(integer=True)
        figures.append(_svg(fig, plt))
    with matplotlib.rc_context({"svg.fonttype": "none", "font.size": 10, "svg.hashsalt": "tasks"}):
        labels = [f"{t['problem']}:{t['task']}" if len({x['problem'] for x in tasks}) > 1 else t["task"] for t in tasks]
        rates = [100 * t["passed"] / t["tried"] if t["tried"] else 0 for t in tasks]
        fig, ax = plt.subplots(figsize=(5.2, max(2.2, 0.45 * len(tasks) + 1.2)))
        ax.barh(labels[::-1], rates[::-1], color="#55a868")
        ax.set_xlim(0, 100)
        ax.set_xlabel("passed (%)")
        ax.set_title("Pass rate per task")
        fig.tight_layout()
        figures.append(_svg(fig, plt))
    return '<div class="plots">' + "".join(f"<figure>{svg}</figure>" for svg in figures) + "</div>"


def _svg(fig, plt) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # no XML prolog or DOCTYPE inside HTML


def _task_table(tasks) -> str:
    rows = "".join(
        f"<tr><td>{escape(t['problem'])}</td><td>{escape(t['task'])}</td><td class='num'>{t['points']:g}</td>"
        f"<td class='num'>{t['passed']}/{t['tried']}</td>"
        f"<td class='num'>{(100 * t['passed'] / t['tried']) if t['tried'] else 0:.0f}%</td></tr>"
        for t in tasks
    )
    return f"<table><tr><th>problem</th><th>task</th><th>points</th><th>passed</th><th>rate</th></tr>{rows}</table>"


def _mistakes(tasks) -> str:
    rows = []
    for t in tasks:
        for name, n in t["mistakes"].most_common(5):
            student, text = t["examples"][name]
            rows.append(f"<tr><td>{escape(t['problem'])}:{escape(t['task'])}</td><td>{escape(name)}</td>"
                        f"<td class='num'>{n}</td><td>{escape(student)}<pre>{escape(text[:500])}</pre></td></tr>")
    if not rows:
        return "<p>No named mistakes.</p>"
    return "<table><tr><th>task</th><th>mistake</th><th>students</th><th>example</th></tr>" + "".join(rows) + "</table>"


def _issues(rows) -> str:
    bad = [r for r in rows if r.status != "ok"]
    if not bad:
        return "<p>Every student's work was graded.</p>"
    body = "".join(
        f"<tr><td>{escape(r.student)}</td><td class='status-{escape(r.status)}'>{escape(r.status)}</td>"
        f"<td>{escape(r.reason)}</td></tr>" for r in bad
    )
    return f"<table><tr><th>student</th><th>status</th><th>reason</th></tr>{body}</table>"


def _not_ok(statuses: Counter) -> str:
    left = {s: n for s, n in statuses.items() if s in ("missing", "misnamed", "unreadable", "error", "timeout")}
    if not left:
        return "each of them graded"
    return "with 0% for work that could not be graded (" + ", ".join(f"{n} {s}" for s, n in sorted(left.items())) + ")"


def _unmatched(files) -> str:
    body = "".join(f"<tr><td>{escape(path)}</td><td>{escape(why)}</td></tr>" for path, why in files)
    return f"<table><tr><th>file</th><th>why</th></tr>{body}</table>"


def _failing(graded) -> str:
    out = []
    for (student, pid), rec in sorted(graded):
        why = rec.get("reason") if rec.get("status") == "error" else ""
        errors = [f"{t['id']}: {t['error']}" for t in rec.get("tasks", []) if t.get("error") in ("import", "timeout", "crash", "garbled")]
        if why or errors:
            out.append(f"<tr><td>{escape(student)}</td><td>{escape(pid)}</td><td>{escape(why or ', '.join(errors))}</td></tr>")
    if not out:
        return "<p>No submission failed to run.</p>"
    return "<table><tr><th>student</th><th>problem</th><th>what happened</th></tr>" + "".join(out[:100]) + "</table>"


def _slowest(graded) -> str:
    timed = sorted(((rec.get("seconds") or 0.0, s, p) for (s, p), rec in graded), reverse=True)[:10]
    if not timed:
        return "<p>Nothing graded yet.</p>"
    body = "".join(f"<tr><td>{escape(s)}</td><td>{escape(p)}</td><td class='num'>{sec:.3f} s</td></tr>" for sec, s, p in timed)
    return f"<table><tr><th>student</th><th>problem</th><th>time</th></tr>{body}</table>"
