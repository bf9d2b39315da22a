"""Helpers for the "Dinosaur Island" assignment: a character-level RNN in numpy.

The graded functions (clip, sample, optimize, model) are built on top of these pieces:
the forward and backward pass of the RNN over one name, plain gradient descent, the
parameter initialisation, and the data loader. They are given rather than graded because
you already wrote functions of this kind in the previous assignment; here the point is to
put them to work.

Conventions used throughout (they differ slightly from the previous assignment):

- one name is processed at a time, so every vector is a single column of shape (n, 1);
- the hidden-state bias is called ``b`` (not ``ba``) and the output bias ``by``;
- the forward pass keeps its intermediate values in dictionaries keyed by the time step
  ``t``, with the initial hidden state stored under the key ``-1``.

Only numpy is imported at module level, so the module loads quickly in the grading
sandbox; the plotting helpers import matplotlib when they are called.
"""
import os
from pathlib import Path

import numpy as np

__all__ = ["softmax", "smooth", "get_initial_loss", "get_sample", "print_sample",
           "initialize_parameters", "update_parameters", "rnn_step_forward",
           "rnn_step_backward", "rnn_forward", "rnn_backward", "load_dinosaur_names",
           "draw_char_rnn", "plot_loss_curve"]

DATA_ENV_VAR = "COURSE_DATASETS"
DATA_RELATIVE_PATH = Path("dinosaurs") / "dinos.txt"


# --------------------------------------------------------------------------------------
# Small numerical helpers
# --------------------------------------------------------------------------------------

def softmax(x):
    """Softmax over axis 0: every column of ``x`` becomes a probability vector.

    The column maximum is subtracted before ``np.exp`` so that large scores cannot
    overflow; the shift cancels in the ratio, so the result is unchanged.
    """
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def smooth(loss, cur_loss):
    """Exponential moving average of the loss: 0.999 * loss + 0.001 * cur_loss.

    The loss of a single name jumps around with the name's length and difficulty. Keeping
    a running average over roughly the last thousand names shows the trend instead.
    """
    return loss * 0.999 + cur_loss * 0.001


def get_initial_loss(vocab_size, seq_length):
    """The loss of a model that knows nothing: ``seq_length`` guesses, each uniform.

    A uniform guess over ``vocab_size`` symbols costs -log(1 / vocab_size) per character.
    Starting the running average here, instead of at zero, keeps the first printed values
    meaningful.
    """
    return -np.log(1.0 / vocab_size) * seq_length


def get_sample(sample_ix, ix_to_char):
    """Turn a list of indices into text, with the first letter in upper case.

    The trailing newline (the end-of-name symbol) is kept, so the text still says where
    the name stopped.
    """
    txt = "".join(ix_to_char[int(ix)] for ix in sample_ix)
    if txt:
        txt = txt[0].upper() + txt[1:]
    return txt


def print_sample(sample_ix, ix_to_char):
    """Print the text of ``sample_ix`` (see :func:`get_sample`) without an extra newline."""
    print(get_sample(sample_ix, ix_to_char), end="")


# --------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------

def initialize_parameters(n_a, n_x, n_y):
    """Small random weights and zero biases for the character RNN.

    The global numpy generator is seeded with 1 first, and the three weight matrices are
    drawn in a fixed order (Wax, Waa, Wya), so that every run (and the grader) starts from
    exactly the same network. The factor 0.01 keeps the first pre-activations near zero,
    where tanh is almost linear and its gradient is close to 1.

    Returns a dictionary with
        Wax -- input-to-hidden weights, shape (n_a, n_x)
        Waa -- hidden-to-hidden weights, shape (n_a, n_a)
        Wya -- hidden-to-output weights, shape (n_y, n_a)
        b   -- hidden bias, shape (n_a, 1)
        by  -- output bias, shape (n_y, 1)
    """
    np.random.seed(1)
    Wax = np.random.randn(n_a, n_x) * 0.01
    Waa = np.random.randn(n_a, n_a) * 0.01
    Wya = np.random.randn(n_y, n_a) * 0.01
    b = np.zeros((n_a, 1))
    by = np.zeros((n_y, 1))
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": b, "by": by}


def update_parameters(parameters, gradients, lr):
    """One step of plain gradient descent, done in place.

    The arrays inside ``parameters`` are modified (``-=``), so whoever holds the
    dictionary sees the new values; the same dictionary is also returned for convenience.
    """
    parameters["Wax"] -= lr * gradients["dWax"]
    parameters["Waa"] -= lr * gradients["dWaa"]
    parameters["Wya"] -= lr * gradients["dWya"]
    parameters["b"] -= lr * gradients["db"]
    parameters["by"] -= lr * gradients["dby"]
    return parameters


