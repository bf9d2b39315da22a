"""The wire format: data round-trips exactly; anything that could run code is refused."""
from __future__ import annotations

import io
import json
import os
import pickle
import struct

import numpy as np
import pytest

from autograde import protocol
from autograde.protocol import Handle, Message, ProtocolError


def roundtrip(value):
    blobs: list[bytes] = []
    data = protocol.encode_value(value, blobs)
    r, w = os.pipe()
    protocol.write_message(w, Message({"value": data}, blobs))
    os.close(w)
    msg = protocol.read_message(r)
    os.close(r)
    return protocol.decode_value(msg.header["value"], msg.blobs)


def test_values_round_trip():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    value = {"a": a, "t": (1, 2.5, None, True, "s"), "l": [np.int64(3), float("nan"), float("-inf")],
             "$tricky": 1, "nested": {-1: a, 0: "x"}, "b": np.array([True, False]), "c": np.array(1 + 2j)}
    out = roundtrip(value)
    assert out["a"].dtype == np.float32 and np.array_equal(out["a"], a)
    assert out["t"] == (1, 2.5, None, True, "s")
    assert int(out["l"][0]) == 3 and np.isnan(out["l"][1]) and out["l"][2] == float("-inf")
    assert out["$tricky"] == 1
    assert set(out["nested"]) == {-1, 0} and np.array_equal(out["nested"][-1], a)
    assert out["b"].dtype == bool and complex(out["c"]) == 1 + 2j


def test_an_array_occurring_twice_is_sent_once_and_stays_one_object():
    """A cache repeats its parameters at every step: one blob, and one object on arrival, as in the sender."""
    params = {"W": np.arange(6.0).reshape(2, 3), "b": np.zeros((2, 1))}
    steps = [(np.full((2, 1), t), params) for t in range(5)]
    blobs: list[bytes] = []
    sent: dict = {}
    data = protocol.encode_value((steps, params), blobs, sent=sent)
    echo = protocol.encode_value(params, blobs, sent=sent)  # another value of the same message
    assert len(blobs) == 5 + 2
    msg = Message({"value": data, "args": echo}, blobs)
    out, back = (protocol.decode_value(msg.header[k], msg.blobs, arrays=msg.arrays) for k in ("value", "args"))
    assert all(s[1]["W"] is out[1]["W"] for s in out[0]) and back["b"] is out[1]["b"]
    assert np.array_equal(out[1]["W"], params["W"]) and [int(s[0][0, 0]) for s in out[0]] == list(range(5))
    equal_but_distinct = [np.zeros(3), np.zeros(3)]  # equal content is not identity: two blobs, two arrays
    out = roundtrip(equal_but_distinct)
    assert out[0] is not out[1]
    out[0][0] = 1.0
    assert out[1][0] == 0.0


def test_a_blob_named_many_times_is_decoded_once():
    """A hostile sender naming one large blob thousands of times costs the receiver one array, not thousands."""
    blob = protocol.npy_bytes(np.zeros(1_000_000))
    out = protocol.decode_value([{"$nd": 0}] * 5000, [blob])
    assert len({id(a) for a in out}) == 1 and out[0].shape == (1_000_000,)


def test_unsendable_objects_need_a_handle():
    with pytest.raises(ProtocolError):
        protocol.encode_value(object(), [])
    made = []
    data = protocol.encode_value([object()], [], lambda obj: made.append(obj) or Handle(7, "builtins.object"))
    assert protocol.decode_value(data, []) == [Handle(7, "builtins.object")]


def test_object_arrays_are_never_sent_or_loaded():
    with pytest.raises(ProtocolError):
        protocol.encode_value(np.array([object()], dtype=object), [])
    buf = io.BytesIO()
    np.save(buf, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ProtocolError):
        protocol.decode_value({"$nd": 0}, [buf.getvalue()])


def test_pickle_payload_is_refused():
    evil = pickle.dumps(os.system)
    with pytest.raises(ProtocolError):
        protocol.decode_value({"$nd": 0}, [evil])


