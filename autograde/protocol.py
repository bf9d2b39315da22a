"""The wire protocol between the trusted grader and the sandboxed learner process.

Only data crosses the boundary. A message is a frame::

    uint32 big-endian length of the JSON header | JSON header | blob_1 | ... | blob_n

where the header lists the byte length of each blob, and each blob is one numpy array
in ``.npy`` format, read back with ``allow_pickle=False`` and accepted only for
bool, integer, unsigned, float, complex and fixed-width string (``<U``, ``S``) dtypes.

Values are encoded as JSON with a few tagged forms::

    {"$nd": i}                  the i-th array blob
    {"$tuple": [...]}           a tuple
    {"$dict": [[k, v], ...]}    a dict with non-string keys (e.g. {-1: a0, 0: a1})
    {"$handle": id, "type": s}  an object that stays in the learner process
    {"$float": "nan"|"inf"|"-inf"}

Plain lists, string-keyed dicts, str, int, float, bool and None map to JSON directly.
numpy scalars travel as 0-d arrays. An array object that occurs several times in one message
(the parameters dict in every step of a cache, an argument echoed back) is sent once and every
occurrence names the same blob; the receiver decodes a blob once, so the occurrences are one
object there too, as they were in the sender (and a message cannot make its receiver allocate
one blob many times over). Anything else a learner function returns becomes a
remote handle: the grader can call its methods or read its attributes, and gets data back.

The operations (grader -> learner request, learner -> grader reply) are declared once, in
:data:`OPERATIONS`. A CALL may name ``stand_ins`` ({function: [result, ...]}): for that one call,
each named global of the notebook answers its k-th call with the k-th given result (data the
grader computed; no grader code enters the learner process), and the reply's ``calls`` lists the
arguments each was called with, so that the grader can check them. Every reply carries ``id``
(the request's), ``ok`` and, when ``ok`` is false, ``error`` = {type, message, traceback};
``elapsed`` is the time the learner's own code took in it, measured there, without the
protocol's decoding and encoding (used by benchmarks only, never for grading).

Size and depth are bounded BEFORE anything is parsed: a header is at most
:data:`MAX_HEADER_BYTES` and nests at most :data:`MAX_DEPTH` levels (checked on the raw
bytes), a message at most :data:`MAX_MESSAGE_BYTES`. Whatever violates the format raises
:class:`ProtocolError`, which the grader treats as the learner process's fault.

This module is imported on both sides; it must stay free of learner-controlled state
and of any deserialiser that can run code (no pickle, no eval).
"""
from __future__ import annotations

import enum
import io
import json
import math
import os
import struct
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

MAX_HEADER_BYTES = 4 * 1024 * 1024
MAX_MESSAGE_BYTES = 256 * 1024 * 1024
MAX_ARRAYS = 10_000
MAX_DEPTH = 64
ALLOWED_KINDS = frozenset("biufcUS")  # numbers, bools and fixed-width strings: nothing that needs pickle


class ProtocolError(Exception):
    """The peer sent something that is not a valid message. Treated as a crash."""


class Op(str, enum.Enum):
    """Requests the grader sends; the learner server has one ``op_<name>`` method per member."""

    RUN_CELL = "run_cell"        # {code, cell, ipython: bool}            -> {}
    CALL = "call"                # {name, args, kwargs, return_args?, repeat?, stand_ins?}
    #                              -> {value, again?, args?, calls?}
    GLOBAL = "global"            # {name, handle?}                        -> {value}
    CALL_METHOD = "call_method"  # {handle, name, args, kwargs}           -> {value}
    GETATTR = "getattr"          # {handle, name}                         -> {value}
    HOLD = "hold"                # {value}: keep data as a remote object  -> {value: handle}


@dataclass(frozen=True)
class OpSpec:
    request: tuple[str, ...]  # header keys of the request (besides op and id)
    reply: tuple[str, ...]    # keys of a successful reply (besides id, ok, elapsed)


OPERATIONS: dict[Op, OpSpec] = {
    Op.RUN_CELL: OpSpec(("code", "cell", "ipython"), ()),
    Op.CALL: OpSpec(("name", "args", "kwargs", "return_args", "repeat", "stand_ins"),
                    ("value", "again", "args", "calls")),
    Op.GLOBAL: OpSpec(("name", "handle"), ("value",)),
    Op.CALL_METHOD: OpSpec(("handle", "name", "args", "kwargs"), ("value",)),
    Op.GETATTR: OpSpec(("handle", "name"), ("value",)),
    Op.HOLD: OpSpec(("value",), ("value",)),
}
READY_KEYS = ("ready", "pid")  # the learner's first message, unsolicited


