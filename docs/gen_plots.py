"""Plot the benchmark's results for the performance page.

    python docs/gen_plots.py

Reads every ``_generated/benchmark-X.Y.json`` (what ``python
benchmarks/bench.py --json FILE`` writes) and writes, with matplotlib's
Agg backend:

* ``_generated/plots/ratios-X.Y.svg``: per kind of target, runpath_spec
  and the floor as a fraction of runpy's time (runpy = 1), with the 95%
  interval of the ratio and the target;
* ``_generated/plots/times-X.Y.svg``: microseconds per call for the small
  targets, runpath_spec against runpy against the floor;
* ``_generated/plots/growth-X.Y.svg``: how cost grows with script length
  and with the number of entries in a zip;
* ``_generated/plots/bounds.svg``: the lower bounds for a one-line script;
* ``_generated/plots/startup.svg``: ``python -c "import runpath_spec"``
  against ``import runpy`` and a bare start-up;
* ``_generated/plots.md``: the figures, included by ``performance.md``.

Each JSON file sits beside the Markdown table the benchmark printed in the
same run (``_generated/benchmark-X.Y.md``); the ratios in the two are
compared, and a mismatch is an error, so the plots and the tables cannot
drift apart.  Refresh both with one run::

    python benchmarks/bench.py --json docs/_generated/benchmark-3.11.json \\
        > docs/_generated/benchmark-3.11.md

Run by the docs build (``conf.py``), so the plots are never stale.
"""

import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "_generated")
PLOTS = os.path.join(OUT, "plots")

# One colour per series, the same in every plot (colour-blind safe).
COLOURS = {"runpath_spec": "#0072B2", "runpy": "#E69F00",
           "floor": "#999999", "bare": "#CCCCCC"}
SMALL = ("script (1 line)", "pyc (1 line)", "directory", "zip",
         "run_module (small)")


class OutOfStep(Exception):
    """The JSON and the Markdown table of one version disagree."""


def load():
    """``[(version, results), ...]`` from the committed JSON, oldest first."""
    found = []
    for path in glob.glob(os.path.join(OUT, "benchmark-*.json")):
        version = os.path.basename(path)[len("benchmark-"):-len(".json")]
        with open(path) as f:
            found.append((version, json.load(f)))
    found.sort(key=lambda item: [int(p) for p in item[0].split(".")])
    return found


def markdown_ratios(version):
    """``{target: ratio}`` from the benchmark's Markdown table, or None."""
    path = os.path.join(OUT, "benchmark-%s.md" % version)
    if not os.path.exists(path):
        return None
    ratios = {}
    with open(path) as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 8 and re.match(r"^\d+\.\d\d$", cells[4]):
                ratios[cells[0]] = float(cells[4])
    return ratios


def check(version, results):
    ratios = markdown_ratios(version)
    if ratios is None:
        return
    for row in results["rows"]:
        shown = ratios.get(row["target"])
        if shown is None or "%.2f" % row["ratio"] != "%.2f" % shown:
            raise OutOfStep(
                "benchmark-%s.json and benchmark-%s.md are from different "
                "runs (%s: %.2f against %s): write both in one run of "
                "benchmarks/bench.py" % (version, version, row["target"],
                                         row["ratio"], shown))


def _figure(plt, height):
    fig, ax = plt.subplots(figsize=(7.0, height), layout="constrained")
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _legend_below(ax, columns):
    """The legend under the axes, where it cannot hide a bar."""
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16),
              ncol=columns, frameon=False)


def _save(fig, name):
    path = os.path.join(PLOTS, name)
    # No date in the file: the same data gives the same bytes.
    fig.savefig(path, format="svg", metadata={"Date": None})
    return path