@pytest.mark.parametrize("header", [b"not json", b"[1, 2]", json.dumps({"blobs": [-1]}).encode(),
                                    json.dumps({"blobs": "x"}).encode()])
def test_malformed_frames(header):
    r, w = os.pipe()
    os.write(w, struct.pack(">I", len(header)) + header)
    os.close(w)
    with pytest.raises(ProtocolError):
        protocol.read_message(r)
    os.close(r)


def test_oversized_header_is_refused_before_reading():
    r, w = os.pipe()
    os.write(w, struct.pack(">I", protocol.MAX_HEADER_BYTES + 1))
    os.close(w)
    with pytest.raises(ProtocolError):
        protocol.read_message(r)
    os.close(r)


@pytest.mark.parametrize("data", [{"$nd": 5}, {"$nd": "0"}, {"$unknown": 1}, {"$float": "1e3"},
                                  {"$dict": [[[1], 2]]}, {"$handle": "x", "type": "t"}])
def test_malformed_values(data):
    with pytest.raises(ProtocolError):
        protocol.decode_value(data, [])


def test_deep_nesting_is_refused():
    value = []
    for _ in range(protocol.MAX_DEPTH + 5):
        value = [value]
    with pytest.raises(ProtocolError):
        protocol.encode_value(value, [])


