"""Helpers for the "date translation with attention" assignment.

What is in here:

- the dataset functions (``load_dataset``, ``preprocess_data``, ``string_to_int``,
  ``int_to_string``), re-exported from the course's date generator
  ``datasets/nmt_dates/date_pairs.py``;
- ``softmax``, a softmax over a chosen axis, used by the attention layer;
- ``SharedLSTM``, the LSTM class of the shared decoder cell;
- ``REFERENCE_WEIGHTS``, the course's trained weights for the finished model;
- ``translate``, ``attention_map`` and ``plot_attention_map``, to use a trained model and to
  look inside it;
- two drawings used by the notebook (``draw_bottleneck``, ``draw_attention_step``).

matplotlib is imported inside the functions that draw, so the module imports where no
plotting library is installed.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import keras

__all__ = ["load_dataset", "preprocess_data", "string_to_int", "int_to_string", "softmax",
           "SharedLSTM", "REFERENCE_WEIGHTS", "translate", "attention_map", "plot_attention_map",
           "draw_bottleneck", "draw_attention_step"]

HERE = Path(__file__).resolve().parent
REFERENCE_WEIGHTS = str(HERE / "models" / "nmt_attention.weights.h5")


# --------------------------------------------------------------------------------------
# The dataset generator
# --------------------------------------------------------------------------------------

def _date_pairs_candidates() -> list[Path]:
    """Where datasets/nmt_dates/date_pairs.py may be, in the order they are tried.

    1. $COURSE_DATASETS/nmt_dates/ (a folder that holds nmt_dates/), when the variable is set;
    2. <folder>/datasets/nmt_dates/ for this module's folder and each of its parents. That
       covers source/<assignment>/ and release/<assignment>/ in the course repository
       (datasets/ sits at its root) and the grading sandbox (/course next to /datasets).
    """
    candidates = []
    env = os.environ.get("COURSE_DATASETS")
    if env:
        candidates.append(Path(env) / "nmt_dates" / "date_pairs.py")
    for folder in (HERE, *HERE.parents):
        candidates.append(folder / "datasets" / "nmt_dates" / "date_pairs.py")
    return candidates


def _load_date_pairs():
    candidates = _date_pairs_candidates()
    for path in candidates:
        if path.is_file():
            loaded = sys.modules.get("date_pairs")
            if loaded is not None and Path(getattr(loaded, "__file__", "")).resolve() == path.resolve():
                return loaded
            spec = importlib.util.spec_from_file_location("date_pairs", path)
            module = importlib.util.module_from_spec(spec)
            sys.modules["date_pairs"] = module
            spec.loader.exec_module(module)
            return module
    searched = "\n  ".join(str(p) for p in candidates)
    raise FileNotFoundError(
        "Could not find the date generator nmt_dates/date_pairs.py. Searched:\n  " + searched
        + "\nSet the environment variable COURSE_DATASETS to the folder that contains nmt_dates/.")


_dp = _load_date_pairs()

load_dataset = _dp.load_dataset        # load_dataset(m, seed=...) -> dataset, human_vocab, machine_vocab, inv_machine_vocab
preprocess_data = _dp.preprocess_data  # (dataset, human_vocab, machine_vocab, Tx, Ty) -> X, Y, Xoh, Yoh
string_to_int = _dp.string_to_int      # (string, length, vocab) -> list of Tx indices
int_to_string = _dp.int_to_string      # (ints, inv_vocab) -> list of characters


# --------------------------------------------------------------------------------------
# Layers and activations used by the model
# --------------------------------------------------------------------------------------

def softmax(x, axis=1):
    """Softmax of a tensor along ``axis`` (by default axis 1, the time axis).

    The attention energies have shape (m, Tx, 1): one score per input position. The
    weights must be normalised over the Tx positions, i.e. over axis 1. Keras's stock
    softmax normalises the LAST axis, which has length 1 here: each entry would be divided
    by itself, every weight would be exactly 1, and the "average" of the encoder states
    would become their plain sum. On a 2-D tensor such as (m, n_classes), axis 1 is also
    the last axis, so this function is an ordinary softmax there (used by the output layer).

    The maximum along the axis is subtracted first; it cancels in the ratio and keeps
    ``exp`` from overflowing.
    """
    x = keras.ops.convert_to_tensor(x)
    if len(x.shape) < 2:
        raise ValueError(f"softmax needs a tensor with at least 2 dimensions, got shape {tuple(x.shape)}")
    shifted = x - keras.ops.max(x, axis=axis, keepdims=True)
    e = keras.ops.exp(shifted)
    return e / keras.ops.sum(e, axis=axis, keepdims=True)


class SharedLSTM(keras.layers.LSTM):
    """A Keras LSTM that also accepts its input as the keyword ``inputs=``.

    Keras 3's LSTM only takes the sequence positionally, so the call
    ``post_activation_LSTM_cell(inputs=context, initial_state=[s, c])``, found in much
    existing code, fails there; this subclass moves ``inputs=`` back into first position and
    otherwise behaves exactly like ``LSTM``. (Keep the class name: weight files name layers
    after their class.)
    """

    def __call__(self, *args, inputs=None, **kwargs):
        if inputs is not None:
            args = (inputs, *args)
        return super().__call__(*args, **kwargs)


# --------------------------------------------------------------------------------------
# Using a trained model
# --------------------------------------------------------------------------------------

def _encode(texts, human_vocab, Tx):
    ids = np.array([string_to_int(t, Tx, human_vocab) for t in texts], dtype=np.int64)
    return _dp.one_hot(ids, len(human_vocab))


def translate(model, texts, human_vocab, inv_machine_vocab, Tx=30, n_s=64):
    """Translate human-written dates to ISO strings (YYYY-MM-DD) with ``model``.

    ``texts`` is a list of strings (a single string is accepted too). The decoder starts
    from zero states, as in training. Each output step keeps its most likely character.
    Returns one string per text.
    """
    if isinstance(texts, str):
        texts = [texts]
    texts = list(texts)
    if not texts:
        return []
    results = []
    for start in range(0, len(texts), 512):
        chunk = texts[start:start + 512]
        Xoh = _encode(chunk, human_vocab, Tx)
        zeros = np.zeros((len(chunk), n_s), dtype=np.float32)
        outputs = model([Xoh, zeros, zeros], training=False)
        probs = np.stack([np.asarray(o) for o in outputs], axis=1)      # (m, Ty, vocab)
        for row in probs.argmax(axis=-1):
            results.append("".join(int_to_string(row, inv_machine_vocab)))
    return results


def _single(model, cls, what):
    found = [layer for layer in model.layers if isinstance(layer, cls)]
    if len(found) != 1:
        raise ValueError(f"expected exactly one {what} ({cls.__name__}) in the model, found {len(found)}")
    return found[0]


def _attention_layers(model):
    """The model's layers by role, found by type and name (see attention_map)."""
    try:
        activator = model.get_layer("attention_weights")
    except ValueError as err:
        raise ValueError("The model has no layer named 'attention_weights' (the activator).") from err
    denses = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(denses) != 3:
        raise ValueError(f"expected three Dense layers (densor1, densor2, output_layer), found {len(denses)}")
    # model.layers lists a functional model's layers from the inputs towards the outputs,
    # so the two attention layers come before the output layer
    densor1, densor2, output_layer = denses
    return {
        "encoder": _single(model, keras.layers.Bidirectional, "encoder"),
        "repeator": _single(model, keras.layers.RepeatVector, "repeator"),
        "concatenator": _single(model, keras.layers.Concatenate, "concatenator"),
        "densor1": densor1,
        "densor2": densor2,
        "activator": activator,
        "dotor": _single(model, keras.layers.Dot, "dotor"),
        "decoder": _single(model, keras.layers.LSTM, "decoder LSTM"),
        "output_layer": output_layer,
    }


