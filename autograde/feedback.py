"""Per-learner feedback as a self-contained HTML page (no scripts, no external assets)."""
from __future__ import annotations

import html
from pathlib import Path

from autograde.results import NotebookResult, points

_STYLE = """body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
.full{color:#17692c}.part{color:#9a6700}.zero{color:#b42318}pre{white-space:pre-wrap;background:#f6f8fa;padding:.5rem;margin:.2rem 0}
.note{background:#fff8e1;padding:.6rem;border-left:4px solid #f0b400}"""


def render(result: NotebookResult) -> str:
    esc = html.escape
    rows = []
    for grade_id, ex in result.exercises.items():
        cls = "full" if ex.score >= ex.max_score else ("zero" if ex.score == 0 else "part")
        lines = "".join(f"<pre>{esc(line)}</pre>" for line in ex.feedback) or "All checks passed."
        rows.append(f"<tr><td><code>{esc(grade_id)}</code></td><td class='{cls}'>{points(ex.score)} / {points(ex.max_score)}</td>"
                    f"<td>{lines}</td></tr>")
    note = f"<p class='note'>{esc(result.message)}</p>" if result.message else ""
    title = f"{result.assignment}: feedback" + (f" for {result.student}" if result.student else "")
    status = "" if result.status == "graded" else "<p class='zero'>This notebook could not be graded.</p>"
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{esc(title)}</title><style>{_STYLE}</style>"
            f"</head><body><h1>{esc(title)}</h1>{status}<p><strong>Score: {points(result.score)} / {points(result.max_score)}</strong></p>"
            f"{note}<table><tr><th>Exercise</th><th>Points</th><th>Feedback</th></tr>{''.join(rows)}</table></body></html>\n")


def write(result: NotebookResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(result), encoding="utf-8")
