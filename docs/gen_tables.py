"""Generate the tables the docs include, from the machine itself.

    python docs/gen_tables.py

* ``_generated/profiles.rst``: the dunders each profile gives each kind of
  target, on **every** CPython 3.8-3.15 pyenv has here (the newest patch
  release of each) and on PyPy 3.11 when ``pyenv`` has one, so that the
  real differences between versions show;
* ``_generated/magic.rst``: the magic-number history runpath_spec knows,
  CPython's and other implementations' own (PyPy);
* ``_generated/traces.rst``: one real ``--explain --trace`` per kind of
  target (``gen_traces.py``).

Run by ``.ci/run`` before the docs are built.  An interpreter that cannot
be measured (it fails to start, or runpath_spec fails on it) is named on
the page and in a warning instead of stopping the others; a target that
raises on one interpreter shows the exception in its cell.  ``--strict``
makes either an error.
"""

import glob
import json
import os
import re
import subprocess
import sys
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(HERE, "_generated")
DUNDERS = ("__name__", "__file__", "__cached__", "__package__", "__loader__",
           "__spec__")

#: Every target's body: it describes its own dunders (``_row``), and
#: prints them as JSON when run as ``python TARGET --dump``.
TARGET = r"""
import os as _os, sys as _sys
def _show(v):
    if v is None or isinstance(v, str):
        return repr(v).replace(_os.getcwd(), "<tmp>").replace(
            _sys.implementation.cache_tag, "<tag>")
    if type(v).__name__ == "ModuleSpec":
        return "ModuleSpec(%r)" % v.name
    if isinstance(v, type(_sys)):
        return "<module>"
    return type(v).__name__
_row = {k: _show(globals()[k]) if k in globals() else "(absent)"
        for k in DUNDERS}
if _sys.argv[1:] == ["--dump"]:
    import json
    print(json.dumps(_row))
"""

#: Run by each interpreter: the dunders each target gets from runpy
#: itself, from ``python`` itself (a subprocess), and from each of
#: runpath_spec's profiles.
PROBE = r"""
import json, os, py_compile, runpy, subprocess, sys, tempfile, zipfile
sys.path.insert(0, ROOT)
sys.dont_write_bytecode = True
import runpath_spec
tmp = os.path.realpath(tempfile.mkdtemp())
os.chdir(tmp)
body = "DUNDERS = %r\n" % (DUNDERS,) + TARGET
def write(name, text):  # closed at once: PyPy flushes on collection
    with open(name, "w") as f:
        f.write(text)
write("script.py", body)
py_compile.compile("script.py", cfile="compiled.pyc", doraise=True)
os.mkdir("app"); write("app/__main__.py", body)
with zipfile.ZipFile("app.zip", "w") as z: z.writestr("__main__.py", body)
os.mkdir("pkg"); write("pkg/__init__.py", ""); write("pkg/mod.py", body)
sys.path.insert(0, tmp)

def row(run):
    try:
        return run()["_row"]
    except Exception as exc:  # shown in the table, not hidden
        text = "raises %s" % type(exc).__name__
        return {k: text for k in DUNDERS}

def python(*args):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run([sys.executable] + list(args) + ["--dump"],
                         stdout=subprocess.PIPE, env=env,
                         universal_newlines=True)
    if out.returncode:
        return {k: "exits %d" % out.returncode for k in DUNDERS}
    return json.loads(out.stdout)

out = {}
targets = [("script.py", "script.py"), ("compiled.pyc", "compiled.pyc"),
           ("directory", "app"), ("zip", "app.zip")]
for label, path in targets:
    out["%s|runpy" % label] = row(
        lambda: runpy.run_path(path, run_name="__main__"))
    out["%s|python" % label] = python(path)
    for profile in ("runpy", "python", "spec"):
        out["%s|%s profile" % (label, profile)] = row(
            lambda: runpath_spec.run_path(path, run_name="__main__",
                                          profile=profile))
out["-m pkg.mod|runpy"] = row(
    lambda: runpy.run_module("pkg.mod", run_name="__main__"))
out["-m pkg.mod|python"] = python("-m", "pkg.mod")
for profile in ("runpy", "python", "spec"):
    out["-m pkg.mod|%s profile" % profile] = row(
        lambda: runpath_spec.run_module("pkg.mod", run_name="__main__",
                                        profile=profile))
print(json.dumps(out))
"""


