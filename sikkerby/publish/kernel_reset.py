"""Run inside a kernel that executes one chapter after another: back to a fresh kernel's state.

The run keeps one kernel per worker for the whole run (:class:`sikkerby.publish.execute.NotebookRunner`):
starting a kernel and importing pandas, matplotlib and the package costs more than most
chapters' own cells. So that a chapter cannot tell whether it is the first in its kernel,
:func:`remember` notes the kernel's state once, right after the imports, and :func:`reset`
brings the kernel back to it between two chapters:

* the user namespace, the input/output history and the execution count (IPython's
  ``reset(new_session=True)``: the next notebook's first cell is ``[1]`` again);
* open matplotlib figures, and matplotlib's ``rcParams``;
* pandas' options;
* the working folder, ``sys.path``, the environment variables and the warning filters
  (with the registry of warnings already shown, so a warning shows again in the next chapter);
* and the memory the last chapter freed goes back to the system (:func:`release_memory`).

What the warm-up imported is frozen for the garbage collector (``gc.freeze``), so collections
between and within chapters walk only the chapters' own objects.

Modules stay imported: that is the point. What a notebook changes inside a module's own
objects (monkeypatching a library) is not undone; a chapter that does so is published
correctly only when it runs first in its kernel. The project's notebooks do nothing of the
kind, and ``tests/e2e/test_kernel_reuse.py`` checks that every chapter's outputs are the same
in a fresh kernel and in a kernel that ran the other chapters first.

These functions change the process they run in; outside a kernel (in tests) they leave the
IPython part out.
"""

from __future__ import annotations

import gc
import os
import sys
import warnings
from dataclasses import dataclass, field

from sikkerby.publish.memory import release_memory


@dataclass
class KernelState:
    """What :func:`reset` restores."""

    cwd: str
    path: list[str]
    environ: dict[str, str]
    filters: list
    rc: dict = field(default_factory=dict)  # matplotlib's rcParams (without "backend"), when imported
    pandas_options: dict = field(default_factory=dict)  # pandas' options, when imported


_remembered: KernelState | None = None


def _rc_params() -> dict:
    mpl = sys.modules.get("matplotlib")
    if mpl is None:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated keys warn when read
        return {key: mpl.rcParams[key] for key in mpl.rcParams if key != "backend"}


def _pandas_option_names() -> list[str]:
    try:
        from pandas._config.config import (
            _registered_options,  # no public list of every option
        )
    except ImportError:
        return []
    return sorted(_registered_options)


def _pandas_options() -> dict:
    pd = sys.modules.get("pandas")
    if pd is None:
        return {}
    options = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated options warn when read
        for name in _pandas_option_names():
            try:
                options[name] = pd.get_option(name)
            except Exception:  # noqa: BLE001 - an option that cannot be read is not restored
                continue
    return options


def current_state() -> KernelState:
    """The state of this process that :func:`reset` restores."""
    return KernelState(os.getcwd(), list(sys.path), dict(os.environ), list(warnings.filters),
                       _rc_params(), _pandas_options())


def remember() -> None:
    """Note this kernel's state (call once, after the warm-up's imports), then :func:`reset` to it.

    What the imports made is moved out of the garbage collector's sight (``gc.freeze``): modules
    live as long as the kernel, and a full collection that walks them (about 0.03 s here, two per
    reset and more while the cells run) is then only over what the chapters themselves made.
    """
    global _remembered
    gc.collect()
    gc.freeze()
    _remembered = current_state()
    reset()


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - values that do not compare to one truth value (arrays): set again
        return False


def _restore(saved: dict, get, put) -> None:
    """Set back each ``saved`` setting whose value ``get(name)`` now differs (quietly: deprecated ones warn)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, value in saved.items():
            if not _same(get(name), value):
                put(name, value)


def reset() -> None:
    """Back to the state :func:`remember` noted: namespace, history, figures, options, folder, environment."""
    saved = _remembered
    shell = _ipython()
    if shell is not None:
        reset_shell(shell)
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
    release_memory()  # what the last chapter held, back to the system before the next one
    if saved is None:
        return
    if saved.rc:  # matplotlib was imported when the state was noted
        rc = sys.modules["matplotlib"].rcParams
        _restore(saved.rc, rc.__getitem__, rc.__setitem__)
    if saved.pandas_options:
        pd = sys.modules["pandas"]
        _restore(saved.pandas_options, pd.get_option, pd.set_option)
    os.chdir(saved.cwd)
    sys.path[:] = saved.path
    for name in set(os.environ) - set(saved.environ):
        del os.environ[name]
    for name, value in saved.environ.items():
        if os.environ.get(name) != value:
            os.environ[name] = value
    warnings.filters[:] = saved.filters
    mutated = getattr(warnings, "_filters_mutated", None)
    if mutated is not None:  # forget which warnings were shown already ("default"/"once" filters)
        mutated()


def reset_shell(shell) -> None:
    """IPython's reset (namespace, history, execution count back to 1) without the full garbage
    collection its output cache makes while the chapter's objects are still in the namespace (a
    fifth of a reset's time, and useless: :func:`release_memory` collects once, after)."""
    hook = shell.displayhook
    full_cache = hook.do_full_cache
    hook.do_full_cache = False  # skips only hook.flush(), which ends in gc.collect()
    try:
        shell.reset(new_session=True)
    finally:
        hook.do_full_cache = full_cache
    # the rest of flush(): the namespace's _1, _2 … and Out are gone with the reset; the hook's own
    # references to the last three results go here
    hook._ = hook.__ = hook.___ = ""


def _ipython():
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    return get_ipython()
