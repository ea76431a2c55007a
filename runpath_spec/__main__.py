"""``python -m runpath_spec [options] (TARGET | -m MOD | -c CODE | -) [ARGS...]``.

Behaves like ``python TARGET ARGS`` (or ``-m MOD``, ``-c CODE``, ``-``): the
same namespace, ``sys.argv`` and ``sys.path``, the same output, the same
traceback (runpy's frames for ``-m``, directories and zips, none of
runpath_spec's) and exit status.  Built on the public API alone: what it
needs is in ``runpath_spec.__all__``.
"""

import os
import sys

USAGE_TEMPLATE = """\
usage: python -m runpath_spec [options] (TARGET | -m MOD | -c CODE | -)
                               [ARGS...]
       python -m runpath_spec (--install-runpy | --uninstall-runpy |
                               --runpy-status) [--user]

Run TARGET (a script, .pyc, directory or zip with __main__), module MOD,
CODE or the program on stdin (-) the way `python TARGET ARGS`,
`python -m MOD ARGS`, `python -c CODE ARGS` or `python - ARGS` would.

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
  --alias-main      with -m: the running module is also sys.modules[MOD]
                    (PEP 499), so `import MOD` does not run it a second time
  --explain         run nothing: show the spec, each profile's dunders, the
                    sys changes and (for bytecode) the decoded header
  --json            with --explain: print one JSON object
  --trace           with --explain: every decision, in order -- why the
                    target got its kind, each plug-in, hook and finder asked
                    and its answer, the loader chosen, where each attribute
                    comes from
  --dot             with --explain: the decision path as Graphviz source
  --version         print runpath_spec's version and exit
  --install-runpy   make runpath_spec.compat this environment's runpy, loaded
                    only when runpy is first used: writes a .pth file and a
                    small stand-in module into site-packages (idempotent)
  --uninstall-runpy remove exactly what --install-runpy wrote
  --runpy-status    say whether the stand-in is installed, and where
  --user            with the three above: the user site-packages instead
  -h, --help        show this help and exit
"""


def _usage():
    from runpath_spec import PROFILE_NAMES
    return USAGE_TEMPLATE.format(profiles=",".join(PROFILE_NAMES))


class _UsageError(Exception):
    pass


#: Options without a value: option -> the key it sets True.
_FLAGS = {"--check-source": "check_source", "--import-hooks": "import_hooks",
          "--cache": "cache", "--explain": "explain", "--json": "json",
          "--trace": "trace", "--dot": "dot",
          "--user": "user", "--alias-main": "alias_main"}

#: Options that run no target: option -> the runpath_spec function it calls.
_ACTIONS = {"--install-runpy": "install_runpy",
            "--uninstall-runpy": "uninstall_runpy",
            "--runpy-status": "runpy_status"}


def _profile_value(argv, i):
    """``(value, next index)`` of ``--profile VALUE``/``--profile=VALUE``."""
    from runpath_spec import PROFILE_NAMES as PROFILES
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


def _is_reference(reference, attribute):
    """Is *reference* ``MOD`` or ``MOD:ATTR.ATTR`` (*attribute*: must have
    the ``:ATTR`` part), with dotted names that could be imported?"""
    module, colon, attrs = reference.partition(":")
    return all(part.isidentifier() for part in module.split(".")) and (
        all(part.isidentifier() for part in attrs.split("."))
        if colon or attribute else True)


def _list_value(option, value):
    """A checked ``--hook``/``--loader`` value: all of them are checked
    before any hook is imported or run."""
    if option == "--loader":
        suffix, _, reference = value.partition("=")
        if not suffix.startswith(".") or not _is_reference(reference, True):
            raise _UsageError("--loader expects SUFFIX=MOD:CLASS, like "
                              "'.hy=hy.importer:HyLoader', got {!r}".format(
                                  value))
        # register_loader's own rule, before anything is imported.
        from runpath_spec import check_loader_suffixes
        try:
            check_loader_suffixes(suffix)
        except ValueError as exc:
            raise _UsageError("--loader {!r}: {}".format(value, exc)) \
                from None
        return suffix, reference
    if not _is_reference(value, False):
        raise _UsageError("--hook expects MOD or MOD:FUNC, got {!r}".format(
            value))
    return value


