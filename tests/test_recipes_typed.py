"""The recipes (docs/recipes/) pass ``mypy --strict``: a tool author who
copies one gets a typed client of the public API (issue #25)."""

import os

from test_typing import ROOT, _mypy, _need_mypy

RECIPES = [os.path.join("docs", "recipes", name) for name in
           ("coverage_runner.py", "debugger.py", "profiler.py")]


def test_the_recipes_pass_mypy_strict(tmp_path):
    _need_mypy()
    for recipe in RECIPES:
        assert os.path.isfile(os.path.join(ROOT, recipe)), recipe
    code, out = _mypy(tmp_path, *RECIPES)
    assert code == 0, out


def test_a_mistake_in_a_recipe_is_reported(tmp_path):
    """The check can fail: a copy with a wrong type is refused."""
    _need_mypy()
    with open(os.path.join(ROOT, RECIPES[0])) as f:
        text = f.read()
    bad = tmp_path / "bad_recipe.py"
    bad.write_text(text.replace("return status", "return str(status)"))
    code, out = _mypy(tmp_path, str(bad))
    assert code != 0 and "bad_recipe.py" in out, out
