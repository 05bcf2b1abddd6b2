"""Adapters and metrics for public evaluation datasets (read by path from ../shared/datasets; never shipped)."""
