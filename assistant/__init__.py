"""backlogsmith: raw feedback in, evidence-citing user stories out."""

__version__ = "0.1.0"
