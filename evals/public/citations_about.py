"""How many story-level citations of a drafted workspace are not about their story's goal (assistant.verify.about).

`python -m evals.public.citations_about WORKSPACE [INBOX]`: per workspace, its stories, their citations and the ones
the gate's about-the-goal check finds off the goal (on the stored stories: for a workspace drafted before the check,
what it would strip; after, what is left, ~0). With INBOX `bank` (CLINC150 intents), each citation is also compared
with the gold intent most of its story's citations share: off-intent citations stripped / kept, same-intent stripped.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path


def measure(workspace: Path, inbox: str = "") -> dict[str, int]:
    from assistant.repository import load_items, load_stories
    from assistant.settings import resolve_settings
    from assistant.verify.about import off_goal
    from assistant.workspace import Workspace

    ws = Workspace(resolve_settings(env={}, workspace=workspace))
    try:
        with ws.transaction() as s:
            stories = [st for st in load_stories(s) if st.kind == "story"]
            items = {i.id: i for i in load_items(s, sorted({i for st in stories for i in st.evidence}))}
            pool = load_items(s, include_duplicates=False, kind="feedback")
    finally:
        ws.close()
    gold: dict[str, str] = {}
    if inbox:
        from evals.public.inboxes import gold as gold_of

        gold = gold_of(inbox)
    from assistant.stories.asks import read_asks, subject_noun
    from assistant.verify.gate import common_words

    # read as the gate reads them: with the inbox's product noun standing in for a bare "it"
    asks = read_asks(list(items.values()), subject_noun(pool, common_words(pool)))
    out = Counter(stories=len(stories), ready=sum(st.ready for st in stories))
    for st in stories:
        off = set(off_goal(st.goal, st.evidence, items, asks))
        out["citations"] += len(st.evidence)
        out["off_goal"] += len(off)
        if gold:
            main = Counter(gold.get(items[i].text, "?") for i in st.evidence).most_common(1)[0][0]
            for i in st.evidence:
                other = gold.get(items[i].text, "?") != main
                key = ("off_intent_" if other else "same_intent_") + ("stripped" if i in off else "kept")
                out[key] += 1
    return dict(out)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(__doc__)
        return 2
    print(Path(args[0]).name, measure(Path(args[0]), args[1] if len(args) > 1 else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
