"""assistant/urlmask.py: credentials in endpoint URLs never print, the rest of the URL still says where it goes."""

from __future__ import annotations

import logging

import pytest

from assistant.urlmask import MaskURLsInLogs, mask_url


@pytest.mark.parametrize(("url", "shown"), [
    ("http://localhost:11434/v1", "http://localhost:11434/v1"),
    ("http://bob:hunter2@llm.internal:8080/v1", "http://****@llm.internal:8080/v1"),
    ("http://tokenonly@llm.internal/v1", "http://****@llm.internal/v1"),
    ("http://u:p@[::1]:8080/v1", "http://****@[::1]:8080/v1"),
    ("https://x.openai.azure.com/?api-version=2024-10-21&api-key=abc",
     "https://x.openai.azure.com/?api-version=2024-10-21&api-key=****"),
    ("https://h/v1?sig=s&opaque=0123456789abcdefghijXYZ&x=1", "https://h/v1?sig=****&opaque=****&x=1"),
    ("http://h:99999/v1", "(an endpoint URL that cannot be parsed)"),
])
def test_mask_url(url: str, shown: str) -> None:
    assert mask_url(url) == shown


def test_log_filter_masks_url_arguments() -> None:
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, 'HTTP Request: %s %s "%s"',
                               ("POST", "http://bob:hunter2@h/v1?api-key=k", "200 OK"), None)
    assert MaskURLsInLogs().filter(record)
    assert record.getMessage() == 'HTTP Request: POST http://****@h/v1?api-key=**** "200 OK"'
