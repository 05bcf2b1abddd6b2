"""Evals for backlogsmith: project-written cases (datasets/*.yaml), public-set adapters, graders, the runner."""

from __future__ import annotations

from evals.report import load_report, write_report

__all__ = ["load_report", "write_report"]
