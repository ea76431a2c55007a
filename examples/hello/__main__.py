"""A demo target: a directory with a __main__.py (and examples/hello.pyz, a zip of it)."""
import sys

import greeting

print(greeting.greet(sys.argv[1:]))
print("__name__ =", repr(__name__))
print("__spec__ =", __spec__)
print("sys.argv[0] =", repr(sys.argv[0]))
