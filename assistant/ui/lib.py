"""The library calls the UI makes, resolved at call time so one missing step never breaks the other pages."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from assistant.settings import Settings
from assistant.workspace import Workspace


class FeatureMissing(ImportError):
    """A library step the page needs is not in this build."""


def resolve(module: str, name: str) -> Callable[..., Any]:
    """module.name, or FeatureMissing naming what is absent."""
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise FeatureMissing(f"{module} cannot be imported: {exc}") from None
    fn = getattr(mod, name, None)
    if fn is None:
        raise FeatureMissing(f"{module}.{name} does not exist yet")
    return fn


def available(module: str, name: str) -> bool:
    try:
        resolve(module, name)
    except FeatureMissing:
        return False
    return True


def call(module: str, attr: str, /, *args: Any, **kwargs: Any) -> Any:
    """Call module.attr, dropping keyword arguments it does not accept (e.g. an optional expected_version)."""
    fn = resolve(module, attr)
    params = inspect.signature(fn).parameters
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        kwargs = {k: v for k, v in kwargs.items() if k in params}
    return fn(*args, **kwargs)


def provider(ws: Workspace, settings: Settings | None = None) -> Any:
    """The LLM provider chosen now (Settings page / env), or None for the offline engine."""
    if not available("assistant.llm", "get_provider"):
        return None
    return call("assistant.llm", "get_provider", settings or ws.settings, ws)