def attention_map(model, text, human_vocab, inv_machine_vocab, Tx=30, Ty=10, n_s=64):
    """Attention weights of ``model`` while it translates one ``text``.

    Returns ``(alphas, output)``: ``alphas[t, t']`` is the weight that output step t gave to
    input position t' (shape (Ty, Tx), each row sums to 1), and ``output`` is the
    translation as a string.

    Keras 3 keeps no per-call outputs of a layer that is used Ty times, so the forward pass
    is recomputed here, eagerly, with the model's own layers (the Bi-LSTM encoder, the
    shared attention layers, the decoder LSTM and the output layer), collecting what the
    layer named 'attention_weights' returns at each step. The recomputed probabilities
    are then compared with the model's own output, so a model of another shape fails
    loudly instead of giving a wrong picture.
    """
    parts = _attention_layers(model)
    x = _encode([text], human_vocab, Tx)
    s = np.zeros((1, n_s), dtype=np.float32)
    c = np.zeros((1, n_s), dtype=np.float32)
    a = parts["encoder"](x)
    alphas, probs = [], []
    for _ in range(Ty):
        concat = parts["concatenator"]([a, parts["repeator"](s)])
        weights = parts["activator"](parts["densor2"](parts["densor1"](concat)))     # (1, Tx, 1)
        context = parts["dotor"]([weights, a])                                       # (1, 1, 2 n_a)
        s, _, c = parts["decoder"](context, initial_state=[s, c])
        probs.append(np.asarray(parts["output_layer"](s))[0])
        alphas.append(np.asarray(weights)[0, :, 0])
    probs = np.stack(probs)

    expected = model([x, np.zeros((1, n_s), np.float32), np.zeros((1, n_s), np.float32)], training=False)
    expected = np.stack([np.asarray(o)[0] for o in expected])
    if expected.shape != probs.shape or not np.allclose(expected, probs, atol=1e-5):
        raise RuntimeError("Recomputing the model step by step did not reproduce its output; "
                           "attention_map only understands models built like modelf.")
    output = "".join(int_to_string(probs.argmax(axis=-1), inv_machine_vocab))
    return np.stack(alphas), output


