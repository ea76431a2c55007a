"""Rebuild examples/hello.pyz from examples/hello/ (python examples/build_pyz.py)."""
import os
import zipapp

here = os.path.dirname(os.path.abspath(__file__))
zipapp.create_archive(os.path.join(here, "hello"),
                      os.path.join(here, "hello.pyz"))
