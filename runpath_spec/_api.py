"""``run_path`` and ``run_module``: a finder, then the executor."""

from . import _sysstate
from ._executor import execute
from ._finders import find_options, find_path
from ._kinds import SOURCE
from ._loaders import code_for_spec
from ._modules import module_details
from ._profiles import get_profile

__all__ = ["run_path", "run_module"]

def run_path(path_name, init_globals=None, run_name=None, *,
             profile="runpy", module=None, keep_module=False,
             check_source=False, import_hooks=False, loaders=None,
             cache=False):
    """Execute the code at *path_name* and return its globals.

    A drop-in for :func:`runpy.run_path`: *path_name* is a script (any
    suffix), a compiled file, or a directory or zip file with a
    ``__main__``; ``__name__`` is *run_name* (default ``"<run_path>"``);
    with the default ``profile="runpy"`` the result is exactly what the
    running interpreter's runpy gives.  ``profile="spec"`` or
    ``"python"`` give the other conventions; ``keep_module=True`` leaves
    the module in ``sys.modules`` (so objects from the target pickle);
    ``module=`` runs the code in a module object you give;
    ``check_source=True`` refuses a pyc whose source has changed
    (:class:`~runpath_spec.StalePycError`); ``import_hooks=True`` takes a
    script's spec from the import system, so import hooks reach it;
    ``loaders`` adds loaders by suffix for this call (see
    :func:`~runpath_spec.spec_from_path`); ``cache=True`` takes a source
    target's code from a PEP 3147 bytecode cache (``__pycache__``, or
    ``sys.pycache_prefix``), written atomically, validated by timestamp (by
    checked hash when ``SOURCE_DATE_EPOCH`` is set), never written where
    it cannot be (``sys.dont_write_bytecode``, a read-only directory, a
    file without a ``.py`` suffix: then kept in memory, until the file
    changes or :func:`importlib.invalidate_caches` is called).

    Differs from runpy where runpy is wrong: a directory or zip without
    ``__main__`` raises :class:`~runpath_spec.MainNotFoundError` instead of
    running a ``__main__`` found elsewhere on ``sys.path``; bytecode is
    validated; a FIFO is read once; ``sys`` is restored by ownership, so
    overlapping runs in threads leave it as it was.
    """
    chosen = get_profile(profile)
    if run_name is None:
        run_name = "<run_path>"
    target = find_path(chosen.lookup_path(path_name), run_name,
                       chosen.script_filename(path_name),
                       find_options(check_source, import_hooks, loaders,
                                    cache))
    argv0 = chosen.shown_argv0(path_name)
    spec = target.spec
    if not target.kind.is_entry:
        refused = target.kind is SOURCE and \
            chosen.source_script_error(spec.origin)
        if refused:
            raise refused
        # A foreign loader is asked for code once the module is in place.
        code = None if target.kind.code_late else code_for_spec(spec)
        return execute(spec, code, run_name=run_name,
                       init_globals=init_globals, profile=chosen,
                       module=module, keep_module=keep_module, argv0=argv0)
    # A directory or zip is a sys.path entry while its __main__ runs, so
    # that the modules beside __main__ import.
    with _sysstate.PathEntry(target.entry):
        return execute(spec, code_for_spec(spec), run_name=run_name,
                       init_globals=init_globals, profile=chosen,
                       module=module, keep_module=keep_module, argv0=argv0,
                       pkg_name=chosen.entry_package(run_name))


def run_module(mod_name, init_globals=None, run_name=None, alter_sys=False,
               *, profile="runpy", module=None, keep_module=False):
    """Execute module *mod_name* without importing it; return its globals.

    A drop-in for :func:`runpy.run_module`: a package runs its
    ``__main__``; ``__name__`` is *run_name* (default: the module's name);
    with *alter_sys* ``sys.argv[0]`` and ``sys.modules[run_name]`` point at
    the run while it runs.  ``profile``, ``module`` and ``keep_module`` as
    for :func:`run_path`; the ``"spec"`` profile always registers the
    module while it runs, so relative imports, pickling and
    ``dataclasses`` work inside it.
    """
    chosen = get_profile(profile)
    mod_name, spec, code = module_details(mod_name)
    if run_name is None:
        run_name = mod_name
    register = alter_sys or chosen.registers_module or keep_module
    if module is None and not register:
        module = _Namespace()
    return execute(spec, code, run_name=run_name, init_globals=init_globals,
                   profile=chosen, module=module, keep_module=keep_module,
                   register=register,
                   argv0=spec.origin if alter_sys else None)


class _Namespace:
    """runpy's ``run_module(alter_sys=False)`` runs in a plain new dict:
    an instance of this empty class has exactly that as its ``__dict__``."""
