"""Small helpers for the "RNN step by step" assignment.

The two activation functions are used by the graded functions. The plotting helpers are
only used by illustration cells; they import matplotlib when called, so this module can
be imported where matplotlib is not installed (for example, in the grading sandbox).
"""
import numpy as np


def softmax(x):
    """Softmax over axis 0: each column of ``x`` becomes a probability vector.

    Columns are independent examples, so normalising along axis 0 keeps every example
    separate. The column maximum is subtracted first so that ``np.exp`` never overflows;
    the shift cancels out in the ratio. Works on (n,) and (n, m) arrays.
    """
    x = np.asarray(x, dtype=float)
    shifted = x - np.max(x, axis=0, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=0, keepdims=True)


def sigmoid(x):
    """Logistic function 1 / (1 + exp(-x)), element-wise; values lie in (0, 1).

    Written with ``np.exp(-|x|)`` on both branches so that large negative inputs do not
    overflow.
    """
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# --------------------------------------------------------------------------------------
# Illustrations (matplotlib is imported inside each function, on purpose)
# --------------------------------------------------------------------------------------

def draw_unrolled_rnn(T_x=4, cell_name="RNN", show_memory=False, ax=None):
    """Draw a recurrent network unrolled over ``T_x`` time steps.

    Each time step is one box (the *same* cell with the *same* weights). Inputs enter
    from below, predictions leave from the top, and the hidden state is passed to the
    right. With ``show_memory=True`` a second horizontal line is drawn for the LSTM
    memory cell c. Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    if ax is None:
        _, ax = plt.subplots(figsize=(1.9 * T_x + 1.6, 3.2))
    step = 2.0
    w, h = 1.1, 0.9

    def arrow(x0, y0, x1, y1, color="black"):
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>",
                                     mutation_scale=12, lw=1.3, color=color))

    for t in range(1, T_x + 1):
        cx = step * t
        ax.add_patch(FancyBboxPatch((cx - w / 2, -h / 2), w, h,
                                    boxstyle="round,pad=0.05", fc="#dbe9f6", ec="#1f4e79"))
        ax.text(cx, 0, cell_name, ha="center", va="center", fontsize=11)
        arrow(cx, -1.45, cx, -h / 2 - 0.05)
        ax.text(cx, -1.7, rf"$x^{{\langle {t} \rangle}}$", ha="center", va="center", fontsize=12)
        arrow(cx, h / 2 + 0.05, cx, 1.45)
        ax.text(cx, 1.7, rf"$\hat y^{{\langle {t} \rangle}}$", ha="center", va="center", fontsize=12)
        x_left = cx - step + w / 2 + 0.05 if t > 1 else cx - step + 0.35
        arrow(x_left, 0.1 if show_memory else 0, cx - w / 2 - 0.05, 0.1 if show_memory else 0)
        label = rf"$a^{{\langle {t - 1} \rangle}}$"
        ax.text((x_left + cx - w / 2) / 2, 0.3 if show_memory else 0.2, label,
                ha="center", va="bottom", fontsize=11)
        if show_memory:
            arrow(x_left, -0.25, cx - w / 2 - 0.05, -0.25, color="#b5540b")
            ax.text((x_left + cx - w / 2) / 2, -0.33, rf"$c^{{\langle {t - 1} \rangle}}$",
                    ha="center", va="top", fontsize=11, color="#b5540b")
    end = step * T_x + w / 2 + 0.05
    arrow(end, 0.1 if show_memory else 0, end + 0.8, 0.1 if show_memory else 0)
    ax.text(end + 0.45, 0.3 if show_memory else 0.2, rf"$a^{{\langle {T_x} \rangle}}$",
            ha="center", va="bottom", fontsize=11)
    ax.set_xlim(step - 1.3, step * T_x + 1.6)
    ax.set_ylim(-2.0, 2.0)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_hidden_states(a, title="", units=None, ax=None):
    """Plot hidden-state trajectories a[unit, 0, t] against t for a few units.

    ``a`` has shape (n_a, m, T_x); only the first example is drawn. ``units`` picks the
    rows to draw (default: the first five). Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3))
    if units is None:
        units = range(min(5, a.shape[0]))
    steps = np.arange(1, a.shape[2] + 1)
    for u in units:
        ax.plot(steps, a[u, 0, :], marker=".", lw=1.2, label=f"unit {u}")
    ax.axhline(0.0, color="grey", lw=0.6)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("time step t")
    ax.set_ylabel(r"$a^{\langle t \rangle}$")
    ax.set_title(title)
    return ax


def plot_gradient_decay(distances, curves, ax=None):
    """Plot gradient norms against the distance (in time steps) they travelled.

    ``curves`` maps a label to an array of norms, one per distance. A logarithmic y axis
    turns exponential decay into a straight line. Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.5))
    for label, norms in curves.items():
        ax.semilogy(distances, norms, marker=".", lw=1.4, label=label)
    ax.set_xlabel(r"distance $T_x - t$ (time steps travelled backwards)")
    ax.set_ylabel(r"$\| \partial \mathcal{L} / \partial x^{\langle t \rangle} \|$")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return ax
