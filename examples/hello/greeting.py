"""A module beside __main__: importable because the entry is on sys.path."""


def greet(names):
    return "hello, {}!".format(", ".join(names) or "world")