@dataclass(frozen=True)
class Handle:
    """A reference to an object living in the learner process."""

    id: int
    type: str


@dataclass
class Message:
    header: dict[str, Any]
    blobs: list[bytes] = field(default_factory=list)
    arrays: dict[int, np.ndarray] = field(default_factory=dict)  # blobs decoded so far (see decode_value)


# ---------------------------------------------------------------- values <-> JSON

def encode_value(value: Any, blobs: list[bytes], make_handle: Callable[[Any], Handle] | None = None,
                 depth: int = 0, sent: dict[int, tuple[int, np.ndarray]] | None = None) -> Any:
    """Turn ``value`` into JSON-able data, appending array blobs to ``blobs``.

    ``sent`` (shared by the values of one message) remembers the arrays already appended, by
    identity, so that an array occurring again is not sent again."""
    if sent is None:
        sent = {}
    if depth > MAX_DEPTH - 2:
        raise ProtocolError("value nested too deeply to send")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return {"$float": "nan"}
        if math.isinf(value):
            return {"$float": "inf" if value > 0 else "-inf"}
        return value
    if isinstance(value, Handle):
        return {"$handle": value.id, "type": value.type}
    if isinstance(value, np.ndarray) and value.dtype.kind in ALLOWED_KINDS:
        known = sent.get(id(value))
        if known is not None and known[1] is value:
            return {"$nd": known[0]}
        blobs.append(npy_bytes(np.asarray(value)))  # a subclass (np.matrix, ...) as its plain array
        sent[id(value)] = (len(blobs) - 1, value)  # the reference keeps the id from being reused
        return {"$nd": len(blobs) - 1}
    if isinstance(value, np.generic) and value.dtype.kind in ALLOWED_KINDS:
        blobs.append(npy_bytes(np.asarray(value)))
        return {"$nd": len(blobs) - 1}
    if isinstance(value, tuple) and type(value) is tuple:
        return {"$tuple": [encode_value(v, blobs, make_handle, depth + 1, sent) for v in value]}
    if isinstance(value, list) and type(value) is list:
        return [encode_value(v, blobs, make_handle, depth + 1, sent) for v in value]
    if isinstance(value, dict) and type(value) is dict:
        if all(type(k) is str for k in value):
            return {k if not k.startswith("$") else "$" + k: encode_value(v, blobs, make_handle, depth + 1, sent)
                    for k, v in value.items()}
        items = []
        for k, v in value.items():
            if type(k) not in (str, int, bool) and k is not None:
                break
            items.append([k, encode_value(v, blobs, make_handle, depth + 1, sent)])
        else:
            return {"$dict": items}
    if make_handle is not None:
        return encode_value(make_handle(value), blobs, None, depth, sent)
    raise ProtocolError(f"cannot send a value of type {type(value).__name__}")


def decode_value(data: Any, blobs: list[bytes], resolve_handle: Callable[[Handle], Any] | None = None,
                 depth: int = 0, arrays: dict[int, np.ndarray] | None = None) -> Any:
    """Inverse of :func:`encode_value`; rejects anything outside the format.

    ``arrays`` (shared by the values of one message, e.g. :attr:`Message.arrays`) holds the
    blobs decoded so far: a blob named twice is one array."""
    if arrays is None:
        arrays = {}
    if depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    if data is None or isinstance(data, (bool, str, int, float)):
        return data
    if isinstance(data, list):
        return [decode_value(v, blobs, resolve_handle, depth + 1, arrays) for v in data]
    if not isinstance(data, dict):
        raise ProtocolError(f"unexpected JSON value of type {type(data).__name__}")
    if len(data) >= 1 and any(k.startswith("$") and not k.startswith("$$") for k in data):
        if "$nd" in data:
            index = data["$nd"]
            if type(index) is int and index in arrays:
                return arrays[index]
            arrays[index] = _load_array(blobs, index)
            return arrays[index]
        if "$tuple" in data:
            return tuple(decode_value(v, blobs, resolve_handle, depth + 1, arrays)
                         for v in _as_list(data["$tuple"]))
        if "$dict" in data:
            out = {}
            for item in _as_list(data["$dict"]):
                if not isinstance(item, list) or len(item) != 2 or isinstance(item[0], (list, dict)):
                    raise ProtocolError("malformed dict item")
                out[item[0]] = decode_value(item[1], blobs, resolve_handle, depth + 1, arrays)
            return out
        if "$handle" in data:
            if type(data["$handle"]) is not int or not isinstance(data.get("type"), str):
                raise ProtocolError("malformed handle")
            handle = Handle(data["$handle"], data["type"][:200])
            return resolve_handle(handle) if resolve_handle else handle
        if "$float" in data:
            if data["$float"] not in ("nan", "inf", "-inf"):
                raise ProtocolError("malformed float")
            return float(data["$float"])
        raise ProtocolError(f"unknown tag in {sorted(data)[:3]}")
    return {(k[1:] if k.startswith("$$") else k): decode_value(v, blobs, resolve_handle, depth + 1, arrays)
            for k, v in data.items()}


