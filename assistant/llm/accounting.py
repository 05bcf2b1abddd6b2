"""Token and cost accounting per run: counted by the provider, stored as LLMRunRow, printed by the CLI."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.tables import LLMRunRow

# USD per 1M tokens (input, output). Override or extend with the workspace setting "llm_prices":
# {"my-model": {"input": 0.5, "output": 1.5}}. Unknown models are shown as "price unknown", never guessed.
DEFAULT_PRICES: dict[str, dict[str, float]] = {
    "gpt-4o-mini": {"input": 0.15, "output": 0.60},
    "gpt-4o": {"input": 2.50, "output": 10.00},
    "gpt-4.1-mini": {"input": 0.40, "output": 1.60},
    "gpt-4.1-nano": {"input": 0.10, "output": 0.40},
    "gpt-4.1": {"input": 2.00, "output": 8.00},
}


@dataclass
class Usage:
    calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    repairs: int = 0
    retries: int = 0
    failures: int = 0


@dataclass
class Ledger:
    """Thread-safe counters for one provider (one command run)."""

    model: str
    prices: dict[str, dict[str, float]] = field(default_factory=lambda: dict(DEFAULT_PRICES))
    usage: Usage = field(default_factory=Usage)
    # step -> (how many times the offline engine stood in, the first reason): printed so the PO knows why.
    fallbacks: dict[str, tuple[int, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def fallback(self, step: str, reason: str) -> None:
        """Remember that `step` used the offline engine for one unit of work, and why (first reason kept)."""
        with self._lock:
            n, first = self.fallbacks.get(step, (0, reason))
            self.fallbacks[step] = (n + 1, first)

    def fallback_notes(self) -> list[str]:
        """One plain line per step that fell back to the offline engine."""
        with self._lock:
            return [f"{step}: the offline engine was used {n} time(s) instead of the LLM because {reason}"
                    for step, (n, reason) in self.fallbacks.items()]

    def add(self, **counts: int) -> None:
        with self._lock:
            for key, n in counts.items():
                setattr(self.usage, key, getattr(self.usage, key) + n)

    def snapshot(self) -> Usage:
        with self._lock:
            return Usage(**asdict(self.usage))

    def cost_usd(self) -> float | None:
        """Cost from the price table; None when the model has no price."""
        price = self.prices.get(self.model)
        if price is None:
            return None
        u = self.snapshot()
        return (u.prompt_tokens * float(price.get("input", 0)) + u.completion_tokens * float(price.get("output", 0))) / 1e6

    def summary(self) -> str:
        """One line for the end of a command."""
        u = self.snapshot()
        cost = self.cost_usd()
        money = f"≈ ${cost:.4f}" if cost is not None else "price unknown (set the workspace setting llm_prices)"
        line = (
            f"LLM {self.model}: {u.calls} call(s), {u.cache_hits} cached, "
            f"{u.prompt_tokens:,} prompt + {u.completion_tokens:,} completion tokens, {money}"
        )
        if u.repairs or u.retries or u.failures:
            line += f"; {u.repairs} repair(s), {u.retries} retry(ies), {u.failures} failed output(s)"
        return "\n".join([line, *self.fallback_notes()])


def prices_for(ws: Any | None) -> dict[str, dict[str, float]]:
    """Default price table overlaid with the workspace's llm_prices setting."""
    table = dict(DEFAULT_PRICES)
    if ws is not None:
        custom = ws.get_setting("llm_prices") or {}
        if isinstance(custom, dict):
            table.update({str(k): dict(v) for k, v in custom.items() if isinstance(v, dict)})
    return table


def record_run(ws: Any, ledger: Ledger, command: str) -> LLMRunRow | None:
    """Store this run's usage (nothing when no call or cache hit happened)."""
    u = ledger.snapshot()
    if not (u.calls or u.cache_hits):
        return None
    row = LLMRunRow(
        command=command[:64], model=ledger.model[:256], calls=u.calls, cache_hits=u.cache_hits,
        prompt_tokens=u.prompt_tokens, completion_tokens=u.completion_tokens, cost_usd=ledger.cost_usd() or 0.0,
    )
    with ws.transaction() as s:
        s.add(row)
    return row