def _module_target(argv, i):
    """``(module, args)`` of ``-m MOD ARGS`` or ``-mMOD ARGS`` at *i* (and
    of ``-c CODE ARGS``)."""
    arg = argv[i]
    if len(arg) > 2:
        return arg[2:], argv[i + 1:]
    if i + 1 == len(argv):
        raise _UsageError("-m expects a module name" if arg == "-m"
                          else "-c expects an argument")
    return argv[i + 1], argv[i + 2:]


def _parse(argv):
    """``(options, target, args)``; ``target`` is ``None`` for --help and
    --version.  Options end at the target (or ``--``), as python's do."""
    opts = {"profile": "python", "module": False, "command": False,
            "action": None,
            "hooks": [], "loaders": []}
    opts.update(dict.fromkeys(_FLAGS.values(), False))
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help", "--version"):
            opts["version" if arg == "--version" else "help"] = True
            return opts, None, []
        if arg in _FLAGS:
            opts[_FLAGS[arg]] = True
        elif arg in _ACTIONS:
            opts["action"] = arg
        elif arg == "--profile" or arg.startswith("--profile="):
            opts["profile"], i = _profile_value(argv, i)
        elif arg.split("=", 1)[0] in _LISTS:
            option = arg.split("=", 1)[0]
            value, i = _option_value(argv, i)
            opts[_LISTS[option]].append(_list_value(option, value))
        elif arg.startswith("-m") or arg.startswith("-c"):
            opts["module" if arg.startswith("-m") else "command"] = True
            module, args = _module_target(argv, i)
            return _checked(opts, [module] + args)
        elif arg == "--":
            i += 1
            break
        elif arg.startswith("-") and arg != "-":
            raise _UsageError("unknown option {!r}".format(arg))
        else:
            break
        i += 1
    return _checked(opts, argv[i:])


def _checked(opts, rest):
    """``(options, target, args)`` once the options are read."""
    if opts["action"] is not None:
        if rest or opts["module"] or opts["command"]:
            raise _UsageError("{} takes no TARGET".format(opts["action"]))
        return opts, None, []
    if opts["user"]:
        raise _UsageError("--user goes with --install-runpy, "
                          "--uninstall-runpy or --runpy-status")
    if not rest:
        raise _UsageError("expected a TARGET or -m MOD")
    if opts["explain"] and (opts["command"] or rest[0] == "-"):
        raise _UsageError("--explain expects a TARGET file or -m MOD, "
                          "got {}".format("-c" if opts["command"] else "-"))
    return opts, rest[0], rest[1:]


def _program():
    orig = getattr(sys, "orig_argv", None)
    return orig[0] if orig else sys.executable


class _HookError(Exception):
    """A ``--hook`` that is not an install function, or that exited."""


def _install_hook(hook, load_class):
    """Import the ``--hook`` *hook* and call its function, if it names one."""
    try:
        if ":" not in hook:
            __import__(hook)
            return
        install = load_class(hook)
        if not callable(install):
            raise _HookError(
                "--hook {!r}: expected a function that installs an import "
                "hook, found {!r}".format(hook, install))
        _KEPT.append(install())
    except SystemExit as exc:
        # (sys:exit, say): the target would never run, and the exit
        # status would not say why.
        raise _HookError(
            "--hook {!r}: it exited (SystemExit: {!r}), expected it to "
            "install an import hook and return".format(hook, exc.code)) \
            from None


def _install_hooks(opts):
    """Run the ``--hook``s and register the ``--loader``s, in order.  The
    values the hooks return are kept (an uninstaller, a manager) for as
    long as the process lives."""
    from runpath_spec import load_class, register_loader
    for hook in opts["hooks"]:
        _install_hook(hook, load_class)
    for suffix, reference in opts["loaders"]:
        register_loader(load_class(reference), suffix)