def _as_list(x: Any) -> list:
    if not isinstance(x, list):
        raise ProtocolError("expected a list")
    return x


def _load_array(blobs: list[bytes], index: Any) -> np.ndarray:
    if type(index) is not int or not 0 <= index < len(blobs):
        raise ProtocolError("array reference out of range")
    return npy_array(blobs[index])


# ---------------------------------------------------------------- .npy, fast and strict
# The .npy format (version 1.0/2.0), read and written without pickle. numpy's own reader
# parses every header with ast.literal_eval (about 0.1 ms an array); here a header is parsed
# by numpy's reader once and remembered, so arrays of a shape seen before cost microseconds.

_HEADERS: dict[bytes, tuple[np.dtype, tuple[int, ...], bool]] = {}
_HEADER_BYTES: dict[tuple[str, tuple[int, ...], bool], bytes] = {}
_CACHE_LIMIT = 4096


def npy_bytes(arr: np.ndarray) -> bytes:
    """``arr`` in .npy format (as np.save writes it, allow_pickle=False)."""
    if arr.dtype.hasobject or arr.dtype.kind not in ALLOWED_KINDS or arr.dtype.fields is not None:
        raise ProtocolError(f"cannot send an array of dtype {arr.dtype}")
    fortran = bool(arr.flags.f_contiguous and not arr.flags.c_contiguous)
    key = (arr.dtype.str, arr.shape, fortran)
    header = _HEADER_BYTES.get(key)
    if header is None:
        buf = io.BytesIO()
        np.lib.format.write_array_header_1_0(buf, {"descr": np.lib.format.dtype_to_descr(arr.dtype),
                                                   "fortran_order": fortran, "shape": arr.shape})
        header = buf.getvalue()
        if len(_HEADER_BYTES) < _CACHE_LIMIT:
            _HEADER_BYTES[key] = header
    return header + arr.tobytes(order="F" if fortran else "C")


def npy_array(blob: bytes) -> np.ndarray:
    """A .npy payload back to an array; anything but plain numeric/bool/string data is refused."""
    if len(blob) < 10 or blob[:6] != b"\x93NUMPY" or blob[6] not in (1, 2):
        raise ProtocolError("invalid array payload: not .npy")
    if blob[6] == 1:
        hlen, start = int.from_bytes(blob[8:10], "little"), 10
    else:
        hlen, start = int.from_bytes(blob[8:12], "little"), 12
    header = blob[start:start + hlen]
    parsed = _HEADERS.get(header)
    if parsed is None:
        try:
            reader = np.lib.format.read_array_header_1_0 if blob[6] == 1 else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = reader(_header_stream(blob, start, hlen))
        except Exception as exc:  # malformed header, object dtype, ...
            raise ProtocolError(f"invalid array payload: {type(exc).__name__}") from None
        if dtype.hasobject or dtype.kind not in ALLOWED_KINDS or dtype.fields is not None:
            raise ProtocolError("array of a disallowed dtype")
        if any(type(n) is not int or n < 0 for n in shape):
            raise ProtocolError("invalid array shape")
        parsed = (dtype, tuple(shape), bool(fortran))
        if len(_HEADERS) < _CACHE_LIMIT:
            _HEADERS[header] = parsed
    dtype, shape, fortran = parsed
    data = memoryview(blob)[start + hlen:]
    count = math.prod(shape)
    if count * dtype.itemsize != len(data):
        raise ProtocolError("array payload has the wrong size")
    arr = np.frombuffer(data, dtype=dtype, count=count)
    return arr.reshape(shape, order="F" if fortran else "C").copy(order="K")


