"""Triage: type, sentiment and urgency for every item (offline engine by default, an LLM when configured)."""

from assistant.triage.engine import TYPES, Weights, triage_batch, triage_one
from assistant.triage.service import item_vectors, triage_items

__all__ = ["TYPES", "Weights", "item_vectors", "triage_batch", "triage_items", "triage_one"]