def plot_ratios(plt, version, results):
    rows = results["rows"]
    fig, ax = _figure(plt, 0.55 * len(rows) + 1.3)
    names = [r["target"].replace(", cache=True, warm", "\ncache=True, warm")
             for r in rows]
    ys = list(range(len(rows)))[::-1]
    height = 0.38
    ours = [r["ratio"] for r in rows]
    floor = [r["floor"] / r["runpy"] for r in rows]
    low = [r["ratio"] - r["interval"][0] for r in rows]
    high = [r["interval"][1] - r["ratio"] for r in rows]
    ax.barh([y + height / 2 for y in ys], ours, height,
            color=COLOURS["runpath_spec"], label="runpath_spec",
            xerr=[low, high], error_kw=dict(ecolor="#333333", capsize=3,
                                            lw=1))
    ax.barh([y - height / 2 for y in ys], floor, height,
            color=COLOURS["floor"], label="floor (read, compile, exec)")
    ax.axvline(1.0, color=COLOURS["runpy"], lw=2, label="runpy = 1")
    for y, r in zip(ys, rows):
        if r.get("goal"):
            ax.plot([r["goal"]] * 2, [y - 0.45, y + 0.45], color="#D55E00",
                    lw=1.5, ls=(0, (2, 1)))
        ax.annotate("%.2f" % r["ratio"], (r["interval"][1], y + height / 2),
                    xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.plot([], [], color="#D55E00", lw=1.5, ls=(0, (2, 1)),
            label="target")
    ax.set_yticks(ys, names, fontsize=9)
    ax.set_xlim(0, max(1.15, max(r["interval"][1] for r in rows) + 0.12))
    ax.set_xlabel("time per call, as a fraction of runpy's (lower is "
                  "faster; whiskers: 95% interval)", fontsize=9)
    ax.set_title("CPython %s: runpath_spec and the floor against runpy"
                 % results["python"], fontsize=10)
    _legend_below(ax, 4)
    return _save(fig, "ratios-%s.svg" % version)


def plot_times(plt, version, results):
    rows = [r for r in results["rows"] if r["target"] in SMALL]
    fig, ax = _figure(plt, 0.6 * len(rows) + 1.2)
    ys = list(range(len(rows)))[::-1]
    height = 0.27
    for i, (key, label) in enumerate((("ours", "runpath_spec"),
                                      ("runpy", "runpy"),
                                      ("floor", "floor"))):
        values = [r[key] for r in rows]
        ax.barh([y + height * (1 - i) for y in ys], values, height,
                color=COLOURS[label], label=label)
    ax.set_yticks(ys, [r["target"] for r in rows], fontsize=9)
    ax.set_xlabel("microseconds per call (median of %d interleaved rounds)"
                  % results["rounds"], fontsize=9)
    ax.set_title("CPython %s: small targets, time per call"
                 % results["python"], fontsize=10)
    _legend_below(ax, 3)
    return _save(fig, "times-%s.svg" % version)


def plot_growth(plt, version, results):
    kinds = []
    for row in results["growth"]:
        if row["target"] not in kinds:
            kinds.append(row["target"])
    fig, axes = plt.subplots(1, len(kinds), figsize=(7.0, 3.0),
                             layout="constrained", squeeze=False)
    for ax, kind in zip(axes[0], kinds):
        points = [r for r in results["growth"] if r["target"] == kind]
        sizes = [p["size"] for p in points]
        for key, label, marker in (("ours", "runpath_spec", "o"),
                                   ("runpy", "runpy", "s"),
                                   ("floor", "floor", "^")):
            ax.plot(sizes, [p[key] for p in points], marker=marker,
                    color=COLOURS[label], label=label)
        ax.set_xscale("log")
        if kind == "script":  # cost grows with length: log-log
            ax.set_yscale("log")
        else:  # flat: from zero, so that flat looks flat
            ax.set_ylim(0, max(p["runpy"] for p in points) * 1.2)
        ax.set_xlabel("lines of source" if kind == "script"
                      else "entries in the zip", fontsize=9)
        ax.set_ylabel("microseconds per call", fontsize=9)
        ax.set_title(kind, fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0][0].legend(fontsize=8)
    fig.suptitle("CPython %s: how cost grows" % results["python"],
                 fontsize=10)
    return _save(fig, "growth-%s.svg" % version)


def plot_bounds(plt, found):
    found = [(v, r) for v, r in found if r.get("bounds")]
    if not found:
        return None
    labels = [b["bound"] for b in found[0][1]["bounds"]]
    labels = [re.sub(r"^\+ ", "+ ", label) for label in labels]
    fig, ax = _figure(plt, 0.55 * len(labels) * len(found) / 1.5 + 1.4)
    ys = list(range(len(labels)))[::-1]
    height = 0.8 / len(found)
    shades = ["#0072B2", "#56B4E9", "#009E73", "#CC79A7"]
    for i, (version, results) in enumerate(found):
        ax.barh([y + height * (len(found) / 2 - i - 0.5) for y in ys],
                [b["ratio"] for b in results["bounds"]], height,
                color=shades[i % len(shades)],
                label="CPython %s" % results["python"])
    ax.axvline(1.0, color=COLOURS["runpy"], lw=2, label="runpy = 1")
    goal = next((r["goal"] for r in found[0][1]["rows"]
                 if r["target"] == "script (1 line)"), None)
    if goal:
        ax.axvline(goal, color="#D55E00", lw=1.5, ls=(0, (2, 1)),
                   label="target, one-line script")
    wrapped = [label.replace(" as runpy", "\nas runpy").replace(
        " by ownership", "\nby ownership").replace(": ", ":\n")
        for label in labels]
    ax.set_yticks(ys, wrapped, fontsize=8)
    ax.set_xlim(0, 1.1)
    ax.set_xlabel("time per call, as a fraction of runpy's", fontsize=9)
    ax.set_title("A one-line script: what each step costs", fontsize=10)
    _legend_below(ax, 4)
    return _save(fig, "bounds.svg")


def plot_startup(plt, found):
    found = [(v, r) for v, r in found if r.get("import")]
    if not found:
        return None
    fig, ax = _figure(plt, 0.9 * len(found) + 1.3)
    ys = list(range(len(found)))[::-1]
    height = 0.27
    series = (("ours", "import runpath_spec", COLOURS["runpath_spec"]),
              ("runpy", "import runpy", COLOURS["runpy"]),
              ("bare", "pass (a bare start-up)", COLOURS["bare"]))
    for i, (key, label, colour) in enumerate(series):
        values = [r["import"][key] for _, r in found]
        bars = ax.barh([y + height * (1 - i) for y in ys], values, height,
                       color=colour, label=label)
        ax.bar_label(bars, fmt="%.1f", fontsize=8, padding=2)
    ax.set_yticks(ys, ["CPython %s" % r["python"] for _, r in found],
                  fontsize=9)
    ax.set_xlim(0, max(r["import"][k] for _, r in found
                       for k in ("ours", "runpy", "bare")) * 1.15)
    ax.set_xlabel('milliseconds for python -c "..." (whole process, '
                  'median)', fontsize=9)
    ax.set_title("Start-up", fontsize=10)
    _legend_below(ax, 3)
    return _save(fig, "startup.svg")


def _figure_md(path, alt, caption):
    rel = os.path.relpath(path, HERE).replace(os.sep, "/")
    return ["```{figure} /%s" % rel, ":alt: %s" % alt, ":width: 100%",
            "", caption, "```", ""]


def main(argv=None):
    found = load()
    for version, results in found:
        check(version, results)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams.update({"svg.hashsalt": "runpath_spec",
                         "font.family": "DejaVu Sans"})
    os.makedirs(PLOTS, exist_ok=True)
    lines = ["<!-- Generated by docs/gen_plots.py; do not edit. -->", ""]
    if not found:
        lines += ["No benchmark results (`_generated/benchmark-*.json`) "
                  "to plot.", ""]
    for version, results in found:
        lines += ["### CPython %s" % results["python"], ""]
        lines += _figure_md(
            plot_ratios(plt, version, results),
            "Bar chart: per kind of target, runpath_spec's and the floor's "
            "time as a fraction of runpy's on CPython %s" % version,
            "Per kind of target, runpath_spec's time and the floor's as a "
            "fraction of runpy's; the whisker is the 95% interval of the "
            "ratio, the dashed mark the target.")
        lines += _figure_md(
            plot_times(plt, version, results),
            "Bar chart: microseconds per call for the small targets on "
            "CPython %s" % version,
            "Microseconds per call for the small targets.")
        if results.get("growth"):
            lines += _figure_md(
                plot_growth(plt, version, results),
                "Line charts: time per call against script length and "
                "against zip entries on CPython %s" % version,
                "How cost grows: linear in script length (compiling, the "
                "floor's slope), flat in the number of zip entries.")
        plt.close("all")
    bounds = plot_bounds(plt, found)
    if bounds:
        lines += ["### A one-line script, step by step", ""]
        lines += _figure_md(
            bounds, "Bar chart: the lower bounds for a one-line script, "
            "as fractions of runpy's time",
            "The floor, then the floor with runpy's own bookkeeping, then "
            "with a spec and ownership of the sys changes, then "
            "runpath_spec itself.")
    startup = plot_startup(plt, found)
    if startup:
        lines += ["### Start-up", ""]
        lines += _figure_md(
            startup, "Bar chart: start-up time with import runpath_spec, "
            "import runpy and a bare start-up",
            "The whole process, `python -c \"import runpath_spec\"` "
            "against `import runpy` and a bare start-up.")
    plt.close("all")
    with open(os.path.join(OUT, "plots.md"), "w") as f:
        f.write("\n".join(lines))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except OutOfStep as exc:
        sys.exit("gen_plots: %s" % exc)
