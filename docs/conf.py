"""Sphinx configuration for runpath_spec's documentation."""

import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import runpath_spec  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "diagrams"))
from prerendered import write_if_changed  # noqa: E402

project = "runpath_spec"
author = "runpath_spec developers"
copyright = "2026, runpath_spec developers"
release = runpath_spec.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.graphviz",
    "sphinx.ext.intersphinx",
    "myst_parser",
    "sphinx_copybutton",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "_generated", "diagrams", "README.md"]
intersphinx_mapping = {}
autodoc_member_order = "bysource"
autodoc_typehints = "none"
myst_heading_anchors = 3
doctest_global_setup = '''
import os, sys, tempfile
import runpath_spec
'''

# Theme: furo (responsive, light and dark), with copy buttons on code.
html_theme = "furo"
html_title = "runpath_spec %s" % release
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_js_files = ["custom.js"]
# The copy button leaves out prompts (>>>, ..., $) and the output lines.
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True

# Diagrams: Graphviz, through sphinx.ext.graphviz and the `dot` program
# (Debian's package `graphviz`), rendered at build time from the sources
# in docs/diagrams/*.dot.  SVG, so that they scale to any screen and their
# text stays sharp and searchable.  (Mermaid was the other choice; it
# renders in the reader's browser with a JavaScript bundle, and a README
# image could not be made from it without a Node tool chain.)
graphviz_output_format = "svg"

# Without Graphviz (a fresh machine with nothing but Python and pip), the
# same diagrams come from committed copies that dot made from the same
# sources, docs/diagrams/rendered/ (see diagrams/prerendered.py, which
# stands in for dot and refuses a source changed since its copy was made).
DOT = shutil.which("dot")
if DOT is None:
    graphviz_dot = sys.executable
    graphviz_dot_args = [os.path.join(HERE, "diagrams", "prerendered.py")]

# The overview diagram, rendered again at every build into _static/, where
# the README links it (a code host shows that committed copy).
README_DIAGRAM = ("diagrams/overview.dot", "_static/how-it-works.svg")


def _render_readme_diagram(app):
    source, target = (os.path.join(HERE, p) for p in README_DIAGRAM)
    if DOT is None:
        # Not through Sphinx's logger: a note, not a warning (-W).
        sys.stderr.write(
            "conf.py: Graphviz's dot is not on PATH: the diagrams are the "
            "pre-rendered copies in docs/diagrams/rendered/\n")
    with open(source, "rb") as f:
        code = f.read()
    # dot itself, or the stand-in for it, as sphinx.ext.graphviz runs it.
    svg = subprocess.run([app.config.graphviz_dot]
                         + list(app.config.graphviz_dot_args) + ["-Tsvg"],
                         input=code, check=True,
                         stdout=subprocess.PIPE).stdout
    write_if_changed(target, svg)


def _make_plots(app):
    # The performance page's plots, from the committed benchmark JSON.
    import gen_plots
    gen_plots.main([])


def _on_builder_inited(app):
    _render_readme_diagram(app)
    _make_plots(app)


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
