"""The weaker sandbox used without bubblewrap still grades, still refuses the worst, and says so."""
from __future__ import annotations

import json

import nbformat
from conftest import W1A1, notebook_with
from test_cli import run
from test_hostile import GRADER_FILE, READ_BODY, SOCKET_BODY, probe


def test_fallback_grades_and_confines(w1a1, tmp_path):
    nbs = {"solution": notebook_with(w1a1),
           "reads": notebook_with(w1a1, replace={"rnn_cell_forward_code": probe("rnn_cell_forward", READ_BODY)}),
           "socket": notebook_with(w1a1, replace={"rnn_forward_code": probe("rnn_forward", SOCKET_BODY)})}
    paths = []
    for name, nb in nbs.items():
        paths.append(str(tmp_path / f"{name}.ipynb"))
        nbformat.write(nb, paths[-1])
    out = tmp_path / "r.json"
    proc = run("grade", W1A1, *paths, "--json", str(out), "--workers", "1", env={"AUTOGRADE_SANDBOX": "fallback"})
    assert proc.returncode == 0, proc.stderr
    assert "WEAKER fallback sandbox" in proc.stderr
    solution, reads, sock = json.loads(out.read_text())["results"]
    assert solution["score"] == 100 and solution["sandbox"] == "fallback"
    text = "\n".join(reads["exercises"]["rnn_cell_forward"]["feedback"])
    assert "PROBE" in text and f"READ-OK {GRADER_FILE}" not in text, text
    text = "\n".join(sock["exercises"]["rnn_forward"]["feedback"])
    assert "PROBE" in text and "SOCKET-OK 2" not in text and "CONNECT-OK" not in text, text
