"""backlogsmith in the browser: `backlogsmith app` (or `make app`). Thin: the frame lives in assistant/ui/app.py."""

from __future__ import annotations

from assistant.ui.app import main

main()