def _header_stream(blob: bytes, start: int, hlen: int) -> io.BytesIO:
    """What numpy's header readers expect: the stream positioned after the magic string."""
    return io.BytesIO(blob[8:start + hlen])


# ---------------------------------------------------------------- header bytes

_BRACKET = np.zeros(256, dtype=np.int8)
_BRACKET[[ord("["), ord("{")]] = 1
_BRACKET[[ord("]"), ord("}")]] = -1


def json_depth(raw: bytes) -> int:
    """How deeply a JSON text nests, computed on the bytes in linear time without parsing.

    Brackets inside strings do not count: a quote opens or closes a string unless an odd
    number of backslashes precedes it. Exact for valid JSON; for invalid JSON the parser
    fails afterwards anyway.
    """
    b = np.frombuffer(raw, dtype=np.uint8)
    if b.size == 0:
        return 0
    idx = np.arange(b.size)
    not_backslash = b != ord("\\")
    last_plain = np.maximum.accumulate(np.where(not_backslash, idx, -1))
    before = np.concatenate(([-1], last_plain[:-1]))       # last non-backslash strictly before i
    escaped = (idx - 1 - before) % 2 == 1                  # an odd run of backslashes precedes i
    quotes = (b == ord('"')) & ~escaped
    in_string = np.cumsum(quotes) % 2 == 1
    steps = np.where(in_string, 0, _BRACKET[b])
    return int(np.cumsum(steps, dtype=np.int64).max(initial=0))


def parse_header(raw: bytes) -> dict[str, Any]:
    """Bounded parsing of a frame's JSON header; any violation is a ProtocolError."""
    if len(raw) > MAX_HEADER_BYTES:
        raise ProtocolError("header length over the limit")
    # A text cannot nest deeper than it has opening brackets: counting them (in C) spares most
    # headers, a few dozen brackets each, the exact scan (~25 us a message, twice a round trip).
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and json_depth(raw) > MAX_DEPTH:
        raise ProtocolError("header nested too deeply")
    try:
        header = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError, MemoryError):
        raise ProtocolError("header is not valid JSON") from None
    if not isinstance(header, dict):
        raise ProtocolError("header is not an object")
    sizes = header.get("blobs", [])
    if (not isinstance(sizes, list) or len(sizes) > MAX_ARRAYS
            or not all(type(s) is int and s >= 0 for s in sizes)
            or sum(sizes) + len(raw) > MAX_MESSAGE_BYTES):
        raise ProtocolError("invalid blob list")
    return header


def frame(msg: Message) -> bytes:
    """The bytes of one message."""
    header = dict(msg.header)
    header["blobs"] = [len(b) for b in msg.blobs]
    raw = json.dumps(header, allow_nan=False, separators=(",", ":")).encode()
    if len(raw) > MAX_HEADER_BYTES:
        raise ProtocolError("message header too large")
    if len(raw) + sum(header["blobs"]) > MAX_MESSAGE_BYTES:
        raise ProtocolError("message too large")
    return b"".join([struct.pack(">I", len(raw)), raw, *msg.blobs])


# ---------------------------------------------------------------- framing over fds

def write_message(fd: int, msg: Message, write_all: Callable[[int, bytes], None] | None = None) -> None:
    """Send one frame. ``write_all(fd, data)`` may enforce a deadline (grader side)."""
    (write_all or _write_all)(fd, frame(msg))


def read_message(fd: int, read_exact: Callable[[int, int], bytes] | None = None) -> Message:
    """Read one frame. ``read_exact(fd, n)`` may enforce a deadline (grader side)."""
    read = read_exact or _read_exact
    (n,) = struct.unpack(">I", read(fd, 4))
    if n > MAX_HEADER_BYTES:
        raise ProtocolError("header length over the limit")
    header = parse_header(read(fd, n))
    sizes = header.get("blobs", [])
    data = read(fd, sum(sizes)) if sizes else b""  # one read for all arrays: a cache holds thousands
    blobs, offset = [], 0
    for size in sizes:
        blobs.append(data[offset:offset + size])
        offset += size
    return Message(header, blobs)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exact(fd: int, n: int) -> bytes:
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise EOFError("peer closed the channel")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)
