"""Per-learner feedback as a self-contained HTML page (no scripts, no external assets).

Per exercise: a verdict in words, the points (rounded to 2 decimals), what the hidden checks
look at (``[feedback.checked]`` in the assignment's settings, written for learners), the first failing check, the
hint when the mistake is a known one, and the other lines the graders wrote. Everything the
page shows is either the course's learner-facing text or the graders' learner-facing lines:
never hidden inputs, expected arrays, test code or the instructor-only internal errors.
Every piece of text is escaped: a learner's own text (an exception message, a traceback
line, a student id) can never become markup.
"""
from __future__ import annotations

import html
from pathlib import Path

from autograde import outcomes
from autograde.results import NotebookResult, Status, points

GENERIC_CHECKED = ("your code is run on hidden inputs of several sizes and its results are compared with a "
                   "reference implementation.")

_STYLE = """
:root{--ok:#17692c;--part:#8a5a00;--bad:#b42318;--muted:#555;--line:#d9dde3}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:54rem;margin:2rem auto;padding:0 1rem;
color:#1f2328;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin:0}
.score{font-size:1.25rem;margin:.3rem 0 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
td,th{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;white-space:nowrap}
.exercise{border:1px solid var(--line);border-radius:8px;padding:.8rem 1rem;margin:1rem 0}
.exercise header{display:flex;justify-content:space-between;align-items:baseline;gap:1rem;flex-wrap:wrap}
.badge{display:inline-block;border-radius:999px;padding:.1rem .6rem;font-size:.9rem;font-weight:600;
background:#eef1f4}
.full{color:var(--ok)}.partial,.wrong{color:var(--part)}.error,.crash,.not_attempted,.not_graded{color:var(--bad)}
.badge.full{background:#e6f4ea}.badge.partial,.badge.wrong{background:#fff4db}
.badge.error,.badge.crash,.badge.not_attempted,.badge.not_graded{background:#fde8e7}
.label{font-weight:600;color:var(--muted);margin:.6rem 0 .15rem}
.first{white-space:pre-wrap;background:#fdf2f1;border-left:4px solid var(--bad);padding:.4rem .6rem;margin:0;
font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9rem}
.hint{background:#fff8e1;border-left:4px solid #f0b400;padding:.4rem .6rem;margin:.2rem 0}
.lines{margin:.2rem 0;padding-left:1.2rem}.lines li{white-space:pre-wrap}
.note{background:#eef4ff;border-left:4px solid #4a7bd0;padding:.5rem .7rem}
.problem{background:#fde8e7;border-left:4px solid var(--bad);padding:.5rem .7rem}
footer{color:var(--muted);font-size:.85rem;margin-top:2rem}
"""


def checked_descriptions(assignment) -> dict[str, str]:
    """exercise -> what its hidden checks look at (the [feedback.checked] table of the settings)."""
    return dict(assignment.settings.feedback.checked)


def _exercise(number: int, grade_id: str, result: NotebookResult, checked: dict[str, str]) -> str:
    esc = html.escape
    ex = result.exercises[grade_id]
    kind = outcomes.classify(ex, result.status is Status.GRADED)
    hints, others = outcomes.split_feedback(ex)
    first = outcomes.first_failure(ex) if kind != outcomes.NOT_GRADED else None
    parts = [f"<section class='exercise' id='ex-{number}'><header><h2>{number}. <code>{esc(grade_id)}</code></h2>"
             f"<span><span class='badge {kind}'>{esc(outcomes.VERDICT[kind])}</span> "
             f"<strong class='{kind}'>{points(ex.score)} / {points(ex.max_score)}</strong></span></header>",
             f"<p class='label'>What was checked</p><p>{esc(checked.get(grade_id, GENERIC_CHECKED))}</p>"]
    if kind == outcomes.NOT_GRADED:
        parts.append("<p>Not graded: see the message at the top of this page.</p>")
    elif first is not None:
        parts.append(f"<p class='label'>First failing check</p><p class='first'>{esc(first)}</p>")
    for text in hints:
        parts.append(f"<p class='label'>Hint: a mistake we recognise</p><p class='hint'>{esc(text)}</p>")
    rest = [line for line in others if line != first]
    if rest:
        title = "Also noticed" if kind != outcomes.FULL else "Notes"
        parts.append(f"<p class='label'>{title}</p><ul class='lines'>"
                     + "".join(f"<li>{esc(line)}</li>" for line in rest) + "</ul>")
    if kind == outcomes.FULL and not rest:
        parts.append("<p class='full'>All checks passed.</p>")
    parts.append("</section>")
    return "".join(parts)


def render(result: NotebookResult, checked: dict[str, str] | None = None) -> str:
    esc = html.escape
    checked = checked or {}
    title = f"{result.assignment}: feedback" + (f" for {result.student}" if result.student else "")
    graded = result.status is Status.GRADED
    top = []
    if not graded:
        top.append(f"<p class='problem'><strong>This notebook could not be graded.</strong> {esc(result.message)}"
                   "<br>Submit the .ipynb file of this assignment, saved from Jupyter.</p>")
    elif result.message:
        top.append(f"<p class='note'><strong>About your notebook:</strong> {esc(result.message)}</p>")
    rows = []
    for i, (grade_id, ex) in enumerate(result.exercises.items(), 1):
        kind = outcomes.classify(ex, graded)
        rows.append(f"<tr><td><a href='#ex-{i}'>{i}. <code>{esc(grade_id)}</code></a></td>"
                    f"<td class='{kind}'>{esc(outcomes.VERDICT[kind])}</td>"
                    f"<td class='num'>{points(ex.score)} / {points(ex.max_score)}</td></tr>")
    summary = ("<table><thead><tr><th>Exercise</th><th>Verdict</th><th class='num'>Points</th></tr></thead>"
               f"<tbody>{''.join(rows)}</tbody></table>") if rows else ""
    sections = "".join(_exercise(i, k, result, checked) for i, k in enumerate(result.exercises, 1))
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>"
            f"<h1>{esc(title)}</h1>"
            f"<p class='score'>Score: <strong>{points(result.score)} / {points(result.max_score)}</strong></p>"
            f"{''.join(top)}{summary}{sections}"
            "<footer>Points are rounded to 2 decimals. The hidden checks use inputs you do not see; this page "
            "tells you what they look at and where your code first goes wrong, never the inputs or the "
            "expected values themselves.</footer></body></html>\n")


def write(result: NotebookResult, path: Path, checked: dict[str, str] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(result, checked), encoding="utf-8")
