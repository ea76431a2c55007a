"""The diagrams' pre-rendered copies, for a machine without Graphviz.

The docs build renders ``docs/diagrams/*.dot`` with Graphviz's ``dot``, a
system program pip cannot install.  Where ``dot`` is missing, ``conf.py``
points ``sphinx.ext.graphviz`` at this file instead, run as
``python prerendered.py -Tsvg -oOUT`` with a diagram's source on standard
input, as ``dot`` would be: it writes the committed copy
``rendered/NAME.svg`` that ``dot`` made from that very source.  Each copy
starts with a comment naming its source and the SHA-256 of the source's
text; a source changed since its copy was made is refused, naming the fix.

    python docs/diagrams/prerendered.py --render   # needs dot: refresh them
    python docs/diagrams/prerendered.py --check    # are they current?
"""

import hashlib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RENDERED = os.path.join(HERE, "rendered")
_STAMP = "<!-- pre-rendered by dot from {name} sha256={digest} -->\n"


def digest(code):
    return hashlib.sha256(code).hexdigest()


def sources():
    """``{name: source bytes}`` of every ``*.dot`` beside this file."""
    found = {}
    for name in sorted(os.listdir(HERE)):
        if name.endswith(".dot"):
            with open(os.path.join(HERE, name), "rb") as f:
                found[name] = f.read()
    return found


def rendered_path(name):
    return os.path.join(RENDERED, name[:-len(".dot")] + ".svg")


def stamp_of(svg):
    """``(source name, digest)`` a copy says it was made from, or None."""
    first = svg.split(b"\n", 1)[0].decode("ascii", "replace")
    prefix, _, rest = first.partition("pre-rendered by dot from ")
    if not rest.endswith(" -->"):
        return None
    name, _, tail = rest[:-len(" -->")].partition(" sha256=")
    return name, tail


def lookup(code):
    """The committed SVG for the diagram source *code*; ``LookupError``
    (saying what to do) when there is none or it is stale."""
    want = digest(code)
    for name, text in sources().items():
        if digest(text) != want:
            continue
        try:
            with open(rendered_path(name), "rb") as f:
                svg = f.read()
        except OSError:
            raise LookupError("no pre-rendered copy of docs/diagrams/{}: "
                              "run python docs/diagrams/prerendered.py "
                              "--render where Graphviz's dot is "
                              "installed".format(name)) from None
        if stamp_of(svg) != (name, want):
            raise LookupError("the pre-rendered copy of docs/diagrams/{} is "
                              "stale (its source changed): run python "
                              "docs/diagrams/prerendered.py --render where "
                              "Graphviz's dot is installed".format(name))
        return svg.split(b"\n", 1)[1]
    raise LookupError("expected one of docs/diagrams/*.dot, found a diagram "
                      "source that is none of them: without Graphviz's dot "
                      "only those can be shown (install graphviz)")


def render(dot="dot"):
    """Write every copy anew with *dot*; return the names written."""
    os.makedirs(RENDERED, exist_ok=True)
    written = []
    for name, code in sources().items():
        svg = subprocess.run([dot, "-Tsvg"], input=code, check=True,
                             stdout=subprocess.PIPE).stdout
        data = _STAMP.format(name=name, digest=digest(code)).encode() + svg
        if write_if_changed(rendered_path(name), data):
            written.append(name)
    return written


def write_if_changed(path, data):
    """Write *data* to *path* unless the file already holds exactly it (a
    build leaves a committed copy's time stamp alone); was it written?"""
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    except OSError:
        pass
    with open(path, "wb") as f:
        f.write(data)
    return True


def check():
    """The problems with the committed copies, one string each."""
    problems = []
    for name, code in sources().items():
        try:
            lookup(code)
        except LookupError as exc:
            problems.append(str(exc))
    return problems


def _as_dot(args):
    """``python prerendered.py [-Kx] -Tsvg -oOUT < source``, as dot."""
    out = fmt = None
    for arg in args:
        if arg.startswith("-o"):
            out = arg[2:]
        elif arg.startswith("-T"):
            fmt = arg[2:]
    code = sys.stdin.buffer.read()
    if fmt != "svg":
        sys.stderr.write("prerendered.py: only -Tsvg is pre-rendered, got "
                         "-T{}\n".format(fmt))
        return 1
    try:
        svg = lookup(code)
    except LookupError as exc:
        sys.stderr.write("prerendered.py: {}\n".format(exc))
        return 1
    if out is None:
        sys.stdout.buffer.write(svg)
    else:
        with open(out, "wb") as f:
            f.write(svg)
    return 0


def main(args):
    if args == ["--render"]:
        for name in render():
            print("rendered", name)
        return 0
    if args == ["--check"]:
        problems = check()
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    return _as_dot(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
