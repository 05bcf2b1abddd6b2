"""How the checks on model output behave on real text nobody here wrote (no model needed).

1. Triage cross-check (assistant.triage.crosscheck): for each Maalej review and CLINC bank message, an *honest*
   model is simulated by the gold label mapped to our types, a *flipping* model by the opposite label. Reported:
   the share of honest labels flagged (false alarms) and the share of flips caught.
2. Link detection (assistant.llm.links): the share of human-written texts (22 Dalpiaz backlogs, Maalej reviews)
   in which a link is found; in model output such a text is refused unless the cited feedback holds the link.

    python -m evals.public.llm_checks [--limit N]
"""

from __future__ import annotations

import argparse
from collections import Counter

from assistant.models import FeedbackItem, Sentiment, SourceRef, Triage, Urgency
from evals.public import datasets_dir
from evals.public.inboxes import bank, maalej

MAALEJ_TYPES = {"bug_report": "bug", "feature_request": "feature_request", "user_experience": "experience"}
FLIP = {"bug": "praise", "complaint": "praise", "praise": "bug", "question": "bug", "feature_request": "bug",
        "experience": "bug"}


def _label(type_: str) -> Triage:
    sentiment = {"praise": ("positive", 0.8), "bug": ("negative", -0.6), "complaint": ("negative", -0.5)}
    label, score = sentiment.get(type_, ("neutral", 0.0))
    return Triage(type=type_, sentiment=Sentiment(label=label, score=score),  # type: ignore[arg-type]
                  urgency=Urgency(label="low", reason=""), engine="simulated")


def _items() -> list[tuple[FeedbackItem, str]]:
    out = []
    for n, r in enumerate(maalej(400)):
        gold = MAALEJ_TYPES.get(r["gold"]) or ("praise" if float(r["rating"] or 3) >= 4 else "complaint")
        out.append((FeedbackItem(id=f"m{n}", text=r["review"], source=SourceRef(path="maalej", row=n + 1),
                                 metadata={"rating": r["rating"], "subject": r["title"]}), gold))
    for n, r in enumerate(bank()):
        text = r["message"]
        gold = "question" if "?" in text or text.split()[0].lower() in (
            "how", "what", "why", "can", "could", "is", "are", "do", "does", "where", "when", "which", "will") \
            else "feature_request"
        out.append((FeedbackItem(id=f"b{n}", text=text, source=SourceRef(path="bank", row=n + 1)), gold))
    return out


def crosscheck(limit: int = 0) -> dict[str, float]:
    from assistant.embeddings import make_embedder
    from assistant.settings import resolve_settings
    from assistant.triage.crosscheck import contradiction
    from assistant.triage.engine import triage_batch
    from assistant.triage.service import triage_text

    pairs = _items()[: limit or None]
    texts = [triage_text(it) for it, _ in pairs]
    embedder = make_embedder(resolve_settings(env={}))
    offline = triage_batch(texts, [it.metadata.get("rating") for it, _ in pairs], embedder.embed(texts), embedder)
    counts: Counter[str] = Counter()
    for (item, gold), text, off in zip(pairs, texts, offline):
        src = "maalej" if item.id.startswith("m") else "bank"
        counts[f"{src}_items"] += 1
        counts[f"{src}_false_flags"] += bool(contradiction(item, text, _label(gold), off))
        counts[f"{src}_flips_caught"] += bool(contradiction(item, text, _label(FLIP[gold]), off))
    out = {}
    for src in ("maalej", "bank"):
        n = counts[f"{src}_items"] or 1
        out[f"{src}_items"] = counts[f"{src}_items"]
        out[f"{src}_false_flag_rate"] = round(counts[f"{src}_false_flags"] / n, 3)
        out[f"{src}_flip_catch_rate"] = round(counts[f"{src}_flips_caught"] / n, 3)
    return out


def link_false_positives() -> dict[str, object]:
    from assistant.llm.links import links_in

    stories = [line.strip() for path in sorted((datasets_dir() / "stories" / "dalpiaz_2018").glob("*.txt"))
               for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    reviews = [r["review"] for r in maalej(400)]
    out: dict[str, object] = {}
    for name, texts in (("dalpiaz_stories", stories), ("maalej_reviews", reviews)):
        hits = [(t, sorted(links_in([t]))) for t in texts if links_in([t])]
        out[f"{name}_texts"] = len(texts)
        out[f"{name}_with_link"] = len(hits)
        out[f"{name}_examples"] = [h[1] for h in hits[:8]]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="items for the cross-check (0 = all)")
    args = parser.parse_args(argv)
    for key, value in {**crosscheck(args.limit), **link_false_positives()}.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
