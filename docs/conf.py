"""Sphinx configuration for runpath_spec's documentation."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import runpath_spec  # noqa: E402

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

# The overview diagram, rendered again at every build into _static/, where
# the README links it (a code host shows that committed copy).
README_DIAGRAM = ("diagrams/overview.dot", "_static/how-it-works.svg")


def _render_readme_diagram(app):
    source, target = (os.path.join(HERE, p) for p in README_DIAGRAM)
    dot = app.config.graphviz_dot
    svg = subprocess.run([dot, "-Tsvg", source], check=True,
                         stdout=subprocess.PIPE).stdout
    try:
        with open(target, "rb") as f:
            if f.read() == svg:
                return
    except OSError:
        pass
    with open(target, "wb") as f:
        f.write(svg)


def _make_plots(app):
    # The performance page's plots, from the committed benchmark JSON.
    import gen_plots
    gen_plots.main([])


def _on_builder_inited(app):
    _render_readme_diagram(app)
    _make_plots(app)


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
