"""Sphinx configuration for runpath_spec's documentation."""

import os
import sys

sys.path.insert(0, os.path.abspath(".."))

import runpath_spec  # noqa: E402

project = "runpath_spec"
author = "runpath_spec developers"
copyright = "2026, runpath_spec developers"
release = runpath_spec.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "_generated"]
intersphinx_mapping = {}
autodoc_member_order = "bysource"
autodoc_typehints = "none"
html_theme = "alabaster"
html_static_path = []
myst_heading_anchors = 3
doctest_global_setup = '''
import os, sys, tempfile
import runpath_spec
'''