# --------------------------------------------------------------------------------------
# Forward and backward pass
# --------------------------------------------------------------------------------------

def rnn_step_forward(parameters, a_prev, x):
    """One time step: the new hidden state and the distribution over the next character.

    a_next = tanh(Wax x + Waa a_prev + b),  p_t = softmax(Wya a_next + by).
    ``x`` is a one-hot column (or all zeros), ``a_prev`` a column of size n_a.
    """
    Waa, Wax, Wya = parameters["Waa"], parameters["Wax"], parameters["Wya"]
    b, by = parameters["b"], parameters["by"]
    a_next = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
    p_t = softmax(np.dot(Wya, a_next) + by)
    return a_next, p_t


def rnn_step_backward(dy, gradients, parameters, x, a, a_prev):
    """Backpropagate one time step and add its contribution to ``gradients``.

    ``dy`` is the gradient of the loss with respect to the output scores at this step
    (softmax followed by cross-entropy gives simply y_hat - one_hot(target)). The hidden
    state ``a`` receives gradient from this step's output and, through
    ``gradients['da_next']``, from every later step. The weight gradients are *added*
    because the same weights are used at every step; ``da_next`` is *replaced* by the
    gradient that flows on to the previous step.
    """
    Waa, Wya = parameters["Waa"], parameters["Wya"]
    gradients["dWya"] += np.dot(dy, a.T)
    gradients["dby"] += dy
    da = np.dot(Wya.T, dy) + gradients["da_next"]
    dz = (1 - a * a) * da                       # through tanh: tanh'(z) = 1 - tanh(z)^2
    gradients["db"] += dz
    gradients["dWax"] += np.dot(dz, x.T)
    gradients["dWaa"] += np.dot(dz, a_prev.T)
    gradients["da_next"] = np.dot(Waa.T, dz)
    return gradients


def rnn_forward(X, Y, a0, parameters, vocab_size=27):
    """Run the RNN over one name and add up the cross-entropy loss.

    Arguments:
    X -- list of input indices; ``None`` stands for an all-zero input (used at the start)
    Y -- list of target indices, same length as X (the input shifted by one character)
    a0 -- initial hidden state, shape (n_a, 1)
    parameters -- dictionary with Wax, Waa, Wya, b, by
    vocab_size -- number of symbols, the length of every one-hot vector

    Returns:
    loss -- sum over t of -log(y_hat[t][Y[t]])
    cache -- (y_hat, a, x): three dictionaries keyed by the time step t. ``a[-1]`` is a
             copy of a0, so that step 0 can look up "the previous state" like every other
             step does. Note that ``a[-1]`` is therefore NOT the last state.
    """
    x, a, y_hat = {}, {}, {}
    a[-1] = np.copy(a0)
    loss = 0.0
    for t in range(len(X)):
        x[t] = np.zeros((vocab_size, 1))
        if X[t] is not None:
            x[t][X[t]] = 1
        a[t], y_hat[t] = rnn_step_forward(parameters, a[t - 1], x[t])
        loss -= np.log(y_hat[t][Y[t], 0])
    cache = (y_hat, a, x)
    return loss, cache


def rnn_backward(X, Y, parameters, cache):
    """Backpropagation through time over one name.

    Walks from the last step to the first, so that the gradient coming from the future
    (``da_next``) is always ready before it is needed.

    Returns:
    gradients -- dictionary with dWax, dWaa, dWya, db, dby (same shapes as the parameters)
                 and da_next (the gradient with respect to the initial state a0)
    a -- the hidden states from the cache (dictionary keyed by t)
    """
    (y_hat, a, x) = cache
    gradients = {
        "dWax": np.zeros_like(parameters["Wax"]),
        "dWaa": np.zeros_like(parameters["Waa"]),
        "dWya": np.zeros_like(parameters["Wya"]),
        "db": np.zeros_like(parameters["b"]),
        "dby": np.zeros_like(parameters["by"]),
        "da_next": np.zeros_like(a[0]),
    }
    for t in reversed(range(len(X))):
        dy = np.copy(y_hat[t])
        dy[Y[t]] -= 1                               # softmax + cross-entropy
        gradients = rnn_step_backward(dy, gradients, parameters, x[t], a[t], a[t - 1])
    return gradients, a


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------