_KEPT = []


def _prepare(target, args, opts):
    """The :class:`MainTarget`, or the exit status python gives a target
    it cannot run, after printing what python prints."""
    from runpath_spec import MainTarget
    find = (MainTarget.found_without_running if opts["explain"]
            else MainTarget)
    try:
        return find(target, args, module=opts["module"],
                    command=opts["command"], profile=opts["profile"],
                    alias_main=opts["alias_main"],
                    check_source=opts["check_source"],
                    import_hooks=opts["import_hooks"],
                    cache=opts["cache"])
    except BaseException as exc:  # a parent package's (-m) included
        return MainTarget.start_failed(exc, target, module=opts["module"])


def _explain(prepared, target, opts, trace):
    from runpath_spec import explain, format_explanation
    info = explain(prepared, trace)
    info = dict({"target": target, "module": opts["module"]}, **info)
    if opts["module"]:
        info["note"] = ("found without importing the parent packages: an "
                        "__init__ that changes its __path__ may make python "
                        "-m find another file")
    if opts["json"]:
        import json
        print(json.dumps(info, indent=2, sort_keys=True))
    elif opts["dot"]:
        print(format_explanation(info, "dot"))
    else:
        print("target: {!r}{}".format(target, " (-m)" if opts["module"]
                                      else ""))
        print(format_explanation(info))
        if opts["module"]:
            print("\nnote: " + info["note"])
    if not info["runs"]:
        # What running it would print, and python's status for it.
        sys.stderr.write("{}: {}\n".format(sys.executable,
                                            info["cannot_run"]))
        return 1
    return 0


def _explain_trace(opts):
    """The :class:`~runpath_spec.Trace` ``--explain --trace``/``--dot``
    records the finding with, else ``None``."""
    if not (opts["explain"] and (opts["trace"] or opts["dot"])):
        return None
    from runpath_spec import Trace
    return Trace()


def _failed_trace(trace, opts):
    """The steps decided before the target was refused (the error itself
    is on stderr)."""
    if opts["json"]:
        import json
        print(json.dumps({"runs": False, "trace": trace.as_dicts()},
                         indent=2, sort_keys=True))
    else:
        print(trace.format())


def _run(prepared):
    """Compile and run the target; end as python would: the status."""
    try:
        prepared.code  # compiled first: a bad pyc cannot run either
        # python leaves sys as the target left it, for atexit handlers,
        # sys.excepthook and threads still running: so does the CLI.
        prepared.run(restore=False)
    except BaseException as exc:
        return prepared.finish(exc)
    return prepared.finish()


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
        import runpath_spec
        print("runpath_spec", runpath_spec.__version__)
        return 0
    if opts["action"] is not None:
        return _runpy_action(opts)
    try:
        _install_hooks(opts)
    except _HookError as exc:
        sys.stderr.write("{}: cannot install {}\n".format(_program(), exc))
        return 2
    except (ImportError, AttributeError, TypeError, ValueError) as exc:
        sys.stderr.write("{}: cannot install --hook/--loader: {}: {}\n".format(
            _program(), type(exc).__name__, exc))
        return 2
    trace = _explain_trace(opts)
    if trace is None:
        prepared = _prepare(target, args, opts)
    else:
        with trace:
            prepared = _prepare(target, args, opts)
    if isinstance(prepared, int):
        if trace is not None:
            _failed_trace(trace, opts)
        return prepared
    if opts["explain"]:
        return _explain(prepared, target, opts, trace)
    return _run(prepared)


def _runpy_action(opts):
    """--install-runpy, --uninstall-runpy or --runpy-status."""
    import runpath_spec
    action = getattr(runpath_spec, _ACTIONS[opts["action"]])
    try:
        return action(user=opts["user"])
    except (runpath_spec.InstallError, OSError) as exc:
        sys.stderr.write("error: {}\n".format(exc))
        return 1


if __name__ == "__main__":
    sys.exit(main())