def plot_attention_map(model, text, human_vocab, inv_machine_vocab, Tx=30, Ty=10, n_s=64,
                       show_padding=False, ax=None):
    """Draw the attention weights of one translation as a heatmap.

    Rows are the output characters (top to bottom), columns the input characters. Without
    ``show_padding`` only the columns of the text itself are drawn; the share of attention
    that went to the padding is given in the title. Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    alphas, output = attention_map(model, text, human_vocab, inv_machine_vocab, Tx, Ty, n_s)
    shown = text.lower().replace(",", "")[:Tx]
    labels = ["␣" if ch == " " else ch for ch in shown]
    if show_padding:
        labels += ["·"] * (Tx - len(labels))
    columns = len(labels)
    on_padding = float(alphas[:, len(shown):].sum(axis=1).mean()) if len(shown) < Tx else 0.0

    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 0.38 * columns + 1.8), 0.38 * Ty + 1.6))
    image = ax.imshow(alphas[:, :columns], cmap="Blues", vmin=0.0, vmax=max(float(alphas.max()), 1e-6),
                      aspect="auto")
    ax.set_xticks(range(columns))
    ax.set_xticklabels(labels, fontsize=10)
    ax.set_yticks(range(len(output)))
    ax.set_yticklabels(list(output), fontsize=10)
    ax.set_xlabel("input characters")
    ax.set_ylabel("output characters")
    title = f"'{text}'  →  {output}"
    if not show_padding and on_padding > 0.005:
        title += f"\n(mean attention on the padding, not shown: {on_padding:.2f})"
    ax.set_title(title, fontsize=11)
    plt.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label=r"$\alpha^{\langle t, t' \rangle}$")
    return ax


# --------------------------------------------------------------------------------------
# Drawings for the notebook
# --------------------------------------------------------------------------------------

def _box(ax, x, y, w, h, text, fc, ec="#333333", fontsize=10):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04",
                                fc=fc, ec=ec, lw=1.1))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax, start, end, color="#333333", lw=1.2, style="-|>", alpha=1.0):
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=11, lw=lw,
                                 color=color, alpha=alpha, shrinkA=2, shrinkB=2))


def draw_bottleneck(text="saturday 7 march 2020", output="2020-03-07", axes=None):
    """Two panels: a plain encoder-decoder (left) and one with attention (right).

    Left, everything the decoder learns about the input must pass through one vector.
    Right, every decoder step reads a fresh weighted average of all encoder states (line
    width ~ weight). Returns the two matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(13, 3.4))
    words = text.split()
    outs = output.split("-")
    enc_color, dec_color, ctx_color = "#dbe9f6", "#fde2c4", "#d9f0d3"
    for panel, ax in enumerate(axes):
        ex = [1.2 * i for i in range(len(words))]
        gap, spacing = (2.6, 1.3) if panel == 0 else (2.4, 1.8)
        dx = [ex[-1] + gap + spacing * j for j in range(len(outs))]
        for i, (x, w) in enumerate(zip(ex, words)):
            _box(ax, x, 0, 0.95, 0.6, "enc", enc_color)
            ax.text(x, -0.75, w, ha="center", va="center", fontsize=9)
            _arrow(ax, (x, -0.55), (x, -0.32))
            if i:
                _arrow(ax, (ex[i - 1] + 0.5, 0), (x - 0.5, 0))
        for j, (x, o) in enumerate(zip(dx, outs)):
            _box(ax, x, 0, 0.95, 0.6, "dec", dec_color)
            _arrow(ax, (x, -0.32), (x, -0.62))
            ax.text(x, -0.8, o, ha="center", va="center", fontsize=9)
            if j:
                _arrow(ax, (dx[j - 1] + 0.5, 0), (x - 0.5, 0))
        if panel == 0:
            mid = (ex[-1] + dx[0]) / 2
            ax.add_patch(plt.Circle((mid, 0), 0.28, fc="#f4cccc", ec="#990000", lw=1.3))
            _arrow(ax, (ex[-1] + 0.5, 0), (mid - 0.3, 0), color="#990000", lw=2)
            _arrow(ax, (mid + 0.3, 0), (dx[0] - 0.5, 0), color="#990000", lw=2)
            ax.text(mid, 0.45, "one fixed-size\nvector", ha="center", va="bottom", fontsize=9,
                    color="#990000")
            ax.set_title("encoder-decoder: the whole input squeezed into one vector", fontsize=10)
        else:
            _arrow(ax, (ex[-1] + 0.5, 0), (dx[0] - 0.5, 0), color="#999999", lw=1)
            cy = 1.8
            for j, x in enumerate(dx):
                ax.add_patch(plt.Circle((x - 0.45, cy), 0.2, fc=ctx_color, ec="#2d6a1f", lw=1.1))
                _arrow(ax, (x - 0.45, cy - 0.2), (x - 0.3, 0.32), color="#2d6a1f")
                centre = j * (len(ex) - 1) / max(len(dx) - 1, 1)
                for i, xe in enumerate(ex):
                    strength = float(np.exp(-1.5 * (i - centre) ** 2))
                    _arrow(ax, (xe, 0.32), (x - 0.65, cy - 0.05), color="#2d6a1f", style="-",
                           lw=0.3 + 2.2 * strength, alpha=0.15 + 0.75 * strength)
            ax.text(dx[-1] + 0.6, cy, "context: a weighted\naverage of all\nencoder states",
                    ha="left", va="center", fontsize=9, color="#2d6a1f")
            ax.set_title("with attention: every output step looks back at every input position",
                         fontsize=10)
        ax.set_xlim(-0.8, dx[-1] + (2.6 if panel else 0.9))
        ax.set_ylim(-1.1, 2.3)
        ax.set_aspect("equal")
        ax.axis("off")
    return axes


