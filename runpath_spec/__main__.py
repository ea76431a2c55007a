"""``python -m runpath_spec [options] (TARGET | -m MOD) [ARGS...]``.

Behaves like ``python TARGET ARGS`` (or ``python -m MOD ARGS``): the same
namespace, ``sys.argv`` and ``sys.path``, the same output, the same
traceback (without runpath_spec's own frames) and exit status.
"""

import os
import sys

USAGE_TEMPLATE = """\
usage: python -m runpath_spec [options] (TARGET | -m MOD) [ARGS...]

Run TARGET (a script, .pyc, directory or zip with __main__) or module MOD
the way `python TARGET ARGS` / `python -m MOD ARGS` would.

options:
  --profile {{{profiles}}}
                    the module attributes to give the target (default: python)
  --check-source    refuse a .pyc whose source has changed since it was compiled
  --import-hooks    get a script's code from the import system (sys.meta_path,
                    sys.path_hooks), so import hooks apply to it
  --cache           take a script's code from a __pycache__ bytecode cache
  --hook MOD[:FUNC] import MOD (and call FUNC() from it) before the target
                    is found, to install an import hook; repeatable
  --loader SUFFIX=MOD:CLASS
                    use loader class MOD:CLASS for files ending in SUFFIX
                    (register_loader); repeatable
  --explain         run nothing: show the spec, each profile's dunders, the
                    sys changes and (for bytecode) the decoded header
  --json            with --explain: print one JSON object
  --version         print runpath_spec's version and exit
  -h, --help        show this help and exit
"""


def _usage():
    from ._profiles import PROFILES
    return USAGE_TEMPLATE.format(profiles=",".join(PROFILES))


class _UsageError(Exception):
    pass


#: Options without a value: option -> the key it sets True.
_FLAGS = {"--check-source": "check_source", "--import-hooks": "import_hooks",
          "--cache": "cache", "--explain": "explain", "--json": "json"}


def _profile_value(argv, i):
    """``(value, next index)`` of ``--profile VALUE``/``--profile=VALUE``."""
    from ._profiles import PROFILES
    arg = argv[i]
    if "=" in arg:
        value = arg.split("=", 1)[1]
    elif i + 1 == len(argv):
        raise _UsageError("--profile expects a value")
    else:
        i += 1
        value = argv[i]
    if value not in PROFILES:
        raise _UsageError("--profile expects {}, got {!r}".format(
            ", ".join(PROFILES), value))
    return value, i


#: Options with a value that may be given more than once: option -> key.
_LISTS = {"--hook": "hooks", "--loader": "loaders"}


def _option_value(argv, i):
    """``(value, next index)`` of ``--opt VALUE``/``--opt=VALUE`` at *i*."""
    arg = argv[i]
    if "=" in arg:
        return arg.split("=", 1)[1], i
    if i + 1 == len(argv):
        raise _UsageError("{} expects a value".format(arg))
    return argv[i + 1], i + 1


def _list_value(option, value):
    """A checked ``--hook``/``--loader`` value."""
    if option == "--loader":
        suffix, _, reference = value.partition("=")
        if not suffix.startswith(".") or ":" not in reference:
            raise _UsageError("--loader expects SUFFIX=MOD:CLASS, like "
                              "'.hy=hy.importer:HyLoader', got {!r}".format(
                                  value))
        return suffix, reference
    if not value or value.startswith(":"):
        raise _UsageError("--hook expects MOD or MOD:FUNC, got {!r}".format(
            value))
    return value


def _module_target(argv, i):
    """``(module, args)`` of ``-m MOD ARGS`` or ``-mMOD ARGS`` at *i*."""
    arg = argv[i]
    if len(arg) > 2:
        return arg[2:], argv[i + 1:]
    if i + 1 == len(argv):
        raise _UsageError("-m expects a module name")
    return argv[i + 1], argv[i + 2:]


def _parse(argv):
    """``(options, target, args)``; ``target`` is ``None`` for --help and
    --version.  Options end at the target (or ``--``), as python's do."""
    opts = {"profile": "python", "module": False, "hooks": [], "loaders": []}
    opts.update(dict.fromkeys(_FLAGS.values(), False))
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help", "--version"):
            opts["version" if arg == "--version" else "help"] = True
            return opts, None, []
        if arg in _FLAGS:
            opts[_FLAGS[arg]] = True
        elif arg == "--profile" or arg.startswith("--profile="):
            opts["profile"], i = _profile_value(argv, i)
        elif arg.split("=", 1)[0] in _LISTS:
            option = arg.split("=", 1)[0]
            value, i = _option_value(argv, i)
            opts[_LISTS[option]].append(_list_value(option, value))
        elif arg.startswith("-m"):
            opts["module"] = True
            return (opts,) + _module_target(argv, i)
        elif arg == "--":
            i += 1
            break
        elif arg.startswith("-") and arg != "-":
            raise _UsageError("unknown option {!r}".format(arg))
        else:
            break
        i += 1
    if i >= len(argv):
        raise _UsageError("expected a TARGET or -m MOD")
    return opts, argv[i], argv[i + 1:]


