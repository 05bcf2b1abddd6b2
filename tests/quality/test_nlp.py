"""The parser is loaded once, lazily; a missing model is a clear QualityError, not a traceback."""

from __future__ import annotations

import pytest

from assistant.errors import QualityError
from assistant.quality_rules import nlp


def test_missing_model_is_an_actionable_error(monkeypatch):
    import spacy

    def boom(*args, **kwargs):
        raise OSError("[E050] Can't find model")

    monkeypatch.setattr(nlp, "_nlp", None)
    monkeypatch.setattr(spacy, "load", boom)
    with pytest.raises(QualityError, match="pip install"):
        nlp.get_nlp()


def test_parse_is_cached_and_warm_batches():
    text = "I want to export invoices and archive receipts"
    nlp.warm([text, text])
    assert nlp.parse(text) is nlp.parse(text)
    assert [t.pos_ for t in nlp.parse(text)][1] == "VERB"
