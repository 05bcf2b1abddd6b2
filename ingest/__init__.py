"""Source readers, encoding detection, column mapping and PII redaction (filled in by the foundation issue)."""