CPYTHONS = range(8, 16)  # 3.8-3.15
LABEL = re.compile(r"^(?:3\.(\d+)\.(\d+)|pypy3\.11-v?(\d+)\.(\d+)\.(\d+))$")


def interpreters():
    """``[(label, python), ...]``: the newest CPython 3.8-3.15 patch release
    of each minor version pyenv has, oldest first, then PyPy 3.11 if
    present.  Without pyenv, only the running interpreter."""
    try:
        root = subprocess.run(["pyenv", "root"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL,
                              universal_newlines=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        root = os.environ.get("PYENV_ROOT",
                              os.path.expanduser("~/.pyenv"))
    newest = {}  # label -> (version key, python)
    for home in glob.glob(os.path.join(root, "versions", "*")):
        match = LABEL.match(os.path.basename(home))
        python = os.path.join(home, "bin", "python")
        if not match or not os.path.exists(python):
            continue
        if match.group(1) is not None:
            minor = int(match.group(1))
            if minor not in CPYTHONS:
                continue
            label, key = "3.%d" % minor, (int(match.group(2)),)
        else:
            label = "PyPy 3.11"
            key = tuple(int(g) for g in match.groups()[2:])
        if label not in newest or key > newest[label][0]:
            newest[label] = (key, python)
    if not newest:
        return [("%d.%d" % sys.version_info[:2], sys.executable)]
    order = sorted(newest, key=lambda label: (label.startswith("PyPy"),
                                              label.split(".")[-1].zfill(2)))
    return [(label, newest[label][1]) for label in order]


def collect():
    """``(results, failures)``: per label the probe's JSON; per label that
    could not be measured, why."""
    results = OrderedDict()
    failures = OrderedDict()
    code = "ROOT = %r\nDUNDERS = %r\nTARGET = %r\n" % (
        ROOT, DUNDERS, TARGET) + PROBE
    for label, python in interpreters():
        try:
            out = subprocess.run([python, "-c", code], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE,
                                 universal_newlines=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            failures[label] = str(exc)
            continue
        try:
            if out.returncode:
                raise ValueError("exit status %d" % out.returncode)
            results[label] = json.loads(out.stdout)
        except ValueError as exc:
            lines = out.stderr.strip().splitlines()
            failures[label] = lines[-1] if lines else str(exc)
    return results, failures


def _span(labels):
    if len(labels) == 1:
        return labels[0]
    return "%s-%s" % (labels[0], labels[-1])


def _versions_text(values):
    """The cell for *values* (``[(label, value), ...]``): one value if every
    interpreter agrees, else one line per run of CPython versions that
    agree (``3.8``, ``3.9-3.15``), PyPy named beside the CPython value it
    shares or on a line of its own."""
    if len(set(value for _, value in values)) == 1:
        return ["``%s``" % values[0][1]]
    groups = []
    others = []
    for label, value in values:
        if label.startswith("PyPy"):
            others.append((label, value))
        elif groups and groups[-1][1] == value:
            groups[-1][0].append(label)
        else:
            groups.append(([label], value))
    spans = [[_span(labels)] for labels, _ in groups]
    for label, value in others:
        for span, (_, shared) in zip(spans, groups):
            if shared == value:
                span.append(label)
                break
        else:
            groups.append(([label], value))
            spans.append([label])
    return ["``%s`` (%s)" % (value, ", ".join(span))
            for span, (_, value) in zip(spans, groups)]


#: The table's columns: runpy and python measured themselves, the spec
#: profile (which has no reference but importlib's spec).
COLUMNS = ("runpy", "python", "spec profile")


def mismatches(results):
    """``[(interpreter, target, profile, dunder, ours, theirs), ...]``:
    where the runpy or python profile gives another value than runpy or
    python itself -- a table of the references is then not a table of the
    profiles, and the profile has a bug."""
    found = []
    for version, result in results.items():
        for key, theirs in sorted(result.items()):
            label, _, column = key.partition("|")
            ours = result.get("%s|%s profile" % (label, column))
            if column not in ("runpy", "python") or ours is None:
                continue
            found += [(version, label, column, dunder, ours[dunder],
                       theirs[dunder]) for dunder in DUNDERS
                      if ours[dunder] != theirs[dunder]]
    return found


def write_profiles(results, failures):
    lines = [".. This file is generated by docs/gen_tables.py; do not edit.",
             ""]
    if not results:
        lines += [".. warning:: No interpreter could be measured.", ""]
    versions = list(results)
    cpythons = [v for v in versions if not v.startswith("PyPy")]
    measured = "CPython %s" % ", ".join(cpythons) if cpythons else ""
    if len(cpythons) < len(versions):
        measured += (" and " if measured else "") + "PyPy 3.11"
    if versions:
        lines += ["Measured on %s." % measured, ""]
    for label, why in failures.items():
        lines += [".. note:: Not measured on %s: ``%s``" % (
            "CPython " + label if not label.startswith("PyPy") else label,
            why.replace("`", "'")), ""]
    if not versions:
        with open(os.path.join(OUT, "profiles.rst"), "w") as f:
            f.write("\n".join(lines))
        return
    for version, label, profile, dunder, ours, theirs in mismatches(results):
        lines += [".. warning:: On %s the ``%s`` profile gives ``%s`` of %s "
                  "as ``%s``; %s itself gives ``%s``." % (
                      version, profile, dunder, label, ours, profile,
                      theirs), ""]
    first = results[versions[0]]
    labels = OrderedDict((key.split("|")[0], None) for key in first)
    for label in labels:
        # One row per attribute; on a narrow screen the stylesheet
        # (_static/custom.css, class profile-table) stacks each row's
        # three cells under the attribute, each labelled with its profile.
        lines += [label, "~" * len(label), "",
                  ".. list-table::", "   :header-rows: 1",
                  "   :class: profile-table", "   :widths: 16 28 28 28", "",
                  "   * - attribute", "     - ``runpy``", "     - ``python``",
                  "     - ``spec`` profile"]
        for dunder in DUNDERS:
            lines.append("   * - ``%s``" % dunder)
            for profile in COLUMNS:
                key = "%s|%s" % (label, profile)
                values = [(v, results[v][key][dunder]) for v in versions
                          if key in results[v]]
                cell = _versions_text(values)
                if len(cell) == 1:
                    lines.append("     - %s" % cell[0])
                else:
                    lines.append("     - | %s" % cell[0])
                    lines += ["       | %s" % text for text in cell[1:]]
        lines.append("")
    with open(os.path.join(OUT, "profiles.rst"), "w") as f:
        f.write("\n".join(lines))


def write_magic():
    sys.path.insert(0, ROOT)
    from runpath_spec import pyc
    lines = [".. This file is generated by docs/gen_tables.py; do not edit.",
             "", ".. list-table::", "   :header-rows: 1", "",
             "   * - release line", "     - magic numbers (alpha to final)",
             "     - the last (what the release writes)"]
    for version, ranges in pyc._MAGIC_HISTORY:
        text = ", ".join(str(a) if a == b else "%d-%d" % (a, b)
                         for a, b in ranges)
        lines += ["   * - %s" % version, "     - %s" % text,
                  "     - %d" % ranges[-1][1]]
    # Other implementations' own pycs (PyPy numbers them below 3000).
    for implementation, version, ranges in pyc._OTHER_MAGIC_HISTORY:
        text = ", ".join(str(a) if a == b else "%d-%d" % (a, b)
                         for a, b in ranges)
        lines += ["   * - %s %s" % (implementation, version),
                  "     - %s" % text, "     - %d" % ranges[-1][1]]
    with open(os.path.join(OUT, "magic.rst"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    os.makedirs(OUT, exist_ok=True)
    results, failures = collect()
    for label, why in failures.items():
        sys.stderr.write("gen_tables: warning: not measured on %s: %s\n"
                         % (label, why))
    write_profiles(results, failures)
    wrong = mismatches(results)
    for version, label, profile, dunder, ours, theirs in wrong:
        sys.stderr.write("gen_tables: error: on %s the %s profile gives %s "
                         "of %s as %s; %s itself gives %s\n" % (
                             version, profile, dunder, label, ours, profile,
                             theirs))
    write_magic()
    import gen_traces  # one real --explain --trace per kind of target
    gen_traces.main()
    if wrong or "--strict" in argv and (failures or not results):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