def _nesting(value) -> int:
    """How deeply a parsed JSON value nests (the reference for json_depth)."""
    if isinstance(value, list):
        return 1 + max((_nesting(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_nesting(v) for v in value.values()), default=0)
    return 0


def test_header_depth_is_bounded_with_or_without_the_exact_scan():
    """parse_header refuses a header nested deeper than MAX_DEPTH whether it has few brackets
    (counted, not scanned) or many (scanned: brackets inside strings do not count)."""
    deep = "[" * (protocol.MAX_DEPTH + 1) + "]" * (protocol.MAX_DEPTH + 1)
    at_limit = "[" * protocol.MAX_DEPTH + "]" * protocol.MAX_DEPTH
    with pytest.raises(ProtocolError, match="nested too deeply"):
        protocol.parse_header(('{"a":' + deep[1:-1] + "}").encode())
    assert protocol.parse_header(('{"a":' + at_limit[1:-1] + "}").encode())["a"] is not None
    quoted = json.dumps({"text": "[{" * 500 + '\\"]' + "}]" * 3, "v": [[1], {"k": [2]}]}).encode()
    assert protocol.parse_header(quoted)["v"] == [[1], {"k": [2]}]
    wide = json.dumps({"caches": [[{"$nd": i}, [{"$nd": i + 1}]] for i in range(100)]}).encode()
    assert protocol.parse_header(wide)["caches"][99][1][0] == {"$nd": 100}
    rng = np.random.default_rng(3)
    for _ in range(200):
        value = int(rng.integers(0, 9))
        for _ in range(int(rng.integers(0, 80))):
            value = [value, "]}[{\\"] if rng.random() < 0.5 else {"k\"[": value}
        raw = json.dumps(value).encode()
        assert protocol.json_depth(raw) == _nesting(value)


@pytest.fixture
def server():
    """A learner Server in a plain subprocess (no sandbox): ``server(header, **values)`` sends one
    request (each value encoded into the header under its key) and returns the reply and its
    decoded ``value`` and ``calls``."""
    import subprocess
    import sys

    req_r, req_w = os.pipe()
    rep_r, rep_w = os.pipe()
    proc = subprocess.Popen([sys.executable, "-c", f"from autograde.learner import Server; Server({req_r}, "
                             f"{rep_w}).serve()"], pass_fds=(req_r, rep_w))
    os.close(req_r)
    os.close(rep_w)
    ids = iter(range(1, 1000))

    def request(header, **values):
        blobs: list[bytes] = []
        for key, value in values.items():
            header[key] = protocol.encode_value(value, blobs)
        protocol.write_message(req_w, Message({**header, "id": next(ids)}, blobs))
        reply = protocol.read_message(rep_r)
        return reply, {k: protocol.decode_value(reply.header.get(k), reply.blobs) for k in ("value", "calls")}

    try:
        yield request
    finally:
        os.close(req_w)
        proc.wait(timeout=30)
        os.close(rep_r)


def test_elapsed_is_the_learner_codes_own_time_not_the_protocols(server):
    """A reply's ``elapsed`` (the floor the benchmarks compare grading with) counts the learner's
    code, not decoding its arguments or encoding its result."""
    import time

    def request(header, value=None):
        values = {} if value is None else {"args": value}
        started = time.perf_counter()
        reply, _ = server(header, **values)
        assert reply.header["ok"], reply.header
        return reply, time.perf_counter() - started

    code = "import time\ndef size(x):\n    return [x.shape, x]\ndef nap():\n    time.sleep(0.2)\n"
    request({"op": "run_cell", "code": code, "cell": "c1", "ipython": False})
    reply, wall = request({"op": "call", "name": "size"}, [np.ones((2000, 2500))])  # 40 MB each way
    assert tuple(protocol.decode_value(reply.header["value"], reply.blobs)[0]) == (2000, 2500)
    assert reply.header["elapsed"] < 0.25 * wall, (reply.header["elapsed"], wall)
    reply, _ = request({"op": "call", "name": "nap"}, [])
    assert reply.header["elapsed"] >= 0.2


def test_a_learner_errors_terminal_colours_are_not_shown_as_codes():
    """Keras colours its exception texts; feedback pages and CSV cells get the words only."""
    from autograde.runner import StudentError

    err = StudentError("ValueError", "\x1b[1mInput 0\x1b[0m of layer \x1b[31;1m'dense'\x1b[0m is incompatible",
                       "  File \"<cell c>\", line 3\n\x1b[1mValueError\x1b[0m: ...")
    assert err.message == "Input 0 of layer 'dense' is incompatible" and "\x1b" not in err.traceback
    assert str(err) == "ValueError: Input 0 of layer 'dense' is incompatible"


def test_stand_ins_answer_in_order_record_copied_arguments_and_are_removed_after_the_call(server):
    """A CALL with ``stand_ins``: the named globals answer with the given results for that one
    call, each call's arguments come back as they were when passed (a caller that reuses its
    buffer shows each value), the original function is back afterwards (also after an error),
    and one call more than the results given raises in the learner's code."""
    code = ("import numpy as np\ndef cell(v, scale=1):\n    return v * 0\n"
            "def loop(n):\n    buf, out = np.zeros(2), []\n    for i in range(n):\n        buf[:] = i\n"
            "        out.append(cell(buf, scale=i))\n    return out\n")
    assert server({"op": "run_cell", "code": code, "cell": "c1", "ipython": False})[0].header["ok"]
    reply, got = server({"op": "call", "name": "loop"}, args=[3], stand_ins={"cell": [10, 20, 30]})
    assert reply.header["ok"] and got["value"] == [10, 20, 30]
    assert [(list(a[0]), kw) for a, kw in got["calls"]["cell"]] == [([0.0, 0.0], {"scale": 0}),
                                                                    ([1.0, 1.0], {"scale": 1}),
                                                                    ([2.0, 2.0], {"scale": 2})]
    reply, got = server({"op": "call", "name": "loop"}, args=[3], stand_ins={"cell": [10, 20]})
    assert not reply.header["ok"] and "called more often" in reply.header["error"]["message"]
    reply, got = server({"op": "call", "name": "loop"}, args=[2])
    assert reply.header["ok"] and [list(v) for v in got["value"]] == [[0.0, 0.0], [0.0, 0.0]]  # the original


def test_a_learner_traceback_keeps_the_learners_frames_not_the_libraries(server):
    code = "import json\ndef parse(text):\n    return json.loads(text)\n"
    server({"op": "run_cell", "code": code, "cell": "c1", "ipython": False})
    reply, _ = server({"op": "call", "name": "parse", "kwargs": {}}, args=["{not json"])
    trace = reply.header["error"]["traceback"]
    assert not reply.header["ok"] and 'File "<cell c1>", line 3, in parse' in trace
    assert "json/decoder.py" not in trace and "json/__init__.py" not in trace
    assert trace.rstrip().endswith("line 1 column 2 (char 1)")
