"""Benchmarks behind `backlogsmith bench [PART]`.

Every module in this package that defines `NAME` and `run(*, quick: bool) -> dict` is a part; adding a part
is dropping a module here (no registry to edit). Each result dict has at least `part` and `passed`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

Part = Callable[..., dict[str, Any]]


def parts() -> dict[str, Part]:
    """name -> run function of every benchmark module in this package, sorted by name."""
    found: dict[str, Part] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        name, run = getattr(module, "NAME", None), getattr(module, "run", None)
        if isinstance(name, str) and callable(run):
            found[name] = run
    return dict(sorted(found.items()))
