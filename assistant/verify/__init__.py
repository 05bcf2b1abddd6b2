"""The verification gate: citations must support what cites them; no garbled goal, generic benefit or
criterion, or role the evidence does not show. See assistant/verify/gate.py for the flow."""

from assistant.verify.garble import garbled_reason
from assistant.verify.gate import (
    GATE_CRITERIA,
    Verified,
    generic_criteria,
    text_findings,
    verify_stories,
    verify_story,
)
from assistant.verify.support import CachedEmbed, Support, citation_support

__all__ = [
    "GATE_CRITERIA", "CachedEmbed", "Support", "Verified", "citation_support", "garbled_reason", "generic_criteria",
    "text_findings", "verify_stories", "verify_story",
]