def draw_attention_step(Tx=6, ax=None):
    """One decoder step t: energies, attention weights, context and the post-attention LSTM.

    Drawn for a short input of ``Tx`` positions. Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(13, 6.0))
    enc_color, att_color, dec_color, ctx_color = "#dbe9f6", "#ead1f5", "#fde2c4", "#d9f0d3"
    xs = [1.5 * i for i in range(Tx)]
    # inputs, Bi-LSTM states
    for i, x in enumerate(xs):
        label = rf"$x^{{\langle {i + 1} \rangle}}$" if i < Tx - 1 else r"$x^{\langle T_x \rangle}$"
        ax.text(x, -0.05, label, ha="center", va="center", fontsize=11)
        _arrow(ax, (x, 0.2), (x, 0.6))
        _box(ax, x, 0.95, 1.0, 0.6, "Bi-LSTM", enc_color, fontsize=9)
        if i:
            _arrow(ax, (xs[i - 1] + 0.52, 1.05), (x - 0.52, 1.05), style="-|>")
            _arrow(ax, (x - 0.52, 0.85), (xs[i - 1] + 0.52, 0.85), style="-|>")
        name = rf"$a^{{\langle {i + 1} \rangle}}$" if i < Tx - 1 else r"$a^{\langle T_x \rangle}$"
        ax.text(x + 0.28, 1.5, name, ha="left", va="center", fontsize=10)
        _arrow(ax, (x, 1.27), (x, 2.05))
        # energy network per position (same weights everywhere)
        energy = rf"$e^{{\langle t,{i + 1}\rangle}}$" if i < Tx - 1 else r"$e^{\langle t,T_x\rangle}$"
        _box(ax, x, 2.4, 1.0, 0.6, energy, att_color, fontsize=10)
    ax.text(xs[0] - 0.65, 2.4, "densor1 → densor2\n(one small network,\nthe same at every\nposition)",
            ha="right", va="center", fontsize=9)
    # softmax over time
    ax.add_patch(plt.Rectangle((xs[0] - 0.6, 3.05), xs[-1] - xs[0] + 1.2, 0.5, fc="#f3e6c4", ec="#8a6d1d"))
    ax.text((xs[0] + xs[-1]) / 2, 3.3, r"softmax over the $T_x$ positions  →  $\alpha^{\langle t,1\rangle},\dots,"
            r"\alpha^{\langle t,T_x\rangle}$  (sum to 1)", ha="center", va="center", fontsize=10)
    for x in xs:
        _arrow(ax, (x, 2.72), (x, 3.05))
    # context
    cx, cy = (xs[0] + xs[-1]) / 2, 4.55
    ax.add_patch(plt.Circle((cx, cy), 0.38, fc=ctx_color, ec="#2d6a1f", lw=1.3))
    ax.text(cx, cy, r"$\Sigma$", ha="center", va="center", fontsize=14)
    weights = np.exp(-0.5 * (np.arange(Tx) - 0.6 * Tx) ** 2)
    weights = weights / weights.sum()
    for x, w in zip(xs, weights):
        _arrow(ax, (x, 3.55), (cx + (x - cx) * 0.12, cy - 0.38), color="#2d6a1f",
               lw=0.5 + 4 * float(w), alpha=0.35 + 0.65 * float(w / weights.max()))
    ax.text(cx + 0.5, cy + 0.05, r"context$^{\langle t \rangle} = \sum_{t'} \alpha^{\langle t,t'\rangle}"
            r" a^{\langle t' \rangle}$", ha="left", va="center", fontsize=11)
    # decoder step
    dx = xs[-1] + 3.6
    _box(ax, dx, cy, 1.9, 0.8, "post-attention\nLSTM", dec_color, fontsize=9)
    _arrow(ax, (cx + 0.38, cy - 0.2), (dx - 0.97, cy - 0.2))
    _arrow(ax, (dx - 2.3, cy + 0.9), (dx - 0.97, cy + 0.25))
    ax.text(dx - 2.4, cy + 0.95, r"$s^{\langle t-1\rangle}, c^{\langle t-1\rangle}$", ha="right",
            va="center", fontsize=11)
    _arrow(ax, (dx + 0.97, cy), (dx + 1.7, cy))
    ax.text(dx + 1.75, cy, r"$s^{\langle t\rangle}, c^{\langle t\rangle}$", ha="left", va="center", fontsize=11)
    _arrow(ax, (dx, cy + 0.42), (dx, cy + 1.05))
    ax.text(dx - 0.3, cy + 1.3, r"$\hat y^{\langle t\rangle}$ = softmax(Dense($s^{\langle t\rangle}$))",
            ha="left", va="center", fontsize=11)
    # s_{t-1} also feeds every energy
    ax.annotate("", xy=(xs[-1] + 0.5, 2.55), xytext=(dx - 2.3, cy + 0.8),
                arrowprops=dict(arrowstyle="-|>", color="#7a3ea1", lw=1.1, ls="--",
                                connectionstyle="arc3,rad=0.25"))
    ax.text(xs[-1] + 1.6, 3.7, r"$s^{\langle t-1\rangle}$ is copied to" + "\nevery position (repeator)",
            ha="left", va="center", fontsize=9, color="#7a3ea1")
    ax.set_xlim(-3.4, dx + 3.6)
    ax.set_ylim(-0.4, 6.2)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