def _program():
    orig = getattr(sys, "orig_argv", None)
    return orig[0] if orig else sys.executable


_PACKAGE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "")


def _strip_own_frames(tb, code):
    """The traceback from the target's own frame on, as python shows it."""
    cur = tb
    while cur is not None:
        frame = cur.tb_frame
        if frame.f_code is code or (code is None and not frame.f_code
                                    .co_filename.startswith(_PACKAGE_DIR)):
            # (code None: a loader ran it, PEP 451: its first frame.)
            return cur
        cur = cur.tb_next
    return tb


def _install(opts):
    """Run the ``--hook``s and register the ``--loader``s, in order.  The
    values the hooks return are kept (an uninstaller, a manager) for as
    long as the process lives."""
    from ._plugins import load_class, register_loader
    for hook in opts["hooks"]:
        if ":" in hook:
            _KEPT.append(load_class(hook)())
        else:
            __import__(hook)
    for suffix, reference in opts["loaders"]:
        register_loader(load_class(reference), suffix)


_KEPT = []


def _prepare(target, args, opts):
    """The :class:`MainTarget`, or the exit status python gives a target
    it cannot run, after printing what python prints."""
    from ._main import MainTarget
    from .errors import RunpathError
    try:
        return MainTarget(target, args, module=opts["module"],
                          profile=opts["profile"],
                          check_source=opts["check_source"],
                          import_hooks=opts["import_hooks"],
                          cache=opts["cache"])
    except RunpathError as exc:
        # What python (runpy's _Error) prints for a target it cannot run.
        sys.stderr.write("{}: {}\n".format(sys.executable, exc))
        return 1
    except OSError as exc:
        where = exc.filename if exc.filename is not None else target
        sys.stderr.write("{}: can't open file {!r}: [Errno {}] {}\n".format(
            _program(), os.fsdecode(where), exc.errno, exc.strerror))
        return 2


def _explain(prepared, target, opts):
    from ._explain import explain, format_explanation
    info = explain(prepared)
    info = dict({"target": target, "module": opts["module"]}, **info)
    if opts["json"]:
        import json
        print(json.dumps(info, indent=2, sort_keys=True))
    else:
        print("target: {!r}{}".format(target, " (-m)" if opts["module"]
                                      else ""))
        print(format_explanation(info))
    return 0


def _run(prepared):
    """Run the target; report its exception as python would."""
    try:
        prepared.run()
    except SystemExit:
        raise
    except BaseException as exc:
        # The default hook prints exc.__traceback__, whatever tb it is given.
        exc.__traceback__ = _strip_own_frames(exc.__traceback__,
                                              prepared.code)
        if prepared.kind in ("custom", "hook") and \
                sys.excepthook is sys.__excepthook__:
            # A custom loader's source (a notebook's cells) is known only
            # to linecache, which the C printer does not read before 3.13.
            import traceback
            traceback.print_exception(type(exc), exc, exc.__traceback__)
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)
        if isinstance(exc, KeyboardInterrupt):
            _die_of_sigint()
        return 1
    return 0


def main(argv=None):
    """Run the CLI; return the exit status (the target's, if it exits)."""
    if argv is None:
        argv = sys.argv[1:]
    try:
        opts, target, args = _parse(argv)
    except _UsageError as exc:
        sys.stderr.write(_usage() + "\nerror: {}\n".format(exc))
        return 2
    if opts.get("help"):
        sys.stdout.write(_usage())
        return 0
    if opts.get("version"):
        from . import __version__
        print("runpath_spec", __version__)
        return 0
    try:
        _install(opts)
    except (ImportError, AttributeError, TypeError, ValueError) as exc:
        sys.stderr.write("{}: cannot install --hook/--loader: {}: {}\n".format(
            _program(), type(exc).__name__, exc))
        return 2
    prepared = _prepare(target, args, opts)
    if isinstance(prepared, int):
        return prepared
    if opts["explain"]:
        return _explain(prepared, target, opts)
    return _run(prepared)


def _die_of_sigint():  # pragma: no cover - exercised in a subprocess
    """Exit as python does on an uncaught KeyboardInterrupt: by SIGINT."""
    import signal
    sys.stdout.flush()
    sys.stderr.flush()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)


if __name__ == "__main__":
    sys.exit(main())