def _candidate_data_files():
    """Where the name list may live, in the order it is looked for.

    1. ``$COURSE_DATASETS/dinosaurs/dinos.txt`` when that variable is set (lets a course
       installation put the data anywhere);
    2. ``<folder>/datasets/dinosaurs/dinos.txt`` for this module's folder and each of its
       parents. That finds the repository's ``datasets/`` folder from ``source/...`` and
       from ``release/...``, and ``/datasets`` when this module sits at ``/course``.
    """
    candidates = []
    env = os.environ.get(DATA_ENV_VAR)
    if env:
        candidates.append(Path(env) / DATA_RELATIVE_PATH)
    here = Path(__file__).resolve().parent
    for folder in (here, *here.parents):
        candidates.append(folder / "datasets" / DATA_RELATIVE_PATH)
    return candidates


def load_dinosaur_names():
    """Return the whole list of dinosaur names as one lower-case string.

    The file holds one genus name per line, so the text is the names separated (and
    ended) by newline characters. The newline matters: it is the symbol the model learns
    to emit when a name is finished.
    """
    candidates = _candidate_data_files()
    for path in candidates:
        if path.is_file():
            return path.read_text(encoding="utf-8").lower()
    searched = "\n  ".join(str(p) for p in candidates)
    raise FileNotFoundError(
        f"Could not find the dinosaur name list ({DATA_RELATIVE_PATH}). Looked in:\n  {searched}\n"
        f"Set the environment variable {DATA_ENV_VAR} to a folder that contains "
        f"{DATA_RELATIVE_PATH}, or run the notebook from inside the course repository.")


# --------------------------------------------------------------------------------------
# Illustrations (matplotlib is imported inside each function, on purpose)
# --------------------------------------------------------------------------------------

def draw_char_rnn(name="trex", ax=None):
    """Draw the character RNN unrolled over one name, with its inputs and targets.

    The input at the first step is the zero vector; after that, the input at step t is
    the character the model was asked to predict at step t-1. The targets are the name's
    characters followed by the newline symbol. Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    inputs = ["0"] + list(name)
    targets = list(name) + ["\\n"]
    steps = len(inputs)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.55 * steps + 1.2, 3.6))
    gap, w, h = 1.6, 0.9, 0.8

    def arrow(x0, y0, x1, y1, color="black"):
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>",
                                     mutation_scale=11, lw=1.2, color=color))

    for t in range(steps):
        cx = gap * (t + 1)
        ax.add_patch(FancyBboxPatch((cx - w / 2, -h / 2), w, h, boxstyle="round,pad=0.05",
                                    fc="#e3f0e3", ec="#2e6b30"))
        ax.text(cx, 0, "RNN", ha="center", va="center", fontsize=10)
        arrow(cx, -1.3, cx, -h / 2 - 0.06)
        label = "zeros" if t == 0 else repr(inputs[t]).strip("'")
        ax.text(cx, -1.55, label, ha="center", va="center", fontsize=11,
                family="monospace", color="#555555" if t == 0 else "black")
        ax.text(cx, -2.0, rf"$x^{{\langle {t + 1} \rangle}}$", ha="center", fontsize=10)
        arrow(cx, h / 2 + 0.06, cx, 1.3)
        ax.text(cx, 1.55, targets[t], ha="center", va="center", fontsize=11,
                family="monospace", color="#b5540b" if targets[t] == "\\n" else "black")
        ax.text(cx, 1.95, rf"$y^{{\langle {t + 1} \rangle}}$", ha="center", fontsize=10)
        if t > 0:
            arrow(cx - gap + w / 2 + 0.06, 0, cx - w / 2 - 0.06, 0, color="#1f4e79")
            # the dashed line: what is predicted at one step is fed in at the next
            ax.annotate("", xy=(cx - 0.12, -1.3), xytext=(cx - gap + 0.12, 1.35),
                        arrowprops=dict(arrowstyle="->", ls=":", color="#999999", lw=1))
    arrow(gap - w / 2 - 0.7, 0, gap - w / 2 - 0.06, 0, color="#1f4e79")
    ax.text(gap - w / 2 - 0.45, 0.15, r"$a^{\langle 0 \rangle}$", ha="center", fontsize=10)
    ax.set_xlim(gap - 1.4, gap * steps + 0.9)
    ax.set_ylim(-2.3, 2.3)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_loss_curve(losses, checkpoints=None, ax=None, label="smoothed loss"):
    """Plot a training loss per iteration, optionally marking checkpoint iterations.

    ``losses`` is a sequence with one value per iteration (usually the smoothed loss);
    ``checkpoints`` is an optional list of iterations to mark with vertical lines.
    Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.4))
    ax.plot(np.arange(len(losses)), losses, lw=1.4, label=label)
    for it in checkpoints or []:
        ax.axvline(it, color="grey", lw=0.7, ls="--")
    ax.set_xlabel("iteration (one name per iteration)")
    ax.set_ylabel("loss")
    ax.grid(alpha=0.3)
    ax.legend()
    return ax
